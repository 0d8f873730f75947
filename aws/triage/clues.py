"""What a chain reads beside AWS's reason: the task's own log lines and the service's memory use.

"Target.FailedHealthChecks" and "OutOfMemoryError" say what happened; the engineer's next look
is at the task's awslogs stream (what did the app say last? how long did it take to say it was
listening?) and at the service's MEM% graph. These reads do that, each bounded: two GetLogEvents
of one stream (its last ``LAST_LINES`` lines, and its first ``HEAD_LINES`` from the task's
start), one GetMetricData of two queries. A read that fails is said in its own words, so the
rest of the chain still stands. See docs/causes.md.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws import convert as cv
from aws.errors import error_code, explain
from aws.log_models import LogEvent
from aws.logs import awslogs_streams, millis, stream_tail
from aws.metrics import MemoryUse, read_memory_use
from aws.models import Task, TaskDefinition
from aws.paging import call
from aws.session import Clients

#: The log lines shown beside a failing target's reason.
LAST_LINES = 3
#: Start-up lines searched for the first one that says the app is ready.
HEAD_LINES = 50
#: A line that says the app serves: "Listening on 0.0.0.0:8080", "Started App in 41.2 seconds",
#: "Server ready", "ready to accept connections", "Tomcat started on port 8080". "Starting ..."
#: does not match: it says the app has not started yet.
READY_LINE = re.compile(
    r"\b(listening|started|ready|accepting connections|up and running)\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class TaskLog:
    """One container's awslogs stream of one task, as far as a chain reads it."""

    container: str
    last: tuple[LogEvent, ...] = ()
    #: The first line at or after the task's start that matches READY_LINE, and how many
    #: seconds after ``startedAt`` it was written; None when none of the lines read says so.
    ready: LogEvent | None = None
    ready_after: float | None = None
    #: How many start-up lines were searched (0: the stream has none, or no start time).
    searched: int = 0
    #: Why the stream could not be read (AccessDenied ...), in words.
    error: str | None = None


def pick_stream(
    td: TaskDefinition, task: Task, container: str | None
) -> tuple[str, str, str] | None:
    """(container, group, stream) of ``container`` if it logs with awslogs, else the first
    container that does; None when no container of the task has a per-task stream."""
    streams = awslogs_streams(td.raw, task.id)
    return next((s for s in streams if s[0] == container), streams[0] if streams else None)


async def task_log(
    c: Clients, task: Task, td: TaskDefinition, container: str | None = None
) -> TaskLog | None:
    """The last lines of the task's stream and its first ready line; None without a stream."""
    where = pick_stream(td, task, container)
    if where is None:
        return None
    name, group, stream = where
    started = task.started_at
    try:
        last, head = await asyncio.gather(
            stream_tail(c, group, stream, limit=LAST_LINES),
            _head(c, group, stream, started) if started else _nothing(),
        )
    except Exception as exc:  # the log is extra evidence: say why it is missing
        return TaskLog(name, error=explain(exc))
    ready = next((e for e in head if READY_LINE.search(e.message)), None)
    after = (
        (ready.timestamp - started).total_seconds()
        if ready is not None and ready.timestamp and started
        else None
    )
    return TaskLog(name, tuple(last), ready, after, len(head))


async def _nothing() -> list[LogEvent]:
    return []


async def _head(c: Clients, group: str, stream: str, started: datetime) -> list[LogEvent]:
    """The first HEAD_LINES events of the stream from ``started`` on: one GetLogEvents."""
    try:
        page: Any = await call(
            c,
            c.logs.get_log_events,
            logGroupName=group,
            logStreamName=stream,
            startFromHead=True,
            startTime=millis(started),
            limit=HEAD_LINES,
        )
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return []  # the container never logged
        raise
    return [
        LogEvent(
            timestamp=cv.dt(e, "timestamp", millis=True),
            message=(cv.s(e, "message") or "").rstrip("\n"),
            stream=stream,
        )
        for e in cv.dicts(page, "events")
    ][:HEAD_LINES]


async def memory_before(c: Clients, task: Task) -> MemoryUse | str | None:
    """The task's service's memory use in the hour before the task stopped (one GetMetricData);
    words when CloudWatch refused; None for a task outside a service (no service metric)."""
    service = task.service_name
    if not service:
        return None
    cluster = task.cluster_arn.rsplit("/", 1)[-1]
    end = task.stopped_at or datetime.now(UTC)
    try:
        return await read_memory_use(c, cluster, service, end=end)
    except Exception as exc:
        return explain(exc)
