"""Target health: what ELB's health checks would say about each task's target.

moto registers targets and calls every one of them healthy. Here a new target spends a couple
of ticks ``initial`` (Elb.RegistrationInProgress), a flap makes one ``unhealthy`` with one of
ELB's reason codes for a while, a stopping task's target is ``draining``
(Target.DeregistrationInProgress) before it is deregistered. The state lives in
:data:`.state.HEALTH`, which the patched ``FakeTargetGroup.health_for`` answers from.

Task health is tied to it: the seeded container health check curls the same ``/health`` the
target group checks, so a task whose target is unhealthy is UNHEALTHY, and HEALTHY once the
target is (UNKNOWN while the first checks run).
"""

from __future__ import annotations

from typing import Any

from aws.sandbox import moto_patches
from aws.sandbox.state import HEALTH
from aws.sandbox.world import TargetKey, World, set_health, task_ip

#: ELB's reason codes for an unhealthy target, with the descriptions it gives.
UNHEALTHY_REASONS = (
    ("Target.FailedHealthChecks", "Health checks failed"),
    ("Target.Timeout", "Request timed out"),
    ("Target.ResponseCodeMismatch", "Health checks failed with these codes: [502]"),
)
#: Ticks a target spends in "initial" after registration and in "draining" before removal.
INITIAL_TICKS = 2
DRAIN_TICKS = 2


def register(world: World, service: Any, task: Any, *, quiet: bool) -> TargetKey | None:
    """Register a newly running task in its service's target group. ``quiet`` (seeding): the
    target is healthy at once and no event is written."""
    key = _target(service, task)
    if key is None:
        return None
    tg = moto_patches.backends()["elbv2"].target_groups[key[0]]
    tg.register([{"Id": key[1], "Port": key[2]}])
    task.ecsdeck_target = key
    HEALTH.pop(key, None)
    world.draining.pop(key, None)
    if quiet:
        return key
    HEALTH[key] = ("initial", "Elb.RegistrationInProgress", "Target registration is in progress")
    world.health_timers[key] = INITIAL_TICKS
    world.event(
        service, f"(service {service.name}) registered 1 targets in (target-group {key[0]})"
    )
    return key


def _target(service: Any, task: Any) -> TargetKey | None:
    """(group, id, port) for the task: its ENI address for an ``ip`` group, its instance and
    host port for an ``instance`` group."""
    if not service.load_balancers:
        return None
    b = moto_patches.backends()
    lb = service.load_balancers[0]
    tg = b["elbv2"].target_groups.get(lb.get("targetGroupArn"))
    if tg is None:
        return None
    if tg.target_type == "ip":
        target_id = task_ip(task)
        port = int(lb.get("containerPort") or tg.port or 80)
    else:
        instance = World.instance(task)
        target_id = instance.ec2_instance_id if instance is not None else None
        port = next(
            (
                int(nb["hostPort"])
                for c in task.containers
                if isinstance(c, dict) and c.get("name") == lb.get("containerName")
                for nb in c.get("networkBindings", [])
                if nb.get("containerPort") == lb.get("containerPort")
            ),
            0,
        )
    if not target_id or not port:
        return None
    return (tg.arn, str(target_id), port)


def drain(world: World, key: TargetKey) -> None:
    """Deregistration begins: the target drains for a while before it is gone."""
    HEALTH[key] = (
        "draining",
        "Target.DeregistrationInProgress",
        "Target deregistration is in progress",
    )
    world.health_timers.pop(key, None)
    world.doomed.discard(key)
    world.draining[key] = DRAIN_TICKS


def deregister(world: World, key: TargetKey) -> None:
    HEALTH.pop(key, None)
    world.health_timers.pop(key, None)
    world.draining.pop(key, None)
    tg = moto_patches.backends()["elbv2"].target_groups.get(key[0])
    registered = tg.targets.get(key[1]) if tg is not None else None
    if registered is not None and int(registered.get("Port") or 0) == key[2]:
        tg.deregister([{"Id": key[1], "Port": key[2]}])


def make_unhealthy(world: World, key: TargetKey, ticks: int | None) -> str:
    """Fail the target's health checks with a random reason for ``ticks`` (None: until
    cleared). Returns the description ELB gives."""
    code, text = world.rng.choice(UNHEALTHY_REASONS)
    HEALTH[key] = ("unhealthy", code, text)
    if ticks is not None:
        world.health_timers[key] = ticks
    return text


def state(key: TargetKey | None) -> str:
    """ELB's state for the target: healthy unless an override says otherwise."""
    if key is None:
        return "healthy"
    return HEALTH.get(key, ("healthy", None, None))[0]


def tick(world: World) -> list[TargetKey]:
    """Count down drains and health overrides. Returns the doomed targets whose time is up
    (the scheduler replaces their tasks, as ECS does after failed ELB health checks)."""
    for key, left in list(world.draining.items()):
        if left > 1:
            world.draining[key] = left - 1
        else:
            del world.draining[key]
            deregister(world, key)
    expired = []
    for key, left in list(world.health_timers.items()):
        if left > 1:
            world.health_timers[key] = left - 1
            continue
        del world.health_timers[key]
        if HEALTH.get(key, ("",))[0] in ("initial", "unhealthy"):
            HEALTH.pop(key, None)
        if key in world.doomed:
            world.doomed.discard(key)
            expired.append(key)
    return expired


def sync_health(task: Any) -> None:
    """A running task's health from its target's (and so its container check's) state.

    A one-off task (RunTask, aws/sandbox/runs.py) is moto's own Task, made without a health
    status: read with getattr, or every tick fails while one runs."""
    key = getattr(task, "ecsdeck_target", None)
    health = getattr(task, "health_status", None)
    if key is None and health == "HEALTHY":
        return  # the common case, every tick for every task: nothing to do
    if task.desired_status != "RUNNING" or task.last_status != "RUNNING":
        return
    current = state(key)
    if current == "unhealthy":
        set_health(task, "UNHEALTHY")
    elif current == "healthy":
        set_health(task, "HEALTHY")
    elif health != "HEALTHY":
        set_health(task, "UNKNOWN")


def registered(world: World) -> list[TargetKey]:
    """Targets of running tasks outside the quiet clusters, in a stable order."""
    out = []
    for cluster_name, tasks in World.ecs().tasks.items():
        if cluster_name in world.quiet:
            continue
        for task in tasks.values():
            key = getattr(task, "ecsdeck_target", None)
            if key and task.last_status == "RUNNING" and task.desired_status == "RUNNING":
                out.append(key)
    return sorted(out)
