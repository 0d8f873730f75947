"""When ecsdeck itself fails: the traceback goes to a crash log under the state directory, and
the message printed on the way out names it (the app's handler and the entry point both write)."""

from __future__ import annotations

import sys

#: Test hook, not a setting: seconds after start at which the app raises an unexpected
#: exception, so a test can see a real crash end with the terminal restored and a crash log
#: (tests/tui/test_crash_pty.py). Unset in normal use.
CRASH_HOOK = "ECSDECK_CRASH_AFTER_S"


def forced_crash() -> None:
    raise RuntimeError(f"forced crash ({CRASH_HOOK} test hook)")


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
