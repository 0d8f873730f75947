"""Bulk actions (aws/bulk.py) against the moto server: a failure in the middle, the
per-service report, one audit line per call, the per-service guard, the pace; and the
settings UpdateService as ECS answers it (aws/sandbox/fidelity_services.py)."""

from __future__ import annotations

import time

import boto3
import pytest
from botocore.exceptions import ClientError

from aws import bulk, ecs
from aws import execute as execute_module
from aws import service_settings as ss
from aws.actions import plan_force_deployment, plan_scale
from aws.audit import AuditLog
from aws.session import Clients

REGION = "us-east-1"


def _seed(url: str, names: list[str]) -> None:
    client = boto3.client("ecs", endpoint_url=url, region_name=REGION)
    client.create_cluster(clusterName="bulk")
    client.register_task_definition(
        family="bulk", containerDefinitions=[{"name": "a", "image": "x", "memory": 128}]
    )
    for name in names:
        client.create_service(
            cluster="bulk", serviceName=name, taskDefinition="bulk", desiredCount=1
        )


async def test_a_failure_in_the_middle_is_that_services_outcome(
    moto_url: str, clients: Clients
) -> None:
    _seed(moto_url, ["a", "b", "c", "d"])
    services = await ecs.describe_services(clients, "bulk", ["a", "b", "c", "d"])
    # Another client deletes b after ecsdeck listed it; d has a change of its own in flight.
    boto3.client("ecs", endpoint_url=moto_url, region_name=REGION).delete_service(
        cluster="bulk", service="b", force=True
    )
    plans = [plan_scale(s, 3) for s in services]
    combined = bulk.combined("Scale 4 services", "Scale to 3", plans)
    assert [c.params["service"] for c in combined.calls] == ["a", "b", "c", "d"]
    assert combined.notes == ("a: 1 -> 3", "b: 1 -> 3", "c: 1 -> 3", "d: 1 -> 3")
    audit = AuditLog()
    held = (clients.endpoint, "bulk", "d")
    execute_module._IN_FLIGHT.add(held)  # as execute() holds it while d's change is sent
    try:
        started = time.monotonic()
        results = await bulk.execute_each(clients, plans, audit=audit, rate=20)
        took = time.monotonic() - started
    finally:
        execute_module._IN_FLIGHT.discard(held)
    assert [r.ok for r in results] == [True, False, True, False]
    report = bulk.report(results).splitlines()
    assert report[0] == "2 of 4 services done."
    assert report[1] == "a: ok" and report[3] == "c: ok"
    assert report[2].startswith("b: failed: ") and "not ACTIVE" in report[2]
    assert report[4] == "d: failed: A change to d is already in progress: wait for it to finish"
    lines = audit.read()
    assert sorted((x["service"], x["result"]) for x in lines) == [
        ("a", "ok"),
        ("b", "error"),
        ("c", "ok"),
    ]
    fresh = {s.name: s.desired for s in await ecs.describe_services(clients, "bulk", ["a", "c"])}
    assert fresh == {"a": 3, "c": 3}
    assert took >= 3 / 20  # four starts at 20 a second: three gaps


async def test_force_deployment_of_many_and_the_limit(moto_url: str, clients: Clients) -> None:
    _seed(moto_url, ["x", "y"])
    services = await ecs.describe_services(clients, "bulk", ["x", "y"])
    results = await bulk.execute_each(clients, [plan_force_deployment(s) for s in services])
    assert all(r.ok for r in results), bulk.report(results)
    with pytest.raises(bulk.ActionError, match="at most 100"):
        bulk.combined("t", "s", [plan_scale(services[0], 2)] * 101)


async def test_settings_round_trip_and_ecs_refusals(moto_url: str, clients: Clients) -> None:
    _seed(moto_url, ["s"])
    (service,) = await ecs.describe_services(clients, "bulk", ["s"])
    form = ss.form_of(ss.current(service))
    new = ss.parse(
        ss.Form(
            **{
                **form.__dict__,
                "grace": "45",
                "minimum": "50",
                "maximum": "150",
                "breaker": True,
                "breaker_rollback": True,
                "execute_command": True,
                "propagate_tags": "SERVICE",
                "az_rebalancing": "DISABLED",
            }
        ),
        service,
    )
    plan = ss.plan_settings(service, new)
    outcome = await execute_module.execute(clients, plan)
    assert outcome.ok, outcome.report()
    (after,) = await ecs.describe_services(clients, "bulk", ["s"])
    assert ss.current(after) == new
    assert ss.unchanged(after, new) is not None
    raw = boto3.client("ecs", endpoint_url=moto_url, region_name=REGION)
    with pytest.raises(ClientError, match="maximumPercent must be between 100 and 200"):
        raw.update_service(
            cluster="bulk", service="s", deploymentConfiguration={"maximumPercent": 300}
        )
