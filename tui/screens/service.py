"""One service: its tasks (running and recently stopped) beside the health of its targets.

Each target sits next to the task it belongs to (ip target -> task ENI IP; instance target ->
container instance + host port); the reason code is spelled out in plain words. The summary
shows the last hour of CPU and memory use beside what the tasks reserve, and the Auto Scaling
range and policies (`a`: all of it); both are read once a minute, each failing on its own.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from aws import ecs, elb
from aws.elb_models import Target
from aws.errors import explain
from aws.models import Cluster, Service, Task
from aws.task_watch import ServiceTasks
from tui import keymap
from tui.actions import ServiceActions, TaskActions
from tui.rows.service import TARGET_COLUMNS, summary, target_row, targets_title
from tui.rows.tasks import ROWS_PER_SLICE, SLICE_PAUSE, TASK_COLUMNS, task_row
from tui.screens.base import PollingScreen
from tui.status import aged_cells, not_refreshed
from tui.usage_parts import UsageParts
from tui.view_keys import DeploymentsKey, LogsKeys
from tui.widgets.live_table import LiveTable, Row
from tui.widgets.quiet_static import QuietStatic


class ServiceScreen(
    UsageParts, LogsKeys, ServiceActions, DeploymentsKey, TaskActions, PollingScreen
):
    pane_name = "service"
    BINDINGS = keymap.bindings_for("service")

    DEFAULT_CSS = """
    ServiceScreen #summary { height: auto; max-height: 25vh; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ServiceScreen #tasks { height: 3fr; }
    ServiceScreen #targets { height: 2fr; }
    ServiceScreen .pane-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    """

    def __init__(
        self,
        cluster: Cluster,
        service: Service,
        *,
        focus_task: str | None = None,
        focus_target: str | None = None,
    ) -> None:
        self.crumb = f"clusters › {cluster.name} › {service.name}"
        super().__init__()
        self.cluster = cluster
        self.service = service
        #: The culprit to put the cursor on once it is listed (opened from the problems view):
        #: a task ARN, or a target id (ip or instance id).
        self.focus_task = focus_task
        self.focus_target = focus_target
        self.tasks: dict[str, Task] = {}
        self.targets: list[Target] = []
        #: When the targets were last read (monotonic; None: never), and the failure of the
        #: last read (None: it succeeded): a stale part says so on its own title and rows.
        self._targets_at: float | None = None
        self._targets_error: BaseException | None = None
        #: Lists every tick, describes only new, changed, moving and on-screen tasks.
        self.task_watch = ServiceTasks(cluster.arn, service.name)
        #: The Task each tasks-table row was last drawn from.
        self._drawn: dict[str, Task] = {}
        self.init_usage()

    def compose_body(self) -> ComposeResult:
        yield QuietStatic(summary(self.service), id="summary")
        with Vertical():
            yield QuietStatic("Tasks", classes="pane-title", id="tasks-title")
            yield LiveTable(TASK_COLUMNS, id="tasks", reserved="F")
            yield QuietStatic("Target health", classes="pane-title", id="targets-title")
            yield LiveTable(TARGET_COLUMNS, id="targets")

    @property
    def tasks_table(self) -> LiveTable:
        return self.query_one("#tasks", LiveTable)

    @property
    def targets_table(self) -> LiveTable:
        return self.query_one("#targets", LiveTable)

    async def tick(self) -> None:
        clients = self.clients
        # Read before either coroutine exists: a pane closing under the tick makes this raise,
        # which would otherwise leave the first coroutine never awaited.
        on_screen = self.tasks_table.visible_keys()
        described, tasks = await asyncio.gather(
            ecs.describe_services(clients, self.cluster.arn, [self.service.arn]),
            self.task_watch.refresh(clients, on_screen=on_screen),
        )
        if described:
            self.service = described[0]
            self.deck.observe_rollouts(described)
        self.tasks = {t.arn: t for t in tasks}
        targets = await self._read_targets(tasks)
        self.targets = targets
        unhealthy = sum(1 for t in targets if t.state in ("unhealthy", "unhealthy.draining"))
        follow = self.deck.follows.of(self.service)
        await self.read_slow_parts()
        self.query_one("#summary", Static).update(
            summary(
                self.service,
                unhealthy,
                follow,
                usage=self.usage_text(),
                scaling=self.scaling,
                cost=self.cost_text(),
            )
        )
        await self._show_tasks(tasks)
        order = {"unhealthy": 0, "draining": 1, "initial": 2}
        ordered = sorted(targets, key=lambda t: (order.get(t.state or "", 3), t.id))
        rows = [target_row(t, self.tasks) for t in ordered]
        stale_for = self._targets_stale_for()
        if stale_for is not None:
            rows = [Row(r.key, aged_cells(r.cells, stale_for), r.haystack) for r in rows]
        self.targets_table.set_rows(rows)
        running = sum(1 for t in tasks if t.last_status == "RUNNING")
        stopped = sum(1 for t in tasks if t.last_status == "STOPPED")
        self.query_one("#tasks-title", Static).update(
            f"Tasks · {running} running · {stopped} stopped (last hour)"
        )
        title = Text(targets_title(self.service, targets))
        if self._targets_error is not None:
            title.append(" · ")
            title.append_text(not_refreshed(self._targets_error, "elasticloadbalancing", stale_for))
        self.query_one("#targets-title", Static).update(title)
        self._focus_culprit()

    def _focus_culprit(self) -> None:
        """Put the cursor on the culprit the problems view named (a target beside its task,
        else the task), once it is listed; give up after a few ticks (it may be gone)."""
        if not (self.focus_task or self.focus_target):
            return
        target = next((t.key for t in self.targets if t.id == self.focus_target), None)
        if target is not None and target in self.targets_table.shown_keys():
            self.targets_table.focus()
            self.targets_table.move_cursor(row=self.targets_table.get_row_index(target))
        elif self.focus_task in self.tasks_table.shown_keys():
            self.tasks_table.move_cursor(row=self.tasks_table.get_row_index(self.focus_task))
        elif self.ticks < 3:
            return
        self.focus_task = self.focus_target = None

    async def _read_targets(self, tasks: list[Task]) -> list[Target]:
        """Target health is its own part: denied or failing ELB calls keep the last targets
        and say why, while tasks and the summary keep refreshing from ECS."""
        try:
            targets = await elb.read_target_health(self.clients, self.service, tasks)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._targets_error = exc
            self.header.set_part_error("target health not refreshed", explain(exc))
            return self.targets
        self._targets_error = None
        self._targets_at = time.monotonic()
        self.header.set_part_error("target health not refreshed", None)
        return targets

    def _targets_stale_for(self) -> float | None:
        """Seconds the targets shown are old, while their reads fail (None: fresh)."""
        if self._targets_error is None or self._targets_at is None:
            return None
        return time.monotonic() - self._targets_at

    async def _show_tasks(self, tasks: list[Task]) -> None:
        """Rebuild the rows of tasks that changed (ServiceTasks hands back the same object for
        a task it did not re-describe) and of the rows on screen (their ages move); the rest of
        a 5,000-task service waits until it scrolls into view. New rows go in in slices so
        DataTable's measuring of them never holds the event loop for long."""
        shown = set(self.tasks_table.visible_keys())
        gone = [arn for arn in self._drawn if arn not in self.tasks]
        self.tasks_table.remove_rows(gone)
        dirty = [t for t in tasks if self._drawn.get(t.arn) is not t or t.arn in shown]
        self._drawn = dict(self.tasks)
        for start in range(0, len(dirty), ROWS_PER_SLICE):
            if start:
                await asyncio.sleep(SLICE_PAUSE)
            self.tasks_table.upsert_rows(
                [task_row(t) for t in dirty[start : start + ROWS_PER_SLICE]]
            )

    def selected_task(self) -> Task | None:
        key = self.tasks_table.selected_key
        return self.tasks.get(key) if key else None

    def selected_service(self) -> Service | None:
        """The service actions (scale, deploy ...) work here too: the one this pane shows."""
        return self.service

    def action_events(self) -> None:
        self.deck.open("events", service=self.service)

    def action_changes(self) -> None:
        self.deck.open("changes", cluster=self.cluster, service=self.service)

    def action_revisions(self) -> None:
        from aws.plan import family_revision

        if not self.service.task_definition:
            self.notify("This service has no task definition.", severity="warning")
            return
        family, _ = family_revision(self.service.task_definition)
        self.deck.open("revisions", family=family, service=self.service)

    def action_switch_pane(self) -> None:
        if self.focused is self.tasks_table:
            self.targets_table.focus()
        else:
            self.tasks_table.focus()

    @on(DataTable.RowSelected, "#tasks")
    def _task_selected(self, event: DataTable.RowSelected) -> None:
        # A click; Enter comes through row_chosen (PollingScreen: the router's "task").
        context = self.row_context(self.tasks_table, str(event.row_key.value))
        if context is not None:
            self.deck.open("task", **context)

    def context(self) -> dict[str, Any]:
        return {"cluster": self.cluster, "service": self.service}

    def current_cluster(self) -> Cluster:
        return self.cluster

    def selected_resource(self) -> Task | Target | None:
        if self.focused is self.targets_table:
            key = self.targets_table.selected_key
            return next((t for t in self.targets if t.key == key), None)
        return self.selected_task()

    def row_context(self, table: LiveTable, key: str) -> dict[str, Any] | None:
        """A task row opens the task; a target row opens nothing."""
        task = self.tasks.get(key) if table is self.tasks_table else None
        return {"task": task} if task else None
