"""`:tasks CLUSTER`: every task of a cluster, those of services and those started on their own;
or, opened with Enter on a container instance, only the tasks placed on that instance (ListTasks
``containerInstance``).

Same incremental reads as the service pane (``ServiceTasks`` without a service: list running and
stopped, describe only what can have changed or is on screen), one SERVICE column more.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws.models import Cluster, ContainerInstance, Task
from aws.task_watch import ServiceTasks
from tui import keymap
from tui.actions import TaskActions
from tui.rows.tasks import CLUSTER_TASK_COLUMNS, ROWS_PER_SLICE, SLICE_PAUSE, cluster_task_row
from tui.screens.base import PollingScreen
from tui.widgets.live_table import LiveTable


class TasksScreen(TaskActions, PollingScreen):
    BINDINGS = keymap.bindings_for("tasks")

    def __init__(self, cluster: Cluster, instance: ContainerInstance | None = None) -> None:
        where = f"instances › {instance.ec2_instance_id or instance.id} › " if instance else ""
        self.crumb = f"clusters › {cluster.name} › {where}tasks"
        super().__init__()
        self.cluster = cluster
        #: Only the tasks placed on this container instance (None: every task of the cluster).
        self.instance = instance
        self.tasks: dict[str, Task] = {}
        self.task_watch = ServiceTasks(cluster.arn, None, instance.arn if instance else None)
        #: The Task each row was last drawn from (unchanged tasks are not redrawn).
        self._drawn: dict[str, Task] = {}

    def compose_body(self) -> ComposeResult:
        yield LiveTable(CLUSTER_TASK_COLUMNS, id="tasks", reserved="F")

    @property
    def tasks_table(self) -> LiveTable:
        return self.query_one("#tasks", LiveTable)

    async def tick(self) -> None:
        table = self.tasks_table
        tasks = await self.task_watch.refresh(self.clients, on_screen=table.visible_keys())
        self.tasks = {t.arn: t for t in tasks}
        shown = set(table.visible_keys())
        table.remove_rows([arn for arn in self._drawn if arn not in self.tasks])
        dirty = [t for t in tasks if self._drawn.get(t.arn) is not t or t.arn in shown]
        self._drawn = dict(self.tasks)
        for start in range(0, len(dirty), ROWS_PER_SLICE):
            if start:
                await asyncio.sleep(SLICE_PAUSE)
            table.upsert_rows([cluster_task_row(t) for t in dirty[start : start + ROWS_PER_SLICE]])

    @property
    def pane_name(self) -> str:  # type: ignore[override]
        return "instance_tasks" if self.instance else "tasks"

    def context(self) -> dict[str, Any]:
        return {"cluster": self.cluster, "instance": self.instance}

    def current_cluster(self) -> Cluster:
        return self.cluster

    def selected_task(self) -> Task | None:
        key = self.tasks_table.selected_key
        return self.tasks.get(key) if key else None

    def selected_resource(self) -> Task | None:
        return self.selected_task()

    def row_context(self, table: LiveTable, key: str) -> dict[str, Any] | None:
        task = self.tasks.get(key)
        return {"task": task} if task else None

    @on(DataTable.RowSelected)
    def _clicked(self, event: DataTable.RowSelected) -> None:
        # A click; Enter comes through row_chosen (PollingScreen: the router's "task").
        context = self.row_context(self.tasks_table, str(event.row_key.value))
        if context is not None:
            self.deck.open("task", **context)
