"""Log lines as the logs view shows and saves them: inert text, UTC times, a file per save."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text

from aws.log_models import LogEvent
from aws.log_session import LogSession
from aws.models import Task
from tui.status import task_reason
from tui.text import age, clean, plural


def saved_dir() -> Path:
    """Where saved logs go: next to the audit log (``$ECSDECK_STATE_DIR``, XDG state)."""
    state = os.environ.get("ECSDECK_STATE_DIR")
    if state:
        return Path(state) / "logs"
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg) / "ecsdeck" if xdg else Path.home() / ".local" / "state" / "ecsdeck"
    return base / "logs"


def stamp(when: datetime | None, today: datetime | None = None, *, dated: bool = False) -> str:
    """UTC time of a line; with its date when it is not from today (a quiet service's lines),
    or always (``dated``: lines one under the other, whose columns must line up)."""
    if when is None:
        return "-" * (18 if dated else 1)
    when = when.astimezone(UTC)
    text = when.strftime("%H:%M:%S.%f")[:-3]
    if dated or when.date() != (today or datetime.now(UTC)).date():
        text = when.strftime("%m-%d ") + text
    return text


def line_text(e: LogEvent, *, stamps: bool, tag_task: bool, tag_container: bool) -> Text:
    """One log line as inert text: never markup, never a terminal escape."""
    t = Text()
    if stamps:
        # Dated on every line: today's lines undated beside older dated ones misalign.
        t.append(f"{stamp(e.timestamp, dated=True)} ", style="dim")
    if tag_task:
        t.append(f"{clean((e.task_id or '?')[:12], 12)} ", style="cyan")
    if tag_container:
        t.append(f"{clean(e.container or '?', 20)} ", style="magenta")
    message = clean(e.message, 4000)
    bad = "ERROR" in message or "Exception" in message
    t.append(message, style="red" if bad else "")
    return t


def haystack(e: LogEvent) -> str:
    return f"{e.task_id or ''} {e.container or ''} {e.message}".lower()


def save_lines(name: str, events: Sequence[LogEvent]) -> Path:
    """Write ``events`` to a new file under ``saved_dir()``, one line each with its ISO time,
    task and container; control characters and escapes are removed as on screen."""
    when = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = saved_dir() / clean(f"{name}-{when}.log", 200).replace("/", "_")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for e in events:
            at = e.timestamp.astimezone(UTC).isoformat() if e.timestamp else "-"
            tag = f"{e.task_id or '-'} {e.container or '-'}"
            out.write(f"{at} {clean(tag, 80)} {clean(e.message, 1_000_000)}\n")
    return path


def shown_text(
    events: Sequence[LogEvent], local: str, *, stamps: bool, tag_task: bool, tag_container: bool
) -> Text | None:
    """The lines that match the local filter ``local``, one under the other (None: none)."""
    shown = [e for e in events if not local or local in haystack(e)]
    if not shown:
        return None
    return Text("\n").join(
        line_text(e, stamps=stamps, tag_task=tag_task, tag_container=tag_container) for e in shown
    )


def elsewhere_text(session: LogSession) -> Text:
    """Where the containers that do not log to CloudWatch send their lines."""
    t = Text()
    if not session.found:
        t.append("No awslogs stream with a stream prefix to read for this scope.\n", "bold")
    for e in session.elsewhere:
        t.append(f"{clean(e.container, 40)}: logs via {clean(e.driver, 30)} → ")
        t.append(clean(e.where, 300) + "\n")
    return t


def count_words(lines: Sequence[LogEvent], local: str) -> str:
    """``120 lines``, or ``12 of 120 lines`` with a local filter on."""
    if not local:
        return plural(len(lines), "line")
    shown = sum(1 for e in lines if local in haystack(e))
    return f"{shown} of {plural(len(lines), 'line')}"


def stopped_words(task: Task) -> str:
    """``✗ task stopped 5m ago: EssentialContainerExited · ...: no new lines``."""
    when = f" {age(task.stopped_at)} ago" if task.stopped_at else ""
    why = task_reason(task)
    return f"✗ task stopped{when}" + (f": {clean(why, 120)}" if why else "") + " (no new lines)"
