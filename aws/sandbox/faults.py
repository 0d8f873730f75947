"""The weather: what goes wrong in a live account on its own, with ``chaos`` on.

Each kind of trouble happens first at a fixed tick (so a test at ``--tick 0.2`` sees every kind
within seconds), then now and again at random; every choice comes from the world's seeded
random generator, so a seed replays the same weather for the same requests.

* **flap** (tick 3): a target fails ELB health checks (Target.FailedHealthChecks, .Timeout or
  .ResponseCodeMismatch) for a few ticks and recovers; a quarter of the time ECS gives up on
  the task first and replaces it ("Task failed ELB health checks").
* **oom** (tick 6): a running task's essential container is killed out of memory: exit 137,
  ``OutOfMemoryError: Container killed due to memory usage``, stop code
  EssentialContainerExited; the scheduler replaces it.
* **broken deploy** (tick 10): CI deploys a revision whose image tag was never pushed. Its tasks
  stop with CannotPullContainerError (TaskFailedToStart) and the circuit breaker fails the
  deployment and rolls back (:mod:`.rollouts`).
* **scale** (tick 15): someone scales an EC2 service with a static host port past what its
  cluster's instances can hold: "was unable to place a task" events and running < desired until
  it is scaled back 60 ticks later.
* **disconnect** (tick 24): a container instance's agent disconnects (agentConnected false) and
  reconnects 20-40 ticks later; nothing is placed on it meanwhile.
* **drain** (tick 40): a container instance is set DRAINING with tasks on it; the scheduler moves
  its service tasks elsewhere, and it is ACTIVE again 30-50 ticks later.

Broken deploys and scale-ups only pick the world's ``weather_services`` (ones no test mutates).
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import Any

from aws.sandbox import applogs, deployments, targets, tasks
from aws.sandbox.clock import now
from aws.sandbox.world import TargetKey, World, target_of

#: Fault -> (first tick, chance on any later tick).
SCHEDULE: dict[str, tuple[int, float]] = {
    "flap": (3, 0.08),
    "oom": (6, 0.015),
    "broken_deploy": (10, 0.003),
    "scale": (15, 0.003),
    "disconnect": (24, 0.004),
    "drain": (40, 0.003),
}
SCALE_TICKS = 60


def weather(world: World, live: dict[tuple[str, str], list[Any]]) -> None:
    """One tick of bad luck, plus the end of earlier faults whose time is up."""
    _tick_timers(world)
    faults: dict[str, Callable[[World, dict[tuple[str, str], list[Any]]], None]] = {
        "flap": _flap,
        "oom": _oom,
        "broken_deploy": _broken_deploy,
        "scale": _scale,
        "disconnect": _disconnect,
        "drain": _drain,
    }
    for name, (first, chance) in SCHEDULE.items():
        if world.ticks == first or (world.ticks > first and world.rng.random() < chance):
            faults[name](world, live)
    if world.rng.random() < 0.3:
        _log_line(world, live)


def _running(world: World, live: dict[tuple[str, str], list[Any]]) -> list[list[Any]]:
    """Running tasks per service outside the quiet clusters, services in a stable order."""
    return [
        running
        for (cluster, _), group in sorted(live.items())
        if cluster not in world.quiet
        and (running := [t for t in group if t.last_status == "RUNNING"])
    ]


# ------------------------------------------------------------------ tasks and targets


def _flap(world: World, live: dict[tuple[str, str], list[Any]]) -> None:
    by_group: dict[str, list[TargetKey]] = {}
    for key in targets.registered(world):
        if targets.state(key) == "healthy":
            by_group.setdefault(key[0], []).append(key)
    if not by_group:
        return
    # Group first, so the 120-task service does not get nearly all the trouble.
    key = world.rng.choice(by_group[world.rng.choice(sorted(by_group))])
    text = targets.make_unhealthy(world, key, world.rng.randint(4, 12))
    if world.rng.random() < 0.25:
        world.doomed.add(key)
    task = next((t for g in live.values() for t in g if target_of(t) == key), None)
    if task is not None:
        targets.sync_health(task)  # the container check fails with it, at once
    service = World.service_of(task) if task is not None else None
    if task is not None and service is not None:
        who = f"(instance {key[1]})" if key[1].startswith("i-") else f"(task {task.id})"
        world.event(
            service,
            f"(service {service.name}) {who} (port {key[2]}) is unhealthy in "
            f"(target-group {key[0]}) due to (reason {text}).",
        )


def _oom(world: World, live: dict[tuple[str, str], list[Any]]) -> None:
    groups = _running(world, live)
    if groups:
        tasks.kill_out_of_memory(world, world.rng.choice(world.rng.choice(groups)))


def _log_line(world: World, live: dict[tuple[str, str], list[Any]]) -> None:
    groups = _running(world, live)
    if groups:
        applogs.request(world, world.rng.choice(world.rng.choice(groups)), now())


# ------------------------------------------------------------------ services


def _weather_services(world: World) -> list[Any]:
    """Steady, ACTIVE weather services outside the quiet clusters, in a stable order."""
    services = World.ecs().services.values()
    return sorted(
        (
            s
            for s in services
            if s.name in world.weather_services
            and s.status == "ACTIVE"
            and s.cluster_name not in world.quiet
            and len(s.deployments) == 1
            and s.arn not in world.scaled
        ),
        key=lambda s: (s.cluster_name, s.name),
    )


def _broken_deploy(world: World, live: dict[tuple[str, str], list[Any]]) -> None:
    candidates = [
        s for s in _weather_services(world) if deployments.circuit_breaker(s) == (True, True)
    ]
    if not candidates:
        return
    service = world.rng.choice(candidates)
    ecs = World.ecs()
    current = ecs.describe_task_definition(service.task_definition)
    defs = deepcopy(current.container_definitions)
    image = str(defs[0]["image"])
    defs[0]["image"] = f"{image.rsplit(':', 1)[0]}:{image.rsplit(':', 1)[-1]}-rc{world.ticks}"
    broken = ecs.register_task_definition(
        family=current.family,
        container_definitions=defs,
        network_mode=current.network_mode,
        requires_compatibilities=current.requires_compatibilities,
        cpu=current.cpu,
        memory=current.memory,
        task_role_arn=getattr(current, "task_role_arn", None),
        execution_role_arn=getattr(current, "execution_role_arn", None),
        tags=list(current.tags),
    )
    service.task_definition = broken.arn
    deployments.start_deployment(service)


def _scale(world: World, live: dict[tuple[str, str], list[Any]]) -> None:
    ecs = World.ecs()
    candidates = [
        s
        for s in _weather_services(world)
        if s.launch_type == "EC2" and _static_host_port(ecs, s.task_definition)
    ]
    if not candidates:
        return
    service = world.rng.choice(candidates)
    instances = len(ecs.container_instances.get(service.cluster_name, {}))
    world.scaled[service.arn] = (int(service.desired_count), SCALE_TICKS)
    deployments.scale(service, instances + 1)


def _static_host_port(ecs: Any, taskdef_arn: str) -> bool:
    taskdef = ecs.describe_task_definition(taskdef_arn)
    return taskdef.network_mode == "bridge" and any(
        m.get("hostPort") for c in taskdef.container_definitions for m in c.get("portMappings", [])
    )


# ------------------------------------------------------------------ container instances


def _instances(world: World) -> list[tuple[str, str, Any]]:
    """(cluster, id, instance) of ACTIVE, connected, unfaulted instances in clusters with more
    than one instance and no other instance fault (a cluster never loses all its capacity)."""
    faulted = {cluster for cluster, _ in world.instance_faults}
    out = []
    for cluster, instances in sorted(World.ecs().container_instances.items()):
        if cluster in world.quiet or cluster in faulted or len(instances) < 2:
            continue
        for ci_id, ci in sorted(instances.items()):
            if ci.status == "ACTIVE" and ci.agent_connected:
                out.append((cluster, ci_id, ci))
    return out


def _disconnect(world: World, live: dict[tuple[str, str], list[Any]]) -> None:
    candidates = _instances(world)
    if candidates:
        cluster, ci_id, instance = world.rng.choice(candidates)
        instance.agent_connected = False
        world.instance_faults[(cluster, ci_id)] = ("disconnected", world.rng.randint(20, 40))


def _drain(world: World, live: dict[tuple[str, str], list[Any]]) -> None:
    """The busiest instance goes DRAINING, as for an AMI update."""
    candidates = [c for c in _instances(world) if c[2].running_tasks_count > 0]
    if candidates:
        cluster, ci_id, instance = max(candidates, key=lambda c: c[2].running_tasks_count)
        instance.status = "DRAINING"
        world.instance_faults[(cluster, ci_id)] = ("draining", world.rng.randint(30, 50))


def _tick_timers(world: World) -> None:
    instances = World.ecs().container_instances
    for (cluster, ci_id), (fault, left) in list(world.instance_faults.items()):
        if left > 1:
            world.instance_faults[(cluster, ci_id)] = (fault, left - 1)
            continue
        del world.instance_faults[(cluster, ci_id)]
        instance = instances.get(cluster, {}).get(ci_id)
        if instance is None:
            continue
        if fault == "disconnected":
            instance.agent_connected = True
        elif instance.status == "DRAINING":
            instance.status = "ACTIVE"
    services = {s.arn: s for s in World.ecs().services.values()}
    for arn, (back_to, left) in list(world.scaled.items()):
        if left > 1:
            world.scaled[arn] = (back_to, left - 1)
            continue
        del world.scaled[arn]
        service = services.get(arn)
        if service is not None and service.status == "ACTIVE":
            deployments.scale(service, back_to)
