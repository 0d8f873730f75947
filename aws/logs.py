"""CloudWatch Logs: recent lines of a log group (awslogs streams: ``prefix/container/task-id``)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aws import convert as cv
from aws.errors import error_code
from aws.log_models import LogEvent
from aws.paging import call, gather_bounded
from aws.session import Clients

#: Where an event without a timestamp sorts (first).
_NO_TIME = datetime.min.replace(tzinfo=UTC)


async def recent_log_events(
    c: Clients,
    group: str,
    *,
    stream_prefix: str | None = None,
    limit: int = 100,
    since: timedelta | None = timedelta(hours=1),
    max_pages: int = 20,
) -> list[LogEvent]:
    """The newest ``limit`` events of ``group`` since ``since`` ago, oldest first (as a tail reads).

    FilterLogEvents pages forward in time, so pages are read (at most ``max_pages``) keeping only
    the last ``limit`` events. ``since=None`` reads from the start of the group.
    """
    kwargs: dict[str, Any] = {"logGroupName": group, "limit": min(max(limit, 1), 10000)}
    if stream_prefix:
        kwargs["logStreamNamePrefix"] = stream_prefix
    if since is not None:
        kwargs["startTime"] = millis(datetime.now(UTC) - since)
    kept: deque[LogEvent] = deque(maxlen=max(limit, 0))
    token: str | None = None
    for _ in range(max_pages):
        if token:
            kwargs["nextToken"] = token
        page = await call(c, c.logs.filter_log_events, **kwargs)
        kept.extend(_event(e, cv.s(e, "logStreamName")) for e in cv.dicts(page, "events"))
        new_token = page.get("nextToken")
        if not new_token or new_token == token:
            break
        token = new_token
    return by_time(kept)


async def stream_tail(
    c: Clients, group: str, stream: str, *, limit: int = 40, end_ms: int | None = None
) -> list[LogEvent]:
    """The true last ``limit`` events of one stream, oldest first, in one GetLogEvents read from
    the tail (FilterLogEvents would page forward through the whole stream, and shares a few
    calls a second with the whole account).

    A stream or group that does not exist has no lines: a task that never started logging.
    ``end_ms`` (exclusive) reads the last lines before that time instead.
    """
    window: dict[str, Any] = {} if end_ms is None else {"endTime": end_ms}
    try:
        page = await call(
            c,
            c.logs.get_log_events,
            logGroupName=group,
            logStreamName=stream,
            startFromHead=False,
            limit=min(max(limit, 1), 10000),
            **window,
        )
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return []
        raise
    return [_event(e, stream) for e in cv.dicts(page, "events")]


def by_time(events: Iterable[LogEvent]) -> list[LogEvent]:
    """Oldest first; an event with no timestamp sorts first."""
    return sorted(events, key=lambda e: e.timestamp or _NO_TIME)


def _event(e: Mapping[str, Any], stream: str | None, event_id: str | None = None) -> LogEvent:
    return LogEvent(
        timestamp=cv.dt(e, "timestamp", millis=True),
        message=(cv.s(e, "message") or "").rstrip("\n"),
        stream=stream,
        event_id=event_id,
    )


def awslogs_streams(task_definition: dict[str, Any], task_id: str) -> list[tuple[str, str, str]]:
    """(container, log group, stream) for each container that logs with the awslogs driver.

    ECS names the stream ``<awslogs-stream-prefix>/<container>/<task-id>``; without a prefix
    there is no per-task stream to read (the driver then names streams by container id).
    """
    out: list[tuple[str, str, str]] = []
    for cdef in cv.dicts(task_definition, "containerDefinitions"):
        conf = cdef.get("logConfiguration")
        if not isinstance(conf, dict) or conf.get("logDriver") != "awslogs":
            continue
        options = conf.get("options") if isinstance(conf.get("options"), dict) else {}
        group = cv.s(options, "awslogs-group")
        prefix = cv.s(options, "awslogs-stream-prefix")
        name = cv.s(cdef, "name")
        if group and prefix and name:
            out.append((name, group, f"{prefix}/{name}/{task_id}"))
    return out


async def task_logs(
    c: Clients, task_definition: dict[str, Any], task_id: str, *, limit: int = 40
) -> dict[str, list[LogEvent]]:
    """The last ``limit`` lines of each awslogs container of one task, by container name."""
    streams = awslogs_streams(task_definition, task_id)
    tails = await gather_bounded(
        stream_tail(c, group, stream, limit=limit) for _, group, stream in streams
    )
    return {container: tail for (container, _, _), tail in zip(streams, tails, strict=True)}


# -- following: the logs view ------------------------------------------------------------------

#: GetLogEvents pages read per follow step at most (a burst of lines catches up over steps).
FOLLOW_PAGES = 5
#: FilterLogEvents pages per merged read at most: each is a call of a ~5/s account-wide API.
MERGED_PAGES = 5
#: A merged follow re-reads this far behind its newest event: awslogs ships in batches, so an
#: event of another task's stream can arrive after newer ones were read. Ids drop the repeats.
LATE_MS = 30_000
#: FilterLogEvents takes at most 100 stream names; more streams go by their common prefix.
MAX_STREAM_NAMES = 100


def millis(when: datetime) -> int:
    return int(when.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class Elsewhere:
    """A container whose logs CloudWatch Logs streams of this task do not hold."""

    container: str
    driver: str
    where: str


#: Option keys that say where a driver sends lines (never secrets: those are secretOptions).
_WHERE_KEYS = (
    "Name",
    "region",
    "log_group_name",
    "log_stream_prefix",
    "delivery_stream",
    "stream",
    "Host",
    "Index",
    "splunk-url",
    "splunk-index",
    "splunk-source",
    "fluentd-address",
    "syslog-address",
    "gelf-address",
    "tag",
)


def logs_elsewhere(task_definition: dict[str, Any]) -> list[Elsewhere]:
    """Containers whose lines are not in a per-task awslogs stream: which driver, and where
    its ``logConfiguration`` sends them (FireLens' output plugin, a Splunk URL, ...)."""
    out: list[Elsewhere] = []
    for cdef in cv.dicts(task_definition, "containerDefinitions"):
        name = cv.s(cdef, "name") or "?"
        conf = cdef.get("logConfiguration")
        if not isinstance(conf, dict):
            out.append(Elsewhere(name, "none", "no logConfiguration: ECS collects no logs"))
            continue
        driver = cv.s(conf, "logDriver") or "?"
        raw = conf.get("options")
        options: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if driver == "awslogs":
            if cv.s(options, "awslogs-stream-prefix"):
                continue
            group = cv.s(options, "awslogs-group") or "?"
            where = f"log group {group}, streams named by container id (no awslogs-stream-prefix)"
        elif driver in ("json-file", "journald", "local"):
            where = "on the container instance's disk (docker logs), not in CloudWatch"
        else:
            picked = [f"{k}={options[k]}" for k in _WHERE_KEYS if isinstance(options.get(k), str)]
            where = " ".join(picked) or "see the task definition's logConfiguration"
            if driver == "awsfirelens":
                where = f"FireLens output {where}"
        out.append(Elsewhere(name, driver, where))
    return out


class StreamFollow:
    """One awslogs stream: its true last lines in one GetLogEvents read from the tail, then
    each ``more()`` reads forward from ``nextForwardToken``: every event once, none skipped."""

    def __init__(self, group: str, stream: str) -> None:
        self.group = group
        self.stream = stream
        self.token: str | None = None
        #: Until the stream exists its lines are read from the head (all of them are new).
        self.start_ms: int | None = None

    async def tail(self, c: Clients, *, limit: int, start_ms: int | None = None) -> list[LogEvent]:
        """The last ``limit`` events (since ``start_ms`` if given), oldest first."""
        self.start_ms = start_ms
        kwargs: dict[str, Any] = {"startFromHead": False, "limit": min(max(limit, 1), 10000)}
        if start_ms is not None:
            kwargs["startTime"] = start_ms
        page = await self._get(c, **kwargs)
        if page is None:
            return []
        self.token = cv.s(page, "nextForwardToken")
        return [_event(e, self.stream) for e in cv.dicts(page, "events")]

    async def more(self, c: Clients, *, max_pages: int = FOLLOW_PAGES) -> list[LogEvent]:
        """Events written since the last read, oldest first."""
        out: list[LogEvent] = []
        for _ in range(max_pages):
            kwargs: dict[str, Any] = {"startFromHead": True}
            if self.token:
                kwargs["nextToken"] = self.token
            elif self.start_ms is not None:
                kwargs["startTime"] = self.start_ms
            page = await self._get(c, **kwargs)
            if page is None:
                break
            out.extend(_event(e, self.stream) for e in cv.dicts(page, "events"))
            token = cv.s(page, "nextForwardToken")
            if not token or token == self.token:
                break  # the token repeats at the end of the stream
            self.token = token
        return out

    async def _get(self, c: Clients, **kwargs: Any) -> Mapping[str, Any] | None:
        try:
            return await call(
                c,
                c.logs.get_log_events,
                logGroupName=self.group,
                logStreamName=self.stream,
                **kwargs,
            )
        except Exception as exc:
            if error_code(exc) == "ResourceNotFoundException":
                return None  # not created yet: the container has not logged
            raise


def _common_prefix(names: list[str]) -> str:
    """The longest string every name starts with (a stream-name prefix, not a path)."""
    if not names:
        return ""
    first, last = min(names), max(names)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


class MergedFollow:
    """Several streams of one group (a service's tasks) interleaved by FilterLogEvents.

    The cursor is the newest timestamp read and the ids of the events read since ``LATE_MS``
    before it: each read asks from that point on and drops the ids already seen, so a line
    is shown once, and one shipped late by another task's log driver is still shown.
    """

    def __init__(
        self,
        group: str,
        streams: list[str],
        *,
        start_ms: int,
        pattern: str | None = None,
    ) -> None:
        self.group = group
        self.streams = sorted(set(streams))
        self.pattern = pattern or None
        self.since_ms = start_ms
        self.floor_ms = start_ms
        self.seen: dict[str, int] = {}
        #: True while a read stopped at its page cap: the next read goes on from there.
        self.behind = False
        #: Streams named by their common prefix (kept to ``streams`` here), not by name:
        #: CloudWatch refuses ``logStreamNames`` naming a stream that does not exist (a task
        #: that never started logging), where a prefix matching nothing is just empty.
        self.by_prefix = False

    def _request(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"logGroupName": self.group, "limit": 10000}
        if len(self.streams) <= MAX_STREAM_NAMES and not self.by_prefix:
            kwargs["logStreamNames"] = self.streams
        else:
            prefix = _common_prefix(self.streams)
            if prefix:  # else the whole group, kept to these streams below
                kwargs["logStreamNamePrefix"] = prefix
        if self.pattern:
            kwargs["filterPattern"] = self.pattern
        kwargs["startTime"] = max(self.floor_ms, self.since_ms - (LATE_MS if self.seen else 0))
        return kwargs

    async def read(self, c: Clients, *, max_pages: int = MERGED_PAGES) -> list[LogEvent]:
        """New events of the streams, oldest first (at most ``max_pages`` calls)."""
        if not self.streams:
            return []
        kwargs = self._request()
        wanted = set(self.streams)
        out: list[LogEvent] = []
        token: str | None = None
        self.behind = False
        for n in range(max_pages):
            if token:
                kwargs["nextToken"] = token
            try:
                page = await call(c, c.logs.filter_log_events, **kwargs)
            except Exception as exc:
                if error_code(exc) != "ResourceNotFoundException":
                    raise
                if "logStreamNames" not in kwargs:
                    return out  # the group does not exist (yet)
                self.by_prefix = True  # a named stream does not exist: ask by prefix
                return await self.read(c, max_pages=max_pages)
            for e in cv.dicts(page, "events"):
                event_id = cv.s(e, "eventId")
                stream = cv.s(e, "logStreamName")
                if stream not in wanted or (event_id and event_id in self.seen):
                    continue
                event = _event(e, stream, event_id)
                out.append(event)
            new_token = cv.s(page, "nextToken")
            if not new_token or new_token == token:
                break
            token = new_token
            if n == max_pages - 1:
                self.behind = True
        out = by_time(out)
        for ev in out:
            stamp = millis(ev.timestamp) if ev.timestamp else self.since_ms
            if ev.event_id:
                self.seen[ev.event_id] = stamp
            self.since_ms = max(self.since_ms, stamp)
        horizon = self.since_ms - LATE_MS
        self.seen = {k: v for k, v in self.seen.items() if v >= horizon}
        return out


#: Streams whose older lines fill a merged view that found too few in its window.
MAX_BACKFILL_STREAMS = 20


async def lines_before(
    c: Clients, streams: list[tuple[str, str]], before_ms: int, *, limit: int
) -> list[LogEvent]:
    """The last ``limit`` events before ``before_ms`` of each (group, stream), oldest first:
    one GetLogEvents from the tail each, for at most MAX_BACKFILL_STREAMS streams.

    A merged view reads its window with FilterLogEvents (from ``before_ms`` on, inclusive); a
    quiet service's last lines can be older than that. GetLogEvents' ``endTime`` is exclusive,
    so the two never overlap (an event stamped ``before_ms`` or later is dropped here too).
    """

    async def one(group: str, stream: str) -> list[LogEvent]:
        events = await stream_tail(c, group, stream, limit=limit, end_ms=before_ms)
        return [e for e in events if e.timestamp is None or millis(e.timestamp) < before_ms]

    batches = await gather_bounded(one(g, s) for g, s in streams[:MAX_BACKFILL_STREAMS])
    events = by_time(e for batch in batches for e in batch)
    return events[-limit:] if limit > 0 else []
