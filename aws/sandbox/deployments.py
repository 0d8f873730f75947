"""ECS deployment bookkeeping moto does not keep, shared by the patches and the scheduler.

A service's deploymentConfiguration (echoed with its defaults, circuit breaker included), a new
PRIMARY deployment when the task definition or compute changes, and a desired-count change that
leaves the deployment in progress until the scheduler gets there. moto_patches calls these from
the patched CreateService/UpdateService; the simulator (rollouts, faults) and the planted
problems call them for what ECS does on its own.
"""

from __future__ import annotations

from typing import Any

from aws.sandbox import ids
from aws.sandbox.clock import now

#: What ECS reports for a rolling-update service created without a deploymentConfiguration.
DEFAULT_DEPLOYMENT_CONFIGURATION: dict[str, Any] = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}


def set_deployment_configuration(service: Any, given: dict[str, Any] | None) -> None:
    """Store a service's deploymentConfiguration as ECS echoes it: the defaults, then what the
    service had, then what this request gave (a partial update keeps the other members)."""
    current = getattr(service, "deployment_configuration", None) or DEFAULT_DEPLOYMENT_CONFIGURATION
    merged: dict[str, Any] = {**current, **(given or {})}
    breaker = {
        **current["deploymentCircuitBreaker"],
        **((given or {}).get("deploymentCircuitBreaker") or {}),
    }
    merged["deploymentCircuitBreaker"] = breaker
    service.deployment_configuration = merged


def circuit_breaker(service: Any) -> tuple[bool, bool]:
    """(enable, rollback) of the service's deployment circuit breaker."""
    config = getattr(service, "deployment_configuration", None) or {}
    breaker = config.get("deploymentCircuitBreaker") or {}
    return bool(breaker.get("enable")), bool(breaker.get("rollback"))


def scale(service: Any, desired: int) -> None:
    """A desired-count change (UpdateService without a new deployment): the PRIMARY deployment
    takes the new count and is in progress until the scheduler gets there."""
    service.desired_count = desired
    primary = next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)
    if primary is None:
        return
    primary["desiredCount"] = desired
    primary["updatedAt"] = now()
    if primary.get("runningCount", 0) != desired and primary.get("rolloutState") != "FAILED":
        primary["rolloutState"] = "IN_PROGRESS"
        primary["rolloutStateReason"] = f"ECS deployment {primary['id']} in progress."


def new_deployment_id(service: Any) -> str:
    """The service's next deployment id, from the seed, the service and how many deployments
    it had (:mod:`.ids`); moto's own draw when the sandbox is not seeded."""
    if not ids.seeded():
        from moto.moto_api._internal import mock_random

        return f"ecs-svc/{mock_random.randint(10**18, 10**19 - 1)}"
    return f"ecs-svc/{ids.number_for(10**18, 10**19 - 1, *ids.numbered('deployment', service.arn))}"


def start_deployment(service: Any) -> dict[str, Any]:
    """Make a new PRIMARY deployment for the service's current task definition and compute;
    the previous PRIMARY becomes ACTIVE (it is drained by the simulator)."""
    stamp = now()
    for previous in service.deployments:
        if previous.get("status") == "PRIMARY":
            previous["status"] = "ACTIVE"
            previous["desiredCount"] = 0
            previous["updatedAt"] = stamp
    dep_id = new_deployment_id(service)
    strategy = list(getattr(service, "capacity_provider_strategy", None) or [])
    deployment: dict[str, Any] = {
        "id": dep_id,
        "status": "PRIMARY",
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": 0,
        "runningCount": 0,
        "failedTasks": 0,
        "createdAt": stamp,
        "updatedAt": stamp,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": f"ECS deployment {dep_id} in progress.",
        "networkConfiguration": service.network_configuration or None,
        "platformFamily": "EC2" if service.launch_type == "EC2" else "FARGATE",
    }
    if strategy:
        deployment["capacityProviderStrategy"] = strategy
    else:
        deployment["launchType"] = service.launch_type or "EC2"
    if service.launch_type == "FARGATE" or strategy:
        deployment["platformVersion"] = "1.4.0"
    service.deployments.insert(0, deployment)
    return deployment
