"""The first pane: every cluster in the region with the service and task counts ECS keeps, and
how many problems the app's problems reader found in each, so the first screen points at trouble.

The rows come from DescribeClusters alone and show at once; the PROBLEMS column says "…" until
the reader's first report lands (it reads every cluster's services and stopped tasks, which takes
longer), then ``✗ 2`` or ``✓``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws import ecs
from aws.models import Cluster
from tui import keymap
from tui.problem_feed import ProblemsUpdated
from tui.screens.base import PollingScreen
from tui.status import BAD, IDLE, OK, WARN, badge
from tui.text import natural_key, plural, safe
from tui.widgets.live_table import LiveTable, Row

#: Seconds the clusters pane waits before the problems reader's first (big) read.
FIRST_PROBLEMS_READ_AFTER = 2.0

COLUMNS = [
    ("name", "CLUSTER"),
    ("status", "STATUS"),
    ("problems", "PROBLEMS"),
    ("services", "SERVICES"),
    ("running", "TASKS"),
    # Short names, so the table fits 80 columns with PROBLEMS in it (providers end in "…").
    ("instances", "INSTANCES"),
    ("providers", "PROVIDERS"),
]


def problems_cell(counts: tuple[int, int] | None) -> Text:
    """``✗ 2`` red (broken now), ``! 1`` yellow (only degraded or at risk), ``✓`` green, ``…``
    until the reader has looked at the cluster."""
    if counts is None:
        return Text("…", style="dim", no_wrap=True)
    errors, warnings = counts
    if errors:
        return Text(f"{BAD} {errors}", style="bold red", no_wrap=True)
    if warnings:
        return Text(f"{WARN} {warnings}", style="yellow", no_wrap=True)
    return Text(OK, style="green", no_wrap=True)


def problems_rank(counts: tuple[int, int] | None) -> tuple[int, int, int]:
    """Where PROBLEMS sorts: worst first on the first press (most ``✗``, then most ``!``,
    then ``✓``), clusters not read yet (``…``) last."""
    if counts is None:
        return (1, 0, 0)
    errors, warnings = counts
    return (0, -errors, -warnings)


def cluster_row(cluster: Cluster, problems: tuple[int, int] | None = None) -> Row:
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
        problems_cell(problems),
        count(cluster.service_count),
        count(cluster.running_tasks),
        count(cluster.container_instances),
        safe(", ".join(cluster.capacity_providers) or "-", limit=60),
    )
    order = (status != "ACTIVE", natural_key(cluster.name))
    hay = f"{cluster.name} {status}".lower()
    return Row(cluster.arn, cells, hay, order, {"problems": problems_rank(problems)})


class ClustersScreen(PollingScreen):
    pane_name = "clusters"
    crumb = "clusters"
    BINDINGS = keymap.bindings_for("clusters")

    def __init__(self) -> None:
        super().__init__()
        self.clusters: dict[str, Cluster] = {}

    def compose_body(self) -> ComposeResult:
        yield LiveTable(COLUMNS, id="clusters")

    async def tick(self) -> None:
        # DescribeClusters carries the counts, so each tick is one ListClusters plus one
        # DescribeClusters per 100 clusters, and new or deleted clusters show at once.
        fresh = await ecs.read_clusters(self.clients)
        self.clusters = {c.arn: c for c in fresh}
        self._show()
        # Only now: the first rows never wait behind the reader's first (big) read.
        self.deck.problems.attach(self, first_read_after=FIRST_PROBLEMS_READ_AFTER)

    def on_screen_suspend(self) -> None:
        self.deck.problems.detach(self)
        super().on_screen_suspend()

    @on(ProblemsUpdated)
    def _show(self) -> None:
        """Rows from the last DescribeClusters, PROBLEMS from the last report (unchanged rows
        are not repainted, so a report that changes nothing writes nothing)."""
        feed = self.deck.problems
        rows = [cluster_row(c, feed.cluster_counts(c.arn)) for c in self.clusters.values()]
        self.query_one(LiveTable).set_rows(rows)
        # Until the reader's first report, say that PROBLEMS is still being read ("…" alone
        # reads like a glitch); the row count shows again after.
        waiting = feed.report is None and bool(rows)
        self.header.note = f" · {plural(len(rows), 'row')} · loading problems…" if waiting else None
        self.header.update_lines()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()  # a click; Enter comes through row_chosen

    def row_context(self, table: LiveTable, key: str) -> dict[str, Any] | None:
        cluster = self.clusters.get(key)
        return {"cluster": cluster} if cluster else None

    def current_cluster(self) -> Cluster | None:
        key = self.query_one(LiveTable).selected_key
        return self.clusters.get(key) if key else None

    def selected_resource(self) -> Cluster | None:
        return self.current_cluster()

    def action_open(self) -> None:
        table = self.query_one(LiveTable)
        key = table.selected_key
        if key and (context := self.row_context(table, key)) is not None:
            self.deck.open("services", **context)
