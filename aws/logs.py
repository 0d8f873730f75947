"""CloudWatch Logs: recent lines of a log group (awslogs streams: ``prefix/container/task-id``)."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from aws import convert as cv
from aws.errors import error_code
from aws.models import LogEvent
from aws.paging import call, gather_bounded
from aws.session import Clients


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
        kwargs["startTime"] = int((datetime.now(UTC) - since).timestamp() * 1000)
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
    return sorted(kept, key=lambda e: e.timestamp or datetime.min.replace(tzinfo=UTC))


async def stream_tail(c: Clients, group: str, stream: str, *, limit: int = 40) -> list[LogEvent]:
    """The true last ``limit`` events of one stream, oldest first, in one GetLogEvents read from
    the tail (FilterLogEvents would page forward through the whole stream, and shares a few
    calls a second with the whole account).

    A stream or group that does not exist has no lines: a task that never started logging.
    """
    try:
        page = await call(
            c,
            c.logs.get_log_events,
            logGroupName=group,
            logStreamName=stream,
            startFromHead=False,
            limit=min(max(limit, 1), 10000),
        )
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return []
        raise
    return [_event(e, stream) for e in cv.dicts(page, "events")]


def _event(e: Mapping[str, Any], stream: str | None) -> LogEvent:
    return LogEvent(
        timestamp=cv.dt(e, "timestamp", millis=True),
        message=(cv.s(e, "message") or "").rstrip("\n"),
        stream=stream,
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
