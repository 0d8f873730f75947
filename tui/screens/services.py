"""Services of one cluster: built for thousands of rows and a shared API budget.

The first load lists every ARN and describes them in batches, showing rows as they arrive. After
that a tick re-describes only the rows in the viewport and the services in motion (rollouts,
pending tasks, shortfalls); the full re-list happens on the slow ``relist`` cadence. So steady
polling costs a handful of calls per tick whatever the cluster's size. CPU% and MEM% of the rows
on screen come from one CloudWatch GetMetricData a minute.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws import ecs, elb, metrics
from aws.errors import explain
from aws.metrics import Utilization
from aws.models import Cluster, Service
from tui import keymap
from tui.actions import ServiceActions
from tui.cost_column import CostColumn
from tui.marks import Marks, marked_row
from tui.rows.services import COLUMNS, columns_for, only, service_row
from tui.screens.base import PollingScreen
from tui.usage_parts import METRICS_PART  # the header part both panes mark
from tui.view_keys import DeploymentsKey, LogsKeys
from tui.widgets.live_table import LiveTable, Row

#: Services in motion re-described per tick, at most (10 per DescribeServices call).
MAX_IN_MOTION = 50
#: Target-health reads per tick, at most: the ELB bucket refills at 10/s, shared account-wide.
MAX_TARGET_READS = 4
#: Seconds between putting batches of a first load into the table (a few repaints a second).
FLUSH_EVERY = 0.1
#: Seconds a visible row's target counts stay fresh before they are read again.
TARGETS_TTL = 30.0
#: Seconds between two reads of the visible rows' CPU and memory (ECS publishes once a minute,
#: and CloudWatch bills each metric asked for).
METRICS_TTL = 60.0


class ServicesScreen(Marks, LogsKeys, ServiceActions, DeploymentsKey, CostColumn, PollingScreen):
    pane_name = "services"
    BINDINGS = keymap.bindings_for("services")

    def __init__(self, cluster: Cluster) -> None:
        self.crumb = f"clusters › {cluster.name}"
        super().__init__()
        self.cluster = cluster
        self.services: dict[str, Service] = {}
        self.arns: list[str] = []
        self._listed_at: float | None = None
        #: arn -> (target state counts, when read): visible rows only, on a slow cadence.
        self.targets: dict[str, tuple[dict[str, int], float]] = {}
        #: arn -> CPU and memory use over the last 5 minutes: rows that were on screen.
        self.usage: dict[str, Utilization] = {}
        #: When the last metrics read was tried (monotonic), failed or not.
        self._usage_at: float | None = None
        self.columns: list[tuple[str, str]] = []
        self._table: LiveTable | None = None
        self.init_cost()

    def compose_body(self) -> ComposeResult:
        self.columns = columns_for(self.app.size.width, self.show_cost)
        self._table = self._new_table()
        yield self._table

    def _new_table(self) -> LiveTable:
        # Shift+M opens the service's merged logs: no column sorts on it (MEM% has no letter).
        return LiveTable(self.columns, id="services", reserved="M")

    @property
    def services_table(self) -> LiveTable:
        """The table on screen (while a resize swaps it, the one being replaced)."""
        return self._table or self.query_one("#services", LiveTable)

    def on_resize(self, event: events.Resize) -> None:
        self.columns_changed(event.size.width)

    def columns_changed(self, width: int | None = None) -> None:
        if columns_for(width or self.size.width, self.show_cost) != self.columns:
            self._swap_columns()

    @work(group="columns", exclusive=True)
    async def _swap_columns(self) -> None:
        """Swap in a table of the columns that fit the new width, with the same rows, sort,
        filter, selected row and focus (a DataTable's columns are fixed once it is mounted)."""
        old = self.services_table
        self.columns = columns_for(self.size.width, self.show_cost)
        key, focused = old.selected_key, self.focused is old
        new = self._new_table()
        new.hold_selection = old.hold_selection
        await old.remove()
        await self.mount(new, after=self.header)
        new.set_rows([self._row(s) for s in self.services.values()])
        if old.sort_column in {k for k, _ in self.columns}:
            new.action_sort(old.sort_column)
            if old.sort_descending:
                new.action_sort(old.sort_column)
        if old.filter_text:
            new.set_filter(old.filter_text)
        if key is not None and key in new.shown_keys():
            new.move_cursor(row=new.get_row_index(key), animate=False)
        if focused:
            new.focus()
        self._table = new

    async def tick(self) -> None:
        clients = self.clients
        due = (
            self._listed_at is None
            or time.monotonic() - self._listed_at > self.deck.settings.relist
        )
        if due:
            await self._relist()
        else:
            wanted = list(dict.fromkeys(self.services_table.visible_keys() + self._in_motion()))
            if wanted:
                fresh = await ecs.describe_services(clients, self.cluster.arn, wanted)
                self._absorb(fresh)
        await self._read_targets()
        await self._read_usage()
        shown = [self.services[k] for k in self.services_table.visible_keys() if k in self.services]
        self.services_table.upsert_rows([self._row(s) for s in await self.read_costs(shown)])

    async def _read_targets(self) -> None:
        """Target health of the visible load-balanced rows, oldest first, a few per tick."""
        now = time.monotonic()
        stale = [
            self.services[k]
            for k in self.services_table.visible_keys()
            if k in self.services
            and any(lb.target_group_arn for lb in self.services[k].load_balancers)
            and now - self.targets.get(k, ({}, -1e9))[1] > TARGETS_TTL
        ]
        stale.sort(key=lambda s: self.targets.get(s.arn, ({}, -1e9))[1])
        batch = stale[:MAX_TARGET_READS]
        if not batch:
            return
        try:
            counts = await asyncio.gather(
                *(elb.target_state_counts(self.clients, s) for s in batch)
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # its own part: the services keep refreshing from ECS
            self.header.set_part_error("TARGETS not refreshed", explain(exc))
            return
        self.header.set_part_error("TARGETS not refreshed", None)
        for s, c in zip(batch, counts, strict=True):
            self.targets[s.arn] = (c, now)
        self.services_table.upsert_rows([self._row(s) for s in batch])

    async def _read_usage(self) -> None:
        """CPU and memory of the rows on screen: one GetMetricData, at most every METRICS_TTL.

        Its own part, like target health: a denied or failing CloudWatch read keeps the last
        values (dimmed) and says why in the header, while the rows keep refreshing from ECS.
        Tried again a minute later, not every tick: a missing permission does not come back
        by asking harder.
        """
        now = time.monotonic()
        if self._usage_at is not None and now - self._usage_at < METRICS_TTL:
            return
        if not any(key == "cpu" for key, _ in self.columns):
            return  # a narrow pane shows no CPU%/MEM%: nothing to read them for
        shown = [self.services[k] for k in self.services_table.visible_keys() if k in self.services]
        if not shown:
            return
        self._usage_at, names = now, [s.name for s in shown]
        try:
            got = await metrics.read_utilization(self.clients, self.cluster.name, names)
        except asyncio.CancelledError:
            self._usage_at = None  # cut short (a dialog, Ctrl+R): the next tick reads it
            raise
        except Exception as exc:
            self.header.set_part_error(METRICS_PART, explain(exc))
            self.services_table.upsert_rows([self._row(s) for s in shown if s.arn in self.usage])
            return
        self.header.set_part_error(METRICS_PART, None)
        for s in shown:
            self.usage[s.arn] = got.get(s.name, Utilization(None, None))
        self.services_table.upsert_rows([self._row(s) for s in shown])

    def _row(self, s: Service) -> Row:
        known = self.targets.get(s.arn)
        row = service_row(
            s,
            known[0] if known else None,
            self.usage.get(s.arn),
            usage_stale=METRICS_PART in self.header.part_errors,
            cost=self.cost_cell(s),
        )
        row = row if len(self.columns) == len(COLUMNS) else only(row, self.columns)
        return marked_row(row) if s.arn in self.marked else row

    def _in_motion(self) -> list[str]:
        moving = [arn for arn, s in self.services.items() if s.in_motion]
        return moving[:MAX_IN_MOTION]

    async def _relist(self) -> None:
        if self._listed_at is None:
            await self._first_load()
            return
        clients = self.clients
        arns = await ecs.list_service_arns(clients, self.cluster.arn)
        gone = set(self.services) - set(arns)
        for arn in gone:
            self.services.pop(arn, None)
        self.services_table.remove_rows(gone)
        self.forget_marks(gone)
        new = [a for a in arns if a not in self.services]
        wanted = list(dict.fromkeys(new + self.services_table.visible_keys() + self._in_motion()))
        if wanted:
            self._absorb(await ecs.describe_services(clients, self.cluster.arn, wanted))
        self.arns = arns
        self._listed_at = time.monotonic()

    async def _first_load(self) -> None:
        """Describe everything, batches on screen as they land ("loading n of N").

        Batches land 20-50 a second on a big cluster; the table takes them at most every
        FLUSH_EVERY seconds, so sorting rows in and repainting happen a few times a second
        instead of once per DescribeServices call.
        """
        listed = done = 0
        pending: list[Service] = []
        flushed_at = 0.0

        def flush() -> None:
            nonlocal flushed_at
            self._absorb(pending)
            pending.clear()
            self.header.set_progress(done, listed)
            flushed_at = time.monotonic()

        table, known = self.services_table, self.cluster.service_count or 0
        table.expect_rows(known)

        def count(n: int) -> None:
            nonlocal listed
            listed = n
            table.expect_rows(max(n, known))

        def show(batch: list[Service]) -> None:
            nonlocal done
            done += len(batch)
            pending.extend(batch)
            if time.monotonic() - flushed_at >= FLUSH_EVERY:
                flush()

        try:
            self.arns, _ = await ecs.read_services(
                self.clients, self.cluster.arn, on_batch=show, on_listed=count
            )
        finally:
            table.expect_rows(0)
        flush()
        self.header.set_progress(listed, listed)
        self._listed_at = time.monotonic()

    def _absorb(self, fresh: list[Service]) -> None:
        for s in fresh:
            self.services[s.arn] = s
        self.deck.observe_rollouts(fresh)
        self.services_table.upsert_rows([self._row(s) for s in fresh])

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()  # a click; Enter comes through row_chosen

    def row_context(self, table: LiveTable, key: str) -> dict[str, Any] | None:
        service = self.services.get(key)
        return {"cluster": self.cluster, "service": service} if service else None

    def context(self) -> dict[str, Any]:
        return {"cluster": self.cluster}

    def current_cluster(self) -> Cluster:
        return self.cluster

    def selected_resource(self) -> Service | None:
        return self.selected_service()

    def selected_service(self) -> Service | None:
        key = self.services_table.selected_key
        return self.services.get(key) if key else None

    def action_instances(self) -> None:
        self.deck.open("instances", cluster=self.cluster)

    def action_open(self) -> None:
        table = self.services_table
        key = table.selected_key
        if key and (context := self.row_context(table, key)) is not None:
            self.deck.open("service", **context)
