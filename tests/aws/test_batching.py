"""Batching proven with call counts against a real moto server (which takes any batch size)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import boto3
import pytest

from aws import ecs
from aws.models import Service
from aws.session import Clients, SessionSettings

REGION = "us-east-1"


def boto(moto_url: str, name: str) -> Any:
    return boto3.client(name, endpoint_url=moto_url, region_name=REGION)


def settings(moto_url: str, **kw: Any) -> SessionSettings:
    return SessionSettings(
        endpoint_url=moto_url, region=REGION, retry_mode="standard", max_attempts=1, **kw
    )


@pytest.fixture
async def clients(moto_url: str) -> AsyncIterator[Clients]:
    async with Clients.open(settings(moto_url)) as c:
        yield c


def seed_services(moto_url: str, n: int, cluster: str = "big") -> list[str]:
    e = boto(moto_url, "ecs")
    e.create_cluster(clusterName=cluster)
    td = e.register_task_definition(
        family="web", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 16}]
    )["taskDefinition"]["taskDefinitionArn"]
    return [
        e.create_service(
            cluster=cluster, serviceName=f"svc-{i:03d}", taskDefinition=td, desiredCount=1
        )["service"]["serviceArn"]
        for i in range(n)
    ]


def seed_fargate_tasks(
    moto_url: str, n: int, cluster: str = "big", group: str = "service:web"
) -> list[str]:
    e = boto(moto_url, "ecs")
    e.create_cluster(clusterName=cluster)
    td = e.register_task_definition(
        family="batch", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 16}]
    )["taskDefinition"]["taskDefinitionArn"]
    out: list[str] = []
    while len(out) < n:
        run = e.run_task(
            cluster=cluster,
            taskDefinition=td,
            count=min(100, n - len(out)),
            launchType="FARGATE",
            group=group,
        )
        out += [t["taskArn"] for t in run["tasks"]]
    return out


async def test_25_services_cost_1_list_and_3_describes(moto_url: str, clients: Clients) -> None:
    created = seed_services(moto_url, 25)
    batches: list[list[Service]] = []

    async def on_batch(services: list[Service]) -> None:
        batches.append(services)

    clients.calls.mark()
    _, services = await ecs.read_services(clients, "big", on_batch=on_batch)
    assert dict(clients.calls.mark()) == {"ecs.ListServices": 1, "ecs.DescribeServices": 3}
    assert [s.arn for s in services] == created  # input (list) order, whatever arrived first
    assert sorted(len(b) for b in batches) == [5, 10, 10]
    assert {s.arn for b in batches for s in b} == set(created)
    assert all(s.desired == 1 and s.name.startswith("svc-") for s in services)

    sync_seen: list[int] = []
    await ecs.describe_services(
        clients, "big", created[:12], on_batch=lambda b: sync_seen.append(len(b))
    )
    assert sorted(sync_seen) == [2, 10]


async def test_250_tasks_cost_3_describes(moto_url: str, clients: Clients) -> None:
    created = seed_fargate_tasks(moto_url, 250)
    clients.calls.mark()
    listed = await ecs.list_task_arns(clients, "big")
    tasks = await ecs.describe_tasks(clients, "big", listed)
    counts = clients.calls.mark()
    assert dict(counts) == {"ecs.ListTasks": 3, "ecs.DescribeTasks": 3}  # 100 ARNs a list page
    assert set(listed) == set(created)
    assert [t.arn for t in tasks] == listed

    service_tasks = await ecs.read_service_tasks(clients, "big", "web")
    assert len(service_tasks) == 250
    # RUNNING (3 pages) + STOPPED lists, 3 describes; Fargate tasks need no container instances.
    assert dict(clients.calls.mark()) == {"ecs.ListTasks": 4, "ecs.DescribeTasks": 3}


async def test_clusters_cost_one_describe_per_100(moto_url: str, clients: Clients) -> None:
    e = boto(moto_url, "ecs")
    for i in range(3):
        e.create_cluster(clusterName=f"c{i}")
    clients.calls.mark()
    clusters = await ecs.read_clusters(clients)
    assert sorted(c.name for c in clusters) == ["c0", "c1", "c2"]
    # the counts come with DescribeClusters: no ListServices/ListTasks per cluster
    assert dict(clients.calls.mark()) == {"ecs.ListClusters": 1, "ecs.DescribeClusters": 1}
    assert all(c.service_count is not None for c in clusters)
    await ecs.read_clusters(clients, ["c2", "c0"])
    assert dict(clients.calls.mark()) == {"ecs.DescribeClusters": 1}


async def test_concurrency_is_bounded_by_settings(moto_url: str) -> None:
    created = seed_services(moto_url, 60)
    async with Clients.open(settings(moto_url, concurrency=2)) as c:
        real = c.ecs.describe_services
        in_flight = peak = 0

        async def tracked(**kwargs: Any) -> Any:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            try:
                await asyncio.sleep(0.01)
                return await real(**kwargs)
            finally:
                in_flight -= 1

        c.ecs.describe_services = tracked
        services = await ecs.describe_services(c, "big", created)
    assert len(services) == 60
    assert peak == 2


async def test_call_scope_counts_only_its_own_task(moto_url: str, clients: Clients) -> None:
    """A pane and the problems reader poll at once: each scope sees its own requests only."""
    boto(moto_url, "ecs").create_cluster(clusterName="one")
    both_ready = asyncio.Event()

    async def reader(n: int) -> int:
        with clients.calls.scope() as tally:
            await asyncio.sleep(0)
            await both_ready.wait()
            await asyncio.gather(*(ecs.list_cluster_arns(clients) for _ in range(n)))
            return sum(tally.values())

    first, second = asyncio.create_task(reader(1)), asyncio.create_task(reader(3))
    await asyncio.sleep(0.01)
    both_ready.set()
    assert (await first, await second) == (1, 3)
    assert sum(clients.calls.total.values()) == 4
