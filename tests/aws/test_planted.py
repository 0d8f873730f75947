"""The planted-problems account (``--clusters 40 --problems``) seen through the ECS and ELB APIs.

Triage tests compare what they find with :data:`aws.sandbox.planted.EXPECTED`, so this file
proves the account shows exactly those problems, each as AWS would, and nothing else wrong;
and that clearing one (``POST /ecsdeck/clear``) makes it disappear from the API.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from aws.sandbox.planted import EXPECTED
from aws.sandbox.server import spawn_sandbox

Clients = dict[str, Any]
FAILURE_CODES = {"EssentialContainerExited", "TaskFailedToStart", "SpotInterruption"}


def _clients(url: str) -> Clients:
    kw: dict[str, Any] = {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": "x",
        "aws_secret_access_key": "x",
    }
    return {n: boto3.client(n, **kw) for n in ("ecs", "elbv2")}


def _get(url: str) -> Any:
    return json.loads(urllib.request.urlopen(url, timeout=10).read())


def _post(url: str) -> Any:
    request = urllib.request.Request(url, data=b"", method="POST")
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def _clusters(ecs: Any) -> list[str]:
    pages = ecs.get_paginator("list_clusters").paginate()
    return [arn.rsplit("/", 1)[-1] for page in pages for arn in page["clusterArns"]]


def _services(ecs: Any, cluster: str) -> list[dict[str, Any]]:
    pages = ecs.get_paginator("list_services").paginate(cluster=cluster, maxResults=100)
    arns = [arn for page in pages for arn in page["serviceArns"]]
    out: list[dict[str, Any]] = []
    for i in range(0, len(arns), 10):
        out += ecs.describe_services(cluster=cluster, services=arns[i : i + 10])["services"]
    return out


def _service(ecs: Any, cluster: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
    return found


def _tasks(ecs: Any, cluster: str, status: str = "RUNNING") -> list[dict[str, Any]]:
    pages = ecs.get_paginator("list_tasks").paginate(cluster=cluster, desiredStatus=status)
    arns = [arn for page in pages for arn in page["taskArns"]]
    out: list[dict[str, Any]] = []
    for i in range(0, len(arns), 100):
        out += ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"]
    return out


def _health(elb: Any, service: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for lb in service["loadBalancers"]:
        out += elb.describe_target_health(TargetGroupArn=lb["targetGroupArn"])[
            "TargetHealthDescriptions"
        ]
    return out


def _instances(ecs: Any, cluster: str) -> list[dict[str, Any]]:
    arns = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
    if not arns:
        return []
    found: list[dict[str, Any]] = ecs.describe_container_instances(
        cluster=cluster, containerInstances=arns
    )["containerInstances"]
    return found


@pytest.fixture(scope="module")
def problems(sandbox_problems: str) -> Clients:
    return _clients(sandbox_problems)


# ---------------------------------------------------------------- the planted set


def test_planted_set_is_the_expected_one_and_the_account_has_40_clusters(
    sandbox_problems: str, problems: Clients
) -> None:
    planted = _get(f"{sandbox_problems}/ecsdeck/planted")["planted"]
    assert [(p["kind"], p["cluster"], p["service"]) for p in planted] == list(EXPECTED)
    clusters = _clusters(problems["ecs"])
    assert len(clusters) == 40
    assert {c for _, c, _ in EXPECTED} <= set(clusters)


def test_failing_health_checks(problems: Clients) -> None:
    ecs, elb = problems["ecs"], problems["elbv2"]
    service = _service(ecs, "storefront-prod", "storefront-web")
    health = _health(elb, service)
    assert len(health) == 3
    assert {h["TargetHealth"]["State"] for h in health} == {"unhealthy"}
    assert {h["TargetHealth"]["Reason"] for h in health} == {"Target.FailedHealthChecks"}
    tasks = [t for t in _tasks(ecs, "storefront-prod") if t["group"] == "service:storefront-web"]
    assert len(tasks) == 3 and {t["healthStatus"] for t in tasks} == {"UNHEALTHY"}
    assert any("is unhealthy in (target-group" in e["message"] for e in service["events"])


def test_task_killed_out_of_memory_ten_minutes_ago(problems: Clients) -> None:
    ecs = problems["ecs"]
    (task,) = _tasks(ecs, "analytics-prod", "STOPPED")
    assert task["group"] == "service:report-builder"
    assert task["stopCode"] == "EssentialContainerExited"
    assert task["stoppedReason"] == "Essential container in task exited"
    main = task["containers"][0]
    assert main["exitCode"] == 137
    assert main["reason"] == "OutOfMemoryError: Container killed due to memory usage"
    age = datetime.now(UTC) - task["stoppedAt"]
    assert timedelta(minutes=9) < age < timedelta(minutes=30)
    assert task["startedAt"] < task["stoppedAt"]
    service = _service(ecs, "analytics-prod", "report-builder")
    assert service["runningCount"] == service["desiredCount"] == 2


def test_rollout_failed_by_the_circuit_breaker(problems: Clients) -> None:
    service = _service(problems["ecs"], "billing-prod", "invoice-api")
    breaker = service["deploymentConfiguration"]["deploymentCircuitBreaker"]
    assert breaker == {"enable": True, "rollback": False}
    primary, active = service["deployments"]
    assert primary["status"] == "PRIMARY" and primary["rolloutState"] == "FAILED"
    assert primary["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert primary["failedTasks"] == 3 and primary["runningCount"] == 0
    assert service["taskDefinition"] == primary["taskDefinition"]
    assert active["status"] == "ACTIVE" and active["runningCount"] == 2
    assert primary["createdAt"] > active["createdAt"]
    messages = [e["message"] for e in service["events"]]
    assert f"(deployment {primary['id']}) deployment failed: tasks failed to start." in messages[0]


def test_service_stuck_unable_to_place_for_over_ten_minutes(problems: Clients) -> None:
    service = _service(problems["ecs"], "legacy-ec2", "batch-scheduler")
    assert (service["desiredCount"], service["runningCount"]) == (4, 1)
    placing = [e for e in service["events"] if "was unable to place a task" in e["message"]]
    assert len(placing) >= 3
    assert "is already using a port required by your task" in placing[0]["message"]
    assert datetime.now(UTC) - placing[-1]["createdAt"] > timedelta(minutes=10)


def test_container_instance_with_its_agent_disconnected(problems: Clients) -> None:
    instances = _instances(problems["ecs"], "ops-ec2")
    assert sorted(i["agentConnected"] for i in instances) == [False, True]
    assert {i["status"] for i in instances} == {"ACTIVE"}


def test_everything_else_is_healthy_and_steady(problems: Clients) -> None:
    ecs, elb = problems["ecs"], problems["elbv2"]
    planted = {(c, s) for _, c, s in EXPECTED if s}
    for cluster in _clusters(ecs):
        for service in _services(ecs, cluster):
            if (cluster, service["serviceName"]) in planted:
                continue
            name = f"{cluster}/{service['serviceName']}"
            (deployment,) = service["deployments"]
            assert deployment["rolloutState"] == "COMPLETED", name
            assert service["runningCount"] == service["desiredCount"] > 0, name
            assert service["pendingCount"] == 0, name
            states = {h["TargetHealth"]["State"] for h in _health(elb, service)}
            assert states <= {"healthy"}, name
        stopped = _tasks(ecs, cluster, "STOPPED")
        if cluster != "analytics-prod":
            assert not [t for t in stopped if t.get("stopCode") in FAILURE_CODES], cluster
        connected = {i["agentConnected"] for i in _instances(ecs, cluster)}
        assert connected <= ({True, False} if cluster == "ops-ec2" else {True}), cluster


# ---------------------------------------------------------------- clearing (own sandbox)


@pytest.fixture(scope="module")
def clearable() -> Iterator[str]:
    """The same planted account with the simulator running, so a cleared problem is seen to
    stay cleared while the scheduler works (and an uncleared one to stay)."""
    proc, url = spawn_sandbox(["--seed", "7", "--clusters", "40", "--problems", "--tick", "0.2"])
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)


def _kinds(url: str) -> list[str]:
    return [p["kind"] for p in _get(f"{url}/ecsdeck/planted")["planted"]]


def test_same_seed_same_planted_problems(sandbox_problems: str, clearable: str) -> None:
    """The frozen account and this running one were seeded alike: the same ids throughout."""

    def ids(url: str) -> list[dict[str, Any]]:
        planted = _get(f"{url}/ecsdeck/planted")["planted"]
        return [{k: v for k, v in p.items() if k != "since"} for p in planted]

    assert ids(clearable) == ids(sandbox_problems)


def test_clearing_unhealthy_targets_makes_them_healthy(clearable: str) -> None:
    ecs, elb = _clients(clearable)["ecs"], _clients(clearable)["elbv2"]
    service = _service(ecs, "storefront-prod", "storefront-web")
    assert {h["TargetHealth"]["State"] for h in _health(elb, service)} == {"unhealthy"}
    assert _post(f"{clearable}/ecsdeck/clear?kind=targets") == {"cleared": "targets"}
    assert {h["TargetHealth"]["State"] for h in _health(elb, service)} == {"healthy"}
    tasks = [t for t in _tasks(ecs, "storefront-prod") if t["group"] == "service:storefront-web"]
    assert {t["healthStatus"] for t in tasks} == {"HEALTHY"}
    assert "targets" not in _kinds(clearable)


def test_clearing_each_other_problem(clearable: str) -> None:
    ecs = _clients(clearable)["ecs"]
    _post(f"{clearable}/ecsdeck/clear?kind=stopped")
    assert _tasks(ecs, "analytics-prod", "STOPPED") == []
    _post(f"{clearable}/ecsdeck/clear?kind=rollout")
    (deployment,) = _service(ecs, "billing-prod", "invoice-api")["deployments"]
    assert deployment["rolloutState"] == "COMPLETED"
    started = datetime.now(UTC)

    def retried() -> bool:
        events = _service(ecs, "legacy-ec2", "batch-scheduler")["events"]
        return any(
            "was unable to place" in e["message"] and e["createdAt"] > started for e in events
        )

    _wait(retried, "the scheduler to retry placing batch-scheduler's tasks (and fail again)")
    _post(f"{clearable}/ecsdeck/clear?kind=stuck")
    service = _service(ecs, "legacy-ec2", "batch-scheduler")
    assert service["runningCount"] == service["desiredCount"] == 1
    _post(f"{clearable}/ecsdeck/clear?kind=instance")
    assert {i["agentConnected"] for i in _instances(ecs, "ops-ec2")} == {True}
    assert "stopped" not in _kinds(clearable) and "instance" not in _kinds(clearable)


def test_clearing_an_unknown_or_cleared_kind_is_a_404(clearable: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        _post(f"{clearable}/ecsdeck/clear?kind=nonsense")
    assert caught.value.code == 404
