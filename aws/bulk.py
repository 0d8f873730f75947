"""One action on many services (the marked rows): one plan per service, sent a few at a time.

Each service's plan goes through ``aws.execute.execute`` as a single action would: the same
read-only refusal, the same one-mutation-in-flight guard per service, the same audit lines. A
failure (the service was deleted meanwhile, a throttle that outlived the retries, a change
already in flight) is that service's outcome; the others go on.

The pace keeps to ECS's service-modify bucket (UpdateService: a burst of 50, 5 a second),
which the console, CI and other tools share: at most ``CONCURRENCY`` calls in flight and
``RATE`` started a second, half the refill.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws.execute import Outcome, execute
from aws.plan import ActionError, Plan
from aws.words import plural

if TYPE_CHECKING:
    from aws.audit import AuditLog
    from aws.session import Clients

#: Calls in flight at once.
CONCURRENCY = 4
#: Plans started per second, at most (ECS refills service-modify at 5/s).
RATE = 2.5
#: Services one bulk action may touch: a slip of ``space`` on a huge list stays small.
MAX_SERVICES = 100


@dataclass(frozen=True)
class Result:
    """One service's outcome: ``outcome`` when its plan ran, else why not (``error``)."""

    plan: Plan
    outcome: Outcome | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is not None and self.outcome.ok

    def line(self) -> str:
        """``payments-api: ok`` / ``payments-api: failed: <why>``."""
        name = self.plan.service or self.plan.cluster
        if self.ok:
            return f"{name}: ok"
        why = self.error
        if why is None and self.outcome is not None:
            why = self.outcome.error or "not done"
        return f"{name}: failed: {(why or '?').rstrip('.')}"


def combined(title: str, summary: str, plans: Sequence[Plan], notes: Sequence[str] = ()) -> Plan:
    """What the one confirmation shows: every call of every plan, each service's summary."""
    if not plans:
        raise ActionError("No marked service to act on.")
    if len(plans) > MAX_SERVICES:
        raise ActionError(f"{len(plans)} services marked: one action takes at most {MAX_SERVICES}.")
    return Plan(
        title=title,
        cluster=plans[0].cluster,
        service=None,
        calls=tuple(call for plan in plans for call in plan.calls),
        summary=summary,
        notes=(*(p.summary for p in plans), *notes),
    )


class _Pace:
    """Starts at most ``rate`` a second (a shared next-start time)."""

    def __init__(self, rate: float) -> None:
        self.gap = 1.0 / rate if rate > 0 else 0.0
        self.next = time.monotonic()
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self.lock:
            delay = self.next - time.monotonic()
            self.next = max(self.next, time.monotonic()) + self.gap
        if delay > 0:
            await asyncio.sleep(delay)


async def execute_each(
    c: Clients,
    plans: Sequence[Plan],
    *,
    audit: AuditLog | None = None,
    concurrency: int = CONCURRENCY,
    rate: float = RATE,
) -> list[Result]:
    """Run every plan (bounded, paced); one Result per plan, in the plans' order."""
    gate = asyncio.Semaphore(max(1, concurrency))
    pace = _Pace(rate)

    async def one(plan: Plan) -> Result:
        async with gate:
            await pace.wait()
            try:
                return Result(plan, await execute(c, plan, audit=audit))
            except ActionError as exc:  # read-only, or a change to it already in flight
                return Result(plan, None, exc.message)

    return list(await asyncio.gather(*(one(p) for p in plans)))


def report(results: Sequence[Result]) -> str:
    """``2 of 3 services done.`` then one line per service."""
    ok = sum(r.ok for r in results)
    head = f"{ok} of {plural(len(results), 'service')} done."
    return "\n".join([head, *(r.line() for r in results)])
