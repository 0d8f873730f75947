"""The problems reader against the planted-problem sandbox: 40 clusters, exactly five problems.

``python -m aws.sandbox --clusters 40 --problems`` plants one problem of each kind in its own
cluster (aws.sandbox.planted.EXPECTED) and publishes their ids at /ecsdeck/planted; the sandbox
pages and batches as AWS does. Every planted problem must be found, with its cause and culprit,
and nothing else; each must disappear once the sandbox clears it.
"""

from __future__ import annotations

import json
import math
import urllib.request
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aws.problem_models import Problem
from aws.sandbox.planted import EXPECTED
from aws.session import Clients, SessionSettings
from aws.triage.problems import ProblemReport, ProblemWatch
from tests.aws.test_problems import Clock

#: The reason the planted problem's row must give, in words, per kind.
CAUSES = {
    "targets": ("targets unhealthy", "failing health checks (Target.FailedHealthChecks)"),
    "stopped": ("out of memory", "OutOfMemoryError"),
    "rollout": ("rollout failed", "circuit breaker"),
    "stuck": ("1 of 4 tasks running", "unable to place a task"),
    "instance": ("ECS agent disconnected", "ECS cannot start or stop tasks there"),
}


def planted(url: str) -> dict[str, dict[str, Any]]:
    with urllib.request.urlopen(f"{url}/ecsdeck/planted", timeout=10) as answer:
        return {p["kind"]: p for p in json.load(answer)["planted"]}


def clear(url: str, kind: str) -> None:
    request = urllib.request.Request(f"{url}/ecsdeck/clear?kind={kind}", method="POST", data=b"")
    urllib.request.urlopen(request, timeout=10).read()


async def open_clients(url: str) -> Clients:
    return Clients.open(SessionSettings(endpoint_url=url, region="us-east-1"))


@pytest.fixture
async def clients(sandbox_problems: str) -> AsyncIterator[Clients]:
    async with await open_clients(sandbox_problems) as c:
        yield c


def errors(report: ProblemReport) -> list[Problem]:
    return [p for p in report.problems if p.severity == "error"]


def matches(p: Problem, kind: str, cluster: str, service: str | None) -> bool:
    return (p.kind, p.cluster_name, p.service_name) == (kind, cluster, service)


async def test_every_planted_problem_and_nothing_else(
    sandbox_problems: str, clients: Clients
) -> None:
    plants = planted(sandbox_problems)
    # The reader's clock stands still during the first read: however long the read takes on a
    # loaded machine, the tick below comes exactly 3 s after it (cadences and budgets follow it).
    start = datetime.now(UTC)
    watch = ProblemWatch(clock=lambda: start)
    report = await watch.refresh(clients)

    assert len(report.clusters) == 40
    for kind, cluster, service in EXPECTED:
        rows = [p for p in report.problems if matches(p, kind, cluster, service)]
        assert len(rows) == 1, (kind, report.problems)
        what, why = CAUSES[kind]
        assert what in rows[0].what and why in rows[0].why, rows[0]
        plant = plants[kind]
        if plant["task_arn"]:
            assert rows[0].task_arn == plant["task_arn"]
        if plant["target_ids"]:
            assert rows[0].target_id in plant["target_ids"]
            assert rows[0].count == len(plant["target_ids"])
        if plant["container_instance_arn"]:
            assert rows[0].container_instance_arn == plant["container_instance_arn"]
    assert len(report.problems) == len(EXPECTED), "something healthy was reported"

    names = {c.arn: c.name for c in report.clusters}
    flagged = {names[arn] for arn, n in report.by_cluster.items() if n}
    assert flagged == {cluster for _, cluster, _ in EXPECTED}
    assert len(report.by_cluster) == 40 and report.errors == ()

    # The first refresh reads everything once, paged and batched as AWS requires.
    services = {c.arn: c.service_count or 0 for c in report.clusters}
    calls = report.calls
    assert (calls["ecs.ListClusters"], calls["ecs.DescribeClusters"]) == (1, 1)
    assert calls["ecs.ListServices"] == sum(1 for n in services.values() if n)
    assert calls["ecs.DescribeServices"] == sum(math.ceil(n / 10) for n in services.values())
    assert calls["elastic-load-balancing-v2.DescribeTargetHealth"] <= 10

    # A tick a few seconds later reads the clusters and what is hot, nothing else.
    watch.clock = lambda: start + timedelta(seconds=3)
    tick = await watch.refresh(clients)
    assert [p.key for p in tick.problems] == [p.key for p in report.problems]
    assert "ecs.ListServices" not in tick.calls and "ecs.ListTasks" not in tick.calls
    assert tick.calls.get("ecs.DescribeServices", 0) <= len(EXPECTED)
    assert sum(tick.calls.values()) <= 2 + len(EXPECTED) + 4


@pytest.fixture(scope="module")
def own_sandbox() -> Iterator[str]:
    """A planted sandbox of this module's own: clearing problems changes it."""
    from tests.conftest import _spawn_sandbox

    yield from _spawn_sandbox("--seed", "7", "--clusters", "12", "--problems", "--no-simulate")


async def test_each_problem_disappears_once_cleared(own_sandbox: str) -> None:
    clock = Clock()
    watch = ProblemWatch(clock=clock)
    async with await open_clients(own_sandbox) as c:
        kinds = {p.kind for p in errors(await watch.refresh(c))}
        assert kinds == {kind for kind, _, _ in EXPECTED}
        for n, (kind, _, _) in enumerate(EXPECTED, start=1):
            clear(own_sandbox, kind)
            # The stopped-task list is read once a minute: move on a minute and a bit each time.
            clock.offset = timedelta(seconds=65 * n)
            report = await watch.refresh(c)
            kinds.discard(kind)
            assert {p.kind for p in errors(report)} == kinds, kind
        assert report.problems == () and not any(report.by_cluster.values())
