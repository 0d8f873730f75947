"""The problems reader across contexts: one ``ProblemWatch`` per context (each keeps its own
allowances, so each account-region's request buckets are spent as for one context alone),
their reports merged into one for the clusters pane and the problems view.

A context whose read fails or hangs keeps its last report in the merge and is named in the
report's ``errors``; the others' answers are not held back by it past ``READ_TIMEOUT``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aws.triage.problems import ProblemReport, ProblemWatch

if TYPE_CHECKING:
    from aws.contexts import Context, Contexts, ContextState

#: Seconds a context's refresh may take before the merge goes on without its new answer.
READ_TIMEOUT = 60.0


class ContextWatches:
    """A watch and the last report of every context."""

    def __init__(self) -> None:
        self.watches: dict[Context, ProblemWatch] = {}
        self.reports: dict[Context, ProblemReport] = {}
        #: Why a context's last refresh failed (its last report stays in the merge).
        self.errors: dict[Context, str] = {}

    async def refresh(self, contexts: Contexts) -> ProblemReport:
        """Refresh every ready context; the merged report of all they answered so far."""

        async def one(state: ContextState) -> ProblemReport:
            watch = self.watches.setdefault(state.context, ProblemWatch())
            assert state.clients is not None
            return await watch.refresh(state.clients)

        calls: dict[str, int] = {}
        async for outcome in contexts.each(one, timeout=READ_TIMEOUT):
            ctx = outcome.state.context
            if outcome.value is None:
                self.errors[ctx] = outcome.error or f"{ctx.name}: no answer"
                continue
            self.reports[ctx] = outcome.value
            self.errors.pop(ctx, None)
            for name, count in outcome.value.calls.items():
                calls[name] = calls.get(name, 0) + count
        return merged(list(self.reports.values()), calls, tuple(self.errors.values()))


def merged(
    reports: list[ProblemReport], calls: dict[str, int], failed: tuple[str, ...]
) -> ProblemReport:
    """One report of several contexts' (cluster ARNs name their account and region, so the
    per-cluster counts never collide)."""
    by_cluster: dict[str, int] = {}
    warnings: dict[str, int] = {}
    for report in reports:
        by_cluster.update(report.by_cluster)
        warnings.update(report.warnings_by_cluster)
    return ProblemReport(
        problems=tuple(p for r in reports for p in r.problems),
        by_cluster=by_cluster,
        clusters=tuple(c for r in reports for c in r.clusters),
        read_at=max((r.read_at for r in reports), default=datetime.now(UTC)),
        warnings_by_cluster=warnings,
        calls=calls,
        errors=failed + tuple(e for r in reports for e in r.errors),
        unread=frozenset().union(*(r.unread for r in reports)),
    )
