"""Who changed what: CloudTrail ``LookupEvents`` read paced, incrementally, and cached.

LookupEvents allows 2 requests a second per account and Region, and every reader of the same
account shares that: :class:`Pacer` spaces the requests of one client bundle, and
:func:`trail_for` keeps one :class:`TrailCache` per bundle so a pane opened twice, or a service
pane and the account timeline, read each event once. A source is read backwards from now to the
window's start at most :data:`PAGES_PER_READ` pages a read (the rest on the next read, so the
first answer is not held up by a busy account); after that only what is newer than the newest
event seen (``StartTime`` = its time; the events at that second again, dropped by id).

Without ``cloudtrail:LookupEvents`` the cache remembers the refusal for :data:`DENIED_RETRY`
seconds instead of asking every refresh.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aws.errors import ACCESS_DENIED, error_code
from aws.paging import call
from aws.session import Clients

#: Write events of these sources make the timeline.
SOURCES = ("ecs.amazonaws.com", "application-autoscaling.amazonaws.com")
#: AWS's quota is 2 a second per account and Region; a little under it.
RATE_PER_SECOND = 1.8
PAGE = 50
PAGES_PER_READ = 4
DENIED_RETRY = 300.0
#: Seconds between two reads of what is new. CloudTrail delivers an event minutes after the call,
#: so a pane refreshing every 3 s gains nothing from asking every 3 s: at 15 s the two sources
#: cost 8 LookupEvents a minute, under 7 % of the account-Region's 2-a-second quota (every
#: 3 s it was 40 a minute, a third of it). The first read's backfill goes on at every refresh.
REREAD_AFTER = 15.0
DENIED_NOTE = (
    "CloudTrail not readable (cloudtrail:LookupEvents denied): who made each change is not shown"
)


@dataclass(frozen=True, slots=True)
class TrailEvent:
    """One write call as CloudTrail recorded it."""

    id: str
    at: datetime
    name: str
    source: str
    #: The caller's ARN (userIdentity.arn), else its user name.
    who: str
    source_ip: str
    user_agent: str
    params: dict[str, Any]


class Pacer:
    """At most ``rate`` request starts a second: each caller waits for its slot."""

    def __init__(
        self,
        rate: float = RATE_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            delay = self._next - self.clock()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = max(self._next, self.clock()) + self.interval


@dataclass
class _Source:
    events: dict[str, TrailEvent] = field(default_factory=dict)
    newest: datetime | None = None
    #: The first read's query and where it stopped, until it reached the window's start.
    backfill: dict[str, Any] | None = None


class TrailCache:
    """The write events of :data:`SOURCES` since ``since``, for one client bundle."""

    def __init__(self) -> None:
        self.pacer = Pacer()
        self.sources: dict[str, _Source] = {s: _Source() for s in SOURCES}
        self.denied_until = 0.0
        self.denied = False
        self.reread_after = REREAD_AFTER
        #: When what is new was last asked for (monotonic); None: never.
        self.read_at: float | None = None
        self._lock = asyncio.Lock()

    async def read(self, c: Clients, since: datetime, now: datetime) -> list[TrailEvent] | None:
        """Every cached write event since ``since`` after reading what is new; None when
        LookupEvents is refused."""
        async with self._lock:
            if self.denied and time.monotonic() < self.denied_until:
                return None
            if self._fresh_enough():
                return self._cached(since)
            try:
                self.read_at = time.monotonic()
                for name, source in self.sources.items():
                    await self._refresh(c, name, source, since, now)
            except Exception as exc:
                if error_code(exc) not in ACCESS_DENIED:
                    raise
                self.denied = True
                self.denied_until = time.monotonic() + DENIED_RETRY
                return None
            self.denied = False
            return self._cached(since)

    def _fresh_enough(self) -> bool:
        backfilling = any(s.backfill is not None for s in self.sources.values())
        if backfilling or self.read_at is None:
            return False
        return time.monotonic() - self.read_at < self.reread_after

    def _cached(self, since: datetime) -> list[TrailEvent]:
        return [e for s in self.sources.values() for e in s.events.values() if e.at >= since]

    async def _refresh(
        self, c: Clients, name: str, source: _Source, since: datetime, now: datetime
    ) -> None:
        attribute = [{"AttributeKey": "EventSource", "AttributeValue": name}]
        if source.newest is None and source.backfill is None:
            source.backfill = {"LookupAttributes": attribute, "StartTime": since, "EndTime": now}
            source.newest = now
        elif source.newest is not None:
            newer = {"LookupAttributes": attribute, "StartTime": source.newest, "EndTime": now}
            token = await self._pages(c, source, newer)
            if token is not None and source.backfill is None:
                source.backfill = {**newer, "NextToken": token}  # more than a read's worth
        if source.backfill is not None:
            token = await self._pages(c, source, source.backfill)
            source.backfill = None if token is None else {**source.backfill, "NextToken": token}

    async def _pages(self, c: Clients, source: _Source, query: dict[str, Any]) -> str | None:
        """Up to PAGES_PER_READ pages of ``query``; the token to go on with, None when done."""
        token: str | None = query.get("NextToken")
        for _ in range(PAGES_PER_READ):
            await self.pacer.wait()
            args = {**query, "MaxResults": PAGE}
            if token:
                args["NextToken"] = token
            answer = await call(c, c.cloudtrail.lookup_events, **args)
            for raw in answer.get("Events", []):
                event = event_from_dict(dict(raw))
                if event is not None:
                    source.events[event.id] = event
                    if source.newest is None or event.at > source.newest:
                        source.newest = event.at
            token = answer.get("NextToken")
            if not token:
                return None
        return token


def event_from_dict(d: dict[str, Any]) -> TrailEvent | None:
    """A LookupEvents item; None for a read-only call or one without a time."""
    at = d.get("EventTime")
    if not isinstance(at, datetime) or str(d.get("ReadOnly")).lower() == "true":
        return None
    try:
        body = json.loads(str(d.get("CloudTrailEvent") or "{}"))
    except ValueError:
        body = {}
    identity = body.get("userIdentity") or {}
    params = body.get("requestParameters")
    return TrailEvent(
        id=str(d.get("EventId") or body.get("eventID")),
        at=at,
        name=str(d.get("EventName") or body.get("eventName") or "?"),
        source=str(d.get("EventSource") or body.get("eventSource") or ""),
        who=str(identity.get("arn") or d.get("Username") or identity.get("type") or "?"),
        source_ip=str(body.get("sourceIPAddress") or ""),
        user_agent=str(body.get("userAgent") or ""),
        params=params if isinstance(params, dict) else {},
    )


_CACHES: weakref.WeakKeyDictionary[Clients, TrailCache] = weakref.WeakKeyDictionary()


def trail_for(c: Clients) -> TrailCache:
    """The one cache (and pacer) of a client bundle: one account and Region."""
    cache = _CACHES.get(c)
    if cache is None:
        cache = _CACHES[c] = TrailCache()
    return cache


def window(now: datetime, hours: float) -> datetime:
    return now - timedelta(hours=hours)
