"""Send ECS requests no faster than AWS's token buckets refill, instead of bouncing off them.

ECS meters requests per account and Region in token buckets: a burst, then a steady refill
(the table is in docs/api-budget.md; the figures are AWS's documented ones). A first read of a
big account (every cluster listed, every service described) needs more calls than a burst
holds. Sent as fast as the connections allow, the calls past the burst come back
``ThrottlingException`` and botocore retries them after a random back-off of up to seconds, so
the same read took 3 s or 6 s depending on the dice, and, while it bounced, every other tool
sharing the account's bucket (the console, CI) was refused too.

:class:`Pacer` keeps a mirror of each bucket per client bundle (one bundle is one account and
Region) and holds a request in botocore's ``before-send`` event until its bucket has a token;
retries take one too, as on AWS. The mirror cannot see what other tools spend, so AWS may
still refuse a call; botocore's adaptive retries deal with that as before. Operations outside
these buckets (other services, ECS calls the table does not list) are not held.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

#: bucket -> (burst, refill per second), per account and Region.
ECS_BUCKETS: dict[str, tuple[float, float]] = {
    "cluster-read": (50, 20),
    "service-read": (100, 20),
    "cluster-resource-read": (100, 20),
    "task-definition-read": (50, 20),
    "service-modify": (50, 5),
    "task-definition-modify": (20, 1),
    "cluster-modify": (20, 1),
}

#: ECS operation -> the bucket it draws from.
ECS_OPERATIONS: dict[str, str] = {
    "DescribeClusters": "cluster-read",
    "ListClusters": "cluster-read",
    "DescribeServices": "service-read",
    "ListServices": "service-read",
    "DescribeTasks": "cluster-resource-read",
    "ListTasks": "cluster-resource-read",
    "ListContainerInstances": "cluster-resource-read",
    "DescribeContainerInstances": "cluster-resource-read",
    "DescribeTaskDefinition": "task-definition-read",
    "ListTaskDefinitions": "task-definition-read",
    "ListTaskDefinitionFamilies": "task-definition-read",
    "CreateService": "service-modify",
    "UpdateService": "service-modify",
    "DeleteService": "service-modify",
    "RegisterTaskDefinition": "task-definition-modify",
    "DeregisterTaskDefinition": "task-definition-modify",
    "CreateCluster": "cluster-modify",
    "UpdateCluster": "cluster-modify",
    "DeleteCluster": "cluster-modify",
    "UpdateClusterSettings": "cluster-modify",
    "PutClusterCapacityProviders": "cluster-modify",
}


#: Seconds by which one request's trip to AWS may be shorter than an earlier one's. AWS counts a
#: request when it arrives, the mirror when it is sent: a bucket's refill, as AWS counts it,
#: runs from the arrival of the request that took it below full, so the mirror is ahead by
#: that request's trip. A later request with a shorter trip, sent the moment the mirror has
#: its token, arrives before AWS's bucket has it and is refused (measured on the 40 ms
#: sandbox: one DescribeServices in every first read of a 130-call context, the one just past
#: the burst). The mirror keeps this much refill in hand before it lets a request go.
SLACK = 0.05


class _Bucket:
    def __init__(self, burst: float, rate: float, now: float, slack: float = SLACK) -> None:
        self.burst, self.rate = burst, rate
        self.tokens, self.at = burst, now
        self.margin = rate * slack

    def reserve(self, now: float) -> float:
        """Take the next token, now or ahead of time: the seconds until it is there, with
        ``SLACK`` in hand. Tokens taken ahead leave the bucket below zero, so waiters queue in
        order, each sleeping once, however many there are."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        self.tokens -= 1
        return max(0.0, (self.margin - self.tokens) / self.rate)

    def give_back(self) -> None:
        self.tokens += 1


class Pacer:
    """The ECS buckets of one account and Region, as this process spends them."""

    def __init__(
        self,
        buckets: dict[str, tuple[float, float]] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        slack: float = SLACK,
    ) -> None:
        self.clock, self.sleep = clock, sleep
        self._buckets = {
            name: _Bucket(burst, rate, clock(), slack)
            for name, (burst, rate) in (buckets or ECS_BUCKETS).items()
        }
        #: Seconds requests were held so far (the bench and tests read it).
        self.held = 0.0

    async def take(self, operation: str) -> None:
        """Return once ``operation`` may be sent (at once when it draws from no bucket)."""
        bucket = self._buckets.get(ECS_OPERATIONS.get(operation, ""))
        if bucket is None:
            return
        wait = bucket.reserve(self.clock())
        if wait <= 0:
            return
        self.held += wait
        try:
            await self.sleep(wait)
        except asyncio.CancelledError:
            bucket.give_back()  # the request is never sent: its token is not spent
            raise

    async def before_send(self, event_name: str, **_: Any) -> None:
        """botocore's ``before-send.ecs`` handler (``before-send.ecs.DescribeServices``)."""
        await self.take(event_name.rsplit(".", 1)[-1])
