"""`:instances CLUSTER` (`:ci`, `n` on the services pane): a cluster's EC2 container instances.

Each row: the instance's type and zone (the ``ecs.instance-type`` and ``ecs.availability-zone``
attributes the agent registers), its agent (connected or not, and its version), its status, and
CPU and memory left of what it registered (what placement can still give), with its task
counts. Enter lists the instance's tasks; `D` drains it and `A` makes it ACTIVE again.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws import ecs
from aws.models import Cluster, ContainerInstance
from tui import keymap
from tui.rows.instances import COLUMNS, instance_row
from tui.screens.base import PollingScreen
from tui.widgets.live_table import LiveTable


class InstancesScreen(PollingScreen):
    pane_name = "instances"
    BINDINGS = keymap.bindings_for("instances")

    def __init__(self, cluster: Cluster, focus_instance: str | None = None) -> None:
        self.crumb = f"clusters › {cluster.name} › instances"
        super().__init__()
        self.cluster = cluster
        self.instances: dict[str, ContainerInstance] = {}
        #: The container instance ARN the problems view named: the cursor goes there once listed.
        self.focus_instance = focus_instance

    def compose_body(self) -> ComposeResult:
        yield LiveTable(COLUMNS, id="instances", reserved="DA")

    async def tick(self) -> None:
        fresh = await ecs.read_container_instances(self.clients, self.cluster.arn)
        self.instances = {i.arn: i for i in fresh}
        self.query_one(LiveTable).set_rows([instance_row(i) for i in fresh])
        self._focus_culprit()

    def _focus_culprit(self) -> None:
        """Put the cursor on the instance the problems view named, once it is listed; give up
        after a few ticks (it may have been deregistered)."""
        if self.focus_instance is None:
            return
        table = self.query_one(LiveTable)
        if self.focus_instance in table.shown_keys():
            table.move_cursor(row=table.get_row_index(self.focus_instance))
        elif self.ticks < 3:
            return
        self.focus_instance = None

    def context(self) -> dict[str, Any]:
        return {"cluster": self.cluster}

    def current_cluster(self) -> Cluster:
        return self.cluster

    def selected_resource(self) -> ContainerInstance | None:
        key = self.query_one(LiveTable).selected_key
        return self.instances.get(key) if key else None

    def _selected_or_say(self) -> ContainerInstance | None:
        instance = self.selected_resource()
        if instance is None:
            self.notify("Select a container instance first.", severity="warning")
        return instance

    def row_context(self, table: LiveTable, key: str) -> dict[str, Any] | None:
        instance = self.instances.get(key)
        return {"cluster": self.cluster, "instance": instance} if instance else None

    @on(DataTable.RowSelected)
    def _clicked(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(LiveTable)
        key = table.selected_key
        if key and (context := self.row_context(table, key)) is not None:
            self.deck.open("instance_tasks", **context)

    def action_drain_instance(self) -> None:
        from tui.flows_instances import set_instance_state

        if (instance := self._selected_or_say()) is not None:
            others = list(self.instances.values())
            set_instance_state(self, self.cluster, instance, "DRAINING", others)

    def action_activate_instance(self) -> None:
        from tui.flows_instances import set_instance_state

        if (instance := self._selected_or_say()) is not None:
            set_instance_state(self, self.cluster, instance, "ACTIVE")
