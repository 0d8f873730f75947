"""What the problems reader knows about one cluster, and the reads that keep it current.

Each read runs on its own cadence (``ProblemWatch`` passes the periods) and costs what AWS's
paging and batch limits make it cost: ListServices 100 a page, DescribeServices 10 a call,
ListTasks 100 a page, DescribeTasks and DescribeContainerInstances 100 a call.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aws import ecs
from aws.models import Cluster, ContainerInstance, Service, Task
from aws.session import Clients


class Allowance:
    """A token bucket of the reader's own, so it spends a fixed share of an AWS bucket whatever
    the tick rate: ``take(n)`` grants up to n calls now, ``give(n)`` returns unused ones."""

    def __init__(self, per_minute: float, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(burst, 1))
        self.tokens = self.burst
        self.at: datetime | None = None

    def take(self, wanted: int, now: datetime) -> int:
        if self.at is not None:
            elapsed = max((now - self.at).total_seconds(), 0.0)
            self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.at = now
        granted = max(min(wanted, int(self.tokens)), 0)
        self.tokens -= granted
        return granted

    def give(self, unused: int) -> None:
        self.tokens = min(self.burst, self.tokens + max(unused, 0))


def due(when: datetime | None, now: datetime) -> bool:
    return when is None or now >= when


@dataclass
class ClusterState:
    """One cluster between refreshes: its services, recent stopped tasks and instances."""

    cluster: Cluster
    arns: list[str] = field(default_factory=list)
    listed_count: int | None = None
    listed_at: datetime | None = None
    services: dict[str, Service] = field(default_factory=dict)
    next_sweep: datetime | None = None
    #: Stopped tasks by ARN (only lastStatus STOPPED: they never change again).
    stopped: dict[str, Task] = field(default_factory=dict)
    #: Listed as stopped but older than the window: never described again.
    expired: set[str] = field(default_factory=set)
    next_stopped: datetime | None = None
    #: Service names with a task that stopped since the last services read.
    stopped_services: set[str] = field(default_factory=set)
    instances: tuple[ContainerInstance, ...] = ()
    next_instances: datetime | None = None

    @property
    def phase(self) -> float:
        """A stable fraction in [0, 1) that spreads clusters' cadences over a period."""
        return (zlib.crc32(self.cluster.arn.encode()) % 1000) / 1000.0

    def after(self, now: datetime, every: timedelta, first: bool) -> datetime:
        """The next run: a period later, except after the first run, when clusters are spread
        over the second half of the period so they do not all come due on the same tick."""
        return now + (every * (0.5 + 0.5 * self.phase) if first else every)

    def stopped_of(self, service_name: str) -> tuple[Task, ...]:
        return tuple(t for t in self.stopped.values() if t.service_name == service_name)

    # ----------------------------------------------------------------------- services

    async def read_services(
        self,
        c: Clients,
        now: datetime,
        *,
        sweep_every: timedelta,
        relist_every: timedelta,
        hot: Callable[[ClusterState], list[str]],
    ) -> None:
        """Describe every service when the sweep is due, else only ``hot(self)``'s choice.

        ListServices runs on the first read, when DescribeClusters' service count moved since
        the last listing, and on a sweep once ``relist_every`` has passed.
        """
        count = self.cluster.service_count
        sweep = due(self.next_sweep, now)
        relist = (
            self.listed_at is None
            or (count is not None and count != self.listed_count)
            or (sweep and now - self.listed_at >= relist_every)
        )
        if relist:
            # An empty cluster needs no ListServices: a new service moves the count.
            self.arns = [] if count == 0 else await ecs.list_service_arns(c, self.cluster.arn)
            self.listed_count, self.listed_at = count, now
            listed = set(self.arns)
            self.services = {a: s for a, s in self.services.items() if a in listed}
        if sweep:  # scheduled before the reads: a failing cluster waits its turn, not every tick
            wanted = list(self.arns)
            self.next_sweep = self.after(now, sweep_every, self.next_sweep is None)
        else:
            wanted = hot(self)
        self.stopped_services.clear()
        if not wanted:
            return
        described = await ecs.describe_services(c, self.cluster.arn, wanted)
        found = {s.arn for s in described}
        for arn in wanted:
            if arn not in found:
                self.services.pop(arn, None)  # deleted between list and describe
        self.services.update((s.arn, s) for s in described)

    # ----------------------------------------------------------------------- stopped tasks

    async def read_stopped(
        self, c: Clients, now: datetime, *, every: timedelta, window: timedelta
    ) -> None:
        """ListTasks desiredStatus=STOPPED when due; DescribeTasks only for ARNs never seen;
        tasks stopped longer ago than ``window`` are forgotten (and never described again)."""
        if not due(self.next_stopped, now):
            return
        first = self.next_stopped is None
        self.next_stopped = self.after(now, every, first)
        arns = await ecs.list_task_arns(c, self.cluster.arn, desired_status="STOPPED")
        listed = set(arns)
        self.stopped = {a: t for a, t in self.stopped.items() if a in listed}
        self.expired &= listed
        new = [a for a in arns if a not in self.stopped and a not in self.expired]
        for task in await ecs.describe_tasks(c, self.cluster.arn, new) if new else []:
            if task.last_status != "STOPPED":
                continue  # still stopping: its final state is read next time
            self.stopped[task.arn] = task
            if task.service_name and not first:
                self.stopped_services.add(task.service_name)
        cutoff = now - window
        for arn, task in list(self.stopped.items()):
            if task.stopped_at is not None and task.stopped_at < cutoff:
                del self.stopped[arn]
                self.expired.add(arn)

    # ----------------------------------------------------------------------- container instances

    async def read_instances(
        self, c: Clients, now: datetime, *, every: timedelta, force: bool
    ) -> None:
        """Container instances, only in a cluster that has some: when due, or ``force`` (one of
        them is a problem, so a reconnected agent clears on the next tick)."""
        if not self.cluster.container_instances:
            self.instances = ()
            return
        if not (due(self.next_instances, now) or force):
            return
        self.next_instances = self.after(now, every, self.next_instances is None)
        self.instances = tuple(await ecs.read_container_instances(c, self.cluster.arn))
