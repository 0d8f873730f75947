"""ECS requests wait for a token of AWS's bucket (aws.pacer) instead of being throttled."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from aws.pacer import Pacer
from aws.session import Clients


class Clock:
    """A clock that moves only when a waiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_burst_goes_at_once_then_one_call_per_refill_in_order() -> None:
    clock = Clock()
    pacer = Pacer(
        {"service-read": (3, 10.0)}, clock=lambda: clock.now, sleep=clock.sleep, slack=0.0
    )
    for _ in range(3):
        await pacer.take("DescribeServices")
    assert clock.slept == []
    await pacer.take("ListServices")  # the same bucket
    await pacer.take("DescribeServices")
    assert clock.slept == pytest.approx([0.1, 0.1])
    await pacer.take("ListTasks")  # a bucket this pacer does not keep
    await pacer.take("DescribeImages")  # not an ECS bucket at all
    assert len(clock.slept) == 2 and pacer.held == pytest.approx(0.2)


async def test_waiters_queue_and_a_cancelled_one_gives_its_token_back() -> None:
    asked: list[float] = []

    async def held_until_cancelled(seconds: float) -> None:
        asked.append(seconds)
        await asyncio.Event().wait()

    pacer = Pacer(
        {"cluster-read": (1, 10.0)}, clock=lambda: 0.0, sleep=held_until_cancelled, slack=0.0
    )
    await pacer.take("ListClusters")
    waiters = [asyncio.create_task(pacer.take("ListClusters")) for _ in range(2)]
    await asyncio.sleep(0)
    assert asked == pytest.approx([0.1, 0.2])  # in order, each sleeping once
    waiters[1].cancel()
    late = asyncio.create_task(pacer.take("ListClusters"))
    await asyncio.sleep(0)
    assert asked[-1] == pytest.approx(0.2)  # the cancelled one's token, not 0.3
    for task in (*waiters, late):
        task.cancel()
    await asyncio.gather(*waiters, late, return_exceptions=True)


async def test_the_slack_absorbs_a_later_request_s_shorter_trip_to_aws() -> None:
    """AWS counts a request when it arrives. The first request travels 30 ms, the others 0-30
    ms: with no slack, a request sent the moment the mirror has its token reaches AWS's bucket
    (the sandbox's, fed in order of arrival) before AWS's refill gives it one. With the slack
    none is refused, and past the burst the calls still go one per refill."""
    import random

    from aws.sandbox.aws_like import Buckets

    async def sent(slack: float) -> list[float]:
        clock = Clock()
        pacer = Pacer(
            {"service-read": (10, 20.0)}, clock=lambda: clock.now, sleep=clock.sleep, slack=slack
        )
        times = []
        for _ in range(60):
            clock.now += 0.001  # the reader's own work between two requests
            await pacer.take("DescribeServices")
            times.append(clock.now)
        return times

    def refused(times: list[float]) -> int:
        trips = random.Random(7)
        arrivals = sorted(
            t + (0.03 if i == 0 else trips.uniform(0, 0.03)) for i, t in enumerate(times)
        )
        at = [0.0]
        aws = Buckets({"service-read": (10, 20.0)}, clock=lambda: at[0])
        count = 0
        for arrival in arrivals:
            at[0] = arrival
            count += not aws.take("123456789012/us-east-1", ["service-read"])
        return count

    assert refused(await sent(0.0)) > 0
    paced = await sent(0.05)
    assert refused(paced) == 0
    gaps = [b - a for a, b in itertools.pairwise(paced[20:])]
    assert sum(gaps) / len(gaps) == pytest.approx(1 / 20)


async def test_the_clients_hold_ecs_requests_in_botocore_s_before_send(clients: Clients) -> None:
    held: list[float] = []

    async def record(seconds: float) -> None:
        held.append(seconds)  # and send at once: the bare moto server throttles nothing

    clients.pacer = Pacer({"cluster-read": (2, 10.0)}, clock=lambda: 0.0, sleep=record, slack=0.0)
    for _ in range(5):
        await clients.ecs.list_clusters()
    await clients.ecs.list_task_definitions()  # a bucket this pacer does not keep
    assert held == pytest.approx([0.1, 0.2, 0.3])
    assert clients.calls.total["ecs.ListClusters"] == 5
