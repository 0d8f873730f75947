"""Paging, batching and bounded concurrency: the shapes every reader shares.

moto never pages, so these loops are written against the AWS contract (a token in, a token out) and
tested with hooks that serve real multi-page responses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Any, ParamSpec, TypeVar

from aws.session import Clients

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

#: What each describe call accepts at most (aws-facts.md section 1).
CLUSTERS_PER_DESCRIBE = 100
SERVICES_PER_DESCRIBE = 10
TASKS_PER_DESCRIBE = 100
CONTAINER_INSTANCES_PER_DESCRIBE = 100
TARGET_GROUPS_PER_DESCRIBE = 20
LIST_PAGE = 100


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
        return await method(*args, **kwargs)


async def paged(
    c: Clients,
    method: Callable[..., Awaitable[Any]],
    key: str,
    *,
    token_in: str = "nextToken",
    token_out: str = "nextToken",
    max_items: int | None = None,
    **kwargs: Any,
) -> list[Any]:
    """Every item of ``key`` across all pages, passing ``token_out`` back as ``token_in``.

    ``max_items`` stops once that many items were read (the last page may overshoot; it is cut).
    """
    items: list[Any] = []
    token: str | None = None
    while True:
        args = dict(kwargs)
        if token:
            args[token_in] = token
        page = await call(c, method, **args)
        items.extend(page.get(key) or [])
        token = page.get(token_out)
        if not token or (max_items is not None and len(items) >= max_items):
            break
    return items[:max_items] if max_items is not None else items


async def gather_bounded(aws: Iterable[Awaitable[T]]) -> list[T]:
    """Run awaitables concurrently, results in input order (``call`` bounds each request)."""
    return list(await asyncio.gather(*aws))
