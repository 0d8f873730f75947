"""What counts as a problem, judged from models (no server): each rule, its key and its words."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from aws.ecs_convert import service_from_dict
from aws.elb_models import Target
from aws.models import Cluster, ContainerInstance, Deployment, Service, ServiceEvent
from aws.problem_models import Problem
from aws.session import CallCounter
from aws.triage.reads import Allowance
from aws.triage.rules import (
    capacity_problem,
    count_by_cluster,
    instance_problems,
    newest_first,
    rollout_problems,
    short_since,
    target_problems,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
CLUSTER = Cluster("arn:cluster/prod", "prod", "ACTIVE", 1, 1, 0, 1)
TG = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/api/abc"


def dep(
    state: str | None = "COMPLETED",
    status: str = "PRIMARY",
    created: timedelta = timedelta(hours=1),
    **kw: object,
) -> Deployment:
    d = Deployment(
        "ecs-svc/1", status, "arn:task-definition/web:3", 2, 2, 0, 0, state, None, "FARGATE", (),
        NOW - created, NOW - created,
    )  # fmt: skip
    return replace(d, **kw)  # type: ignore[arg-type]


def svc(
    desired: int = 2, running: int = 2, *deps: Deployment, events: tuple[str, ...] = ()
) -> Service:
    evs = tuple(
        ServiceEvent(str(i), NOW - timedelta(minutes=2 + 3 * i), m) for i, m in enumerate(events)
    )
    return Service(
        "arn:service/prod/api", "api", CLUSTER.arn, "ACTIVE", desired, running, 0, None, None, (),
        deps or (dep(),), evs, (), None, "ECS", None,
    )  # fmt: skip


def test_deployment_configuration_is_read() -> None:
    s = service_from_dict(
        {
            "serviceArn": "arn:service/prod/api",
            "deploymentConfiguration": {
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "maximumPercent": 200,
                "minimumHealthyPercent": 50,
                "alarms": {"alarmNames": ["p99", "5xx"], "enable": True, "rollback": False},
                "strategy": "ROLLING",
            },
        }
    )
    cfg = s.deployment_config
    assert cfg is not None
    assert (cfg.minimum_healthy_percent, cfg.maximum_percent) == (50, 200)
    assert (cfg.circuit_breaker, cfg.circuit_breaker_rollback) == (True, True)
    assert (cfg.alarms, cfg.alarms_enabled, cfg.alarms_rollback) == (("p99", "5xx"), True, False)
    assert cfg.strategy == "ROLLING"
    assert service_from_dict({"serviceArn": "x"}).deployment_config is None


def test_failed_rollouts_and_slow_ones() -> None:
    failed = dep("FAILED", "ACTIVE", rollout_reason="ECS deployment circuit breaker: tasks failed "
                 "to start.", failed_tasks=4, id="ecs-svc/old")  # fmt: skip
    rolling_back = dep("IN_PROGRESS", created=timedelta(minutes=2), id="ecs-svc/back")
    problems = rollout_problems(
        svc(2, 1, rolling_back, failed), CLUSTER, NOW, timedelta(minutes=10)
    )
    assert [(p.key, p.what) for p in problems] == [
        ("rollout|arn:service/prod/api|ecs-svc/old|failed", "rollout failed")
    ]
    assert "circuit breaker" in problems[0].why and "4 tasks failed to start" in problems[0].why
    assert "web:3" in problems[0].why

    slow = svc(2, 2, dep("IN_PROGRESS", created=timedelta(minutes=14)), events=(
        "(service api) was unable to place a task because no container instance met all of its "
        "requirements. The closest matching (container-instance 1) is already using a port "
        "required by your task.",))  # fmt: skip
    (problem,) = rollout_problems(slow, CLUSTER, NOW, timedelta(minutes=10))
    assert (problem.what, problem.severity) == ("rollout not finishing", "error")
    assert "started 14 min ago" in problem.why and "already using a port" in problem.why
    quiet = svc(2, 2, dep("IN_PROGRESS", created=timedelta(minutes=14)))
    assert rollout_problems(quiet, CLUSTER, NOW, timedelta(minutes=10))[0].severity == "warning"
    assert rollout_problems(svc(), CLUSTER, NOW, timedelta(minutes=10)) == []


def test_short_or_stuck_after_the_threshold() -> None:
    after = timedelta(minutes=5)
    placing = "(service api) was unable to place a task. Reason: Capacity is unavailable."
    stuck = svc(4, 1, events=(placing, placing))
    since, onset = short_since(stuck, NOW)
    # the deployment has not changed for an hour
    assert (since, onset) == (NOW - timedelta(hours=1), "deployment updated")
    problem = capacity_problem(stuck, CLUSTER, since, NOW, after, onset)
    assert problem is not None
    assert (problem.kind, problem.what, problem.key) == (
        "stuck", "1 of 4 tasks running", "short|arn:service/prod/api"
    )  # fmt: skip
    assert problem.why.startswith("no capacity available: ")

    short = capacity_problem(svc(4, 3), CLUSTER, NOW - timedelta(minutes=6), NOW, after)
    assert short is not None and short.kind == "short"
    assert "no service event explains it" in short.why
    assert capacity_problem(svc(4, 3), CLUSTER, NOW - timedelta(minutes=4), NOW, after) is None
    assert capacity_problem(svc(4, 4), CLUSTER, NOW - timedelta(hours=1), NOW, after) is None


def test_targets_grouped_by_state_with_their_reasons_and_tasks() -> None:
    def target(ip: str, state: str, reason: str | None = None, task: str | None = None) -> Target:
        return Target(TG, ip, 80, state, reason, "Health checks failed", task)

    targets = [
        target("10.0.0.1", "healthy"),
        target("10.0.0.2", "unhealthy", "Target.Timeout"),
        target("10.0.0.3", "unhealthy", "Target.Timeout", "arn:task/prod/t3"),
        target("10.0.0.4", "draining", "Target.DeregistrationInProgress", "arn:task/prod/t4"),
        target("10.0.0.5", "initial", "Elb.InitialHealthChecking"),
    ]
    problems = {p.what: p for p in target_problems(svc(), CLUSTER, targets)}
    assert set(problems) == {"2 of 5 targets unhealthy", "1 of 5 targets draining"}
    bad = problems["2 of 5 targets unhealthy"]
    assert (bad.count, bad.severity, bad.task_arn, bad.target_id) == (
        2, "error", "arn:task/prod/t3", "10.0.0.3"
    )  # fmt: skip
    assert "health check timed out (Target.Timeout)" in bad.why
    assert "10.0.0.2:80 (no task)" in bad.why and "10.0.0.3:80 (task t3)" in bad.why
    assert problems["1 of 5 targets draining"].severity == "warning"


def test_one_row_per_state_whatever_the_reasons() -> None:
    """Two targets unhealthy for two reasons are "2 of 3", not "1 of 3" twice."""
    targets = [
        Target(TG, "10.0.0.1", 80, "healthy", None, None, None),
        Target(TG, "10.0.0.2", 80, "unhealthy", "Target.Timeout", "Request timed out", None),
        Target(TG, "10.0.0.3", 80, "unhealthy", "Target.FailedHealthChecks", None, "arn:t/3"),
    ]
    (row,) = target_problems(svc(), CLUSTER, targets)
    assert (row.what, row.count, row.key) == (
        "2 of 3 targets unhealthy", 2, f"targets|arn:service/prod/api|{TG}|unhealthy"
    )  # fmt: skip
    assert "(Target.Timeout)" in row.why and "(Target.FailedHealthChecks)" in row.why


def test_unhealthy_targets_began_at_the_first_event_of_the_episode() -> None:
    unhealthy = f"(service api) (task 1) (port 80) is unhealthy in (target-group {TG}) due to x."
    other = unhealthy.replace(TG, "arn:other-tg")
    steady = "(service api) has reached a steady state."
    # newest first, 3 minutes apart from NOW - 2 min: the episode is the two events before
    # the steady state; the older one before it belongs to an episode that ended.
    service = svc(events=(unhealthy, other, unhealthy, steady, unhealthy))
    target = Target(TG, "10.0.0.2", 80, "unhealthy", "Target.Timeout", None, None)
    (row,) = target_problems(service, CLUSTER, [target])
    assert (row.since, row.onset, row.since_known) == (NOW - timedelta(minutes=8), "event", True)
    # No event tells: the reader fills in when it first saw it, marked "seen".
    (unknown,) = target_problems(svc(), CLUSTER, [target])
    assert (unknown.since, unknown.onset, unknown.since_known) == (None, "seen", False)


def test_instances_and_ordering() -> None:
    instances = [
        ContainerInstance("arn:ci/1", "i-1", "ACTIVE", False, 3, 0),
        ContainerInstance("arn:ci/2", "i-2", "DRAINING", True, 2, 0),
        ContainerInstance("arn:ci/3", "i-3", "DRAINING", True, 0, 0),
        ContainerInstance("arn:ci/4", "i-4", "ACTIVE", True, 5, 0),
    ]
    found = instance_problems(CLUSTER, instances)
    assert [(p.key, p.severity) for p in found] == [
        ("instance|arn:ci/1|agent", "error"),
        ("instance|arn:ci/2|draining", "warning"),
    ]
    older = Problem("a", "stopped", CLUSTER.arn, "prod", "x", "y", since=NOW - timedelta(hours=1))
    newer = replace(older, key="b", since=NOW)
    ordered = newest_first([*found, older, newer])
    assert [p.key for p in ordered][:2] == ["b", "a"]
    other = Cluster("arn:cluster/ok", "ok", "ACTIVE", 0, 0, 0, 0)
    assert count_by_cluster([CLUSTER, other], ordered) == {CLUSTER.arn: 3, other.arn: 0}


def test_allowance_grants_its_rate_whatever_the_tick() -> None:
    allowance = Allowance(per_minute=60, burst=3)
    assert allowance.take(10, NOW) == 3
    assert allowance.take(10, NOW + timedelta(seconds=0.5)) == 0
    assert allowance.take(10, NOW + timedelta(seconds=2)) == 2
    allowance.give(1)
    assert allowance.take(10, NOW + timedelta(seconds=2)) == 1


def test_a_call_scope_counts_only_its_own_task() -> None:
    counter = CallCounter()

    async def reader(op: str, n: int) -> dict[str, int]:
        with counter.scope() as mine:
            for _ in range(n):
                await asyncio.sleep(0)
                counter.record(op)
            await asyncio.gather(asyncio.create_task(child(op)))
            return dict(mine)

    async def child(op: str) -> None:
        counter.record(op)

    async def both() -> list[dict[str, int]]:
        return list(await asyncio.gather(reader("ecs.A", 3), reader("ecs.B", 5)))

    assert asyncio.run(both()) == [{"ecs.A": 4}, {"ecs.B": 6}]
    assert counter.total == {"ecs.A": 4, "ecs.B": 6}
