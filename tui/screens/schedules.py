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

from textual import events, work

from aws.models import Task
from aws.schedule_runs import LastRuns
from aws.schedules import ScheduledTask, ScheduleReader
from tui import keymap
from tui.rows.schedules import COLUMNS, columns_for, only, schedule_row
from tui.screens.base import PollingScreen
from tui.widgets.live_table import LiveTable

#: Re-list the schedules and rules every this many ticks (ScheduleReader sends GetSchedule and
#: ListTargetsByRule only for what changed; LastRuns reads a last run only when it may have).
SCHEDULES_EVERY = 10


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
