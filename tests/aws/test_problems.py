"""The problems reader against a real moto server, with problems planted in-process.

One account with a problem of every kind in a few clusters and healthy services everywhere else:
every planted problem is found with its cause, no healthy service is reported, a problem that
clears is gone on the next refresh, and each refresh costs what the budget says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aws.problem_models import Problem
from aws.sandbox import moto_patches
from aws.session import Clients
from aws.triage.problems import ProblemReport, ProblemWatch
from tests.aws.plant import Account, ago

UNPLACEABLE = (
    "(service placer) was unable to place a task because no container instance met all of its "
    "requirements. The closest matching (container-instance 1a2b) has insufficient memory "
    "available."
)


@pytest.fixture
def account(moto_url: str) -> Iterator[Account]:
    """moto with the sandbox's health overrides (moto alone reports every target healthy)."""
    moto_patches.apply()
    try:
        yield Account(moto_url)
    finally:
        moto_patches.unapply()
        moto_patches.HEALTH.clear()


@dataclass
class Clock:
    """Wall time plus an offset a test moves forward (cadences and thresholds follow it)."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class Scene:
    acct: Account
    healthy: set[str]
    tg: str = ""
    unhealthy_ip: str = ""
    unhealthy_task: str = ""
    oom_task: str = ""
    placer: Any = None
    agent: Any = None


def plant(acct: Account) -> Scene:
    """Clusters of healthy services, and four clusters with one problem kind each."""
    healthy: set[str] = set()
    for n in range(3):
        acct.cluster(f"ok-{n}")
        for m in range(12):
            acct.service(f"ok-{n}", f"fine-{n}-{m}")
            healthy.add(f"fine-{n}-{m}")
    scene = Scene(acct, healthy)

    # web: one of two targets fails health checks.
    acct.cluster("web")
    acct.service("web", "api", 2)
    tasks = [acct.task("web", "api") for _ in range(2)]
    ips = [acct.private_ip(t) for t in tasks]
    scene.tg = acct.target_group("api-tg", ips)
    api = acct.backend._get_service("web", "api")
    api.load_balancers = [{"targetGroupArn": scene.tg, "containerName": "app", "containerPort": 80}]
    scene.unhealthy_ip, scene.unhealthy_task = ips[1], tasks[1].task_arn
    moto_patches.HEALTH[(scene.tg, ips[1], 80)] = (
        "unhealthy",
        "Target.ResponseCodeMismatch",
        "Health checks failed with these codes: [502]",
    )
    acct.service("web", "static", 2)  # healthy neighbour
    healthy.add("static")

    # batch: a worker killed out of memory 10 minutes ago; scale-in and old stops are not problems.
    acct.cluster("batch")
    acct.service("batch", "worker", 1)
    oom = acct.stopped(
        "batch",
        "worker",
        when=ago(minutes=10),
        code="EssentialContainerExited",
        reason="Essential container in task exited",
        exit_code=137,
        container_reason="OutOfMemoryError: Container killed due to memory usage",
    )
    scene.oom_task = oom.task_arn
    acct.stopped(
        "batch",
        "worker",
        when=ago(minutes=90),
        code="EssentialContainerExited",
        reason="Essential container in task exited",
        exit_code=137,
    )
    acct.service("batch", "quiet", 1)
    healthy.add("quiet")
    acct.stopped(
        "batch",
        "quiet",
        when=ago(minutes=5),
        code="ServiceSchedulerInitiated",
        reason="Scaling activity initiated by (deployment ecs-svc/1)",
        exit_code=143,
    )
    acct.stopped(
        "batch",
        "quiet",
        when=ago(minutes=4),
        code="UserInitiated",
        reason="Task stopped by user",
        exit_code=137,
    )

    # pay: the circuit breaker failed the rollout; a rollout just started is not a problem.
    acct.cluster("pay")
    checkout = acct.service("pay", "checkout", 3, running=1)
    checkout.deployment_configuration = {
        "deploymentCircuitBreaker": {"enable": True, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    checkout.deployments[0].update(
        rolloutState="FAILED",
        rolloutStateReason="ECS deployment circuit breaker: tasks failed to start.",
        failedTasks=5,
        updatedAt=ago(minutes=3),
    )
    fresh = acct.service("pay", "ledger", 2, running=1)
    fresh.deployments[0].update(createdAt=ago(minutes=1), updatedAt=ago(seconds=30))
    healthy.add("ledger")

    # ec2: a service stuck at 1 of 4 (placement), an instance whose agent disconnected.
    acct.cluster("ec2")
    acct.container_instance("ec2")
    scene.agent = acct.container_instance("ec2")
    scene.agent.agent_connected = False
    scene.placer = acct.service("ec2", "placer", 4, running=1)
    acct.set_counts(scene.placer, 1, updated=ago(minutes=20))
    acct.event(scene.placer, "(service placer) has reached a steady state.", ago(minutes=40))
    acct.event(scene.placer, UNPLACEABLE, ago(minutes=18))
    acct.event(scene.placer, UNPLACEABLE, ago(minutes=2))
    return scene


def by_service(report: ProblemReport) -> dict[str | None, list[Problem]]:
    out: dict[str | None, list[Problem]] = {}
    for p in report.problems:
        out.setdefault(p.service_name, []).append(p)
    return out


def only(problems: list[Problem], kind: str) -> Problem:
    found = [p for p in problems if p.kind == kind]
    assert len(found) == 1, problems
    return found[0]


async def test_every_planted_problem_is_found_with_its_cause_and_nothing_else(
    account: Account, clients: Clients
) -> None:
    scene = plant(account)
    report = await ProblemWatch().refresh(clients)
    found = by_service(report)

    target = only(found.pop("api"), "targets")
    assert target.what == "1 of 2 targets unhealthy"
    assert "health check got the wrong HTTP status (Target.ResponseCodeMismatch)" in target.why
    assert "[502]" in target.why
    assert (target.target_id, target.task_arn) == (scene.unhealthy_ip, scene.unhealthy_task)

    oom = only(found.pop("worker"), "stopped")
    assert (oom.what, oom.count, oom.task_arn) == ("out of memory", 1, scene.oom_task)
    assert "OutOfMemoryError" in oom.why

    rollout = only(found.pop("checkout"), "rollout")
    assert rollout.what == "rollout failed"
    assert "circuit breaker: tasks failed to start" in rollout.why
    assert "5 tasks failed to start" in rollout.why

    stuck = only(found.pop("placer"), "stuck")
    assert stuck.what == "1 of 4 tasks running"
    assert "no instance has enough free memory" in stuck.why
    assert stuck.since is not None and stuck.since < ago(minutes=17)

    agent = only(found.pop(None), "instance")
    assert (agent.what, agent.container_instance_arn) == (
        "ECS agent disconnected",
        scene.agent.container_instance_arn,
    )
    assert found == {}, "healthy services reported"

    names = {c.arn: c.name for c in report.clusters}
    counts = {names[arn]: n for arn, n in report.by_cluster.items()}
    assert counts == {
        "ok-0": 0,
        "ok-1": 0,
        "ok-2": 0,
        "web": 1,
        "batch": 1,
        "pay": 1,
        "ec2": 2,
    }
    times = [p.since.timestamp() if p.since else 0.0 for p in report.problems]
    assert times == sorted(times, reverse=True), "newest first"


async def test_a_problem_that_clears_is_gone_on_the_next_refresh(
    account: Account, clients: Clients
) -> None:
    scene = plant(account)
    clock = Clock()
    watch = ProblemWatch(clock=clock)
    first = await watch.refresh(clients)
    assert {p.kind for p in first.problems} == {
        "targets",
        "stopped",
        "rollout",
        "stuck",
        "instance",
    }

    # Everything but the stopped task recovers; no cadence is due, yet each clears at once.
    moto_patches.HEALTH.clear()
    account.set_counts(scene.placer, 4)
    checkout = account.backend._get_service("pay", "checkout")
    account.set_counts(checkout, 3)
    account.set_counts(account.backend._get_service("pay", "ledger"), 2)
    scene.agent.agent_connected = True
    clock.offset = timedelta(seconds=5)
    second = await watch.refresh(clients)
    assert [(p.kind, p.service_name) for p in second.problems] == [("stopped", "worker")]
    assert "ecs.ListServices" not in second.calls  # no re-list: the problem services were hot
    names = {c.arn: c.name for c in second.clusters}
    assert {names[a] for a, n in second.by_cluster.items() if n} == {"batch"}

    # An hour on, the out-of-memory task has aged out: gone, and not described again.
    clock.offset = timedelta(minutes=61)
    third = await watch.refresh(clients)
    assert third.problems == ()
    assert third.calls.get("ecs.ListTasks") == len(third.clusters)
    assert "ecs.DescribeTasks" not in third.calls


async def test_each_refresh_costs_what_the_budget_says(account: Account, clients: Clients) -> None:
    """Paging and batching as AWS does them (the test server enforces AWS's limits), and the
    fast tick reads only the clusters and what is hot."""
    account.cluster("big")
    for n in range(25):
        account.service("big", f"svc-{n:02d}", 1)
    for _ in range(15):
        account.ecs.run_task(
            cluster="big", taskDefinition=account.td, count=10, group="batch", launchType="FARGATE"
        )
    for task in account.backend.tasks["big"].values():
        task.last_status = task.desired_status = "STOPPED"
        task.stop_code, task.stopped_reason = "UserInitiated", "Task stopped by user"
        task.stopped_at = ago(minutes=30)
    account.cluster("empty")
    clock = Clock()
    watch = ProblemWatch(clock=clock)

    full = await watch.refresh(clients)
    assert full.problems == ()
    assert full.calls == {
        "ecs.ListClusters": 1,
        "ecs.DescribeClusters": 1,
        "ecs.ListServices": 1,  # 25 on one page of 100; none for the empty cluster
        "ecs.DescribeServices": 3,  # 10 a call
        "ecs.ListTasks": 3,  # STOPPED: 150 on two pages of 100, and one for the empty cluster
        "ecs.DescribeTasks": 2,  # 100 a call
    }

    clock.offset = timedelta(seconds=5)
    tick = await watch.refresh(clients)
    assert tick.calls == {"ecs.ListClusters": 1, "ecs.DescribeClusters": 1}

    account.stopped(
        "big",
        "svc-03",
        when=ago(seconds=1),
        code="EssentialContainerExited",
        reason="Essential container in task exited",
        exit_code=1,
    )
    clock.offset = timedelta(minutes=1, seconds=5)  # the stopped-task cadence comes due
    later = await watch.refresh(clients)
    assert later.calls["ecs.DescribeTasks"] == 1  # only the new one; the 150 are cached
    assert later.calls["ecs.DescribeServices"] == 1  # the service it belonged to, re-read
    assert [(p.what, p.service_name) for p in later.problems] == [
        ("container exited with code 1", "svc-03")
    ]
    assert "application error" in later.problems[0].why

    clock.offset = timedelta(minutes=2, seconds=10)  # the sweep comes due: every service again
    sweep = await watch.refresh(clients)
    assert sweep.calls["ecs.DescribeServices"] == 3
    assert "ecs.ListServices" not in sweep.calls  # the service count did not move


async def test_hot_services_and_target_reads_stay_within_their_allowance(
    account: Account, clients: Clients
) -> None:
    account.cluster("busy")
    tgs = []
    for n in range(30):
        svc = account.service("busy", f"roll-{n:02d}", 2, running=1)  # in motion, not yet short
        tg = account.target_group(f"tg-{n:02d}", [])
        svc.load_balancers = [{"targetGroupArn": tg, "containerName": "app", "containerPort": 80}]
        tgs.append((svc, tg))
    noisy, noisy_tg = tgs[17]
    account.event(
        noisy,
        f"(service roll-17) (port 80) is unhealthy in (target-group {noisy_tg}) "
        "due to (reason Health checks failed).",
        ago(seconds=10),
    )
    clock = Clock()
    watch = ProblemWatch(
        clock=clock, hot_describes_per_minute=12, target_reads_per_minute=6, target_reads_burst=1
    )
    first = await watch.refresh(clients)
    assert first.calls["ecs.DescribeServices"] == 3  # the first sweep reads all 30
    # One target read allowed: the service whose events report an unhealthy target goes first.
    assert first.calls["elastic-load-balancing-v2.DescribeTargetHealth"] == 1
    assert watch._targets_at.keys() == {noisy.arn}

    clock.offset = timedelta(seconds=10)  # 10 s refill 2 hot describes and 1 target read
    second = await watch.refresh(clients)
    assert second.calls["ecs.DescribeServices"] == 2  # 30 in motion, 12 a minute allowed
    assert second.calls["elastic-load-balancing-v2.DescribeTargetHealth"] == 1


async def test_a_cluster_that_cannot_be_read_does_not_blank_the_others(
    account: Account, clients: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from aws.triage import reads as problem_reads

    account.cluster("denied")
    account.cluster("batch")
    account.service("batch", "worker", 1)
    account.stopped(
        "batch",
        "worker",
        when=ago(minutes=2),
        code="TaskFailedToStart",
        reason="CannotPullContainerError: pull access denied",
    )
    listing = problem_reads.ecs.list_task_arns

    async def list_task_arns(c: Clients, cluster: str, **kw: Any) -> list[str]:
        if cluster.endswith("/denied"):
            error = {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}
            raise ClientError(error, "ListTasks")  # type: ignore[arg-type]
        return await listing(c, cluster, **kw)

    monkeypatch.setattr(problem_reads.ecs, "list_task_arns", list_task_arns)
    report = await ProblemWatch().refresh(clients)
    assert [(p.what, p.service_name) for p in report.problems] == [("image pull failed", "worker")]
    assert "web:7" in report.problems[0].why  # the image is named
    denied = next(c.arn for c in report.clusters if c.name == "denied")
    assert report.unread == {denied}
    assert len(report.errors) == 1 and report.errors[0].startswith("denied: ")
    assert "AccessDenied" in report.errors[0]
