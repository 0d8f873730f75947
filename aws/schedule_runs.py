"""The last run of each scheduled task: the newest task it started that ECS still lists.

Reading it is two ListTasks (running and stopped) per target cluster and task family, then
DescribeTasks. Doing that every refresh was most of the schedules pane's calls (12 a refresh for
4 idle schedules), for an answer that changes only when a schedule fires. ``LastRuns`` reads a
cluster and family again only when it may have changed: never read, one of its last runs still
going, one of its schedules due since the last read, or ``max_age`` seconds gone (rules that
run on events, runs started elsewhere). A stopped task never changes, so it is described once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aws.models import Task
from aws.plan import td_label
from aws.schedule_expr import ExpressionError, next_run
from aws.schedules import ScheduledTask

if TYPE_CHECKING:
    from aws.session import Clients

#: A cluster and family not otherwise due is read again after this many seconds.
MAX_AGE = 60.0

Group = tuple[str, str]  # (cluster ARN, task family)


def _group(s: ScheduledTask) -> Group | None:
    if not s.task_definition:
        return None
    return s.cluster_arn, td_label(s.task_definition).rsplit(":", 1)[0]


def _started(task: Task) -> float:
    when = task.created_at or task.started_at or task.stopped_at
    return when.timestamp() if when else 0.0


def _next_fire(s: ScheduledTask, after: datetime) -> datetime | None:
    if not s.expression or not s.enabled:
        return None
    try:
        return next_run(s.expression, s.timezone, after=after, anchor=s.created_at)
    except ExpressionError:
        return None


class LastRuns:
    """The newest task each schedule started, by ``ScheduledTask.key``, read when it may have
    changed (the module's docstring says when)."""

    def __init__(
        self, max_age: float = MAX_AGE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_age = max_age
        self.clock = clock
        self.last: dict[str, Task] = {}
        #: Per group: when it was read (the clock's) and the first fire after that (UTC).
        self._read: dict[Group, tuple[float, datetime | None]] = {}
        #: Stopped tasks by ARN, per group: described once.
        self._stopped: dict[Group, dict[str, Task]] = {}

    def forget(self) -> None:
        """Read every group on the next call (`r`, or after a change was made)."""
        self._read.clear()

    def _due(self, group: Group, mine: list[ScheduledTask], now: datetime) -> bool:
        read = self._read.get(group)
        if read is None or self.clock() - read[0] >= self.max_age:
            return True
        if read[1] is not None and now >= read[1]:
            return True  # a schedule fired since: its task should be listed now
        going = (self.last.get(s.key) for s in mine)
        return any(t is not None and t.last_status != "STOPPED" for t in going)

    async def read(
        self, c: Clients, scheduled: list[ScheduledTask], now: datetime | None = None
    ) -> dict[str, Task]:
        now = now or datetime.now(UTC)
        groups: dict[Group, list[ScheduledTask]] = {}
        for s in scheduled:
            if (g := _group(s)) is not None:
                groups.setdefault(g, []).append(s)
        due = [g for g, mine in groups.items() if self._due(g, mine, now)]
        found = await asyncio.gather(*(self._tasks(c, g) for g in due))
        for group, tasks in zip(due, found, strict=True):
            fires = [f for s in groups[group] if (f := _next_fire(s, now)) is not None]
            self._read[group] = (self.clock(), min(fires, default=None))
            for s in groups[group]:
                mine = [t for t in tasks if s.started_us(t)]
                if mine:
                    self.last[s.key] = max(mine, key=_started)
                else:
                    self.last.pop(s.key, None)
        keys = {s.key for mine in groups.values() for s in mine}
        self.last = {k: t for k, t in self.last.items() if k in keys}
        self._read = {g: r for g, r in self._read.items() if g in groups}
        return dict(self.last)

    async def _tasks(self, c: Clients, group: Group) -> list[Task]:
        """The group's tasks: running ones described, stopped ones described once."""
        from aws.ecs import describe_tasks, list_task_arns

        cluster, family = group
        running, stopped = await asyncio.gather(
            list_task_arns(c, cluster, family=family),
            list_task_arns(c, cluster, family=family, desired_status="STOPPED"),
        )
        known = self._stopped.get(group, {})
        arns = [a for a in dict.fromkeys([*running, *stopped]) if a not in known]
        described = await describe_tasks(c, cluster, arns) if arns else []
        listed = set(running) | set(stopped)
        kept = {a: t for a, t in known.items() if a in listed}  # ECS forgot the others
        kept.update({t.arn: t for t in described if t.last_status == "STOPPED"})
        self._stopped[group] = kept
        return list({**kept, **{t.arn: t for t in described}}.values())


async def last_runs(c: Clients, scheduled: list[ScheduledTask]) -> dict[str, Task]:
    """The newest task each schedule started that ECS still lists (stopped ones about an hour),
    by ``ScheduledTask.key``, read now (nothing cached)."""
    return await LastRuns().read(c, scheduled)
