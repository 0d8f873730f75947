"""Cause chains that read the task's own log and the service's memory metric, against the sandbox.

Failing targets chain to the target group's health check, then to whether the app said it was
ready within the grace period (its first "listening/started/ready" line after ``startedAt``),
then to the task's last log lines. An out-of-memory exit chains to the memory settings, then to
the service's MEM% in the hour before the kill. Each costs a bounded number of calls once, and
nothing on the next tick.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from aws.problem_models import CHAIN, Problem
from aws.sandbox import moto_patches
from aws.session import Clients, SessionSettings
from aws.triage.problems import ProblemWatch
from aws.triage.roots import log_text
from tests.aws.plant import REGION, Account, ago

#: What the log and metric links of a chain cost (the rest is counted in test_chains.py).
EXTRA = ("cloudwatch-logs.GetLogEvents", "cloudwatch.GetMetricData")


def why_of(problems: tuple[Problem, ...], kind: str, service: str) -> list[str]:
    (found,) = [p for p in problems if p.kind == kind and p.service_name == service]
    return found.why.split(CHAIN)


@pytest.fixture
async def planted_clients(sandbox_problems: str) -> AsyncIterator[Clients]:
    async with Clients.open(SessionSettings(endpoint_url=sandbox_problems, region=REGION)) as c:
        yield c


async def test_planted_targets_and_oom_chain_to_the_log_and_the_memory_graph(
    planted_clients: Clients,
) -> None:
    start = datetime.now(UTC)
    watch = ProblemWatch(clock=lambda: start)
    report = await watch.refresh(planted_clients)

    targets = why_of(report.problems, "targets", "storefront-web")
    assert targets[1].startswith("health check HTTP /health")
    # The app said it listened a second after its start: the grace period is not the cause.
    assert targets[2] == (
        'storefront-web logged "Listening on 0.0.0.0:8080" 1 s after start, within the 30 s '
        "grace period: the check fails on a running app"
    )
    assert targets[3].startswith("storefront-web's last log lines (UTC): ")
    last = targets[3].split(": ", 1)[1].split(" | ")
    assert len(last) == 3
    assert "path=/health status=503" in last[-1] and "redis:6379 timed out" in last[-2]

    oom = why_of(report.problems, "stopped", "report-builder")
    assert oom[2].startswith("service memory in the hour before: peak ")
    peak = float(oom[2].split("peak ")[1].split(" %")[0])
    assert 85 <= peak <= 100  # the sandbox runs report-builder at ~92 % of its reservation

    # Bounded: the culprit task's two log reads, one metric read, one DescribeTasks.
    assert report.calls["cloudwatch-logs.GetLogEvents"] == 2
    assert report.calls["cloudwatch.GetMetricData"] == 1

    watch.clock = lambda: start + timedelta(seconds=3)
    tick = await watch.refresh(planted_clients)
    assert [p.why for p in tick.problems] == [p.why for p in report.problems]
    assert not any(tick.calls.get(op) for op in EXTRA)


# ----------------------------------------------------------------------- in bare moto


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


def slow_starter(acct: Account, url: str, lines: list[tuple[float, str]], grace: int) -> Any:
    """A load-balanced service with a grace period of ``grace`` s whose one task logs ``lines``
    (seconds after its start, text) to its awslogs stream and fails its health checks."""
    logs = boto3.client("logs", endpoint_url=url, region_name=REGION)
    logs.create_log_group(logGroupName="/ecs/slow")
    td = acct.ecs.register_task_definition(
        family="slow",
        containerDefinitions=[
            {
                "name": "app",
                "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/slow:1",
                "memory": 512,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": "/ecs/slow", "awslogs-stream-prefix": "ecs"},
                },
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    acct.cluster("slow")
    svc = acct.service("slow", "api", 1)
    task = acct.task("slow", "api")
    task.task_definition_arn = td
    task.started_at = started = ago(minutes=20)
    stream = f"ecs/app/{task.task_arn.rsplit('/', 1)[-1]}"
    logs.create_log_stream(logGroupName="/ecs/slow", logStreamName=stream)
    events = [
        {"timestamp": int((started + timedelta(seconds=s)).timestamp() * 1000), "message": m}
        for s, m in lines
    ]
    logs.put_log_events(logGroupName="/ecs/slow", logStreamName=stream, logEvents=events)
    ip = acct.private_ip(task)
    tg = acct.target_group("slow-tg", [ip])
    svc.load_balancers = [{"targetGroupArn": tg, "containerName": "app", "containerPort": 80}]
    svc.health_check_grace_period_seconds = grace
    moto_patches.HEALTH[(tg, ip, 80)] = (
        "unhealthy",
        "Target.FailedHealthChecks",
        "Health checks failed",
    )
    return task


async def targets_why(clients: Clients) -> list[str]:
    report = await ProblemWatch().refresh(clients)
    return why_of(report.problems, "targets", "api")


async def test_a_grace_period_shorter_than_the_start_up_is_said(
    account: Account, clients: Clients, moto_url: str
) -> None:
    lines = [
        (0.2, "Starting application"),
        (41.0, "\x1b[32mINFO\x1b[0m warming caches"),
        (75.4, "Tomcat started on port 8080"),
        (80.0, "INFO request method=GET path=/health status=200"),
    ]
    slow_starter(account, moto_url, lines, grace=30)
    why = await targets_why(clients)
    assert why[1].endswith("grace period 30 s")
    assert why[2].startswith(
        'app logged "Tomcat started on port 8080" 75 s after start, longer than the 30 s grace '
        "period: raise it to at least "
    )
    assert "INFO warming caches" in why[3]  # colour codes dropped
    assert why[3].endswith("path=/health status=200")


async def test_an_app_that_never_says_it_is_ready_is_said(
    account: Account, clients: Clients, moto_url: str
) -> None:
    slow_starter(account, moto_url, [(1.0, "Starting application"), (2.0, "loading")], grace=60)
    why = await targets_why(clients)
    assert why[2] == (
        "none of app's first 2 log lines says it is listening or ready: check that it starts "
        "and serves the health check path"
    )
    assert "Starting application | " in why[3] and why[3].endswith("loading")


def test_log_lines_are_made_plain_text() -> None:
    assert log_text("\x1b[31mERROR\x1b[0m boom\r\n") == "ERROR boom"
    assert log_text("a\u202eevil\u202c b\tc") == "a evil b c"  # bidi overrides do not reorder
    long = log_text("x" * 500)
    assert len(long) == 120 and long.endswith("…")


async def test_an_oom_exit_reads_the_services_memory_in_the_hour_before_the_kill(
    account: Account, clients: Clients, moto_url: str
) -> None:
    account.cluster("batch")
    account.service("batch", "worker", 1)
    stopped = ago(minutes=12)
    account.stopped(
        "batch",
        "worker",
        when=stopped,
        code="EssentialContainerExited",
        reason="Essential container in task exited",
        exit_code=137,
        container_reason="OutOfMemoryError: Container killed due to memory usage",
    )
    cloudwatch = boto3.client("cloudwatch", endpoint_url=moto_url, region_name=REGION)
    dims = [{"Name": "ClusterName", "Value": "batch"}, {"Name": "ServiceName", "Value": "worker"}]
    for minutes, value in ((-90, 99.0), (-30, 95.0), (-20, 60.0), (5, 10.0)):
        cloudwatch.put_metric_data(
            Namespace="AWS/ECS",
            MetricData=[
                {
                    "MetricName": "MemoryUtilization",
                    "Dimensions": dims,
                    "Timestamp": stopped + timedelta(minutes=minutes),
                    "Value": value,
                    "Unit": "Percent",
                }
            ],
        )
    report = await ProblemWatch().refresh(clients)
    why = why_of(report.problems, "stopped", "worker")
    assert why[1].startswith("app: memory limit 16 MiB")
    # Only the hour before the kill: not the 99 % before it, nor the replacement's 10 % after.
    assert why[2] == (
        "service memory in the hour before: peak 95 % of the reservation (busiest task), "
        "average 78 %"
    )
    assert report.calls["cloudwatch.GetMetricData"] == 1
