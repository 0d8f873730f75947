"""ecsdeck's entry point: command line -> settings -> App. Screens do the rest."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import NoReturn

from textual.app import App
from textual.binding import Binding

from aws.models import Identity, Service
from aws.session import Clients, SessionConfigError, SessionSettings, check_settings
from tui import config, heap
from tui.commands import ActionCommands
from tui.config import Settings
from tui.follow import FAILED, REPLACED, Follows, follow_line
from tui.problem_feed import ProblemFeed


class EcsDeckApp(App[None]):
    TITLE = "ecsdeck"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ActionCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding(
            "ctrl+r",
            "reload_credentials",
            "Reload credentials",
            tooltip="Re-read AWS credentials (after aws sso login) and poll again",
            show=False,
        ),
        # Works on every pane; shown in the footer of the clusters pane only (PROBLEMS_BINDING),
        # since the service panes' footers are full of action keys at 120 columns.
        Binding(
            "exclamation_mark",
            "problems",
            "Problems",
            key_display="!",
            tooltip="Problems: everything wrong in the region right now",
            show=False,
        ),
    ]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.clients = Clients.open(
            SessionSettings(
                profile=settings.profile,
                region=settings.region,
                endpoint_url=settings.endpoint_url,
                read_only=settings.read_only,
                max_attempts=settings.max_attempts,
            )
        )
        self.identity: Identity | None = None
        #: Rollouts started from ecsdeck, followed to their end by the panes that read them.
        self.follows = Follows()
        #: The one problems reader, shared by the clusters pane and the problems view.
        self.problems = ProblemFeed(self)
        #: Where the traceback of an unexpected exception was written (main prints it).
        self.crash_log: str | None = None

    async def on_mount(self) -> None:
        from tui.screens.clusters import ClustersScreen

        if self.is_headless:
            self.cursor_blink = False  # stable snapshots
        try:
            await self.clients.__aenter__()
        except Exception as exc:
            from aws.errors import explain

            self.exit(return_code=2, message=f"ecsdeck: cannot open AWS clients: {explain(exc)}")
            return
        self.identity = Identity(None, None, self.clients.region, self.clients.endpoint)
        self.run_worker(self._whoami(), group="identity", exit_on_error=False)
        heap.settle()  # Textual and botocore's models: alive for the whole session
        await self.push_screen(ClustersScreen())

    async def action_reload_credentials(self) -> None:
        from tui.credentials import reload_clients

        if await reload_clients(self):
            self.run_worker(self._whoami(), group="identity", exit_on_error=False)

    async def _whoami(self) -> None:
        from aws.identity import whoami

        try:
            self.identity = await whoami(self.clients)
        except Exception as exc:
            from aws.errors import explain
            from tui.text import clean

            # The header keeps "…" for the account; say why instead of leaving it unexplained.
            self.notify(
                clean(
                    f"Could not read which account this is (sts:GetCallerIdentity): "
                    f"{explain(exc)}. The account shows as '…'; changes are audited without "
                    "the caller's ARN.",
                    600,
                ),
                title="Identity unknown",
                severity="warning",
                timeout=15,
                markup=False,
            )

    def _handle_exception(self, error: Exception) -> None:
        # Textual restores the terminal and prints the traceback; keep a copy on disk first.
        self.crash_log = write_crash_log(error)
        super()._handle_exception(error)

    async def on_unmount(self) -> None:
        await self.clients.__aexit__(None, None, None)

    def observe_rollouts(self, services: Iterable[Service]) -> None:
        """Feed fresh reads to the follows; say once how each followed rollout ended."""
        for service in services:
            follow = self.follows.observe(service)
            if follow is None:
                continue
            bad = follow.state in (FAILED, REPLACED)
            self.notify(
                follow_line(follow).plain,
                title=service.name,
                severity="error" if bad else "information",
                timeout=20 if bad else 8,
                markup=False,
            )

    def action_problems(self) -> None:
        """`!` from any pane: back to the problems view if it is open below, else open it."""
        from tui.screens.base import PollingScreen
        from tui.screens.problems import ProblemsScreen

        if not isinstance(self.screen, PollingScreen) or isinstance(self.screen, ProblemsScreen):
            return  # a dialog is open, or already there
        if any(isinstance(s, ProblemsScreen) for s in self.screen_stack):
            while not isinstance(self.screen, ProblemsScreen):
                self.pop_screen()
            return
        self.push_screen(ProblemsScreen())

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))


def write_crash_log(error: BaseException) -> str:
    """The traceback in a crash log under the state directory: its path, or why not."""
    import traceback

    from aws.state import write_crash_log as write
    from tui import __version__

    text = f"ecsdeck {__version__}, Python {sys.version.split()[0]}\n" + "".join(
        traceback.format_exception(error)
    )
    try:
        return str(write(text))
    except OSError as exc:
        return f"(no crash log: {exc})"


def fail(message: str) -> NoReturn:
    print(f"ecsdeck: {message}", file=sys.stderr)
    raise SystemExit(2)


def main(argv: list[str] | None = None) -> None:
    try:
        settings = config.load(argv)
    except config.SettingsError as exc:
        fail(str(exc))
    sandbox = None
    if settings.demo:
        from aws.sandbox.server import spawn_sandbox

        print("Starting the ecsdeck sandbox (a local moto server)…", file=sys.stderr)
        args = ["--seed", str(settings.demo_seed)]
        if settings.demo_latency_ms:
            args += ["--latency-ms", str(settings.demo_latency_ms)]
        if settings.demo_throttle:
            args.append("--throttle")
        sandbox, url = spawn_sandbox(args)
        for var, value in {
            "AWS_ACCESS_KEY_ID": "sandbox",
            "AWS_SECRET_ACCESS_KEY": "sandbox",
        }.items():
            os.environ[var] = value
        os.environ.pop("AWS_PROFILE", None)
        os.environ.pop("AWS_SESSION_TOKEN", None)
        from dataclasses import replace

        settings = replace(settings, endpoint_url=url, region="us-east-1", profile=None)
    try:
        check_settings(
            SessionSettings(
                profile=settings.profile,
                region=settings.region,
                endpoint_url=settings.endpoint_url,
            )
        )
    except SessionConfigError as exc:
        if sandbox is not None:
            sandbox.terminate()
        fail(str(exc))
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
    finally:
        if sandbox is not None:
            sandbox.terminate()
            try:
                sandbox.wait(timeout=10)
            except Exception:
                sandbox.kill()
    if app.crash_log:
        print(f"ecsdeck: unexpected error; the traceback is in {app.crash_log}", file=sys.stderr)
    if app.return_code:
        raise SystemExit(app.return_code)


if __name__ == "__main__":
    main()
