"""`:instances CLUSTER` (`:ci`): a cluster's EC2 container instances, their agent and task counts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult

from aws import ecs
from aws.models import Cluster, ContainerInstance
from tui.screens.base import PollingScreen
from tui.status import BAD, OK, badge
from tui.text import natural_key, safe, short_arn
from tui.widgets.live_table import LiveTable, Row

COLUMNS = [
    ("id", "INSTANCE"),
    ("ec2", "EC2 ID"),
    ("status", "STATUS"),
    ("agent", "AGENT"),
    ("running", "RUNNING"),
    ("pending", "PENDING"),
]


def instance_row(i: ContainerInstance) -> Row:
    status = i.status or "?"
    if i.agent_connected is None:
        agent = Text("?", style="dim")
    elif i.agent_connected:
        agent = badge(OK, "connected", "green")
    else:
        agent = badge(BAD, "disconnected", "bold red")

    def count(value: int | None) -> Text:
        return Text("-" if value is None else str(value))

    cells = (
        safe(short_arn(i.arn), "bold", 40),
        safe(i.ec2_instance_id or "-", limit=24),
        safe(status, "" if status == "ACTIVE" else "yellow", 20),
        agent,
        count(i.running_tasks),
        count(i.pending_tasks),
    )
    hay = f"{short_arn(i.arn)} {i.ec2_instance_id} {status}".lower()
    return Row(i.arn, cells, hay, (status != "ACTIVE", natural_key(i.ec2_instance_id or "")))


class InstancesScreen(PollingScreen):
    def __init__(self, cluster: Cluster) -> None:
        self.crumb = f"clusters › {cluster.name} › instances"
        super().__init__()
        self.cluster = cluster
        self.instances: dict[str, ContainerInstance] = {}

    def compose_body(self) -> ComposeResult:
        yield LiveTable(COLUMNS, id="instances")

    async def tick(self) -> None:
        fresh = await ecs.read_container_instances(self.deck.clients, self.cluster.arn)
        self.instances = {i.arn: i for i in fresh}
        self.query_one(LiveTable).set_rows([instance_row(i) for i in fresh])

    def up(self) -> PollingScreen:
        from tui.screens.services import ServicesScreen

        return ServicesScreen(self.cluster)

    def current_cluster(self) -> Cluster:
        return self.cluster

    def selected_resource(self) -> ContainerInstance | None:
        key = self.query_one(LiveTable).selected_key
        return self.instances.get(key) if key else None
