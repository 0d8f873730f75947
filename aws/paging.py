"""Paging, batching and bounded concurrency: the shapes every reader shares.

Pages come from botocore's paginators, so token names and the page-size parameter live in
botocore's model rather than at each call site. The sandbox pages and batches as AWS does, and
tests also serve multi-page responses through hooks, so every page is proven to be read.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Sequence,
)
from typing import ParamSpec, TypeVar

from aws.session import Clients, in_own_context

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

#: What each describe call accepts at most (the ECS, ELBv2 and ECR API references).
CLUSTERS_PER_DESCRIBE = 100
SERVICES_PER_DESCRIBE = 10
TASKS_PER_DESCRIBE = 100
CONTAINER_INSTANCES_PER_DESCRIBE = 100
TARGET_GROUPS_PER_DESCRIBE = 20
LIST_PAGE = 100

#: Called with each batch as it arrives (sync or async), for progressive loading.
OnBatch = Callable[[list[T]], Awaitable[None] | None]


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def unique(items: Iterable[T]) -> list[T]:
    """Drop repeats, keep first-seen order."""
    return list(dict.fromkeys(items))


async def call(
    c: Clients, method: Callable[P, Awaitable[R]], *args: P.args, **kwargs: P.kwargs
) -> R:
    """One request, holding a slot of ``c.limit`` only while it is in flight (never nest these)."""
    async with c.limit:
        return await in_own_context(lambda: method(*args, **kwargs))


async def pages(c: Clients, pager: AsyncIterable[R]) -> AsyncIterator[R]:
    """The pages of ``client.get_paginator(op).paginate(...)``, one slot of ``c.limit`` per request.

    The slot is held only while a page is in flight, not while the caller works on it, so a slow
    consumer never starves other readers. Pass ``PaginationConfig={"PageSize": n}`` (botocore
    sends it as maxResults, PageSize or limit, whichever the operation calls it) and
    ``"MaxItems"`` to stop early (botocore cuts the last page and reads no further).
    """
    iterator = aiter(pager)
    while True:
        async with c.limit:
            try:
                page = await in_own_context(lambda: anext(iterator))
            except StopAsyncIteration:
                return
        yield page


async def gather_bounded(aws: Iterable[Awaitable[T]]) -> list[T]:
    """Run awaitables concurrently, results in input order (``call`` bounds each request)."""
    return list(await asyncio.gather(*aws))


async def describe_batched(
    ids: Iterable[str],
    size: int,
    describe: Callable[[list[str]], Awaitable[Iterable[T]]],
    keys: Callable[[T], Iterable[str | None]],
    *,
    on_batch: OnBatch[T] | None = None,
) -> list[T]:
    """What ``describe`` returns for ``ids``, ``size`` ids a request, batches concurrent.

    ``describe`` sends one batch through ``call`` or ``pages`` (they hold the ``c.limit`` slots).
    ``keys(item)`` is what an item answers to: its ARN first (its identity), then any other name
    AWS accepts for it (a cluster or service name, a task id), so an id given either way finds it.
    Results come back in ``ids`` order, each item once; ids AWS does not know (its ``failures``)
    are dropped. ``on_batch`` sees each batch as it arrives, possibly out of order.
    """
    wanted = unique(i for i in ids if i)

    async def one(batch: list[str]) -> list[T]:
        found = list(await describe(batch))
        if on_batch is not None:
            result = on_batch(found)
            if inspect.isawaitable(result):
                await result
        return found

    batches = await gather_bounded(one(b) for b in chunks(wanted, size))
    exact: dict[str, tuple[str, T]] = {}
    alias: dict[str, tuple[str, T]] = {}
    for item in (item for batch in batches for item in batch):
        names = [k for k in keys(item) if k]
        if names:
            exact[names[0]] = (names[0], item)
            for name in names[1:]:
                alias.setdefault(name, (names[0], item))
    out: list[T] = []
    seen: set[str] = set()
    for key in wanted:
        hit = exact.get(key) or alias.get(key)
        if hit is not None and hit[0] not in seen:
            seen.add(hit[0])
            out.append(hit[1])
    return out
