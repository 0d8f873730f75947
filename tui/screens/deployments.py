"""`p`: a service's deployments, the story behind a rollout (as in e1s).

Each deployment ECS reports (PRIMARY, the ACTIVE ones still draining, INACTIVE when listed) with
its task definition, task counts, rollout state and reason, and the rules the rollout runs under
(circuit breaker, alarms, min/max percent). Deployments seen on this screen that ECS has since
dropped stay listed as gone, so a rollback that replaced a failed rollout reads as a story. One
DescribeServices a tick.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws import ecs
from aws.models import Cluster, Deployment, Service
from tui.follow import follow_line
from tui.rows.deployments import COLUMNS, config_text, deployment_row, detail_text
from tui.screens.base import PollingScreen
from tui.widgets.live_table import LiveTable
from tui.widgets.quiet_static import QuietStatic


class DeploymentsScreen(PollingScreen):
    pane_name = "deployments"
    DEFAULT_CSS = """
    DeploymentsScreen #config { height: auto; padding: 0 1; }
    DeploymentsScreen #follow { height: auto; padding: 0 1; }
    DeploymentsScreen #deployments { height: 1fr; }
    DeploymentsScreen #detail { height: auto; max-height: 10; padding: 0 1; background: $boost; }
    """

    def __init__(self, cluster: Cluster, service: Service) -> None:
        self.crumb = f"clusters › {cluster.name} › {service.name} › deployments"
        super().__init__()
        self.cluster = cluster
        self.service = service
        #: Every deployment seen while this screen is open, by id: dropped ones stay as history.
        self.seen: dict[str, Deployment] = {}

    def compose_body(self) -> ComposeResult:
        yield QuietStatic(config_text(self.service), id="config")
        yield QuietStatic("", id="follow")
        yield LiveTable(COLUMNS, id="deployments")
        yield QuietStatic("", id="detail")

    @property
    def deployments_table(self) -> LiveTable:
        return self.query_one("#deployments", LiveTable)

    def on_mount(self) -> None:
        self._show()  # what the service list already knows, before the first read

    async def tick(self) -> None:
        fresh = await ecs.describe_services(self.clients, self.cluster.arn, [self.service.arn])
        if fresh:
            self.service = fresh[0]
            self.deck.observe_rollouts(fresh)
        self._show()

    def _show(self) -> None:
        current = {d.id: d for d in self.service.deployments}
        self.seen.update(current)
        rows = [deployment_row(d, gone=d.id not in current) for d in self.seen.values()]
        self.deployments_table.set_rows(sorted(rows, key=lambda r: (r.order, r.key)))
        self.query_one("#config", QuietStatic).update(config_text(self.service))
        follow = self.deck.follows.of(self.service)
        line = self.query_one("#follow", QuietStatic)
        line.display = follow is not None
        line.update(follow_line(follow) if follow else "")
        self._show_detail()

    def selected_resource(self) -> Deployment | None:
        """The deployment under the cursor (`c` copies its id, `o` the deployments tab)."""
        key = self.deployments_table.selected_key
        return self.seen.get(key) if key else None

    def _show_detail(self) -> None:
        key = self.deployments_table.selected_key
        chosen = self.seen.get(key) if key else self.service.primary
        self.query_one("#detail", QuietStatic).update(detail_text(self.service, chosen))

    @on(DataTable.RowHighlighted, "#deployments")
    def _highlighted(self) -> None:
        self._show_detail()
