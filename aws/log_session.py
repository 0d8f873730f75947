"""What one logs view reads: a task (all its awslogs containers, or one), or a whole service.

A ``LogSession`` is opened once per scope, window and filter pattern. ``open`` returns the true
last lines: GetLogEvents from the tail of each of a task's streams, or for a service (or any
pattern) one FilterLogEvents from a start time, topped up with older lines when the service is
quiet. ``more`` then returns only what came since: a task's streams by their forward tokens, a
service's by FilterLogEvents with an eventId/timestamp cursor, with the streams of tasks started
meanwhile (a deployment) joining every ``TASKS_EVERY`` seconds. How often ``more`` is called is
the caller's choice; ``follow_every`` says how often each kind of read may be made.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aws.ecs import read_task_definition
from aws.log_models import LogEvent
from aws.logs import (
    Elsewhere,
    MergedFollow,
    StreamFollow,
    awslogs_streams,
    by_time,
    lines_before,
    logs_elsewhere,
    millis,
)
from aws.models import Task
from aws.session import Clients
from aws.task_watch import ServiceTasks

#: Lines read from the tail of each stream when a view opens (one GetLogEvents each).
TAIL_LINES = 1000
#: The most lines a window read keeps (the view's buffer).
BUFFER = 5000
#: Seconds between follow reads of a task's streams (GetLogEvents: tens of calls a second).
STREAM_EVERY = 2.0
#: Seconds between merged reads (FilterLogEvents: about 5 calls a second for the whole account).
MERGED_EVERY = 5.0
#: Seconds between re-listing a service's tasks, so new tasks' streams join the merged view.
TASKS_EVERY = 30.0
#: How far back a merged view's "last lines" look.
MERGED_TAIL = timedelta(hours=1)
#: ``window_s`` value meaning "since the (oldest running) task started".
SINCE_START = -1

#: (container, log group, log stream) of one awslogs container of one task.
StreamRef = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class LogScope:
    """What a view shows: one task (or one of its containers), or a whole service."""

    cluster_arn: str
    service_name: str | None
    task: Task | None = None
    container: str | None = None

    @property
    def title(self) -> str:
        if self.task is None:
            return f"service {self.service_name} (all tasks)"
        what = f"task {self.task.id[:12]}"
        return f"{what} · {self.container}" if self.container else what


@dataclass(slots=True)
class LogSession:
    scope: LogScope
    #: Seconds back from now to start at; None: the last lines; ``SINCE_START``.
    window_s: int | None = None
    #: A CloudWatch filter pattern, sent to AWS (FilterLogEvents).
    pattern: str = ""
    #: awslogs containers of the task (to cycle through), and the ones logging elsewhere.
    containers: list[str] = field(default_factory=list)
    elsewhere: list[Elsewhere] = field(default_factory=list)
    #: The streams found at open (empty: nothing this scope logs to CloudWatch with a prefix).
    found: list[StreamRef] = field(default_factory=list)
    #: More than one container's lines are shown, so each line says which.
    tag_container: bool = False
    merged: list[MergedFollow] = field(default_factory=list)
    streams: list[StreamFollow] = field(default_factory=list)
    tasks: ServiceTasks | None = None
    _listed_at: float = 0.0

    @property
    def follow_every(self) -> float:
        """Seconds between follow reads this session's API allows."""
        return MERGED_EVERY if self.merged or not self.streams else STREAM_EVERY

    @property
    def behind(self) -> bool:
        """A merged read stopped at its page limit: the next reads are catching up."""
        return any(m.behind for m in self.merged)

    async def service_tasks(self, c: Clients) -> list[Task]:
        """The service's tasks, running and recently stopped (for the scope or "previous")."""
        if not self.scope.service_name:
            return []
        if self.tasks is None:
            self.tasks = ServiceTasks(self.scope.cluster_arn, self.scope.service_name)
        return await self.tasks.refresh(c)

    async def open(self, c: Clients) -> list[LogEvent]:
        """The true last lines of the scope (or its window), oldest first."""
        tasks = [self.scope.task] if self.scope.task else await self.service_tasks(c)
        self._listed_at = time.monotonic()
        self.found = await self._streams(c, tasks)
        start = self._start_ms(tasks)
        self.tag_container = len({name for name, _, _ in self.found}) > 1
        if self.scope.task is None or self.pattern:
            fresh = await self._open_merged(c, start)
        else:
            self.streams = [StreamFollow(group, stream) for _, group, stream in self.found]
            limit = TAIL_LINES if start is None else BUFFER
            tails = await asyncio.gather(
                *(f.tail(c, limit=limit, start_ms=start) for f in self.streams)
            )
            fresh = [e for tail in tails for e in tail]
        return by_time(fresh)

    async def more(self, c: Clients) -> list[LogEvent]:
        """What was written since the last read, with no duplicate and no gap."""
        stale = time.monotonic() - self._listed_at > TASKS_EVERY
        if self.merged and self.scope.task is None and stale:
            self._listed_at = time.monotonic()
            await self._join_new_tasks(c)
        reads = [m.read(c) for m in self.merged] + [s.more(c) for s in self.streams]
        fresh = [e for batch in await asyncio.gather(*reads) for e in batch]
        # Interleave the groups' and containers' lines.
        return by_time(fresh) if len(reads) > 1 else fresh

    async def _open_merged(self, c: Clients, start: int | None) -> list[LogEvent]:
        by_group: dict[str, list[str]] = {}
        for _, group, stream in self.found:
            by_group.setdefault(group, []).append(stream)
        since = start if start is not None else millis(datetime.now(UTC) - MERGED_TAIL)
        self.merged = [
            MergedFollow(g, s, start_ms=since, pattern=self.pattern or None)
            for g, s in by_group.items()
        ]
        fresh = await self.more(c)
        if start is None and len(fresh) < TAIL_LINES and not self.pattern:
            # A quiet service: its last lines may be older than the window read.
            refs = [(g, s) for _, g, s in self.found]
            older = await lines_before(c, refs, since, limit=TAIL_LINES - len(fresh))
            fresh = older + fresh
        return fresh

    def _start_ms(self, tasks: Sequence[Task]) -> int | None:
        now = datetime.now(UTC)
        if self.window_s is None:
            return None
        if self.window_s >= 0:
            return millis(now - timedelta(seconds=self.window_s))
        running = [t for t in tasks if t.last_status == "RUNNING"] or list(tasks)
        starts = [when for t in running if (when := t.started_at or t.created_at) is not None]
        return millis(min(starts)) if starts else millis(now - MERGED_TAIL)

    async def _streams(self, c: Clients, tasks: Sequence[Task]) -> list[StreamRef]:
        """The tasks' awslogs streams; containers using another driver are noted as elsewhere."""
        out: list[StreamRef] = []
        elsewhere: dict[str, Elsewhere] = {}
        for task in tasks:
            if not task.task_definition:
                continue
            td = await read_task_definition(c, task.task_definition)
            for e in logs_elsewhere(td.raw):
                elsewhere.setdefault(e.container, e)
            out.extend(awslogs_streams(td.raw, task.id))
        self.elsewhere = list(elsewhere.values())
        if self.scope.task is not None:
            self.containers = [name for name, _, _ in out]
        if self.scope.container:
            out = [s for s in out if s[0] == self.scope.container]
        return out

    async def _join_new_tasks(self, c: Clients) -> None:
        """Tasks started since the view opened (a deployment): their streams join the view."""
        found = await self._streams(c, await self.service_tasks(c))
        for m in self.merged:
            new = {s for _, g, s in found if g == m.group} - set(m.streams)
            if new:
                m.streams = sorted({*m.streams, *new})
