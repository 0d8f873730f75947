"""The first pane: every cluster in the region with computed service and task counts."""

from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from aws import ecs
from aws.models import Cluster
from tui.screens.base import PollingScreen
from tui.status import BAD, IDLE, OK, badge
from tui.text import natural_key, safe
from tui.widgets.live_table import LiveTable, Row

COLUMNS = [
    ("name", "CLUSTER"),
    ("status", "STATUS"),
    ("services", "SERVICES"),
    ("running", "TASKS"),
    ("instances", "EC2 INSTANCES"),
    ("providers", "CAPACITY PROVIDERS"),
]


def cluster_row(cluster: Cluster) -> Row:
    status = cluster.status or "?"
    status_cell = (
        badge(OK, status, "green")
        if status == "ACTIVE"
        else badge(IDLE if status == "INACTIVE" else BAD, status, "dim")
    )

    def count(value: int | None) -> Text:
        return Text("-" if value is None else str(value), no_wrap=True)

    cells = (
        safe(cluster.name, "bold", 60),
        status_cell,
        count(cluster.service_count),
        count(cluster.running_tasks),
        count(cluster.container_instances),
        safe(", ".join(cluster.capacity_providers) or "-", limit=60),
    )
    order = (status != "ACTIVE", natural_key(cluster.name))
    return Row(cluster.arn, cells, f"{cluster.name} {status}".lower(), order)


class ClustersScreen(PollingScreen):
    crumb = "clusters"
    BINDINGS = [Binding("enter", "open", "Services", tooltip="Show this cluster's services")]

    def __init__(self) -> None:
        super().__init__()
        self.clusters: dict[str, Cluster] = {}
        self._counted_at = 0.0

    def compose_body(self) -> ComposeResult:
        yield LiveTable(COLUMNS, id="clusters")

    async def tick(self) -> None:
        # Counts cost a ListServices/ListTasks pass per cluster: refresh them on the slow re-list
        # cadence, and only the cheap DescribeClusters on every tick.
        recount = time.monotonic() - self._counted_at > self.deck.settings.relist
        arns = None if recount or not self.clusters else list(self.clusters)
        fresh = await ecs.read_clusters(self.deck.clients, arns, with_counts=recount)
        if recount:
            self._counted_at = time.monotonic()
        else:
            fresh = [_keep_counts(c, self.clusters.get(c.arn)) for c in fresh]
        self.clusters = {c.arn: c for c in fresh}
        self.query_one(LiveTable).set_rows([cluster_row(c) for c in fresh])

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        key = self.query_one(LiveTable).selected_key
        if key and key in self.clusters:
            from tui.screens.services import ServicesScreen

            self.app.push_screen(ServicesScreen(self.clusters[key]))


def _keep_counts(new: Cluster, old: Cluster | None) -> Cluster:
    if old is None:
        return new
    from dataclasses import replace

    return replace(
        new,
        service_count=old.service_count,
        running_tasks=old.running_tasks,
        pending_tasks=old.pending_tasks,
        container_instances=old.container_instances,
    )
