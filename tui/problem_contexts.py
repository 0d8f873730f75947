"""The problems reader across contexts: one ``ProblemWatch`` per account-region.

Each account-region has its own ECS request buckets, so each context gets its own watch, with
its own allowances per kind of read and its own memory of what it read: a big account's full
first read never spends a small one's budget, and a context that throttles or hangs is only
late in its own rows. At most ``IN_FLIGHT`` contexts are read at once (a laptop over SSH, not a
fleet), each within ``CONTEXT_TIMEOUT`` (past it that context's answer is its error, the
watch keeps what it had read, and the others are shown meanwhile). The reports are merged into
one: cluster ARNs name their account and region, so the clusters pane's counts and the
problems view's rows never mix two contexts up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aws.context_errors import why_not
from aws.contexts import IN_FLIGHT
from tui import heap

if TYPE_CHECKING:
    from aws.contexts import Context, ContextState
    from aws.triage.problems import ProblemReport, ProblemWatch

#: Seconds one context's refresh may take before it is said late (its watch keeps what it
#: read; the next refresh carries on). A first read of a few thousand services, throttled,
#: takes about a minute.
CONTEXT_TIMEOUT = 120.0


@dataclass
class ContextReads:
    """What the reader knows per context: its watch, its last report, why it failed."""

    watches: dict[Context, ProblemWatch] = field(default_factory=dict)
    reports: dict[Context, ProblemReport] = field(default_factory=dict)
    errors: dict[Context, str] = field(default_factory=dict)
    #: Cluster ARN -> the context it was read in (Enter opens the culprit there).
    where: dict[str, ContextState] = field(default_factory=dict)
    limit: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(IN_FLIGHT))

    async def read(
        self,
        ready: list[ContextState],
        on_report: Callable[[], None],
        timeout: float = CONTEXT_TIMEOUT,
    ) -> tuple[int, int]:
        """Refresh every ready context's watch; ``on_report`` after each one lands (the view
        shows the fast contexts before the slow ones). Returns the most requests any one
        context sent (the budget governor's measure: each context has its own buckets) and
        the requests of all.

        The first read is a bulk load (``heap.bulk_load``): it builds what every watch keeps
        from thousands of responses, and the collector's full passes over that growing heap
        took about 8 % of the reader's CPU on twelve contexts."""
        tasks = [asyncio.create_task(self._one(state, timeout)) for state in ready]
        most = total = 0
        with heap.bulk_load() if not self.reports else contextlib.nullcontext():
            try:
                for done in asyncio.as_completed(tasks):
                    calls = await done
                    most, total = max(most, calls), total + calls
                    on_report()
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        return most, total

    async def _one(self, state: ContextState, timeout: float) -> int:
        from aws.triage.problems import ProblemWatch

        ctx = state.context
        watch = self.watches.setdefault(ctx, ProblemWatch())
        clients = state.clients
        if clients is None:
            return 0
        try:
            async with self.limit, asyncio.timeout(timeout):
                report = await watch.refresh(clients)
        except Exception as exc:
            self.errors[ctx] = why_not(ctx.profile, ctx.region, exc, timeout)
            return 0
        self.errors.pop(ctx, None)
        self.reports[ctx] = report
        for cluster in report.clusters:
            self.where[cluster.arn] = state
        return sum(report.calls.values())

    def merged(self) -> ProblemReport | None:
        """One report of every context read so far (None: none yet)."""
        return merge(self.reports.values()) if self.reports else None


def merge(reports: Iterable[ProblemReport]) -> ProblemReport:
    """The reports of several contexts as one (their cluster ARNs never collide)."""
    from aws.triage.problems import ProblemReport

    reports = list(reports)
    by_cluster: dict[str, int] = {}
    warnings: dict[str, int] = {}
    calls: dict[str, int] = {}
    for r in reports:
        by_cluster.update(r.by_cluster)
        warnings.update(r.warnings_by_cluster)
        for op, n in r.calls.items():
            calls[op] = calls.get(op, 0) + n
    return ProblemReport(
        problems=tuple(p for r in reports for p in r.problems),
        by_cluster=by_cluster,
        clusters=tuple(c for r in reports for c in r.clusters),
        read_at=max((r.read_at for r in reports), default=datetime.now(UTC)),
        warnings_by_cluster=warnings,
        calls=calls,
        errors=tuple(e for r in reports for e in r.errors),
        unread=frozenset().union(*(r.unread for r in reports)),
    )
