"""Many accounts and regions at once: a context is one profile x region (+ endpoint).

Each context gets its own ``Clients`` bundle (its own adaptive retry state, call counter and
health), so a throttled or hanging account never slows another. ``Contexts`` opens them
concurrently, a bounded number in flight (a laptop over SSH must not open 100 connection pools
at once), and keeps for each either the ready bundle and its identity, or one line naming the
profile, the region and the fix. ``each`` runs a coroutine per ready context, bounded the same
way and with a deadline per context, handing each answer over as soon as it is in.
"""

from __future__ import annotations

import asyncio
import difflib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from aws.context_errors import why_not
from aws.identity import whoami
from aws.models import Identity
from aws.session import Clients, SessionSettings, client_config, new_session

T = TypeVar("T")

#: Contexts opened or read at the same time (the issue's budget: a laptop, not a fleet). Past
#: it the contexts are read in waves, each as long as one context alone: with 8, the 12 of
#: 3 accounts x 4 regions took two (2x one context's time, measured 12.4-15.8 s against 9.5-10 s
#: with 12; docs/api-budget.md "Many contexts"). Each context keeps its own connection pool.
IN_FLIGHT = 12
#: A context whose clients and identity take longer than this is failed (and retried on reload).
OPEN_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Context:
    """One profile x region. ``profile`` None is the default chain."""

    profile: str | None
    region: str
    endpoint_url: str | None = None

    @property
    def name(self) -> str:
        return f"{self.profile or 'default'}/{self.region}"


@dataclass(slots=True)
class ContextState:
    """A context and how it stands: ``clients`` and ``identity`` when ready, else ``error``."""

    context: Context
    clients: Clients | None = None
    identity: Identity | None = None
    error: str | None = None

    @property
    def account(self) -> str | None:
        return self.identity.account if self.identity else None


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What one context answered to ``Contexts.each``: a value, or the one line why not."""

    state: ContextState
    value: T | None = None
    error: str | None = None


class Contexts:
    """The contexts of one run. ``async with Contexts(...)`` opens them and closes them."""

    def __init__(
        self,
        contexts: Sequence[Context],
        base: SessionSettings | None = None,
        *,
        in_flight: int = IN_FLIGHT,
        open_timeout: float = OPEN_TIMEOUT,
        failed: Sequence[ContextState] = (),
    ) -> None:
        self.base = base or SessionSettings()
        self.states = [ContextState(c) for c in contexts] + list(failed)
        self.open_timeout = open_timeout
        self._limit = asyncio.Semaphore(in_flight)

    async def __aenter__(self) -> Contexts:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def ready(self) -> list[ContextState]:
        return [s for s in self.states if s.clients is not None]

    @property
    def failed(self) -> list[ContextState]:
        return [s for s in self.states if s.error is not None]

    async def open(self) -> None:
        """Open every context not open yet; a failure is recorded on its state, never raised."""
        todo = [s for s in self.states if s.clients is None and not _fixed_failure(s)]
        await asyncio.gather(*(self._open(s) for s in todo))

    async def reload(self) -> None:
        """Re-open the failed contexts (a new SSO login, a fixed profile): Ctrl+R."""
        for state in self.failed:
            if not _fixed_failure(state):
                state.error = None
        await self.open()

    async def close(self) -> None:
        """Close every bundle; the identities stay (what was read is still said by account)."""
        for state in self.ready:
            clients, state.clients = state.clients, None
            assert clients is not None
            await clients.__aexit__(None, None, None)

    async def _open(self, state: ContextState) -> None:
        ctx = state.context
        settings = replace(
            self.base, profile=ctx.profile, region=ctx.region, endpoint_url=ctx.endpoint_url
        )
        async with self._limit:
            clients = Clients.open(settings)
            try:
                async with asyncio.timeout(self.open_timeout):
                    await clients.__aenter__()
                    try:
                        identity = await whoami(clients)
                    except BaseException:
                        await clients.__aexit__(None, None, None)
                        raise
            except Exception as exc:
                state.error = why_not(ctx.profile, ctx.region, exc, self.open_timeout)
                return
        state.clients, state.identity, state.error = clients, identity, None

    async def each(
        self, work: Callable[[ContextState], Awaitable[T]], *, timeout: float | None = None
    ) -> AsyncIterator[Outcome[T]]:
        """``work`` on every ready context, answers handed over as each one is in (a slow
        context is last, never in the way); past ``timeout`` a context's answer is its error.
        Leaving the loop early cancels what is still running."""
        tasks = [asyncio.create_task(self._one(s, work, timeout)) for s in self.ready]
        try:
            for done in asyncio.as_completed(tasks):
                yield await done
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def gather(
        self, work: Callable[[ContextState], Awaitable[T]], *, timeout: float | None = None
    ) -> list[Outcome[T]]:
        """``each``, all collected, in the order of the contexts."""
        got = {id(o.state): o async for o in self.each(work, timeout=timeout)}
        return [got[id(s)] for s in self.states if id(s) in got]

    async def _one(
        self,
        state: ContextState,
        work: Callable[[ContextState], Awaitable[T]],
        timeout: float | None,
    ) -> Outcome[T]:
        ctx = state.context
        try:
            async with self._limit, asyncio.timeout(timeout):
                return Outcome(state, value=await work(state))
        except Exception as exc:
            return Outcome(state, error=why_not(ctx.profile, ctx.region, exc, timeout))


def _fixed_failure(state: ContextState) -> bool:
    """A failure a reload cannot fix (an unknown region name): opened never again."""
    return state.error is not None and "unknown region" in state.error


async def plan(
    profiles: Sequence[str | None],
    regions: Sequence[str] | str | None,
    base: SessionSettings | None = None,
) -> tuple[list[Context], list[ContextState]]:
    """Every profile x region, and the ones refused before any client (unknown region, a
    profile whose regions cannot be listed for ``"*"``). ``regions`` None is each profile's
    own region; ``"*"`` every region ECS is offered in that the profile's account enabled."""
    base = base or SessionSettings()
    contexts: list[Context] = []
    failed: list[ContextState] = []
    known = set(known_regions())
    for profile in profiles or [None]:
        names: Sequence[str]
        if regions == "*":
            try:
                names = await enabled_regions(replace(base, profile=profile))
            except Exception as exc:
                failed.append(ContextState(Context(profile, "*", base.endpoint_url)))
                failed[-1].error = why_not(profile, "*", exc, None)
                continue
        elif regions:
            names = list(regions)
        else:
            names = [profile_region(profile, base.region)]
        for region in names:
            ctx = Context(profile, region, base.endpoint_url)
            if region in known:
                contexts.append(ctx)
            else:
                failed.append(ContextState(ctx, error=unknown_region(profile, region, known)))
    return contexts, failed


def unknown_region(profile: str | None, region: str, known: set[str]) -> str:
    close = difflib.get_close_matches(region, sorted(known), n=1, cutoff=0.6)
    hint = f": did you mean {close[0]!r}?" if close else " (aws ec2 describe-regions lists them)"
    what = "no region given: pass --regions or set region in the profile" if not region else ""
    return f"{profile or 'default'} in {region or '?'}: " + (
        what or f"unknown region {region!r}{hint}"
    )


def known_regions() -> list[str]:
    """Every region of every partition botocore knows ECS in."""
    from botocore.session import Session

    session = Session()
    return sorted(
        {
            region
            for partition in session.get_available_partitions()
            for region in session.get_available_regions("ecs", partition_name=partition)
        }
    )


def profile_region(profile: str | None, region: str | None) -> str:
    """The region given, else the profile's own (``region`` in its section), else ''."""
    if region:
        return region
    from botocore.session import Session

    session = Session(profile=profile)
    try:
        return str(session.get_config_variable("region") or "")
    except Exception:  # an unknown profile: said when its context opens
        return ""


async def enabled_regions(settings: SessionSettings) -> list[str]:
    """The regions ECS is offered in that the account has enabled: ``account:ListRegions``
    (the opt-in state), else ``ec2:DescribeRegions`` (which lists the enabled ones)."""
    ecs = set(known_regions())
    session = new_session(settings.profile)
    kwargs: dict[str, Any] = {
        "region_name": profile_region(settings.profile, None) or "us-east-1",
        "config": client_config(settings),  # the timeouts and attempts of every other client
    }
    if settings.endpoint_url:
        kwargs["endpoint_url"] = settings.endpoint_url
    try:
        async with session.create_client("account", **kwargs) as account:
            pages = account.get_paginator("list_regions").paginate(
                RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"]
            )
            names = [r["RegionName"] async for page in pages for r in page.get("Regions", [])]
    except Exception:  # account:ListRegions denied (common) or not offered there: ask EC2
        async with session.create_client("ec2", **kwargs) as ec2:
            answer = await ec2.describe_regions()
            names = [r["RegionName"] for r in answer.get("Regions", [])]
    return sorted(set(names) & ecs)
