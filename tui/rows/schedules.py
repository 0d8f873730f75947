"""The schedules pane's rows: expression, time zone, next run (worked out here) and last run, and
the columns a narrow pane keeps."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from aws.models import Task
from aws.plan import td_label
from aws.run_task import essential_exit
from aws.schedule_expr import ExpressionError, next_run
from aws.schedules import SCHEDULE, ScheduledTask
from tui.text import age, duration, safe
from tui.widgets.live_table import Row

COLUMNS = [
    ("name", "NAME"),
    ("kind", "KIND"),
    ("expression", "EXPRESSION"),
    ("tz", "TZ"),
    # The state is said here ("disabled"): T toggles it, and a STATE column cost 10 columns.
    ("next", "NEXT RUN"),
    ("cluster", "CLUSTER"),
    ("taskdef", "TASK DEF"),
    ("last", "LAST RUN"),  # last: it takes what the others leave
]
#: Columns a narrow pane leaves out, least needed first: (pane width below which, columns).
#: At 80 columns: NAME EXPRESSION NEXT RUN LAST RUN.
NARROW_DROPS = ((120, ("kind", "tz")), (100, ("cluster", "taskdef")))


def columns_for(width: int) -> list[tuple[str, str]]:
    """The columns a pane ``width`` wide shows: the table never scrolls sideways."""
    dropped = {key for below, keys in NARROW_DROPS if width < below for key in keys}
    return [c for c in COLUMNS if c[0] not in dropped]


def next_cell(s: ScheduledTask, now: datetime) -> Text:
    """When it runs next, from now (time-zone free: the expression's zone is in TZ)."""
    if not s.expression:
        return Text("on events", style="dim")
    if not s.enabled:
        return Text("disabled", style="yellow")
    try:
        when = next_run(s.expression, s.timezone, after=now, anchor=s.created_at)
    except ExpressionError as exc:
        return Text(f"? {exc}"[:40], style="yellow")
    if when is None:
        return Text("never", style="dim")  # an at() in the past
    return Text(f"in {duration(int((when - now).total_seconds()))}")


def last_cell(task: Task | None, now: datetime) -> Text:
    """How the last run went, then when (the age is what the ellipsis cuts first)."""
    if task is None:
        return Text("-", style="dim")
    when = task.created_at or task.started_at
    if task.last_status != "STOPPED":
        going = f" · {age(when, now)}" if when else ""
        return Text(f"{task.last_status or '?'}{going}", style="bold")
    ago = f" · {age(when, now)} ago" if when else ""
    ended = essential_exit(task)
    if ended is None:
        return Text(f"{task.stop_code or 'stopped'}{ago}", style="red")
    return Text(f"exit {ended[1]}{ago}", style="green" if ended[1] == 0 else "bold red")


def zone(timezone: str | None) -> Text:
    """The time zone's city (``Europe/Paris`` -> ``Paris``): the region is implied."""
    name = (timezone or "UTC").rsplit("/", 1)[-1]
    return safe(name, "dim" if name == "UTC" else "", limit=14)


def schedule_row(s: ScheduledTask, last: Task | None, now: datetime) -> Row:
    """A row of every COLUMNS cell (``only`` keeps those shown)."""
    cells = (
        safe(s.name, "bold", 24),
        Text("sched" if s.kind == SCHEDULE else s.kind, style="dim"),
        safe(s.expression or "event pattern", limit=22),
        zone(s.timezone),
        next_cell(s, now),
        safe(s.cluster, limit=18),
        safe(td_label(s.task_definition) if s.task_definition else "-", limit=22),
        last_cell(last, now),
    )
    hay = " ".join((s.name, s.kind, s.expression or "", s.cluster, s.task_definition or ""))
    return Row(s.key, cells, hay.lower(), (s.name, s.kind))


def only(row: Row, columns: list[tuple[str, str]]) -> Row:
    """``row`` (one cell per COLUMNS) with the cells of ``columns`` only."""
    index = {key: i for i, (key, _) in enumerate(COLUMNS)}
    return Row(row.key, tuple(row.cells[index[k]] for k, _ in columns), row.haystack, row.order)
