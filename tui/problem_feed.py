"""The app's one problems reader, shared by the clusters pane and the problems view.

Both show the same answer ("what is broken right now?"), so one ``ProblemWatch`` (aws.triage.problems)
serves them: two readers would pay twice from the account's request buckets. It refreshes in its
own worker at the panes' ``refresh`` cadence (the watch spends its own allowances per kind of
read, so a tick costs little after the first), only while a pane that shows problems is on screen
(like every pane), and never in the way of a pane's own reads: the clusters pane shows
DescribeClusters' rows at once and its PROBLEMS column fills in when the first report lands.

With several contexts (``--profiles/--regions/--contexts``) there is one watch per context
(tui.problem_contexts): each account-region has its own buckets and its own allowances, and
their reports are merged into ``report``; ``context_of`` says which context a problem is in.

Each report is compared with the previous one: a problem that is no longer reported is kept for
``RESOLVED_FOR`` seconds as resolved, so the on-call sees it clear instead of a row vanishing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker

from aws.problem_models import Problem
from tui.poll_loop import Failure, Pacing, PollLoop
from tui.problem_contexts import ContextReads

if TYPE_CHECKING:
    from aws.contexts import Contexts, ContextState
    from aws.session import Clients
    from aws.triage.problems import ProblemReport, ProblemWatch
    from tui.config import Settings

#: Seconds a cleared problem stays on the problems view (dim, ✓ resolved).
RESOLVED_FOR = 60.0
#: Calls per second past which a refresh stretches the next one (as the panes' governor does):
#: a safety net under the watch's own allowances. The first read (every cluster's services and
#: stopped tasks) is a one-off and does not count.
READER_CALLS_PER_SECOND = 5.0
#: A background reader: any failure doubles the wait (up to a minute), none is given up on (the
#: watch spends its own allowances and keeps what it read).
READER_PACING = Pacing(
    budget=READER_CALLS_PER_SECOND,
    max_backoff=60.0,
    back_off_always=True,
    quick_retry=False,
    stall_slack=None,
)


class FeedHost(Protocol):
    """What the feed needs of the app: the current settings and clients, and a worker to run in
    (a Protocol, so this module never imports the app that owns it)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def clients(self) -> Clients: ...

    #: Every context of the run (None: just ``clients``).
    contexts: Contexts | None

    def run_worker(
        self, work: Coroutine[Any, Any, None], *, group: str, exit_on_error: bool
    ) -> Worker[None]: ...


class ProblemsUpdated(Message):
    """Posted to the screens showing problems when a report (or a failure) lands."""

    def can_replace(self, message: Message) -> bool:  # a slow UI keeps only the latest
        return isinstance(message, ProblemsUpdated)


@dataclass(frozen=True, slots=True)
class Resolved:
    problem: Problem
    #: time.monotonic() when the report stopped listing it.
    at: float


class ProblemFeed:
    """Owns the watch, its latest report, the recently resolved problems and the poll loop."""

    def __init__(self, app: FeedHost) -> None:
        self.app = app
        self.watch: ProblemWatch | None = None
        self.report: ProblemReport | None = None
        #: The reason the last refresh failed (the report shown is then older), or None.
        self.error: str | None = None
        #: What the last refresh could not read (a cluster, a target group), in plain words:
        #: what was known about it before is still in the report.
        self.unread: tuple[str, ...] = ()
        #: Requests the last refresh sent, and when it finished (time.monotonic()).
        self.calls_last = 0
        self.read_at: float | None = None
        #: Refreshes that succeeded: the first is the one-off full read, later ones the steady cost.
        self.reads = 0
        self.poller = PollLoop(
            self._read_once,
            interval=lambda: self.app.settings.refresh,
            on_fresh=lambda calls, delay: None,
            on_stale=self._failed,
            on_turn=self._tell_viewers,
            pacing=READER_PACING,
            delay=app.settings.refresh,
        )
        self.resolved: dict[str, Resolved] = {}
        #: One watch per context when the app has several (None until the first such read).
        self.by_context: ContextReads | None = None
        self._viewers: list[Screen[Any]] = []
        self._wake = asyncio.Event()
        self._running = False
        self._worker: Worker[None] | None = None
        self._first_read_after = 0.0

    # -- who is looking ------------------------------------------------------------------------

    def attach(self, screen: Screen[Any], first_read_after: float = 0.0) -> None:
        """A pane showing problems came on screen: keep reading while it stays there.

        ``first_read_after`` holds the very first read back a little: on the clusters pane an
        engineer who drills in at once should not find the request buckets spent on every
        cluster's services (the first read describes them all)."""
        self._first_read_after = first_read_after
        if screen not in self._viewers:
            self._viewers.append(screen)
        if not self._running:
            self._running = True
            self._worker = self.app.run_worker(self._loop(), group="problems", exit_on_error=False)

    def detach(self, screen: Screen[Any]) -> None:
        """Nobody looks any more: stop, even mid-read. The first read of a big account (every
        service described) would otherwise spend the request buckets the pane just opened
        needs; the watch keeps what it read and carries on when a viewer comes back."""
        if screen in self._viewers:
            self._viewers.remove(screen)
        if not self._viewers and self._worker is not None:
            self._worker.cancel()
            self._worker = None
            self._running = False

    def refresh_now(self) -> None:
        """Read again now (the loop wakes from its sleep; a read under way just finishes)."""
        self._wake.set()

    # -- what is shown -------------------------------------------------------------------------

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.report.problems if self.report else ()

    def recently_resolved(self, now: float | None = None) -> list[Resolved]:
        now = time.monotonic() if now is None else now
        for key in [k for k, r in self.resolved.items() if now - r.at > RESOLVED_FOR]:
            del self.resolved[key]
        return list(self.resolved.values())

    def cluster_counts(self, cluster_arn: str) -> tuple[int, int] | None:
        """(errors, warnings) in this cluster; None until the reader has looked at it."""
        report = self.report
        if report is None or cluster_arn not in report.by_cluster:
            return None
        return report.by_cluster[cluster_arn], report.warnings_by_cluster.get(cluster_arn, 0)

    # -- the loop ------------------------------------------------------------------------------

    @property
    def next_in(self) -> float:
        """Seconds until the next refresh: the cadence, stretched by the budget governor or the
        back-off."""
        return self.poller.delay

    async def _loop(self) -> None:
        try:
            await self._wait(self._due_in())
            await self.poller.run(wait=self._wait, while_=lambda: bool(self._viewers))
        finally:
            if self._worker is None:  # else a newer loop took over
                self._running = False

    def _tell_viewers(self) -> None:
        for screen in list(self._viewers):
            screen.post_message(ProblemsUpdated())

    def _due_in(self) -> float:
        """A pane coming back on screen reads at once only if the last report is due."""
        if self.read_at is None:
            return self._first_read_after
        return max(0.0, self.read_at + self.next_in - time.monotonic())

    async def _wait(self, seconds: float) -> None:
        """Sleep, or less if ``refresh_now`` was asked (also during the read before)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()

    def context_of(self, problem: Problem) -> ContextState | None:
        """The context ``problem`` was read in (None: the app's own account-region)."""
        reads = self.by_context
        return reads.where.get(problem.cluster_arn) if reads is not None else None

    async def _read_once(self) -> int:
        """One refresh of the watch (of every context's); returns the requests it sent."""
        contexts = getattr(self.app, "contexts", None)
        if contexts is not None:
            return await self._read_contexts(contexts)
        if self.watch is None:
            from aws.triage.problems import ProblemWatch

            self.watch = ProblemWatch()
        report = await self.watch.refresh(self.app.clients)
        self.calls_last = sum(report.calls.values())
        self.read_at = time.monotonic()
        self.reads += 1
        self.error = None
        self.unread = report.errors
        self._absorb(report)
        return self.calls_last

    async def _read_contexts(self, contexts: Contexts) -> int:
        """Every ready context's watch, the view told as each one lands. The governor sees
        the most any one context sent (each has its own buckets); the header the total."""
        ready = contexts.ready
        if not ready:
            raise RuntimeError("no account-region is open yet")
        reads = self.by_context = self.by_context or ContextReads()

        def landed() -> None:
            report = reads.merged()
            if report is not None:
                self._absorb(report)
                self._tell_viewers()

        most, total = await reads.read(ready, landed)
        report = reads.merged()
        if report is None:  # every context failed: the first one's reason
            raise RuntimeError(next(iter(reads.errors.values()), "no context answered"))
        self.calls_last = total
        self.read_at = time.monotonic()
        self.reads += 1
        self.error = None
        self.unread = report.errors + tuple(reads.errors.values())
        return most

    def _failed(self, failure: Failure) -> None:
        self.error = failure.reason

    def _absorb(self, report: ProblemReport) -> None:
        now = time.monotonic()
        fresh = {p.key for p in report.problems}
        for problem in self.problems:
            if problem.key not in fresh:
                self.resolved[problem.key] = Resolved(problem, now)
        for key in fresh:
            self.resolved.pop(key, None)
        self.report = report
