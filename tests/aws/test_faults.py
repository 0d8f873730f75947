"""The faults of a live sandbox account, each seen through the ECS, ELB and Logs APIs.

A sandbox of its own (``--seed 5 --tick 0.2``) runs the weather's timeline (aws/sandbox/faults.py:
each kind of trouble first at a fixed tick, all within ~20 s); one observer polls the API from
the start and records what a client sees. The tests then check each fault looks as AWS shows it.
A twin copy of the same seeded account shows the same faults (the weather is drawn from the
seed, not from the clock or the order of requests; tests/aws/test_sandbox_determinism.py proves
the seeding itself across processes). The last tests deploy missing images
themselves and watch the circuit breaker.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.aws.observe import (
    all_instances,
    all_services,
    all_tasks,
    boto_clients,
    one_service,
    wait_for,
)
from tests.sandbox_fork import spawn

SHOWCASE = ("core-ec2", "web-fargate", "shared-mixed")
EC2_CLUSTERS = ("core-ec2", "shared-mixed")
OOM = "OutOfMemoryError: Container killed due to memory usage"
BREAKER = "ECS deployment circuit breaker: tasks failed to start."
ARGS = ["--seed", "5", "--tick", "0.2"]


def _ip(task: dict[str, Any]) -> str | None:
    for attachment in task.get("attachments", []):
        for detail in attachment["details"]:
            if detail["name"] == "privateIPv4Address":
                return str(detail["value"])
    return None


# ---------------------------------------------------------------- the observer


@dataclass
class Seen:
    """What a client polling every 0.2 s saw while the weather's timeline ran."""

    started: datetime
    #: (reason, healthStatus of the target's task) for targets unhealthy across a whole poll.
    unhealthy: list[tuple[str, str]] = field(default_factory=list)
    recovered: bool = False
    oom: dict[str, Any] | None = None
    pull_failed: dict[str, Any] | None = None
    #: Events of the weather's broken deploy and rollback, newest first.
    rollback_events: list[str] = field(default_factory=list)
    rolled_back_service: dict[str, Any] | None = None
    #: (service, desired, running, event) while a placement failure lasted.
    short: tuple[str, int, int, str] | None = None
    disconnected: set[str] = field(default_factory=set)
    reconnected: set[str] = field(default_factory=set)
    draining_with_tasks: set[str] = field(default_factory=set)
    reactivated: set[str] = field(default_factory=set)
    unhealthy_keys: set[tuple[str, str]] = field(default_factory=set)

    def done(self) -> bool:
        return bool(
            self.unhealthy
            and self.recovered
            and self.oom
            and self.rolled_back_service
            and self.short
            and self.reconnected
            and self.reactivated
        )


def _poll_targets(ecs: Any, elb: Any, services: list[dict[str, Any]], seen: Seen) -> None:
    groups = [lb["targetGroupArn"] for s in services for lb in s["loadBalancers"]]

    def states() -> dict[tuple[str, str], dict[str, Any]]:
        return {
            (arn, h["Target"]["Id"]): h["TargetHealth"]
            for arn in groups
            for h in elb.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
        }

    before = states()
    by_ip = {_ip(t): t for c in SHOWCASE for t in all_tasks(ecs, c)}
    after = states()
    for key, health in after.items():
        if health["State"] != "unhealthy":
            if key in seen.unhealthy_keys and health["State"] == "healthy":
                seen.recovered = True
            continue
        seen.unhealthy_keys.add(key)
        task = by_ip.get(key[1])
        if before.get(key, {}).get("State") == "unhealthy" and task is not None:
            seen.unhealthy.append((health["Reason"], task["healthStatus"]))


def _poll_services(ecs: Any, services: list[dict[str, Any]], seen: Seen) -> None:
    for service in services:
        messages = [e["message"] for e in service["events"]]
        if any("rolling back to deployment" in m for m in messages):
            seen.rollback_events = messages
            if len(service["deployments"]) == 1:
                seen.rolled_back_service = service
        recent = [
            e["message"]
            for e in service["events"]
            if "was unable to place a task" in e["message"] and e["createdAt"] > seen.started
        ]
        if recent and service["runningCount"] < service["desiredCount"]:
            name = service["serviceName"]
            seen.short = (name, service["desiredCount"], service["runningCount"], recent[0])


def _poll_tasks(ecs: Any, seen: Seen) -> None:
    for cluster in SHOWCASE:
        for task in all_tasks(ecs, cluster, "STOPPED"):
            if task["lastStatus"] != "STOPPED" or task["stoppedAt"] <= seen.started:
                continue  # still stopping, or the seeded past rather than the weather
            if task["stopCode"] == "EssentialContainerExited":
                if task["containers"][0].get("exitCode") == 137:
                    seen.oom = task
            elif task["stopCode"] == "TaskFailedToStart" and "-rc" in task["stoppedReason"]:
                seen.pull_failed = task


def _poll_instances(ecs: Any, seen: Seen) -> None:
    for cluster in EC2_CLUSTERS:
        for ci in all_instances(ecs, cluster):
            arn = ci["containerInstanceArn"]
            if not ci["agentConnected"]:
                seen.disconnected.add(arn)
            elif arn in seen.disconnected:
                seen.reconnected.add(arn)
            if ci["status"] == "DRAINING" and ci["runningTasksCount"] > 0:
                seen.draining_with_tasks.add(arn)
            elif ci["status"] == "ACTIVE" and arn in seen.draining_with_tasks:
                seen.reactivated.add(arn)


def _observe(url: str, started: datetime, timeout: float = 90.0) -> Seen:
    c = boto_clients(url)
    ecs, elb = c["ecs"], c["elbv2"]
    seen = Seen(started=started)
    deadline = time.monotonic() + timeout
    while not seen.done() and time.monotonic() < deadline:
        services = [s for cluster in SHOWCASE for s in all_services(ecs, cluster)]
        _poll_targets(ecs, elb, services, seen)
        _poll_services(ecs, services, seen)
        _poll_tasks(ecs, seen)
        _poll_instances(ecs, seen)
        time.sleep(0.2)
    return seen


@pytest.fixture(scope="module")
def weather() -> Iterator[tuple[str, Seen]]:
    """(url, what was seen from the first tick on)."""
    started = datetime.now(UTC)
    proc, url = spawn(ARGS)
    try:
        yield url, _observe(url, started)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ---------------------------------------------------------------- faults on their own


def test_targets_fail_health_checks_and_recover(weather: tuple[str, Seen]) -> None:
    seen = weather[1]
    assert seen.unhealthy, "no target failed its health checks"
    reasons = {r for r, _ in seen.unhealthy}
    assert reasons <= {"Target.FailedHealthChecks", "Target.Timeout", "Target.ResponseCodeMismatch"}
    # The container check probes the same endpoint: a task whose target is unhealthy is not
    # HEALTHY.
    assert "HEALTHY" not in {health for _, health in seen.unhealthy}
    assert seen.recovered


def test_a_task_is_killed_out_of_memory(weather: tuple[str, Seen]) -> None:
    url, seen = weather
    task = seen.oom
    assert task is not None
    assert task["stopCode"] == "EssentialContainerExited"
    assert task["stoppedReason"] == "Essential container in task exited"
    assert task["containers"][0]["exitCode"] == 137
    assert task["containers"][0]["reason"] == OOM
    # Its log lines were written while it ran, not at "now".
    logs = boto_clients(url)["logs"]
    group = f"/ecs/{task['group'].removeprefix('service:')}"
    stream = f"ecs/{task['containers'][0]['name']}/{task['taskArn'].rsplit('/', 1)[-1]}"
    events = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    stamps = [e["timestamp"] / 1000 for e in events["events"]]
    assert stamps
    assert task["startedAt"].timestamp() <= min(stamps)
    assert max(stamps) <= task["stoppedAt"].timestamp()


def test_broken_deploy_trips_the_circuit_breaker_and_rolls_back(
    weather: tuple[str, Seen],
) -> None:
    url, seen = weather
    service = seen.rolled_back_service
    assert service is not None
    name = service["serviceName"]
    (primary,) = service["deployments"]
    messages = seen.rollback_events
    failed = next(m for m in messages if "deployment failed: tasks failed to start." in m)
    rolling = next(m for m in messages if "rolling back to deployment" in m)
    assert failed.startswith(f"(service {name}) (deployment ecs-svc/")
    assert rolling == f"(service {name}) rolling back to deployment {primary['id']}."
    assert any("is unable to consistently start tasks successfully" in m for m in messages)
    assert service["taskDefinition"] == primary["taskDefinition"]
    ecs = boto_clients(url)["ecs"]
    td = ecs.describe_task_definition(taskDefinition=primary["taskDefinition"])["taskDefinition"]
    assert "-rc" not in td["containerDefinitions"][0]["image"]  # the good revision again


def test_image_pull_failure_names_the_image(weather: tuple[str, Seen]) -> None:
    url, seen = weather
    task = seen.pull_failed
    assert task is not None
    image = task["containers"][0]["image"]
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("CannotPullContainerError: ")
    assert image in task["stoppedReason"]
    assert task["containers"][0]["reason"] == task["stoppedReason"]
    assert "startedAt" not in task and "exitCode" not in task["containers"][0]
    logs = boto_clients(url)["logs"]
    group = f"/ecs/{task['group'].removeprefix('service:')}"
    prefix = f"ecs/{task['containers'][0]['name']}/{task['taskArn'].rsplit('/', 1)[-1]}"
    streams = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=prefix)
    assert streams["logStreams"] == []  # it never ran, so it never logged


def test_placement_failures_leave_an_ec2_service_short(weather: tuple[str, Seen]) -> None:
    seen = weather[1]
    assert seen.short is not None
    name, desired, running, event = seen.short
    assert running < desired
    assert event.startswith(f"(service {name}) was unable to place a task because no container")
    assert "The closest matching (container-instance " in event


def test_agent_disconnects_and_reconnects(weather: tuple[str, Seen]) -> None:
    seen = weather[1]
    assert seen.reconnected and seen.reconnected <= seen.disconnected


def test_an_instance_drains_with_tasks_and_comes_back(weather: tuple[str, Seen]) -> None:
    seen = weather[1]
    assert seen.draining_with_tasks and seen.reactivated


def test_same_seed_same_weather(weather: tuple[str, Seen]) -> None:
    url, seen = weather
    assert seen.rolled_back_service is not None
    name = seen.rolled_back_service["serviceName"]
    cluster = seen.rolled_back_service["clusterArn"].rsplit("/", 1)[-1]

    def rollback_events(u: str) -> list[str]:
        events = one_service(boto_clients(u)["ecs"], cluster, name)["events"]
        return [e["message"] for e in events if "rolling back" in e["message"]]

    proc, twin_url = spawn(ARGS)
    try:
        twin = wait_for(lambda: rollback_events(twin_url), "the twin's rollback")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert rollback_events(url)[-1] == twin[-1]


# ---------------------------------------------------------------- a client's broken deploy


def _deploy_missing_image(ecs: Any, cluster: str, name: str) -> tuple[str, str]:
    """Register a copy of the service's revision whose image tag was never pushed and deploy
    it. Returns (previous PRIMARY deployment id, broken revision ARN)."""
    service = one_service(ecs, cluster, name)
    td = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    keep = ecs.meta.service_model.operation_model("RegisterTaskDefinition").input_shape.members
    body = {k: v for k, v in td.items() if k in keep}
    image = body["containerDefinitions"][0]["image"]
    body["containerDefinitions"][0]["image"] = f"{image.rsplit(':', 1)[0]}:never-pushed"
    arn = ecs.register_task_definition(**body)["taskDefinition"]["taskDefinitionArn"]
    previous = next(d for d in service["deployments"] if d["status"] == "PRIMARY")["id"]
    ecs.update_service(cluster=cluster, service=name, taskDefinition=arn)
    return previous, arn


def test_client_deploy_of_a_missing_image_rolls_back(weather: tuple[str, Seen]) -> None:
    ecs = boto_clients(weather[0])["ecs"]
    breaker = one_service(ecs, "web-fargate", "notifications")["deploymentConfiguration"]
    assert breaker["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    previous, broken = _deploy_missing_image(ecs, "web-fargate", "notifications")

    def failed() -> dict[str, Any] | None:
        deployments = one_service(ecs, "web-fargate", "notifications")["deployments"]
        return next((d for d in deployments if d["rolloutState"] == "FAILED"), None)

    deployment = wait_for(failed, "the circuit breaker to fail the deployment")
    assert deployment["taskDefinition"] == broken
    assert deployment["rolloutStateReason"] == BREAKER
    assert deployment["failedTasks"] >= 3

    def rolled_back() -> dict[str, Any] | None:
        service = one_service(ecs, "web-fargate", "notifications")
        (primary, *others) = service["deployments"]
        done = not others and primary["rolloutState"] == "COMPLETED"
        return service if done else None

    service = wait_for(rolled_back, "the rollback to complete")
    assert service["deployments"][0]["id"] == previous  # the previous deployment, PRIMARY again
    assert service["taskDefinition"] != broken
    messages = [e["message"] for e in service["events"]]
    assert f"(service notifications) rolling back to deployment {previous}." in messages


def test_client_deploy_without_rollback_stays_failed(weather: tuple[str, Seen]) -> None:
    ecs = boto_clients(weather[0])["ecs"]
    config = {"deploymentCircuitBreaker": {"enable": True, "rollback": False}}
    ecs.update_service(cluster="core-ec2", service="email-worker", deploymentConfiguration=config)
    echoed = one_service(ecs, "core-ec2", "email-worker")["deploymentConfiguration"]
    assert echoed["deploymentCircuitBreaker"] == {"enable": True, "rollback": False}
    assert echoed["minimumHealthyPercent"] == 100  # a partial update keeps the rest
    previous, broken = _deploy_missing_image(ecs, "core-ec2", "email-worker")

    def failed() -> dict[str, Any] | None:
        service = one_service(ecs, "core-ec2", "email-worker")
        primary = service["deployments"][0]
        return service if primary["rolloutState"] == "FAILED" else None

    service = wait_for(failed, "the circuit breaker to fail the deployment")
    primary, active = service["deployments"]
    assert (primary["status"], primary["taskDefinition"]) == ("PRIMARY", broken)
    assert primary["failedTasks"] >= 3 and primary["runningCount"] == 0
    assert (active["id"], active["runningCount"]) == (previous, service["desiredCount"])
    stopped = [
        t
        for t in all_tasks(ecs, "core-ec2", "STOPPED")
        if t["startedBy"] == primary["id"] and t["stopCode"] == "TaskFailedToStart"
    ]
    assert len(stopped) >= 3
    assert all("never-pushed" in t["stoppedReason"] for t in stopped)
