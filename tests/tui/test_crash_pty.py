"""A forced crash in the real app, in a real terminal: the terminal is given back sane.

``ECSDECK_CRASH_AFTER_S`` is a test hook (tui/crash.py): the app raises an unexpected exception
that long after it starts. Run in a pseudo-terminal (scripts/ptyterm.py) like a user's shell,
the process must exit non-zero, write the sequences that leave the alternate screen, show the
cursor and turn mouse reporting off after the crash, print the crash log's path, and that file
must hold the traceback.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from scripts.ptyterm import PtyProcess

ROOT = Path(__file__).resolve().parents[2]

ALT_SCREEN_ON = b"\x1b[?1049h"
RESTORE = {
    "leave the alternate screen": b"\x1b[?1049l",
    "show the cursor": b"\x1b[?25h",
    "mouse reporting off": b"\x1b[?1000l",
}


def test_a_forced_crash_restores_the_terminal_and_leaves_a_crash_log(
    frozen_sandbox: str, tmp_path: Path
) -> None:
    env = dict(os.environ, ECSDECK_CRASH_AFTER_S="1", ECSDECK_STATE_DIR=str(tmp_path))
    env["PYTHONPATH"] = str(ROOT)
    argv = [sys.executable, "-m", "tui.main", "--endpoint-url", frozen_sandbox]
    term = PtyProcess([*argv, "--region", "us-east-1"], (100, 30), env=env, cwd=str(ROOT))
    try:
        assert term.wait_for(ALT_SCREEN_ON, timeout=60) is not None, bytes(term.output[-500:])
        started = term.output.find(ALT_SCREEN_ON)
        assert term.wait_for(b"traceback is in", timeout=60, since=started) is not None
        term.pump(0.5)
        code = term.proc.wait(timeout=30)
    finally:
        term.close()
    out = bytes(term.output)
    assert code != 0
    after = out[out.rfind(ALT_SCREEN_ON) :]  # from the app's screen on: what ended it
    for what, sequence in RESTORE.items():
        assert sequence in after, f"no {what} ({sequence!r}) after the crash"
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", out).decode("utf-8", "replace")
    found = re.search(r"traceback is in (\S+\.log)", text.replace("\r\n", " "))
    assert found, text[-800:]
    log = Path(found.group(1))
    assert log.parent == tmp_path and log.exists()
    body = log.read_text()
    assert "Traceback" in body and "RuntimeError: forced crash" in body
