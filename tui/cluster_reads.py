"""The clusters of every context, each context read on its own.

The clusters pane's tick starts a DescribeClusters read in every context shown that has none
under way and waits for the answers at most one refresh: a context whose read hangs (an
outage, a throttled account) is left to finish in its own time, never started twice and never
waited for, so the other contexts keep refreshing at the pane's cadence. What each context
answered last (or why not) is kept here, on the app, so `:ctx` can say it too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aws import ecs
from aws.context_errors import why_not
from aws.contexts import IN_FLIGHT, Context, ContextState
from aws.models import Cluster


@dataclass(slots=True)
class ContextRead:
    """A context's last answer: its clusters, when (time.monotonic()), or why the last read
    failed (the clusters read before stay)."""

    clusters: list[Cluster] = field(default_factory=list)
    read_at: float | None = None
    error: str | None = None


class ContextReads:
    def __init__(self) -> None:
        self.reads: dict[Context, ContextRead] = {}
        #: Called after each context's answer (the clusters pane repaints).
        self.on_read: Callable[[], None] | None = None
        self._tasks: dict[Context, asyncio.Task[None]] = {}
        self._limit: asyncio.Semaphore | None = None

    def read_of(self, context: Context) -> ContextRead | None:
        return self.reads.get(context)

    async def tick(self, states: Sequence[ContextState], wait: float) -> None:
        """Read every context of ``states`` not being read already; wait up to ``wait``."""
        if self._limit is None:
            self._limit = asyncio.Semaphore(IN_FLIGHT)
        for state in states:
            task = self._tasks.get(state.context)
            if task is None or task.done():
                self._tasks[state.context] = asyncio.create_task(self._read(state, self._limit))
        running = [t for t in self._tasks.values() if not t.done()]
        if running:
            await asyncio.wait(running, timeout=wait)

    def stop(self) -> None:
        """The pane is gone: no read outlives it (what was read stays)."""
        self.on_read = None
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()

    async def _read(self, state: ContextState, limit: asyncio.Semaphore) -> None:
        ctx, clients = state.context, state.clients
        if clients is None:
            return
        read = self.reads.setdefault(ctx, ContextRead())
        try:
            async with limit:
                fresh = await ecs.read_clusters(clients)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            read.error = why_not(ctx.profile, ctx.region, exc, None)
        else:
            read.clusters, read.read_at, read.error = fresh, time.monotonic(), None
        if self.on_read is not None:
            self.on_read()
