"""`:schedules` (`:sch`): the EventBridge Scheduler schedules and EventBridge rules that run an
ECS task in the region.

Each row: the schedule's expression and time zone, when it runs next (worked out here from the
expression: neither API says), its state, the cluster and revision it runs, and its last run
(the newest task it started that ECS still lists, with how it ended). `R` runs it now with the
target's parameters; `T` enables or disables it; both are confirmed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.text import Text

from aws.models import Task
from aws.plan import td_label
from aws.run_task import essential_exit
from aws.schedule_expr import ExpressionError, next_run
from aws.schedules import ScheduledTask, last_runs, read_scheduled_tasks
from tui import keymap
from tui.screens.base import PollingScreen
from tui.text import age, duration, safe
from tui.widgets.live_table import LiveTable, Row

COLUMNS = [
    ("name", "NAME"),
    ("kind", "KIND"),
    ("expression", "EXPRESSION"),
    ("tz", "TZ"),
    ("next", "NEXT RUN (UTC)"),
    ("state", "STATE"),
    ("cluster", "CLUSTER"),
    ("taskdef", "TASK DEF"),
    ("last", "LAST RUN"),
]
#: Re-read the schedules themselves every this many ticks (their last runs every tick).
SCHEDULES_EVERY = 10


def next_cell(s: ScheduledTask, now: datetime) -> Text:
    if not s.expression:
        return Text("on events", style="dim")
    if not s.enabled:
        return Text("- (disabled)", style="dim")
    try:
        when = next_run(s.expression, s.timezone, after=now, anchor=s.created_at)
    except ExpressionError as exc:
        return Text(f"? {exc}"[:40], style="yellow")
    if when is None:
        return Text("-", style="dim")
    seconds = int((when - now).total_seconds())
    return Text(f"{when:%m-%d %H:%M} +{duration(seconds)}")  # UTC, and how long from now


def last_cell(task: Task | None, now: datetime) -> Text:
    if task is None:
        return Text("-", style="dim")
    when = task.created_at or task.started_at
    ago = f"{age(when, now)} ago · " if when else ""
    if task.last_status != "STOPPED":
        return Text(f"{ago}{task.last_status or '?'}", style="bold")
    ended = essential_exit(task)
    if ended is None:
        return Text(f"{ago}stopped: {task.stop_code or '?'}", style="red")
    return Text(f"{ago}exit {ended[1]}", style="green" if ended[1] == 0 else "bold red")


def schedule_row(s: ScheduledTask, last: Task | None, now: datetime) -> Row:
    state = s.state
    cells = (
        safe(s.name, "bold", 24),
        Text(s.kind),
        safe(s.expression or "event pattern", limit=24),
        safe(s.timezone or "UTC", limit=14),
        next_cell(s, now),
        Text(state, style="" if s.enabled else "yellow"),
        safe(s.cluster, limit=20),
        safe(td_label(s.task_definition) if s.task_definition else "-", limit=24),
        last_cell(last, now),
    )
    hay = " ".join((s.name, s.kind, s.expression or "", s.cluster, s.task_definition or ""))
    return Row(s.key, cells, hay.lower(), (s.name, s.kind))


class SchedulesScreen(PollingScreen):
    pane_name = "schedules"
    crumb = "schedules"
    BINDINGS = keymap.bindings_for("schedules")

    def __init__(self) -> None:
        super().__init__()
        self.scheduled: dict[str, ScheduledTask] = {}
        self.last: dict[str, Task] = {}

    def compose_body(self) -> Any:
        yield LiveTable(COLUMNS, id="schedules", reserved="RT")

    async def tick(self) -> None:
        if not self.scheduled or self.ticks % SCHEDULES_EVERY == 0:
            found = await read_scheduled_tasks(self.clients)
            self.scheduled = {s.key: s for s in found}
        self.last = await last_runs(self.clients, list(self.scheduled.values()))
        now = datetime.now(UTC)
        rows = [schedule_row(s, self.last.get(k), now) for k, s in self.scheduled.items()]
        self.query_one(LiveTable).set_rows(rows)

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
        self.scheduled = {}  # a change was made: read the schedules again, not only last runs
        super().action_refresh_now()
