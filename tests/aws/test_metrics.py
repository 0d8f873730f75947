"""CloudWatch utilization and Application Auto Scaling readers, against a real moto server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from aws import autoscaling, metrics
from aws.session import Clients, SessionSettings
from tests.aws.test_batching import seed_services, settings

REGION = "us-east-1"


@pytest.fixture
async def clients(moto_url: str) -> AsyncIterator[Clients]:
    async with Clients.open(settings(moto_url)) as c:
        yield c


def put_utilization(
    url: str,
    cluster: str,
    services: dict[str, tuple[float, float]],
    *,
    minutes: int = 5,
    reversed_dimensions: bool = False,
) -> None:
    """One CPU and one memory datapoint a minute for each service, as ECS publishes them."""
    cw = boto3.client("cloudwatch", endpoint_url=url, region_name=REGION)
    now = datetime.now(UTC)
    for name, (cpu, memory) in services.items():
        dims = [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": name}]
        if reversed_dimensions:
            dims.reverse()
        data: list[Any] = [
            {
                "MetricName": metric,
                "Dimensions": dims,
                "Timestamp": now - timedelta(minutes=m),
                "Value": value,
                "Unit": "Percent",
            }
            for m in range(minutes)
            for metric, value in (("CPUUtilization", cpu), ("MemoryUtilization", memory))
        ]
        cw.put_metric_data(Namespace="AWS/ECS", MetricData=data)


async def test_one_get_metric_data_for_many_services(moto_url: str, clients: Clients) -> None:
    wanted = {f"svc-{i:03d}": (float(i), 100.0 - i) for i in range(40)}
    put_utilization(moto_url, "big", wanted)
    put_utilization(moto_url, "other", {"svc-000": (99.0, 99.0)})  # another cluster: not mixed in
    got = await metrics.read_utilization(clients, "big", [*wanted, "never-published"])
    assert clients.calls.total["cloudwatch.GetMetricData"] == 1
    assert got["svc-007"] == metrics.Utilization(7.0, 93.0)
    assert got["svc-000"] == metrics.Utilization(0.0, 100.0)
    assert got["never-published"] == metrics.Utilization(None, None)


async def test_past_250_services_a_second_call(moto_url: str, clients: Clients) -> None:
    names = [f"svc-{i:03d}" for i in range(260)]
    put_utilization(moto_url, "big", {"svc-259": (12.0, 34.0)}, minutes=2)
    got = await metrics.read_utilization(clients, "big", names)
    assert clients.calls.total["cloudwatch.GetMetricData"] == 2  # 500 queries a call at most
    assert got["svc-259"] == metrics.Utilization(12.0, 34.0)


async def test_dimensions_match_in_any_order(moto_url: str, clients: Clients) -> None:
    """CloudWatch matches the set of dimensions; the sandbox patches moto to do the same."""
    put_utilization(moto_url, "big", {"api": (40.0, 50.0)}, reversed_dimensions=True)
    got = await metrics.read_utilization(clients, "big", ["api"])
    assert got["api"] == metrics.Utilization(40.0, 50.0)


async def test_history_is_one_value_a_minute(moto_url: str, clients: Clients) -> None:
    put_utilization(moto_url, "big", {"api": (40.0, 50.0)}, minutes=30)
    history = await metrics.read_history(clients, "big", "api")
    assert clients.calls.total["cloudwatch.GetMetricData"] == 1
    assert len(history.cpu) in (30, 31) and set(history.cpu) == {40.0}
    assert set(history.memory) == {50.0}


def test_more_than_500_queries_refused(moto_url: str) -> None:
    cw = boto3.client("cloudwatch", endpoint_url=moto_url, region_name=REGION)
    query = {
        "MetricStat": {
            "Metric": {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization"},
            "Period": 60,
            "Stat": "Average",
        }
    }
    now = datetime.now(UTC)
    with pytest.raises(ClientError, match="500"):
        cw.get_metric_data(
            MetricDataQueries=[{"Id": f"q{i}", **query} for i in range(501)],  # type: ignore[misc]
            StartTime=now - timedelta(minutes=5),
            EndTime=now,
        )


async def test_scaling_of_a_service(moto_url: str, clients: Clients) -> None:
    seed_services(moto_url, 2)
    aas = boto3.client("application-autoscaling", endpoint_url=moto_url, region_name=REGION)
    rid = "service/big/svc-000"
    aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=rid,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=2,
        MaxCapacity=5,
    )
    aas.put_scaling_policy(
        PolicyName="cpu50",
        ServiceNamespace="ecs",
        ResourceId=rid,
        ScalableDimension="ecs:service:DesiredCount",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 50.0,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
            },
        },
    )
    scaling = await autoscaling.read_scaling(clients, "big", "svc-000")
    assert (scaling.min_capacity, scaling.max_capacity) == (2, 5)
    assert scaling.policies == (
        autoscaling.ScalingPolicy(
            "cpu50", "TargetTrackingScaling", 50.0, "ECSServiceAverageCPUUtilization"
        ),
    )
    assert scaling.tracking
    assert scaling.clamp(9) == 5 and scaling.clamp(1) == 2 and scaling.clamp(3) is None
    calls = dict(clients.calls.total)
    none = await autoscaling.read_scaling(clients, "big", "svc-001")
    assert not none.registered and none.clamp(100) is None
    # No target: the policies and activities are not asked for.
    assert clients.calls.total["application-auto-scaling.DescribeScalableTargets"] == 2
    assert (
        clients.calls.total["application-auto-scaling.DescribeScalingPolicies"]
        == calls["application-auto-scaling.DescribeScalingPolicies"]
    )


async def test_sandbox_publishes_and_seeds_autoscaling(sandbox_frozen: str) -> None:
    """The sandbox backfills an hour of utilization, runs one service hot, and has a demo
    service with a scalable target, a target-tracking policy and past activities."""
    async with Clients.open(SessionSettings(endpoint_url=sandbox_frozen, region=REGION)) as c:
        hot = await metrics.read_utilization(c, "shared-mixed", ["reporting-batch"])
        cpu = hot["reporting-batch"].cpu
        assert cpu is not None and cpu > 85
        history = await metrics.read_history(c, "web-fargate", "checkout-web")
        assert len(history.cpu) >= 50
        scaling = await autoscaling.read_scaling(c, "web-fargate", "checkout-web")
    assert (scaling.min_capacity, scaling.max_capacity) == (2, 6)
    assert scaling.policies[0].target_value == 60.0
    assert scaling.activities and scaling.activities[0].description.startswith("Setting desired")


async def test_publisher_writes_once_a_minute(
    moto_url: str, clients: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The simulator's publisher: one datapoint per service per wall-clock minute, only for
    services with running tasks, whatever the tick length."""
    from aws.sandbox import metrics as published
    from aws.sandbox import moto_patches

    seed_services(moto_url, 2)
    with moto_patches.LOCK:
        for service in moto_patches.backends()["ecs"].services.values():
            service.running_count = 1 if service.name == "svc-000" else 0
    clock = [datetime.now(UTC).replace(second=5, microsecond=0)]
    monkeypatch.setattr(published, "now", lambda: clock[0])
    publisher = published.Publisher(clusters=("big",))
    publisher.tick()
    publisher.tick()  # same minute: nothing more
    stored = published._backend().get_all_metrics()
    assert len(stored) == 2  # CPU and memory of svc-000; svc-001 runs no task
    clock[0] += timedelta(minutes=1)
    publisher.tick()
    assert len(published._backend().get_all_metrics()) == 4
    got = await metrics.read_utilization(clients, "big", ["svc-000", "svc-001"], now=clock[0])
    cpu = got["svc-000"].cpu
    assert cpu is not None and 0 < cpu <= 100
    assert got["svc-001"] == metrics.Utilization(None, None)
