"""The one poll loop behind every reader that refreshes on a cadence: the panes, the logs view,
the app's problems reader and the status of a one-off task (tui/run_status.py).

A turn runs one tick and paces the next from how it went. A tick that succeeded sets the next
in ``interval`` seconds, stretched by the budget governor when the tick was expensive (the first,
the one-off full load, never counts). A failure keeps what is shown, marks it stale through a
callback and waits longer only when AWS asks for it (throttling doubles the wait, up to a cap);
a dead or silent endpoint is tried again within a second, since probing it costs AWS nothing.
A tick that gets no answer from AWS for ``interval`` + ``STALL_SLACK`` seconds is given up
(``Stalled``): botocore would retry a dead endpoint for tens of seconds, while a tick that makes
progress (a 2,000-service load answering batch after batch) runs as long as it needs.

What differs between readers (the logs view does not give up on a tick, the problems reader
backs off on any failure) is a ``Pacing``; what they do with the outcome is theirs (callbacks).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws.errors import error_code, explain
from aws.health import NOT_ANSWERING, THROTTLED, UNREACHABLE, WORDS, Trouble, trouble_kind

if TYPE_CHECKING:
    from aws.health import ApiHealth
    from aws.session import CallCounter

#: Seconds past the refresh interval a tick may go without any answer from AWS.
STALL_SLACK = 2.0

#: A quarter of the ECS read buckets' 20/s refill (ECS throttling: per account and region): the
#: whole account (console, CI, other tools) shares those buckets, so a UI polls well under them.
CALLS_PER_SECOND_BUDGET = 5.0

#: The longest a throttled reader waits between ticks.
MAX_BACKOFF = 30.0

#: How often the watchdog looks whether AWS answered.
_WATCH_EVERY = 0.25


class Stalled(Exception):
    """A tick given up on: AWS did not answer for too long (the trouble says why, if known)."""

    def __init__(self, trouble: Trouble | None, silent: float) -> None:
        self.kind = trouble.kind if trouble else NOT_ANSWERING
        words = trouble.words if trouble else WORDS[NOT_ANSWERING]
        where = f" ({trouble.operation})" if trouble and trouble.operation else ""
        super().__init__(f"{words}{where}: no answer for {silent:.0f}s")


@dataclass(frozen=True, slots=True)
class Pacing:
    """How a reader paces itself; the defaults are the panes'."""

    #: Calls per second past which a tick stretches the next interval (None: no governor).
    budget: float | None = CALLS_PER_SECOND_BUDGET
    #: The longest wait backing off reaches.
    max_backoff: float = MAX_BACKOFF
    #: Back off on every failure, not only when AWS throttles (a background reader).
    back_off_always: bool = False
    #: Try a dead or silent endpoint again within a second rather than in ``interval``.
    quick_retry: bool = True
    #: Give a tick up after ``interval`` + this many seconds without an answer (None: never).
    stall_slack: float | None = STALL_SLACK


@dataclass(frozen=True, slots=True)
class Failure:
    """A tick that failed, and the wait chosen before the next."""

    error: Exception
    #: The kind of trouble (aws.health), or None when the error shows none.
    kind: str | None
    delay: float

    @property
    def throttled(self) -> bool:
        return self.kind == THROTTLED

    @property
    def reason(self) -> str:
        """In plain words (a stall says its own)."""
        return str(self.error) if isinstance(self.error, Stalled) else explain(self.error)


def failure_kind(exc: Exception) -> str | None:
    return exc.kind if isinstance(exc, Stalled) else trouble_kind(None, error_code(exc), None)


#: A tick: reads and shows; returns the requests it sent when it counts them itself (None: the
#: loop counts what the tick sent through ``calls``).
Tick = Callable[[], Awaitable[int | None]]


class PollLoop:
    """Runs ``tick`` on a cadence; says how each turn went through ``on_fresh(calls, delay)`` or
    ``on_stale(failure)``, then ``on_turn()``."""

    def __init__(
        self,
        tick: Tick,
        *,
        interval: Callable[[], float],
        on_fresh: Callable[[int, float], None],
        on_stale: Callable[[Failure], None],
        on_turn: Callable[[], None] | None = None,
        calls: CallCounter | None = None,
        health: ApiHealth | None = None,
        pacing: Pacing | None = None,
        delay: float = 0.0,
        loaded: bool = False,
    ) -> None:
        self._tick = tick
        self.interval = interval
        self.on_fresh, self.on_stale, self.on_turn = on_fresh, on_stale, on_turn
        self.calls, self.health = calls, health
        self.pacing = pacing or Pacing()
        #: Seconds until the next tick (the back-off doubles it from here).
        self.delay = delay
        #: True once a tick succeeded (here or in an earlier loop of the same reader): the
        #: first success is the one-off full load, which the governor does not count.
        self.loaded = loaded
        #: The requests of the last successful tick, by operation (when ``calls`` counts them).
        self.last_calls: Counter[str] = Counter()

    async def run(
        self,
        *,
        wait: Callable[[float], Awaitable[None]] = asyncio.sleep,
        while_: Callable[[], bool] = lambda: True,
    ) -> None:
        """Turn after turn, ``wait``-ing between, while ``while_()`` holds."""
        while while_():
            await wait(await self.turn())

    async def turn(self) -> float:
        """One tick, paced; returns the seconds until the next."""
        interval = self.interval()
        try:
            tally: Counter[str] = Counter()
            if self.calls is None:
                counted = await self._guarded(interval)
            else:
                # Only this reader's requests: others poll beside it.
                with self.calls.scope() as tally:
                    counted = await self._guarded(interval)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            kind = failure_kind(exc)
            self.delay = self.after_failure(kind, self.interval())
            self.on_stale(Failure(exc, kind, self.delay))
        else:
            self.last_calls = Counter(tally)
            calls = sum(tally.values()) if counted is None else counted
            self.delay = self.after_success(calls, self.interval())
            self.loaded = True
            self.on_fresh(calls, self.delay)
        if self.on_turn is not None:
            self.on_turn()
        return self.delay

    def after_failure(self, kind: str | None, interval: float) -> float:
        """Back off only when AWS asks for it (or always, if so paced); a dead or silent
        endpoint is tried again soon, so the reader recovers within a second of it answering."""
        pacing = self.pacing
        if kind == THROTTLED or pacing.back_off_always:
            return min(max(self.delay * 2, interval), pacing.max_backoff)
        if pacing.quick_retry and kind in (UNREACHABLE, NOT_ANSWERING):
            return min(interval, 1.0)
        return interval

    def after_success(self, calls: int, interval: float) -> float:
        """Budget governor: a big pane (a service with 1,000 tasks) stretches its own interval so
        steady polling stays under its budget. The first tick is the one-off full load, not the
        steady cost: counting it would leave 2,000 fresh rows unrefreshed for 44 s."""
        budget = self.pacing.budget
        if budget is None or not self.loaded:
            return interval
        return max(interval, calls / budget)

    async def _guarded(self, interval: float) -> int | None:
        """Run one tick, giving up on it once AWS has not answered for ``interval`` + slack."""
        slack, health = self.pacing.stall_slack, self.health
        if slack is None or health is None:
            return await self._tick()
        started = time.monotonic()
        task = asyncio.ensure_future(self._tick())
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=_WATCH_EVERY)
                if done:
                    return task.result()
                silent = time.monotonic() - max(started, health.last_ok or 0.0)
                if silent > interval + slack:
                    raise Stalled(health.trouble, silent)
        finally:
            if not task.done():
                task.cancel()
