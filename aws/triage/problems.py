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

What counts as a problem is decided in ``aws.triage.rules`` from what was read.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from aws import ecs, elb
from aws.elb_models import Target
from aws.errors import explain
from aws.models import Cluster, Service, Task
from aws.paging import SERVICES_PER_DESCRIBE
from aws.problem_models import Problem
from aws.session import Clients
from aws.triage.causes import trouble_events, unhealthy_target_group
from aws.triage.chains import Chains
from aws.triage.reads import Allowance, ClusterState
from aws.triage.rules import (
    TARGET_STATES,
    capacity_problem,
    count_by_cluster,
    instance_problems,
    newest_first,
    rollout_problems,
    short_since,
    stopped_problems,
    target_problems,
)

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
    #: ARNs of the clusters that could not be read this time: their counts are what was known
    #: before (0 when never read), so a view should not show them as clean.
    unread: frozenset[str] = frozenset()

    @property
    def error_count(self) -> int:
        return sum(self.by_cluster.values())

    @property
    def warning_count(self) -> int:
        return sum(self.warnings_by_cluster.values())


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
        self.hot_describes_per_minute = hot_describes_per_minute
        self.target_reads_per_minute = target_reads_per_minute
        self._hot_budget = Allowance(
            hot_describes_per_minute, max(int(hot_describes_per_minute / 6), 1)
        )
        self._target_budget = Allowance(target_reads_per_minute, target_reads_burst)
        self._clusters: dict[str, ClusterState] = {}
        self._short_first_seen: dict[str, datetime] = {}
        #: Latest targets read per service ARN, joined to tasks, and when they were read.
        self._targets: dict[str, tuple[Target, ...]] = {}
        self._targets_at: dict[str, datetime] = {}
        #: Problem key -> when the reader first saw it: the "since" of a problem AWS gives no
        #: time for (onset "seen"), kept while the problem lasts.
        self._first_seen: dict[str, datetime] = {}
        #: Running tasks per service ARN, read only to join non-healthy targets to their tasks.
        self._join_tasks: dict[str, tuple[Task, ...]] = {}
        #: Per service ARN, the not-healthy targets the last task read could not account for.
        self._join_missed: dict[str, frozenset[str]] = {}
        self._problem_services: set[str] = set()
        self._problem_clusters: set[str] = set()
        #: Follows each problem's why one or two links further (aws.triage.chains).
        self.chains = Chains()
        self.last: ProblemReport | None = None
        self._lock = asyncio.Lock()

    # ----------------------------------------------------------------------- the tick

    async def refresh(self, c: Clients) -> ProblemReport:
        """Read what is due, judge everything known, return the report (also kept in ``last``).

        A cluster or target group that cannot be read is reported in ``errors`` and keeps what
        was known about it; only a failure to list or describe the clusters raises.
        """
        async with self._lock:  # overlapping ticks would read and judge the same state twice
            return await self._refresh(c)

    async def _refresh(self, c: Clients) -> ProblemReport:
        errors: list[str] = []
        unread: set[str] = set()
        with c.calls.scope() as counted:
            now = self.clock()
            clusters = await ecs.read_clusters(c)
            self._sync(clusters)
            active = [self._clusters[cl.arn] for cl in clusters if cl.status in (None, "ACTIVE")]
            await asyncio.gather(*(self._read_cluster(c, st, now, errors, unread) for st in active))
            await self._read_targets(c, now, errors)
            problems = newest_first(self._seen(self._judge(now), now))
            problems = await self.chains.deepen(c, problems, self._clusters, now)
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
            unread=frozenset(unread),
        )
        self.last = report
        return report

    def _sync(self, clusters: list[Cluster]) -> None:
        """Keep state for the clusters that still exist, with their fresh DescribeClusters doc."""
        known = self._clusters
        self._clusters = {}
        for cl in clusters:
            st = known.get(cl.arn) or ClusterState(cl)
            st.cluster = cl
            self._clusters[cl.arn] = st
        live = {arn for st in self._clusters.values() for arn in st.services}
        _prune(self._targets, live)
        _prune(self._targets_at, live)
        _prune(self._join_tasks, live)
        _prune(self._join_missed, live)
        _prune(self._short_first_seen, live)

    async def _read_cluster(
        self, c: Clients, st: ClusterState, now: datetime, errors: list[str], unread: set[str]
    ) -> None:
        try:
            force = st.cluster.arn in self._problem_clusters
            await asyncio.gather(
                st.read_stopped(c, now, every=self.stopped_every, window=self.stopped_window),
                st.read_instances(c, now, every=self.instances_every, force=force),
            )
            await st.read_services(
                c,
                now,
                sweep_every=self.sweep_every,
                relist_every=self.relist_every,
                hot=lambda state: self._hot(state, now),
            )
        except Exception as exc:  # one cluster's failure must not blank the others
            errors.append(f"{st.cluster.name}: {explain(exc)}")
            unread.add(st.cluster.arn)

    def _hot(self, st: ClusterState, now: datetime) -> list[str]:
        """Services worth describing between sweeps, most urgent first, cut to the allowance:
        never described (new), then with a problem (to see it clear), then in
        motion, then named by a task that just stopped."""
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
        calls = math.ceil(len(ranked) / SERVICES_PER_DESCRIBE)
        granted = self._hot_budget.take(calls, now) if calls else 0
        return [arn for _, arn in ranked[: granted * SERVICES_PER_DESCRIBE]]

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
        picked: list[tuple[ClusterState, Service]] = []
        for st, s in candidates:
            cost = len(_groups(s))
            if cost <= available:
                picked.append((st, s))
                available -= cost
        self._target_budget.give(available)  # give back what no service could use
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
        if any(_bad(t) for t in self._targets.get(s.arn, ())):
            return (1, 0.0)
        if read_at is None:
            return (2, 0.0)
        return (3, read_at.timestamp())

    async def _read_service_targets(
        self, c: Clients, st: ClusterState, s: Service, now: datetime, errors: list[str]
    ) -> None:
        try:
            tasks = self._join_tasks.get(s.arn, ()) + st.stopped_of(s.name)
            targets = await elb.read_target_health(c, s, tasks)
            unmatched = _unmatched(targets)
            # Read the service's tasks only for targets not tried before: a target whose task
            # is gone for good (drained after it stopped) is not worth a read every tick.
            if unmatched and unmatched != self._join_missed.get(s.arn):
                running = await ecs.read_service_tasks(
                    c, st.cluster.arn, s.name, include_stopped=False
                )
                self._join_tasks[s.arn] = tuple(running)
                tasks = tuple(running) + st.stopped_of(s.name)
                targets = [_rejoin(t, tasks) for t in targets]
                self._join_missed[s.arn] = _unmatched(targets)
        except Exception as exc:
            errors.append(f"{st.cluster.name}/{s.name} targets: {explain(exc)}")
            return
        self._targets[s.arn] = tuple(targets)
        self._targets_at[s.arn] = now

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
                since, onset = self._short_since(s, now)
                short = capacity_problem(s, st.cluster, since, now, self.short_after, onset)
                if short is not None:
                    problems.append(short)
                problems += target_problems(s, st.cluster, self._targets.get(s.arn, ()))
            problems += stopped_problems(
                st.cluster, st.stopped.values(), names, now, self.stopped_window
            )
            problems += instance_problems(st.cluster, st.instances)
        return problems

    def _short_since(self, s: Service, now: datetime) -> tuple[datetime | None, str]:
        if s.running >= s.desired:
            self._short_first_seen.pop(s.arn, None)
            return None, "seen"
        first = self._short_first_seen.setdefault(s.arn, now)
        return short_since(s, first)

    def _seen(self, problems: list[Problem], now: datetime) -> list[Problem]:
        """Give a problem AWS tells no time for the time the reader first saw it (onset
        "seen", so a view says so rather than pass it off as the onset); forget problems
        that cleared, so a new episode starts its own clock."""
        seen = {p.key: self._first_seen.get(p.key, now) for p in problems}
        self._first_seen = seen
        return [
            p if p.since is not None else replace(p, since=seen[p.key], onset="seen")
            for p in problems
        ]


def _prune(table: dict[str, V], keep: set[str]) -> None:
    for key in [k for k in table if k not in keep]:
        del table[key]


def _groups(s: Service) -> list[str]:
    return list(
        dict.fromkeys(lb.target_group_arn for lb in s.load_balancers if lb.target_group_arn)
    )


def _bad(t: Target) -> bool:
    return (t.state or "") in TARGET_STATES


def _unmatched(targets: list[Target]) -> frozenset[str]:
    """Keys of the not-healthy targets that no known task accounts for."""
    return frozenset(t.key for t in targets if _bad(t) and t.task_arn is None)


def _rejoin(t: Target, tasks: tuple[Task, ...]) -> Target:
    if t.task_arn is not None:
        return t
    return replace(t, task_arn=elb.task_for_target(t.id, t.port, tasks))
