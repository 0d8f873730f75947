"""What is broken right now, for the whole region: a stateful watcher that stays in budget.

``ProblemWatch.refresh(c)`` is called on every tick of the view (a few seconds). Reading every
service, stopped task, target and container instance each tick would cost thousands of requests
at 100 clusters x 2,000 services, so each kind of read runs on its own cadence and spends a
fixed share of the AWS token bucket it draws from (docs/api-budget.md):

* clusters: ListClusters + DescribeClusters every tick (their counts are the change signal);
* services: DescribeServices of every service on a slow sweep (deployments, counts and events
  come with it), ListServices only when a cluster's service count moved or on a slower re-list;
  between sweeps only the "hot" services (in motion, with a problem, new, or named by a task
  that just stopped), within an allowance of calls a minute;
* stopped tasks: ListTasks desiredStatus=STOPPED per cluster on a cadence; DescribeTasks only for
  ARNs not seen before (a stopped task never changes, so it is cached until it ages out);
* targets: DescribeTargetHealth only for load-balanced services, within its own allowance,
  services whose events report unhealthy targets first;
* container instances: only in clusters that have some, on a cadence (every tick while one of
  them is a problem).

What counts as a problem is decided in ``aws.problem_rules`` from what was read.
"""

from __future__ import annotations

import asyncio
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from aws import ecs, elb
from aws.causes import trouble_events, unhealthy_target_group
from aws.errors import explain
from aws.models import Cluster, ContainerInstance, Problem, Service, Target, Task
from aws.paging import SERVICES_PER_DESCRIBE
from aws.problem_rules import (
    capacity_problem,
    count_by_cluster,
    instance_problems,
    newest_first,
    rollout_problems,
    short_since,
    stopped_problems,
    target_problems,
)
from aws.session import Clients

V = TypeVar("V")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ProblemReport:
    """One refresh's answer. ``by_cluster`` has every cluster read, 0 for a clean one."""

    problems: tuple[Problem, ...]
    #: cluster ARN -> number of "error" problems in it (the clusters pane's PROBLEMS column).
    by_cluster: dict[str, int]
    clusters: tuple[Cluster, ...]
    read_at: datetime
    #: cluster ARN -> number of "warning" problems.
    warnings_by_cluster: dict[str, int] = field(default_factory=dict)
    #: Requests this refresh sent, by "service.Operation" (retries included).
    calls: dict[str, int] = field(default_factory=dict)
    #: Clusters (or target groups) that could not be read this time, in plain words; what was
    #: known about them before is kept.
    errors: tuple[str, ...] = ()

    @property
    def errors_total(self) -> int:
        return sum(self.by_cluster.values())


class Allowance:
    """A token bucket of the reader's own, so it spends a fixed share of an AWS bucket whatever
    the tick rate: ``take(n)`` grants up to n calls now."""

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
        granted = min(wanted, int(self.tokens))
        self.tokens -= granted
        return max(granted, 0)


@dataclass
class _ClusterState:
    """What the watch knows about one cluster between refreshes."""

    cluster: Cluster
    arns: list[str] = field(default_factory=list)
    listed_count: int | None = None
    listed_at: datetime | None = None
    services: dict[str, Service] = field(default_factory=dict)
    next_sweep: datetime | None = None
    #: Stopped tasks by ARN (only lastStatus STOPPED: they never change again).
    stopped: dict[str, Task] = field(default_factory=dict)
    #: Listed as stopped but older than the window: not described again.
    expired: set[str] = field(default_factory=set)
    next_stopped: datetime | None = None
    #: Service names with a task that stopped since the last services read.
    stopped_services: set[str] = field(default_factory=set)
    instances: tuple[ContainerInstance, ...] = ()
    next_instances: datetime | None = None

    @property
    def phase(self) -> float:
        """A stable fraction in [0, 1) that spreads clusters' cadences over the period."""
        return (zlib.crc32(self.cluster.arn.encode()) % 1000) / 1000.0


def _due(when: datetime | None, now: datetime) -> bool:
    return when is None or now >= when


def _next(now: datetime, every: timedelta, st: _ClusterState, first: bool) -> datetime:
    """The next run: a full period later, except after the first run, when clusters are spread
    over the second half of the period so they do not all come due on the same tick."""
    return now + (every * (0.5 + 0.5 * st.phase) if first else every)


class ProblemWatch:
    """Answers "what is broken right now?" for the region, one ``refresh`` per view tick.

    Thresholds and cadences are arguments so tests can use small ones; ``clock`` is the wall clock
    compared with AWS timestamps and used for every cadence (a test can move it forward).
    """

    def __init__(
        self,
        *,
        rollout_after: timedelta = timedelta(minutes=10),
        short_after: timedelta = timedelta(minutes=5),
        stopped_window: timedelta = timedelta(hours=1),
        sweep_every: timedelta = timedelta(minutes=2),
        relist_every: timedelta = timedelta(minutes=10),
        stopped_every: timedelta = timedelta(minutes=1),
        instances_every: timedelta = timedelta(minutes=3),
        hot_describes_per_minute: float = 120.0,
        target_reads_per_minute: float = 60.0,
        target_reads_burst: int = 10,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.rollout_after = rollout_after
        self.short_after = short_after
        self.stopped_window = stopped_window
        self.sweep_every = sweep_every
        self.relist_every = relist_every
        self.stopped_every = stopped_every
        self.instances_every = instances_every
        self.clock = clock
        self._hot_budget = Allowance(
            hot_describes_per_minute, max(int(hot_describes_per_minute / 6), 1)
        )
        self._target_budget = Allowance(target_reads_per_minute, target_reads_burst)
        self._clusters: dict[str, _ClusterState] = {}
        self._short_first_seen: dict[str, datetime] = {}
        #: Latest targets read per service ARN, joined to tasks, and when they were read.
        self._targets: dict[str, tuple[Target, ...]] = {}
        self._targets_at: dict[str, datetime] = {}
        #: When the reader first saw a service's targets not all healthy (the rows' "since").
        self._targets_bad_since: dict[str, datetime] = {}
        #: Running tasks per service ARN, read only to join non-healthy targets to their tasks.
        self._join_tasks: dict[str, tuple[Task, ...]] = {}
        self._problem_services: set[str] = set()
        self._problem_clusters: set[str] = set()
        self.last: ProblemReport | None = None

    # ----------------------------------------------------------------------- the tick

    async def refresh(self, c: Clients) -> ProblemReport:
        """Read what is due, judge everything known, return the report (also kept in ``last``).

        A cluster or target group that cannot be read is reported in ``errors`` and keeps what
        was known about it; only a failure to list or describe the clusters raises.
        """
        errors: list[str] = []
        with c.calls.scope() as counted:
            now = self.clock()
            clusters = await ecs.read_clusters(c)
            self._sync(clusters)
            active = [self._clusters[cl.arn] for cl in clusters if cl.status in (None, "ACTIVE")]
            await asyncio.gather(*(self._read_cluster(c, st, now, errors) for st in active))
            await self._read_targets(c, now, errors)
            problems = newest_first(self._judge(now))
        self._problem_services = {p.service_arn for p in problems if p.service_arn}
        self._problem_clusters = {p.cluster_arn for p in problems if p.kind == "instance"}
        report = ProblemReport(
            problems=problems,
            by_cluster=count_by_cluster(clusters, problems, "error"),
            warnings_by_cluster=count_by_cluster(clusters, problems, "warning"),
            clusters=tuple(clusters),
            read_at=now,
            calls=dict(counted),
            errors=tuple(errors),
        )
        self.last = report
        return report

    def _sync(self, clusters: list[Cluster]) -> None:
        """Keep state for the clusters that still exist, with their fresh DescribeClusters doc."""
        known = self._clusters
        self._clusters = {}
        for cl in clusters:
            st = known.get(cl.arn) or _ClusterState(cl)
            st.cluster = cl
            self._clusters[cl.arn] = st
        live = {arn for st in self._clusters.values() for arn in st.services}
        _prune(self._targets, live)
        _prune(self._targets_at, live)
        _prune(self._targets_bad_since, live)
        _prune(self._join_tasks, live)
        _prune(self._short_first_seen, live)

    async def _read_cluster(
        self, c: Clients, st: _ClusterState, now: datetime, errors: list[str]
    ) -> None:
        try:
            await asyncio.gather(self._read_stopped(c, st, now), self._read_instances(c, st, now))
            await self._read_services(c, st, now)
        except Exception as exc:  # one cluster's failure must not blank the others
            errors.append(f"{st.cluster.name}: {explain(exc)}")

    # ----------------------------------------------------------------------- services

    async def _read_services(self, c: Clients, st: _ClusterState, now: datetime) -> None:
        """Sweep every service when due; otherwise describe the hot ones within the allowance."""
        cluster = st.cluster
        sweep = _due(st.next_sweep, now)
        count_moved = cluster.service_count is not None and cluster.service_count != st.listed_count
        relist = (
            st.listed_at is None
            or count_moved
            or (sweep and now - st.listed_at >= self.relist_every)
        )
        if relist:
            st.arns = await ecs.list_service_arns(c, cluster.arn)
            st.listed_count, st.listed_at = cluster.service_count, now
            listed = set(st.arns)
            st.services = {a: s for a, s in st.services.items() if a in listed}
        if sweep:
            wanted = list(st.arns)
            st.next_sweep = _next(now, self.sweep_every, st, st.next_sweep is None)
        else:
            wanted = self._hot(st, now)
        st.stopped_services.clear()
        if not wanted:
            return
        described = await ecs.describe_services(c, cluster.arn, wanted)
        found = {s.arn for s in described}
        for arn in wanted:
            if arn not in found:
                st.services.pop(arn, None)  # deleted between list and describe
        st.services.update((s.arn, s) for s in described)

    def _hot(self, st: _ClusterState, now: datetime) -> list[str]:
        """Services worth describing between sweeps, most urgent first, cut to the allowance:
        never described (new), then with a problem (to see it clear), then in motion, then named
        by a task that just stopped."""
        ranked: list[tuple[int, str]] = []
        for arn in st.arns:
            service = st.services.get(arn)
            if service is None:
                ranked.append((0, arn))
            elif arn in self._problem_services:
                ranked.append((1, arn))
            elif service.in_motion:
                ranked.append((2, arn))
            elif service.name in st.stopped_services:
                ranked.append((3, arn))
        ranked.sort(key=lambda r: r[0])
        new = [arn for rank, arn in ranked if rank == 0]
        rest = [arn for rank, arn in ranked if rank > 0]
        calls = math.ceil(len(rest) / SERVICES_PER_DESCRIBE)
        granted = self._hot_budget.take(calls, now) if calls else 0
        return new + rest[: granted * SERVICES_PER_DESCRIBE]

    # ----------------------------------------------------------------------- stopped tasks

    async def _read_stopped(self, c: Clients, st: _ClusterState, now: datetime) -> None:
        """List STOPPED tasks when due; describe only ARNs never seen; forget aged-out ones."""
        if not _due(st.next_stopped, now):
            return
        first = st.next_stopped is None
        st.next_stopped = _next(now, self.stopped_every, st, first)
        arns = await ecs.list_task_arns(c, st.cluster.arn, desired_status="STOPPED")
        listed = set(arns)
        st.stopped = {a: t for a, t in st.stopped.items() if a in listed}
        st.expired &= listed
        new = [a for a in arns if a not in st.stopped and a not in st.expired]
        for task in await ecs.describe_tasks(c, st.cluster.arn, new) if new else []:
            if task.last_status != "STOPPED":
                continue  # still stopping: its final state is read next time
            st.stopped[task.arn] = task
            if task.service_name and not first:
                st.stopped_services.add(task.service_name)
        cutoff = now - self.stopped_window
        for arn, task in list(st.stopped.items()):
            if task.stopped_at is not None and task.stopped_at < cutoff:
                del st.stopped[arn]
                st.expired.add(arn)

    # ----------------------------------------------------------------------- container instances

    async def _read_instances(self, c: Clients, st: _ClusterState, now: datetime) -> None:
        """Container instances of clusters that have any: on a cadence, or every tick while one
        of them is a problem (so a reconnected agent clears at once)."""
        if not st.cluster.container_instances:
            st.instances = ()
            return
        if not (_due(st.next_instances, now) or st.cluster.arn in self._problem_clusters):
            return
        st.next_instances = _next(now, self.instances_every, st, st.next_instances is None)
        st.instances = tuple(await ecs.read_container_instances(c, st.cluster.arn))

    # ----------------------------------------------------------------------- targets

    async def _read_targets(self, c: Clients, now: datetime, errors: list[str]) -> None:
        """DescribeTargetHealth for as many load-balanced services as the allowance grants,
        most urgent first (``_target_rank``); each costs one call per target group."""
        candidates = [
            (st, s)
            for st in self._clusters.values()
            for s in st.services.values()
            if s.status in (None, "ACTIVE") and _groups(s)
        ]
        candidates.sort(key=lambda pair: self._target_rank(pair[1]))
        needed = sum(len(_groups(s)) for _, s in candidates)
        available = self._target_budget.take(needed, now) if needed else 0
        picked: list[tuple[_ClusterState, Service]] = []
        for st, s in candidates:
            cost = len(_groups(s))
            if cost <= available:
                picked.append((st, s))
                available -= cost
        self._target_budget.tokens += available  # give back what no service could use
        await asyncio.gather(
            *(self._read_service_targets(c, st, s, now, errors) for st, s in picked)
        )

    def _target_rank(self, s: Service) -> tuple[int, float]:
        """0: events report an unhealthy target since the last read; 1: targets were not healthy
        at the last read; 2: never read; 3: the rest, least recently read first."""
        read_at = self._targets_at.get(s.arn)
        for event, cause in trouble_events(s):
            if cause.code != "unhealthy-target" or unhealthy_target_group(event.message) is None:
                continue
            if read_at is None or (event.created_at is not None and event.created_at > read_at):
                return (0, 0.0)
        if any(t.state != "healthy" for t in self._targets.get(s.arn, ())):
            return (1, 0.0)
        if read_at is None:
            return (2, 0.0)
        return (3, read_at.timestamp())

    async def _read_service_targets(
        self, c: Clients, st: _ClusterState, s: Service, now: datetime, errors: list[str]
    ) -> None:
        try:
            tasks = self._join_tasks.get(s.arn, ()) + self._stopped_of(st, s.name)
            targets = await elb.read_target_health(c, s, tasks)
            if any(t.task_arn is None for t in targets if t.state != "healthy"):
                running = await ecs.read_service_tasks(
                    c, st.cluster.arn, s.name, include_stopped=False
                )
                self._join_tasks[s.arn] = tuple(running)
                tasks = tuple(running) + self._stopped_of(st, s.name)
                targets = [_rejoin(t, tasks) for t in targets]
        except Exception as exc:
            errors.append(f"{st.cluster.name}/{s.name} targets: {explain(exc)}")
            return
        self._targets[s.arn] = tuple(targets)
        self._targets_at[s.arn] = now
        if all(t.state == "healthy" for t in targets):
            self._targets_bad_since.pop(s.arn, None)
        else:
            self._targets_bad_since.setdefault(s.arn, now)

    @staticmethod
    def _stopped_of(st: _ClusterState, name: str) -> tuple[Task, ...]:
        return tuple(t for t in st.stopped.values() if t.service_name == name)

    # ----------------------------------------------------------------------- judging

    def _judge(self, now: datetime) -> list[Problem]:
        problems: list[Problem] = []
        for st in self._clusters.values():
            if st.cluster.status not in (None, "ACTIVE"):
                continue
            names = {s.name: s.arn for s in st.services.values()}
            for s in st.services.values():
                if s.status not in (None, "ACTIVE"):
                    continue
                problems += rollout_problems(s, st.cluster, now, self.rollout_after)
                short = capacity_problem(
                    s, st.cluster, self._short_since(s, now), now, self.short_after
                )
                if short is not None:
                    problems.append(short)
                targets = self._targets.get(s.arn, ())
                problems += target_problems(
                    s, st.cluster, targets, self._targets_bad_since.get(s.arn)
                )
            problems += stopped_problems(
                st.cluster, st.stopped.values(), names, now, self.stopped_window
            )
            problems += instance_problems(st.cluster, st.instances)
        return problems

    def _short_since(self, s: Service, now: datetime) -> datetime | None:
        if s.running >= s.desired:
            self._short_first_seen.pop(s.arn, None)
            return None
        first = self._short_first_seen.setdefault(s.arn, now)
        return short_since(s, first)


def _prune(table: dict[str, V], keep: set[str]) -> None:
    for key in [k for k in table if k not in keep]:
        del table[key]


def _groups(s: Service) -> list[str]:
    return list(
        dict.fromkeys(lb.target_group_arn for lb in s.load_balancers if lb.target_group_arn)
    )


def _rejoin(t: Target, tasks: tuple[Task, ...]) -> Target:
    if t.task_arn is not None:
        return t
    return replace(t, task_arn=elb.task_for_target(t.id, t.port, tasks))
