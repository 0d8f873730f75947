"""`:schedules` (`:sch`): the EventBridge Scheduler schedules and EventBridge rules that run an
ECS task in the region.

Each row: the schedule's expression and time zone, when it runs next (worked out here from the
expression: neither API says, or "disabled"), the cluster and revision it runs, and its last run
(the newest task it started that ECS still lists, with how it ended). `R` runs it now with the
target's parameters; `T` enables or disables it; both are confirmed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual import events, work

from aws.models import Task
from aws.plan import td_label
from aws.run_task import essential_exit
from aws.schedule_expr import ExpressionError, next_run
from aws.schedule_runs import LastRuns
from aws.schedules import SCHEDULE, ScheduledTask, ScheduleReader
from tui import keymap
from tui.screens.base import PollingScreen
from tui.text import age, duration, safe
from tui.widgets.live_table import LiveTable, Row

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
#: Re-list the schedules and rules every this many ticks (ScheduleReader sends GetSchedule and
#: ListTargetsByRule only for what changed; LastRuns reads a last run only when it may have).
SCHEDULES_EVERY = 10


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


class SchedulesScreen(PollingScreen):
    pane_name = "schedules"
    crumb = "schedules"
    BINDINGS = keymap.bindings_for("schedules")

    def __init__(self) -> None:
        super().__init__()
        self.scheduled: dict[str, ScheduledTask] = {}
        self.reader = ScheduleReader()
        self.runs = LastRuns()
        self.columns = COLUMNS

    def compose_body(self) -> Any:
        self.columns = columns_for(self.app.size.width)
        yield LiveTable(self.columns, id="schedules", reserved="RT")

    @property
    def last(self) -> dict[str, Task]:
        return self.runs.last

    def on_resize(self, event: events.Resize) -> None:
        if columns_for(event.size.width) != self.columns:
            self._swap_columns()

    @work(group="columns", exclusive=True)
    async def _swap_columns(self) -> None:
        """A table of the columns that fit the new width, with the same rows, filter,
        selected row and focus (a DataTable's columns are fixed once mounted)."""
        old = self.query_one(LiveTable)
        self.columns = columns_for(self.size.width)
        key, focused = old.selected_key, self.focused is old
        new = LiveTable(self.columns, id="schedules", reserved="RT")
        await old.remove()
        await self.mount(new, after=self.header)
        self._show()
        if old.filter_text:
            new.set_filter(old.filter_text)
        if key is not None and key in new.shown_keys():
            new.move_cursor(row=new.get_row_index(key), animate=False)
        if focused:
            new.focus()

    async def tick(self) -> None:
        if not self.scheduled or self.ticks % SCHEDULES_EVERY == 0:
            found = await self.reader.read(self.clients)
            self.scheduled = {s.key: s for s in found}
        await self.runs.read(self.clients, list(self.scheduled.values()))
        self._show()

    def _show(self) -> None:
        now = datetime.now(UTC)
        rows = [schedule_row(s, self.last.get(k), now) for k, s in self.scheduled.items()]
        self.query_one(LiveTable).set_rows([only(r, self.columns) for r in rows])

    def selected_resource(self) -> ScheduledTask | None:
        key = self.query_one(LiveTable).selected_key
        return self.scheduled.get(key) if key else None

    def _chosen(self) -> ScheduledTask | None:
        s = self.selected_resource()
        if s is None:
            self.notify("Select a schedule first.", severity="warning")
        return s

    def action_run_now(self) -> None:
        from tui.flows_run import run_schedule_now

        if (s := self._chosen()) is not None:
            run_schedule_now(self, s)

    def action_toggle_schedule(self) -> None:
        from tui.flows_run import set_schedule_state

        if (s := self._chosen()) is not None:
            set_schedule_state(self, s)

    def action_refresh_now(self) -> None:
        # `r`, or a change was made: read everything again, rule targets and last runs too.
        self.scheduled = {}
        self.reader = ScheduleReader()
        self.runs.forget()
        super().action_refresh_now()
