"""What the simulator remembers between ticks, and the small lookups every part of it shares.

moto keeps the account (services, tasks, target groups); the simulator only keeps what ECS and
ELB keep privately: countdowns (a target's health checks, a draining target, a disconnected
agent), which deployments have run a task, and when a service last reported a placement failure.
One :class:`World` is shared by the scheduler (:mod:`.rollouts`), the task lifecycle
(:mod:`.tasks`), target health (:mod:`.targets`), the faults (:mod:`.faults`) and the
application logs (:mod:`.applogs`); every edit happens under :data:`.state.LOCK`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aws.sandbox import ids, moto_patches
from aws.sandbox.clock import now

#: (target group ARN, target id, port): one registered target, as HEALTH keys it.
TargetKey = tuple[str, str, int]
#: (cluster name, container instance id).
InstanceKey = tuple[str, str]

#: Events kept per service, as ECS does.
MAX_EVENTS = 100


@dataclass
class World:
    rng: random.Random
    #: Make things go wrong on their own (the weather in :mod:`.faults`).
    chaos: bool = True
    default_sg: str | None = None
    #: Clusters the weather leaves alone (the benchmark cluster stays steady).
    quiet: tuple[str, ...] = ()
    #: Services the weather may deploy broken revisions to or scale past capacity: ones no test
    #: mutates, so a test's own rollout never races the weather's.
    weather_services: tuple[str, ...] = ()
    ticks: int = 0
    #: Target -> ticks until its health override (initial / unhealthy) ends.
    health_timers: dict[TargetKey, int] = field(default_factory=dict)
    #: Target being drained -> ticks until it is deregistered.
    draining: dict[TargetKey, int] = field(default_factory=dict)
    #: Unhealthy targets whose task the scheduler replaces when the timer ends.
    doomed: set[TargetKey] = field(default_factory=set)
    #: Service ARN -> tick of its last "unable to place" event (ECS repeats it, not every try).
    no_place: dict[str, int] = field(default_factory=dict)
    #: Deployments that reported "deployment completed" (once each).
    completed: set[str] = field(default_factory=set)
    #: Deployments that have had a task running: their failed-task count no longer trips the
    #: circuit breaker.
    ran: set[str] = field(default_factory=set)
    #: Deployment failed by the circuit breaker -> the tick it failed (it stays listed a while).
    failed: dict[str, int] = field(default_factory=dict)
    #: Container instance -> (fault, ticks left): "disconnected" or "draining".
    instance_faults: dict[InstanceKey, tuple[str, int]] = field(default_factory=dict)
    #: Service ARN -> (desired count to go back to, ticks left) after a scale past capacity.
    scaled: dict[str, tuple[int, int]] = field(default_factory=dict)

    # ------------------------------------------------------------------ lookups

    @staticmethod
    def ecs() -> Any:
        return moto_patches.backends()["ecs"]

    @staticmethod
    def service_of(task: Any) -> Any:
        """The service a task belongs to (its group), or None for a standalone task."""
        name = str(task.group or "").removeprefix("service:")
        return World.ecs().services.get(f"{task.cluster_name}:{name}")

    @staticmethod
    def primary(service: Any) -> dict[str, Any] | None:
        return next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)

    @staticmethod
    def deployment(service: Any, deployment_id: str | None) -> dict[str, Any] | None:
        return next((d for d in service.deployments if d.get("id") == deployment_id), None)

    @staticmethod
    def instance(task: Any) -> Any:
        """The container instance an EC2 task runs on, or None (Fargate)."""
        if not task.container_instance_arn:
            return None
        instances = World.ecs().container_instances.get(task.cluster_name, {})
        return instances.get(task.container_instance_arn.rsplit("/", 1)[-1])

    # ------------------------------------------------------------------ events

    def event(self, service: Any, message: str, when: datetime | None = None) -> None:
        """A service event, newest first, at most MAX_EVENTS kept (as ECS keeps them)."""
        service.events.insert(
            0,
            {
                "id": ids.uuid_for(*ids.numbered("event", service.arn)),
                "createdAt": when or now(),
                "message": message,
            },
        )
        if when is not None:
            service.events.sort(key=lambda e: e["createdAt"], reverse=True)
        del service.events[MAX_EVENTS:]


def target_of(task: Any) -> TargetKey | None:
    """The target the simulator registered for the task (None: not load-balanced, not yet
    running, or started by a client's RunTask)."""
    key: TargetKey | None = getattr(task, "ecsdeck_target", None)
    return key


def main_container(task: Any) -> dict[str, Any]:
    containers = getattr(task, "containers", [])
    if containers and isinstance(containers[0], dict):
        first: dict[str, Any] = containers[0]
        return first
    return {}


def task_ip(task: Any) -> str | None:
    for attachment in task.attachments:
        for detail in attachment.get("details", []):
            if detail["name"] == "privateIPv4Address":
                return str(detail["value"])
    return None


def set_health(task: Any, state: str) -> None:
    """Task health follows its essential container's health check (HEALTHY / UNHEALTHY /
    UNKNOWN); the sidecars have no check of their own here."""
    task.health_status = state
    container = main_container(task)
    if container and container.get("lastStatus") == "RUNNING":
        container["healthStatus"] = state
