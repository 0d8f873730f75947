"""A task's life as ECS runs it: placed, provisioned, image pulled, running, stopped.

moto's run_task creates a task RUNNING at once, piles EC2 tasks on the first instance with room
and never stops one by itself. Here a task is placed (spread over instances, never on a DRAINING
one or one whose agent is disconnected), walks PROVISIONING -> PENDING -> RUNNING over ticks,
fails to start when its image is not in the registry (CannotPullContainerError), and stops with
ECS's stop codes, exit codes and reasons.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from aws.sandbox import applogs, exec_agent, ids, moto_patches, targets
from aws.sandbox.clock import now
from aws.sandbox.specs import registry
from aws.sandbox.world import World, main_container, set_health, task_ip

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
OOM = "OutOfMemoryError: Container killed due to memory usage"
ESSENTIAL_EXITED = "Essential container in task exited"


def pull_error(image: str) -> str:
    """What the agent reports when an image reference cannot be resolved."""
    return (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        f"failed to resolve ref {image}: {image}: not found"
    )


def pull_timeout(image: str) -> str:
    """What the agent reports when the registry does not answer in time."""
    registry, _, path = image.partition("/")
    return (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
        f"failed to resolve ref {image}: failed to do request: Head "
        f'"https://{registry}/v2/{path.replace(":", "/manifests/")}": dial tcp: i/o timeout'
    )


def image_available(image: str) -> bool:
    """Whether a pull of ``image`` would succeed: images in this account's registry must be in
    ECR (repository and tag or digest); anything else (public registries) is assumed reachable."""
    own = f"{registry()}/"
    if not image.startswith(own):
        return True
    ref = image.removeprefix(own)
    repo_name, _, digest = ref.partition("@")
    tag = None
    if not digest:
        repo_name, _, tag = ref.partition(":")
    repo = moto_patches.backends()["ecr"].repositories.get(repo_name)
    if repo is None:
        return False
    if digest:
        return any(i.image_digest == digest for i in repo.images)
    return any((tag or "latest") in (i.image_tags or [i.image_tag]) for i in repo.images)


# ------------------------------------------------------------------ starting


def start(
    world: World, service: Any, deployment: dict[str, Any], *, instant: bool
) -> tuple[Any, str | None]:
    """Launch one task of ``deployment``. Returns (task, None), or (None, why) when it cannot
    be placed (the reason for ECS's "unable to place a task" event)."""
    ecs = World.ecs()
    taskdef = ecs.describe_task_definition(deployment["taskDefinition"])
    strategy = deployment.get("capacityProviderStrategy") or []
    provider = _pick_provider(world, service, deployment, strategy) if strategy else None
    launch_type = "" if provider else (deployment.get("launchType") or "EC2")
    fargate = launch_type == "FARGATE" or provider in FARGATE_PROVIDERS
    network = None
    if taskdef.network_mode == "awsvpc":
        network = _network(world, service)
        if network is None:
            return None, "the service has no awsvpc network configuration"
    instance_id = None
    if not fargate:
        instance_id, why = place(service, taskdef.arn)
        if instance_id is None:
            return None, why
    task = moto_patches.create_task(
        service.cluster_name,
        taskdef.arn,
        container_instance_id=instance_id,
        group=f"service:{service.name}",
        started_by=deployment["id"],
        launch_type=launch_type,
        network_configuration=network,
        capacity_provider=provider,
        platform_version="1.4.0" if fargate else None,
    )
    if task is None:
        return None, "The closest matching container-instance has insufficient resources."
    _dress(world, service, task, taskdef, instance_id, fargate)
    if instant:
        started = now() - timedelta(minutes=world.rng.randint(30, 60 * 24 * 6))
        run(world, service, task, started=started, quiet=True)
    return task, None


def _dress(
    world: World, service: Any, task: Any, taskdef: Any, instance_id: str | None, fargate: bool
) -> None:
    """What ECS reports for a new task that moto leaves out or gets wrong."""
    if fargate:
        task.launch_type = "FARGATE"  # ECS reports it for Fargate providers too
    stamp = now()
    task.created_at = stamp
    defs = taskdef.container_definitions
    task.cpu = taskdef.cpu or str(sum(int(c.get("cpu") or 0) for c in defs))
    task.memory = taskdef.memory or str(sum(int(c.get("memory") or 0) for c in defs))
    task.availability_zone = _az(task, instance_id, service)
    task.health_status = "UNKNOWN"
    task.connectivity = "CONNECTED"
    task.connectivity_at = stamp
    task.version = 1
    task.ecsdeck_ticks = 0
    task.ecsdeck_target = None
    task.ecsdeck_fail = None
    exec_agent.task_started(service, task)
    task.containers = _containers(world, task, taskdef)
    task.last_status = "PROVISIONING"


def _pick_provider(
    world: World, service: Any, deployment: dict[str, Any], strategy: list[dict[str, Any]]
) -> str:
    """Base first, then by weight, as ECS splits a capacity provider strategy."""
    counts: dict[str, int] = defaultdict(int)
    for task in World.ecs().tasks.get(service.cluster_name, {}).values():
        if task.started_by == deployment["id"] and task.last_status != "STOPPED":
            counts[task.capacity_provider_name or ""] += 1
    for item in strategy:
        if counts[item["capacityProvider"]] < int(item.get("base") or 0):
            return str(item["capacityProvider"])
    weighted = [i for i in strategy if int(i.get("weight") or 0) > 0] or strategy
    weights = [max(1, int(i.get("weight") or 0)) for i in weighted]
    return str(world.rng.choices(weighted, weights=weights)[0]["capacityProvider"])


def _network(world: World, service: Any) -> dict[str, Any] | None:
    config = (service.network_configuration or {}).get("awsvpcConfiguration")
    if not config or not config.get("subnets"):
        return None
    config = dict(config)
    if not config.get("securityGroups"):
        if not world.default_sg:
            return None
        config["securityGroups"] = [world.default_sg]  # AWS defaults it; moto needs it
    # Spread over subnets (moto always uses the first one).
    config["subnets"] = [world.rng.choice(list(config["subnets"]))]
    return {"awsvpcConfiguration": config}


def place(service: Any, taskdef_arn: str) -> tuple[str | None, str | None]:
    """Spread: the instance running fewest tasks of this service, then fewest overall.
    Returns (instance id, None), or (None, why) naming the closest instance as ECS does."""
    ecs = World.ecs()
    instances = ecs.container_instances.get(service.cluster_name, {})
    group = f"service:{service.name}"
    mine: dict[str, int] = defaultdict(int)
    for task in ecs.tasks.get(service.cluster_name, {}).values():
        if task.group == group and task.last_status != "STOPPED" and task.container_instance_arn:
            mine[task.container_instance_arn.rsplit("/", 1)[-1]] += 1
    candidates = [
        ci for ci in instances if moto_patches.can_place(service.cluster_name, ci, taskdef_arn)
    ]
    if candidates:
        return min(candidates, key=lambda c: (mine[c], instances[c].running_tasks_count, c)), None
    return None, _closest(ecs, instances, taskdef_arn)


def _closest(ecs: Any, instances: dict[str, Any], taskdef_arn: str) -> str:
    """The end of ECS's placement-failure event: why the closest instance would not do."""
    active = sorted(i for i, ci in instances.items() if ci.status == "ACTIVE")
    if not active:
        return "Reason: No Container Instances were found in your cluster."
    needs = ecs._calculate_task_resource_requirements(ecs.describe_task_definition(taskdef_arn))
    ci_id = active[0]
    instance = instances[ci_id]
    left = {r.get("name"): r for r in instance.remaining_resources}
    if not instance.agent_connected:
        why = "doesn't have the agent connected"
    elif any(str(p) in (left.get("PORTS", {}).get("stringSetValue") or []) for p in needs["PORTS"]):
        why = "is already using a port required by your task"
    elif needs["MEMORY"] > (left.get("MEMORY", {}).get("integerValue") or 0):
        why = "has insufficient memory available"
    else:
        why = "has insufficient CPU units available"
    return f"The closest matching (container-instance {ci_id}) {why}."


def _az(task: Any, instance_id: str | None, service: Any) -> str:
    b = moto_patches.backends()
    if instance_id is not None:
        ci = b["ecs"].container_instances[service.cluster_name][instance_id]
        return str(ci.attributes.get("ecs.availability-zone", "us-east-1a"))
    for attachment in task.attachments:
        for detail in attachment.get("details", []):
            if detail["name"] == "subnetId":
                try:
                    return str(b["ec2"].get_subnet(detail["value"]).availability_zone)
                except Exception:
                    return "us-east-1a"
    return "us-east-1a"


def _runtime_id(task: Any, name: str) -> str:
    """Per container, as ECS reports it: ``<task id>-<number>`` on Fargate, a Docker container
    id on EC2. From the task id, not ``world.rng``, so the seeded account stays the same."""
    digest = hashlib.sha256(f"{task.id}/{name}".encode()).hexdigest()
    if task.launch_type == "FARGATE":
        return f"{task.id}-{int(digest[:8], 16) % 10**10:010d}"
    return digest


def _containers(world: World, task: Any, taskdef: Any) -> list[dict[str, Any]]:
    ip = task_ip(task)
    out = []
    for cdef in taskdef.container_definitions:
        container: dict[str, Any] = {
            "containerArn": f"arn:aws:ecs:{task.region_name}:{task._account_id}:container/"
            f"{task.cluster_name}/{task.id}/{ids.uuid_for('container', task.task_arn, cdef.get('name'))}",
            "taskArn": task.task_arn,
            "name": cdef.get("name"),
            "image": cdef.get("image"),
            "lastStatus": "PENDING",
            "healthStatus": "UNKNOWN",
            "cpu": str(cdef.get("cpu", 0)),
            "memory": str(cdef.get("memory", "")),
            "networkBindings": [],
            "networkInterfaces": [],
        }
        if taskdef.network_mode == "awsvpc" and ip:
            container["networkInterfaces"] = [
                {"attachmentId": task.attachments[0]["id"], "privateIpv4Address": ip}
            ]
        container["runtimeId"] = _runtime_id(task, str(cdef.get("name")))
        exec_agent.agent_pending(task, container)
        for mapping in cdef.get("portMappings") or []:
            host = mapping.get("hostPort")
            if taskdef.network_mode == "awsvpc":
                host = mapping.get("containerPort")
            if host:
                container["networkBindings"].append(
                    {
                        "bindIP": "0.0.0.0",
                        "containerPort": mapping.get("containerPort"),
                        "hostPort": host,
                        "protocol": mapping.get("protocol", "tcp"),
                    }
                )
        out.append(container)
    return out


# ------------------------------------------------------------------ running


def advance(world: World, service: Any, task: Any) -> str | None:
    """One tick of a starting task. Returns "failed" when its image could not be pulled (the
    scheduler counts it against the deployment), "running" when it just started, else None."""
    status = task.last_status
    if status == "RUNNING":
        return None
    task.ecsdeck_ticks = getattr(task, "ecsdeck_ticks", 0) + 1
    if status == "PROVISIONING":
        task.last_status = "PENDING"
        task.pull_started_at = now()
        for c in task.containers:
            if isinstance(c, dict):
                c["lastStatus"] = "PENDING"
        return None
    if status != "PENDING" or task.ecsdeck_ticks < 2:
        return None
    image = str(main_container(task).get("image", ""))
    failure = getattr(task, "ecsdeck_fail", None) or (
        None if image_available(image) else pull_error(image)
    )
    if failure:
        stop_now(world, task, "TaskFailedToStart", failure, None, failure, drain=False)
        return "failed"
    run(world, service, task, started=now(), quiet=False)
    return "running"


def run(world: World, service: Any, task: Any, *, started: datetime, quiet: bool) -> None:
    """The task is RUNNING since ``started``: containers up, logs written, target registered.
    ``quiet`` (seeding): healthy at once, no events."""
    task.pull_started_at = started - timedelta(seconds=25)
    task.pull_stopped_at = started - timedelta(seconds=8)
    task.started_at = started
    task.last_status = "RUNNING"
    for c in task.containers:
        if isinstance(c, dict):
            c["lastStatus"] = "RUNNING"
            exec_agent.agent_running(task, c, started)
    set_health(task, "HEALTHY" if quiet else "UNKNOWN")
    applogs.start(task)
    targets.register(world, service, task, quiet=quiet)


def restamp(task: Any, started: datetime) -> None:
    """Move a running task's start to ``started`` (seeding a past), logs included."""
    task.created_at = started - timedelta(seconds=40)
    task.pull_started_at = started - timedelta(seconds=25)
    task.pull_stopped_at = started - timedelta(seconds=8)
    task.started_at = started
    applogs.rewrite(task)


# ------------------------------------------------------------------ stopping


def begin_stop(world: World, service: Any, task: Any, reason: str, *, instant: bool) -> None:
    """The scheduler stops a task: a serving one drains its target first (DEACTIVATING)."""
    key = getattr(task, "ecsdeck_target", None)
    if instant or key is None or task.last_status != "RUNNING":
        stop_now(world, task, "ServiceSchedulerInitiated", reason, 143, None, drain=True)
        if not instant:
            world.event(
                service, f"(service {service.name}) has stopped 1 running tasks: (task {task.id})."
            )
        return
    task.desired_status = "STOPPED"
    task.stopping_at = now()
    task.ecsdeck_stop = ("ServiceSchedulerInitiated", reason, targets.DRAIN_TICKS)
    targets.drain(world, key)
    task.ecsdeck_target = None
    world.event(service, f"(service {service.name}) has begun draining connections on 1 tasks.")
    world.event(
        service, f"(service {service.name}) deregistered 1 targets in (target-group {key[0]})"
    )


def tick_stopping(world: World, task: Any) -> None:
    code, reason, left = getattr(task, "ecsdeck_stop", ("UserInitiated", "Task stopped", 0))
    if left > 1:
        task.ecsdeck_stop = (code, reason, left - 1)
        task.last_status = "DEACTIVATING"
        return
    stop_now(world, task, code, reason, 143, None, drain=True)
    service = World.service_of(task)
    if service is not None:
        world.event(
            service, f"(service {service.name}) has stopped 1 running tasks: (task {task.id})."
        )


def stop_now(
    world: World,
    task: Any,
    code: str,
    reason: str,
    exit_code: int | None,
    container_reason: str | None,
    *,
    drain: bool,
) -> None:
    """STOPPED at once with ECS's stop code and reason; the essential container gets the exit
    code (137 for an OOM kill, the others then exit 0) and ``container_reason``."""
    task.stop_code = code
    task.stopped_reason = reason
    task.stopping_at = getattr(task, "stopping_at", None) or now()
    World.ecs().stop_task(task.cluster_name, task.task_arn, reason)
    task.health_status = "UNKNOWN"
    for i, c in enumerate(task.containers):
        if not isinstance(c, dict):
            continue
        c["lastStatus"] = "STOPPED"
        c["healthStatus"] = "UNKNOWN"
        c.pop("exitCode", None)
        if exit_code is not None:
            c["exitCode"] = exit_code if i == 0 else 0 if exit_code == 137 else exit_code
        if container_reason and i == 0:
            c["reason"] = container_reason
    if code == "TaskFailedToStart":
        task.started_at = None
        task.pull_stopped_at = None
    key = getattr(task, "ecsdeck_target", None)
    if key:
        if drain:
            targets.drain(world, key)
        else:
            targets.deregister(world, key)
        task.ecsdeck_target = None


def kill_out_of_memory(world: World, task: Any) -> None:
    """The kernel's OOM killer ends the essential container; ECS stops the task."""
    stop_now(world, task, "EssentialContainerExited", ESSENTIAL_EXITED, 137, OOM, drain=True)
    applogs.out_of_memory(task, task.stopped_at)
