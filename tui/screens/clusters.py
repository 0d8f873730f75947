"""The first pane: every cluster in the region with the service and task counts ECS keeps."""

from __future__ import annotations

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

    def compose_body(self) -> ComposeResult:
        yield LiveTable(COLUMNS, id="clusters")

    async def tick(self) -> None:
        # DescribeClusters carries the counts, so each tick is one ListClusters plus one
        # DescribeClusters per 100 clusters, and new or deleted clusters show at once.
        fresh = await ecs.read_clusters(self.deck.clients)
        self.clusters = {c.arn: c for c in fresh}
        self.query_one(LiveTable).set_rows([cluster_row(c) for c in fresh])

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()  # a click; Enter comes through row_chosen

    def row_chosen(self, table: LiveTable, key: str) -> None:
        self.action_open()

    def current_cluster(self) -> Cluster | None:
        key = self.query_one(LiveTable).selected_key
        return self.clusters.get(key) if key else None

    def selected_resource(self) -> Cluster | None:
        return self.current_cluster()

    def action_open(self) -> None:
        key = self.query_one(LiveTable).selected_key
        if key and key in self.clusters:
            from tui.screens.services import ServicesScreen

            self.app.push_screen(ServicesScreen(self.clusters[key]))
