"""The problems reader across contexts reads the 12 contexts of 3 accounts x 4 regions in one
wave: with fewer in flight the first answer took two waves, twice one context's time. No AWS:
each context's watch is a stand-in that waits until every context has started."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

from aws.contexts import Context, ContextState
from tui.problem_contexts import ContextReads


class _Watch:
    """Refreshes only once ``expected`` watches are refreshing at the same time."""

    running = 0
    peak = 0

    def __init__(self, all_in: asyncio.Event, expected: int) -> None:
        self.all_in = all_in
        self.expected = expected

    async def refresh(self, clients: Any) -> Any:
        _Watch.running += 1
        _Watch.peak = max(_Watch.peak, _Watch.running)
        if _Watch.running >= self.expected:
            self.all_in.set()
        await self.all_in.wait()
        _Watch.running -= 1
        return SimpleNamespace(clusters=(), calls={"ecs.ListClusters": 1})


async def test_twelve_contexts_are_read_at_once() -> None:
    contexts = [
        Context(profile, region)
        for profile in ("prod", "staging", "shared")
        for region in ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2")
    ]
    all_in = asyncio.Event()
    reads = ContextReads()
    for ctx in contexts:
        reads.watches[ctx] = cast(Any, _Watch(all_in, len(contexts)))
    states = [ContextState(ctx, clients=cast(Any, object())) for ctx in contexts]
    most, total = await asyncio.wait_for(reads.read(states, lambda: None), timeout=5)
    assert (_Watch.peak, most, total) == (12, 1, 12)
    assert not reads.errors


class _CollectorWatch:
    """Notes whether the cyclic collector was on while it refreshed."""

    def __init__(self) -> None:
        self.collector_on: list[bool] = []

    async def refresh(self, clients: Any) -> Any:
        import gc

        self.collector_on.append(gc.isenabled())
        await asyncio.sleep(0)
        return SimpleNamespace(clusters=(), calls={"ecs.ListClusters": 1})


async def test_the_first_read_is_a_bulk_load_and_later_reads_are_not() -> None:
    """The first answer builds what every watch keeps from thousands of responses: the
    collector's passes over that growing heap took about 8 % of the reader's CPU on 12 contexts.
    Later reads run with it on, and it is on again after the first."""
    import gc

    watch = _CollectorWatch()
    reads = ContextReads()
    ctx = Context("prod", "eu-west-1")
    reads.watches[ctx] = cast(Any, watch)
    state = ContextState(ctx, clients=cast(Any, object()))
    assert gc.isenabled()
    for _ in range(2):
        await reads.read([state], lambda: None)
        assert gc.isenabled()
    assert watch.collector_on == [False, True]
