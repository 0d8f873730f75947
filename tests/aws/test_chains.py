"""Cause chains: each problem's why followed to its root, against the sandbox.

The planted sandbox (aws.sandbox.planted) has one problem of each kind; its chains must name the
root (the missing tag with the newest ones, the fixed host port, the memory limit, the health
check and grace period) and cost nothing on the next tick. A rollout whose failed tasks are still
listed is planted in the bare moto server, one per root: a missing tag, a missing secret, an
execution role that may not pull.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from aws.models import (
    CapacityProviderItem,
    Cluster,
    ContainerInstance,
    PlacementRule,
    Service,
    TaskDefinition,
)
from aws.problem_models import CHAIN, Problem
from aws.sandbox import moto_patches
from aws.sandbox.specs import manifest
from aws.session import Clients, SessionSettings
from aws.triage.problems import ProblemWatch
from aws.triage.roots import placement_words
from tests.aws.plant import REGION, Account, ago

REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
CHAINS = (
    "ecr.DescribeImages",
    "ecs.DescribeTaskDefinition",
    "elastic-load-balancing-v2.DescribeTargetGroups",
    "cloudwatch-logs.GetLogEvents",
    "cloudwatch.GetMetricData",
)


def chain_calls(calls: dict[str, int]) -> int:
    return sum(n for op, n in calls.items() if op.startswith(CHAINS))


def row(problems: tuple[Problem, ...], kind: str, service: str | None) -> Problem:
    (found,) = [p for p in problems if p.kind == kind and p.service_name == service]
    return found


@pytest.fixture
async def planted_clients(sandbox_problems: str) -> AsyncIterator[Clients]:
    settings = SessionSettings(endpoint_url=sandbox_problems, region=REGION)
    async with Clients.open(settings) as c:
        yield c


async def test_planted_problems_are_chained_to_their_roots(planted_clients: Clients) -> None:
    start = datetime.now(UTC)
    watch = ProblemWatch(clock=lambda: start)
    report = await watch.refresh(planted_clients)
    problems = report.problems

    rollout = row(problems, "rollout", "invoice-api").why.split(CHAIN)
    assert "circuit breaker" in rollout[0]
    assert "tag 1.6.0 is not in invoice-api; newest tags 1.5.0" in rollout[1]

    stuck = row(problems, "stuck", "batch-scheduler").why.split(CHAIN)
    assert "fixed host port 9090 (bridge networking)" in stuck[1]
    assert "set hostPort 0" in stuck[1] and "awsvpc" in stuck[1]

    oom = row(problems, "stopped", "report-builder").why.split(CHAIN)
    assert "OutOfMemoryError" in oom[0]
    assert "memory limit 2048 MiB, no reservation, task memory 2048 MiB" in oom[1]

    targets = row(problems, "targets", "storefront-web").why.split(CHAIN)
    assert "Target.FailedHealthChecks" in targets[0]
    assert "health check HTTP /health on traffic-port expecting 200" in targets[1]
    assert "every 15 s" in targets[1] and "unhealthy after 2 in a row" in targets[1]
    assert "grace period 30 s" in targets[1]

    # The chains read once: one image lookup and one list, the target group, and the task
    # definitions of the rollout, the stuck service, the OOM task and the failing target's task.
    assert report.calls["ecr.DescribeImages"] == 2
    assert report.calls["elastic-load-balancing-v2.DescribeTargetGroups"] == 1
    assert report.calls["ecs.DescribeTaskDefinition"] <= 4

    # The next tick keeps every chain and reads none of it again.
    watch.clock = lambda: start + timedelta(seconds=3)
    tick = await watch.refresh(planted_clients)
    assert [p.why for p in tick.problems] == [p.why for p in problems]
    assert chain_calls(tick.calls) == 0


# ----------------------------------------------------------------------- rollouts in bare moto


@pytest.fixture
def account(moto_url: str) -> Iterator[Account]:
    moto_patches.apply()
    try:
        yield Account(moto_url)
    finally:
        moto_patches.unapply()


@pytest.fixture
async def clients(moto_url: str) -> AsyncIterator[Clients]:
    async with Clients.open(SessionSettings(endpoint_url=moto_url, region=REGION)) as c:
        yield c


def push(url: str, repo: str, *tags: str) -> None:
    """``tags`` pushed to a new ECR repository a day apart, oldest first."""
    ecr = boto3.client("ecr", endpoint_url=url, region_name=REGION)
    ecr.create_repository(repositoryName=repo)
    for n, tag in enumerate(tags):
        ecr.put_image(
            repositoryName=repo, imageManifest=manifest(repo, tag, random.Random(n)), imageTag=tag
        )
    images = moto_patches.backends()["ecr"].repositories[repo].images
    for image in images:
        image.image_pushed_at = int(ago(days=len(tags) - tags.index(image.image_tag)).timestamp())


def failed_rollout(acct: Account, cluster: str, reason: str, image: str, n: int = 3) -> str:
    """A service whose deployment the circuit breaker failed, with ``n`` of its tasks stopped
    (startedBy = the deployment id) for ``reason``, and one older task of another deployment."""
    acct.cluster(cluster)
    svc = acct.service(cluster, "app", 2, running=0)
    deployment = svc.deployments[0]
    deployment.update(
        rolloutState="FAILED",
        rolloutStateReason="ECS deployment circuit breaker: tasks failed to start.",
        failedTasks=n,
        updatedAt=ago(minutes=2),
    )
    for i in range(n + 1):
        task = acct.stopped(
            cluster,
            "app",
            when=ago(minutes=10 - i),
            code="TaskFailedToStart",
            reason=reason if i < n else "Essential container in task exited",
            exit_code=None if i < n else 1,
        )
        task.started_by = deployment["id"] if i < n else "ecs-svc/older"
        task.containers[0].image = image
    return str(deployment["id"])


def pull_error(image: str) -> str:
    return (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        f"failed to resolve ref {image}: {image}: not found"
    )


async def rollout_why(clients: Clients) -> list[str]:
    report = await ProblemWatch().refresh(clients)
    (rollout,) = [p for p in report.problems if p.kind == "rollout"]
    return rollout.why.split(CHAIN)


async def test_a_failed_rollout_chains_to_the_missing_tag(
    account: Account, clients: Clients, moto_url: str
) -> None:
    push(moto_url, "tr-app", "2.0", "2.1")
    image = f"{REGISTRY}/tr-app:9.9.9"
    failed_rollout(account, "tr", pull_error(image), image)
    why = await rollout_why(clients)
    assert "circuit breaker" in why[0]
    assert why[1].startswith("3 of 3 failed tasks: image pull failed")  # not the older task
    assert "tag 9.9.9 is not in tr-app; newest tags 2.1, 2.0" in why[2]


async def test_a_failed_rollout_chains_to_the_missing_secret(
    account: Account, clients: Clients
) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-password-AbCdEf"
    reason = (
        "ResourceInitializationError: unable to pull secrets or registry auth: execution "
        "resource retrieval failed: unable to retrieve secret from asm: service call has been "
        f"retried 1 time(s): failed to fetch secret {arn} from secrets manager: "
        "ResourceNotFoundException: Secrets Manager can't find the specified secret."
    )
    failed_rollout(account, "sec", reason, f"{REGISTRY}/app:1", n=2)
    why = await rollout_why(clients)
    assert why[1].startswith("2 of 2 failed tasks: could not read secrets")
    assert why[2] == f"secret {arn} does not exist (check the ARN in the task definition's secrets)"


async def test_a_failed_rollout_chains_to_an_execution_role_that_cannot_pull(
    account: Account, clients: Clients
) -> None:
    reason = (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/app-exec-role/"
        "a1b2 is not authorized to perform: ecr:BatchGetImage on resource: "
        "arn:aws:ecr:us-east-1:123456789012:repository/app"
    )
    failed_rollout(account, "role", reason, f"{REGISTRY}/app:1", n=1)
    why = await rollout_why(clients)
    assert why[1].startswith("its failed task: image pull failed")
    assert why[2].startswith("execution role app-exec-role is not allowed ecr:BatchGetImage")


# ----------------------------------------------------------------------- placement in words


def _td(**raw: Any) -> TaskDefinition:
    return TaskDefinition(
        arn="arn:aws:ecs:us-east-1:123456789012:task-definition/job:1",
        family="job",
        revision=1,
        network_mode=raw.pop("networkMode", "bridge"),
        requires_compatibilities=("EC2",),
        cpu=raw.pop("cpu", None),
        memory=raw.pop("memory", None),
        raw=raw,
    )


def _service(**kw: Any) -> Service:
    base: dict[str, Any] = dict(
        arn="arn:aws:ecs:us-east-1:123456789012:service/c/job",
        name="job",
        cluster_arn="arn:aws:ecs:us-east-1:123456789012:cluster/c",
        status="ACTIVE",
        desired=2,
        running=0,
        pending=0,
        task_definition=None,
        launch_type="EC2",
        capacity_provider_strategy=(),
        deployments=(),
        events=(),
        load_balancers=(),
        network=None,
        deployment_controller="ECS",
        created_at=None,
    )
    return Service(**{**base, **kw})


def _cluster(instances: int, providers: tuple[str, ...] = ()) -> Cluster:
    return Cluster("arn:c", "c", "ACTIVE", 1, 0, 0, instances, capacity_providers=providers)


def _instance(cpu: int, mem: int, status: str = "ACTIVE") -> ContainerInstance:
    return ContainerInstance(
        arn="arn:ci",
        ec2_instance_id="i-1",
        status=status,
        agent_connected=True,
        running_tasks=1,
        pending_tasks=0,
        cpu_remaining=cpu,
        memory_remaining=mem,
    )


def test_placement_failures_are_said_with_their_fix() -> None:
    mem = "The closest matching (container-instance 1a) has insufficient memory available."
    td = _td(containerDefinitions=[{"name": "a", "memory": 3072, "cpu": 512}])
    words = placement_words(
        mem, _service(), _cluster(2), td, [_instance(1024, 900), _instance(0, 1800)]
    )
    assert words.startswith("the task needs 3072 MiB of memory; the most free on any of 2 ACTIVE")
    assert "is 1800 MiB" in words

    none = "Reason: No Container Instances were found in your cluster."
    assert placement_words(none, _service(), _cluster(0), td, []).startswith(
        "no ACTIVE container instance"
    )

    strategy = (CapacityProviderItem("spot-asg", weight=1),)
    words = placement_words(
        "unable to place a task",
        _service(capacity_provider_strategy=strategy),
        _cluster(1, ("ondemand-asg",)),
        td,
        [_instance(1024, 4096)],
    )
    assert words.startswith("capacity provider spot-asg is not associated with cluster c")

    rule = PlacementRule("memberOf", "attribute:ecs.instance-type =~ g5.*")
    words = placement_words(
        "met all of its requirements",
        _service(placement_constraints=(rule,)),
        _cluster(1),
        td,
        [_instance(1024, 4096)],
    )
    assert "placement constraints attribute:ecs.instance-type =~ g5.*" in words
