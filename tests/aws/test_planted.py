"""The planted-problems account (``--clusters 40 --problems``) seen through the ECS and ELB APIs.

Triage tests compare what they find with :data:`aws.sandbox.planted.EXPECTED`, so this file
proves the account shows exactly those problems, each as AWS would, and nothing else wrong;
and that clearing one (``POST /ecsdeck/clear``) makes it disappear from the API.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aws.sandbox.planted import EXPECTED
from tests.aws.observe import (
    all_instances,
    all_services,
    all_tasks,
    boto_clients,
    cluster_names,
    one_service,
    wait_for,
)
from tests.sandbox_fork import spawn

Clients = dict[str, Any]
FAILURE_CODES = {"EssentialContainerExited", "TaskFailedToStart", "SpotInterruption"}


def _get(url: str) -> Any:
    return json.loads(urllib.request.urlopen(url, timeout=10).read())


def _post(url: str) -> Any:
    request = urllib.request.Request(url, data=b"", method="POST")
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def _health(elb: Any, service: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for lb in service["loadBalancers"]:
        out += elb.describe_target_health(TargetGroupArn=lb["targetGroupArn"])[
            "TargetHealthDescriptions"
        ]
    return out


@pytest.fixture(scope="module")
def problems(sandbox_problems: str) -> Clients:
    return boto_clients(sandbox_problems)


# ---------------------------------------------------------------- the planted set


def test_planted_set_is_the_expected_one_and_the_account_has_40_clusters(
    sandbox_problems: str, problems: Clients
) -> None:
    planted = _get(f"{sandbox_problems}/ecsdeck/planted")["planted"]
    assert [(p["kind"], p["cluster"], p["service"]) for p in planted] == list(EXPECTED)
    clusters = cluster_names(problems["ecs"])
    assert len(clusters) == 40
    assert {c for _, c, _ in EXPECTED} <= set(clusters)


def test_failing_health_checks(problems: Clients) -> None:
    ecs, elb = problems["ecs"], problems["elbv2"]
    service = one_service(ecs, "storefront-prod", "storefront-web")
    health = _health(elb, service)
    assert len(health) == 3
    assert {h["TargetHealth"]["State"] for h in health} == {"unhealthy"}
    assert {h["TargetHealth"]["Reason"] for h in health} == {"Target.FailedHealthChecks"}
    tasks = [t for t in all_tasks(ecs, "storefront-prod") if t["group"] == "service:storefront-web"]
    assert len(tasks) == 3 and {t["healthStatus"] for t in tasks} == {"UNHEALTHY"}
    assert any("is unhealthy in (target-group" in e["message"] for e in service["events"])


def test_task_killed_out_of_memory_ten_minutes_ago(problems: Clients) -> None:
    ecs = problems["ecs"]
    (task,) = all_tasks(ecs, "analytics-prod", "STOPPED")
    assert task["group"] == "service:report-builder"
    assert task["stopCode"] == "EssentialContainerExited"
    assert task["stoppedReason"] == "Essential container in task exited"
    main = task["containers"][0]
    assert main["exitCode"] == 137
    assert main["reason"] == "OutOfMemoryError: Container killed due to memory usage"
    age = datetime.now(UTC) - task["stoppedAt"]
    assert timedelta(minutes=9) < age < timedelta(minutes=30)
    assert task["startedAt"] < task["stoppedAt"]
    service = one_service(ecs, "analytics-prod", "report-builder")
    assert service["runningCount"] == service["desiredCount"] == 2


def test_rollout_failed_by_the_circuit_breaker(problems: Clients) -> None:
    service = one_service(problems["ecs"], "billing-prod", "invoice-api")
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
    service = one_service(problems["ecs"], "legacy-ec2", "batch-scheduler")
    assert (service["desiredCount"], service["runningCount"]) == (4, 1)
    placing = [e for e in service["events"] if "was unable to place a task" in e["message"]]
    assert len(placing) >= 3
    assert "is already using a port required by your task" in placing[0]["message"]
    assert datetime.now(UTC) - placing[-1]["createdAt"] > timedelta(minutes=10)


def test_container_instance_with_its_agent_disconnected(problems: Clients) -> None:
    instances = all_instances(problems["ecs"], "ops-ec2")
    assert sorted(i["agentConnected"] for i in instances) == [False, True]
    assert {i["status"] for i in instances} == {"ACTIVE"}


def test_everything_else_is_healthy_and_steady(problems: Clients) -> None:
    _assert_nothing_else_wrong(problems)


def _assert_nothing_else_wrong(clients: Clients) -> None:
    ecs, elb = clients["ecs"], clients["elbv2"]
    planted = {(c, s) for _, c, s in EXPECTED if s}
    for cluster in cluster_names(ecs):
        for service in all_services(ecs, cluster):
            if (cluster, service["serviceName"]) in planted:
                continue
            name = f"{cluster}/{service['serviceName']}"
            (deployment,) = service["deployments"]
            assert deployment["rolloutState"] == "COMPLETED", name
            assert service["runningCount"] == service["desiredCount"] > 0, name
            assert service["pendingCount"] == 0, name
            states = {h["TargetHealth"]["State"] for h in _health(elb, service)}
            assert states <= {"healthy"}, name
        stopped = all_tasks(ecs, cluster, "STOPPED")
        if cluster != "analytics-prod":
            assert not [t for t in stopped if t.get("stopCode") in FAILURE_CODES], cluster
        connected = {i["agentConnected"] for i in all_instances(ecs, cluster)}
        assert connected <= ({True, False} if cluster == "ops-ec2" else {True}), cluster


# ---------------------------------------------------------------- clearing (own sandbox)


@pytest.fixture(scope="module")
def clearable() -> Iterator[str]:
    """The same planted account with the simulator running, so a cleared problem is seen to
    stay cleared while the scheduler works (and an uncleared one to stay)."""
    proc, url = spawn(["--seed", "7", "--clusters", "40", "--problems", "--tick", "0.2"])
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _kinds(url: str) -> list[str]:
    return [p["kind"] for p in _get(f"{url}/ecsdeck/planted")["planted"]]


def test_planted_problems_hold_while_the_scheduler_runs(clearable: str) -> None:
    """The scheduler keeps trying (a fresh placement failure) and nothing else goes wrong."""
    ecs = boto_clients(clearable)["ecs"]
    first = one_service(ecs, "legacy-ec2", "batch-scheduler")["events"][0]["createdAt"]

    def retried() -> bool:
        latest = one_service(ecs, "legacy-ec2", "batch-scheduler")["events"][0]
        return bool(latest["createdAt"] > first and "unable to place" in latest["message"])

    wait_for(retried, "the scheduler to fail placing batch-scheduler's tasks again")
    assert _kinds(clearable) == [kind for kind, _, _ in EXPECTED]
    _assert_nothing_else_wrong(boto_clients(clearable))


def test_clearing_unhealthy_targets_makes_them_healthy(clearable: str) -> None:
    ecs, elb = boto_clients(clearable)["ecs"], boto_clients(clearable)["elbv2"]
    service = one_service(ecs, "storefront-prod", "storefront-web")
    assert {h["TargetHealth"]["State"] for h in _health(elb, service)} == {"unhealthy"}
    assert _post(f"{clearable}/ecsdeck/clear?kind=targets") == {"cleared": "targets"}
    assert {h["TargetHealth"]["State"] for h in _health(elb, service)} == {"healthy"}
    tasks = [t for t in all_tasks(ecs, "storefront-prod") if t["group"] == "service:storefront-web"]
    assert {t["healthStatus"] for t in tasks} == {"HEALTHY"}
    assert "targets" not in _kinds(clearable)


def test_clearing_each_other_problem(clearable: str) -> None:
    ecs = boto_clients(clearable)["ecs"]
    _post(f"{clearable}/ecsdeck/clear?kind=stopped")
    assert all_tasks(ecs, "analytics-prod", "STOPPED") == []
    _post(f"{clearable}/ecsdeck/clear?kind=rollout")
    (deployment,) = one_service(ecs, "billing-prod", "invoice-api")["deployments"]
    assert deployment["rolloutState"] == "COMPLETED"
    started = datetime.now(UTC)

    def retried() -> bool:
        events = one_service(ecs, "legacy-ec2", "batch-scheduler")["events"]
        return any(
            "was unable to place" in e["message"] and e["createdAt"] > started for e in events
        )

    wait_for(retried, "the scheduler to retry placing batch-scheduler's tasks (and fail again)")
    _post(f"{clearable}/ecsdeck/clear?kind=stuck")
    service = one_service(ecs, "legacy-ec2", "batch-scheduler")
    assert service["runningCount"] == service["desiredCount"] == 1
    _post(f"{clearable}/ecsdeck/clear?kind=instance")
    assert {i["agentConnected"] for i in all_instances(ecs, "ops-ec2")} == {True}
    assert "stopped" not in _kinds(clearable) and "instance" not in _kinds(clearable)


def test_clearing_an_unknown_or_cleared_kind_is_a_404(clearable: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        _post(f"{clearable}/ecsdeck/clear?kind=nonsense")
    assert caught.value.code == 404
