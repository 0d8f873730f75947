"""ecsdeck's entry point: command line -> settings -> (the sandbox for --demo) -> App, or a
command for scripts (``ecsdeck problems``: ``COMMANDS``).

The one module that imports the app (tui/app.py) and the sandbox (aws/sandbox, the
`sandbox-demo-only` import contract): screens, flows and the app itself never do. A command
gets the sandbox through ``account`` (passed to it), and never loads the app (nor textual)."""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NoReturn

from aws.session import SessionConfigError, SessionSettings, check_settings
from tui import config
from tui.config import Settings
from tui.crash import write_crash_log

#: The one command that adds what ``--demo`` needs (the sandbox's server stack).
DEMO_INSTALL = "pip install 'ecsdeck[demo]'"

#: ``ecsdeck NAME ...`` -> the module whose ``main(argv, account) -> exit status`` runs it
#: (imported only when asked for). A new command is one line here.
COMMANDS = {
    "problems": "tui.cli_problems",
    "changes": "tui.cli_changes",
}


def fail(message: str) -> NoReturn:
    print(f"ecsdeck: {message}", file=sys.stderr)
    raise SystemExit(2)


def start_sandbox(settings: Settings) -> tuple[subprocess.Popen[str], Settings]:
    """``--demo``: the sandbox's server as a child process, and the settings pointed at it
    with dummy credentials (a profile or session token from the shell must not leak in)."""
    from aws.sandbox import installed

    if not installed():
        fail(f"--demo needs the sandbox's packages; install them with: {DEMO_INSTALL}")
    from aws.sandbox.server import spawn_sandbox

    log = sandbox_log()
    where = f" (its log: {log.name})" if log else ""
    print(f"Starting the ecsdeck sandbox (a local mock of AWS)…{where}", file=sys.stderr)
    args = ["--seed", str(settings.demo_seed)]
    if settings.demo_latency_ms:
        args += ["--latency-ms", str(settings.demo_latency_ms)]
    if settings.demo_throttle:
        args.append("--throttle")
    regions = settings.demo_regions.split(",")
    several = settings.demo_accounts > 1 or regions != ["us-east-1"]
    if several:
        args += ["--accounts", str(settings.demo_accounts), "--regions", settings.demo_regions]
    try:
        sandbox, url = spawn_sandbox(args, stderr=log)
    except RuntimeError as exc:
        fail(f"{exc}; see {log.name}" if log else str(exc))
    if several:
        return sandbox, demo_profiles(settings, url, regions)
    os.environ["AWS_ACCESS_KEY_ID"] = "sandbox"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "sandbox"
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    return sandbox, settings.model_copy(
        update={"endpoint_url": url, "region": "us-east-1", "profile": None}
    )


def sandbox_log() -> IO[str] | None:
    """Where the demo sandbox's stderr goes: a file under the state directory, since its log
    lines (a warning, a simulator traceback) would draw over the TUI. None: inherited."""
    from aws.state import state_dir

    try:
        state_dir().mkdir(parents=True, exist_ok=True)
        return (state_dir() / "sandbox.log").open("w", encoding="utf-8")
    except OSError:
        return None


def demo_profiles(settings: Settings, url: str, regions: list[str]) -> Settings:
    """Several demo accounts: a temporary AWS config and credentials file with one profile per
    account (static keys, then assume-role), used through the standard chain; the app opens on
    the first profile and region, and ``:profile`` / ``:region`` reach the others."""
    from aws.sandbox.profiles import write_profiles

    directory = Path(tempfile.mkdtemp(prefix="ecsdeck-demo-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    written = write_profiles(url, settings.demo_accounts, regions[0], directory)
    os.environ["AWS_CONFIG_FILE"] = str(written.config_file)
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(written.credentials_file)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.pop(name, None)
    print(
        f"Sandbox profiles: {', '.join(written.names)}; regions: {', '.join(regions)} "
        f"(AWS_CONFIG_FILE={written.config_file}). Opening every profile in every region "
        "(:ctx narrows the view).",
        file=sys.stderr,
    )
    # Every account x region is a context, unless --profiles/--regions/--contexts chose some.
    every = settings.context_plan() is None
    return settings.model_copy(
        update={"endpoint_url": url, "region": regions[0], "profile": written.names[0]}
        | ({"profiles": list(written.names), "regions": regions} if every else {})
    )


@contextmanager
def account(settings: Settings) -> Iterator[Settings]:
    """The settings to talk to AWS with, checked (profile, region, endpoint) before any request:
    for ``--demo``, pointed at the sandbox, which is stopped when the block ends."""
    sandbox = None
    if settings.demo:
        sandbox, settings = start_sandbox(settings)
    try:
        try:
            # Several contexts are checked each on its own (one line per broken one), not here.
            if settings.context_plan() is None:
                check_settings(
                    SessionSettings(
                        profile=settings.profile,
                        region=settings.region,
                        endpoint_url=settings.endpoint_url,
                    )
                )
        except SessionConfigError as exc:
            fail(str(exc))
        yield settings
    finally:
        if sandbox is not None:
            sandbox.terminate()
            try:
                sandbox.wait(timeout=10)
            except Exception:
                sandbox.kill()


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        command = importlib.import_module(COMMANDS[argv[0]])
        try:
            raise SystemExit(command.main(argv[1:], account))
        except config.SettingsError as exc:
            fail(str(exc))
    try:
        settings = config.load(argv)
    except config.SettingsError as exc:
        fail(str(exc))
    with account(settings) as settings:
        run_app(settings)


def run_app(settings: Settings) -> None:
    from tui.app import EcsDeckApp  # here: a command for scripts never loads textual
    from tui.config_plugins import check_aliases
    from tui.resources import command_words

    if problem := check_aliases(settings.aliases, set(command_words())):
        fail(f"settings: {problem}")
    app = EcsDeckApp(settings)
    try:
        app.run()  # restores the terminal however it ends
    except Exception as exc:
        print(
            f"ecsdeck: unexpected error ({type(exc).__name__}); the traceback is in "
            f"{write_crash_log(exc)}",
            file=sys.stderr,
        )
        raise SystemExit(1) from None
    if app.crash_log:
        print(f"ecsdeck: unexpected error; the traceback is in {app.crash_log}", file=sys.stderr)
    if app.return_code:
        raise SystemExit(app.return_code)


if __name__ == "__main__":
    main()
