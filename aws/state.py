"""Where ecsdeck keeps what must outlive a session: the audit log, drafts, crash logs.

The state directory is ``$ECSDECK_STATE_DIR``, else ``$XDG_STATE_HOME/ecsdeck``, else
``~/.local/state/ecsdeck``. Every file is written with mode 0600 (drafts and crash logs can hold
task-definition text).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path


def state_dir() -> Path:
    state = os.environ.get("ECSDECK_STATE_DIR")
    if state:
        return Path(state)
    xdg = os.environ.get("XDG_STATE_HOME")
    if xdg:
        return Path(xdg) / "ecsdeck"
    return Path.home() / ".local" / "state" / "ecsdeck"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def write_private(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (created 0600, parents made), flushed to disk; the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    return path


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _draft_name(name: str) -> str:
    return _UNSAFE.sub("-", name).strip("-.")[:80] or "draft"


def save_draft(name: str, text: str, path: Path | None = None) -> Path:
    """Keep an edited text (e.g. a task definition) under ``drafts/``; returns its path.

    ``path`` (a draft saved earlier in the same edit) is overwritten instead of a new file.
    """
    if path is None:
        path = state_dir() / "drafts" / f"{_draft_name(name)}-{_stamp()}.json"
    return write_private(path, text)


def latest_draft(name: str) -> Path | None:
    """The newest draft ``save_draft`` kept under ``name`` (its stamp sorts by time), so an
    edit reopened later can offer it; None when there is none."""
    mine = re.compile(re.escape(_draft_name(name)) + r"-\d{8}T\d{6}\.\d{6}Z\.json")
    folder = state_dir() / "drafts"
    if not folder.is_dir():
        return None
    found = sorted(p for p in folder.iterdir() if mine.fullmatch(p.name))
    return found[-1] if found else None


def write_crash_log(text: str) -> Path:
    """Write a traceback (or any report) to ``crash-<time>.log``; returns its path."""
    return write_private(state_dir() / f"crash-{_stamp()}.log", text)
