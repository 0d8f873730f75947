"""The first pane: every cluster in the region with the service and task counts ECS keeps, and
how many problems the app's problems reader found in each, so the first screen points at trouble.

The rows come from DescribeClusters alone and show at once; the PROBLEMS column says "…" until
the reader's first report lands (it reads every cluster's services and stopped tasks, which takes
longer), then ``✗ 2`` or ``✓``.

Across several contexts (``--profiles/--regions``) the pane lists every cluster of every
context shown (`:ctx` narrows them) with ACCOUNT and REGION, worst first; each context is read
on its own (tui/cluster_reads.py), and one that cannot start or answer is one line above the
table naming profile, region and the fix, while the others keep refreshing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from aws import ecs
from aws.models import Cluster
from tui import app_contexts, keymap
from tui.problem_feed import ProblemsUpdated
from tui.rows.clusters import COLUMNS, CONTEXT_COLUMNS, cluster_row
from tui.screens.base import PollingScreen
from tui.text import plural
from tui.widgets.live_table import LiveTable

if TYPE_CHECKING:
    from aws.contexts import ContextState

#: Seconds the clusters pane waits before the problems reader's first (big) read.
FIRST_PROBLEMS_READ_AFTER = 2.0


class ClustersScreen(PollingScreen):
    pane_name = "clusters"
    crumb = "clusters"
    BINDINGS = keymap.bindings_for("clusters")

    #: Every context's clusters, whichever context the pane was opened from.
    across_contexts = True
    # One line per context in trouble, wrapped rather than cut: the fix is at its end.
    DEFAULT_CSS = """
    ClustersScreen #context-errors { height: auto; max-height: 6; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.clusters: dict[str, Cluster] = {}
        #: Across contexts: cluster ARN -> the context it is in.
        self.where: dict[str, ContextState] = {}

    def compose_body(self) -> ComposeResult:
        several = app_contexts.several(self.deck)
        yield Static(id="context-errors", markup=False)
        yield LiveTable(CONTEXT_COLUMNS if several else COLUMNS, id="clusters")

    async def tick(self) -> None:
        if self.deck.contexts is not None:
            await self._tick_contexts()
        else:
            # DescribeClusters carries the counts, so each tick is one ListClusters plus one
            # DescribeClusters per 100 clusters, and new or deleted clusters show at once.
            fresh = await ecs.read_clusters(self.clients)
            self.clusters = {c.arn: c for c in fresh}
            self._show()
        # Only now: the first rows never wait behind the reader's first (big) read.
        self.deck.problems.attach(self, first_read_after=FIRST_PROBLEMS_READ_AFTER)

    async def _tick_contexts(self) -> None:
        """Each context shown read side by side; rows repaint as each one answers."""
        reads = self.deck.context_reads
        reads.on_read = self._gather
        await reads.tick(app_contexts.shown(self.deck), self.deck.settings.refresh)
        self._gather()

    def _gather(self) -> None:
        """The clusters of every context shown, from what each answered last."""
        reads = self.deck.context_reads
        self.clusters, self.where = {}, {}
        for state in app_contexts.shown(self.deck):
            read = reads.read_of(state.context)
            for cluster in read.clusters if read else ():
                self.clusters[cluster.arn] = cluster
                self.where[cluster.arn] = state
        self._show()

    def on_screen_suspend(self) -> None:
        self.deck.problems.detach(self)
        self.deck.context_reads.on_read = None
        super().on_screen_suspend()

    def on_unmount(self) -> None:
        self.deck.context_reads.stop()
        super().on_unmount()

    @on(ProblemsUpdated)
    def _show(self) -> None:
        """Rows from the last DescribeClusters, PROBLEMS from the last report (unchanged rows
        are not repainted, so a report that changes nothing writes nothing)."""
        feed = self.deck.problems
        several = app_contexts.several(self.deck)
        rows = [
            cluster_row(c, feed.cluster_counts(c.arn), self.where.get(c.arn) if several else None)
            for c in self.clusters.values()
        ]
        self.query_one(LiveTable).set_rows(rows)
        lines = app_contexts.trouble_lines(self.deck)
        errors = self.query_one("#context-errors", Static)
        errors.display = bool(lines)
        errors.update(lines)
        # Until the reader's first report, say that PROBLEMS is still being read ("…" alone
        # reads like a glitch); the row count shows again after.
        waiting = feed.report is None and bool(rows)
        opening = app_contexts.opening_note(self.deck)
        note = f" · {plural(len(rows), 'row')}{opening}" + (
            " · loading problems…" if waiting else ""
        )
        self.header.note = note if waiting or opening else None
        self.header.update_lines()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()  # a click; Enter comes through row_chosen

    def row_context(self, table: LiveTable, key: str) -> dict[str, Any] | None:
        cluster = self.clusters.get(key)
        if cluster is None:
            return None
        where = self.where.get(key)
        # Across contexts, the cluster opens in its own: every pane from there reads it.
        return {"cluster": cluster} | ({"aws": where.context} if where else {})

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
