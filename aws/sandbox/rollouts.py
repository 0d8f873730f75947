"""The ECS service scheduler: desired count, rolling deployments and the circuit breaker.

Each tick, for each ACTIVE service, as ECS does with minimumHealthyPercent 100 and
maximumPercent 200: start the PRIMARY deployment's missing tasks, stop the newest when there
are too many, and stop the previous deployment's tasks (and those on a DRAINING instance) only
as new ones serve. A deployment is COMPLETED once it alone runs the desired count with healthy
targets.

Deployment circuit breaker (when ``deploymentConfiguration.deploymentCircuitBreaker.enable``):
a deployment counts tasks that fail to start (``failedTasks``) until one of its tasks runs,
which resets the count and ends the watch. At the threshold (half the desired count, at least
3, at most 200) the deployment is FAILED with "ECS deployment circuit breaker: tasks failed to
start." and nothing more is launched for it. With ``rollback`` the last COMPLETED deployment
becomes PRIMARY again (IN_PROGRESS, "rolling back to deploymentId ..."), the service's task
definition returns to it, and the failed one stays listed, ACTIVE and FAILED, until the
rollback completes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from aws.sandbox import deployments, targets, tasks
from aws.sandbox.clock import now
from aws.sandbox.world import World, main_container, target_of

#: Ticks between two "unable to place a task" events of one service (ECS does not repeat
#: the same event on every attempt).
PLACEMENT_EVENT_TICKS = 10
BREAKER_REASON = "ECS deployment circuit breaker: tasks failed to start."
#: Ticks a drained deployment the circuit breaker failed stays listed (ACTIVE, FAILED).
FAILED_KEPT_TICKS = 10


def tick_service(
    world: World, service: Any, live: list[Any], stopping: list[Any], *, instant: bool
) -> None:
    """One scheduler pass over a service (``instant``: seeding, everything happens at once)."""
    primary = World.primary(service)
    if primary is None:
        return
    if not instant:
        for task in live:
            outcome = tasks.advance(world, service, task)
            if outcome == "failed":
                _failed_to_start(world, service, task)
            elif outcome == "running":
                _ran(world, service, task)
        live = [t for t in live if t.desired_status != "STOPPED" and t.last_status != "STOPPED"]
    desired = int(service.desired_count or 0)
    primary["desiredCount"] = desired
    ours: list[Any] = []
    old: list[Any] = []  # the previous deployments' tasks, and those on a DRAINING instance
    for task in live:
        mine = task.started_by == primary["id"] and not _on_draining(task)
        (ours if mine else old).append(task)
    if primary.get("rolloutState") != "FAILED":
        # A FAILED deployment launches nothing; the previous one's tasks keep serving.
        _launch_or_scale_in(world, service, primary, ours, len(live), instant=instant)
        healthy = sum(1 for t in ours if _serving(t))
        excess = healthy + len(old) - desired
        reason = f"Scaling activity initiated by (deployment {primary['id']})"
        for task in sorted(old, key=lambda t: t.last_status == "RUNNING")[: max(0, excess)]:
            tasks.begin_stop(world, service, task, reason, instant=instant)
    counts(world, service, ours, [*old, *stopping])


def _launch_or_scale_in(
    world: World,
    service: Any,
    primary: dict[str, Any],
    ours: list[Any],
    alive: int,
    *,
    instant: bool,
) -> None:
    desired = int(primary["desiredCount"])
    missing = desired - len(ours)
    if missing > 0:
        room = missing if instant else max(1, 2 * desired - alive)  # maximumPercent 200
        started = []
        for _ in range(min(missing, room)):
            task, why = tasks.start(world, service, primary, instant=instant)
            if task is None:
                unable_to_place(world, service, why or "")
                break
            if _hiccup(world, service, instant=instant):
                task.ecsdeck_fail = tasks.pull_timeout(str(main_container(task).get("image")))
            started.append(task)
            ours.append(task)
        if started:
            ids = " ".join(f"(task {t.id})" for t in started[:10])
            world.event(
                service, f"(service {service.name}) has started {len(started)} tasks: {ids}."
            )
    elif missing < 0:
        # Scale in: newest first, the not-yet-running ones before serving ones.
        victims = sorted(ours, key=lambda t: (t.last_status == "RUNNING", -_created(t)))
        reason = f"Scaling activity initiated by (deployment {primary['id']})"
        for task in victims[:-missing]:
            tasks.begin_stop(world, service, task, reason, instant=instant)
            ours.remove(task)


def _hiccup(world: World, service: Any, *, instant: bool) -> bool:
    """Now and then a pull times out although the image exists (a registry hiccup)."""
    return (
        world.chaos
        and not instant
        and service.cluster_name not in world.quiet
        and world.rng.random() < 0.03
    )


def unable_to_place(world: World, service: Any, why: str, *, force: bool = False) -> None:
    """ECS's placement-failure event, at most every PLACEMENT_EVENT_TICKS for a service."""
    last = world.no_place.get(service.arn, -PLACEMENT_EVENT_TICKS)
    if not force and world.ticks - last < PLACEMENT_EVENT_TICKS:
        return
    world.no_place[service.arn] = world.ticks
    world.event(service, placement_message(service.name, why))


def placement_message(service_name: str, why: str) -> str:
    return (
        f"(service {service_name}) was unable to place a task because no container instance "
        f"met all of its requirements. {why} For more information, see the Troubleshooting "
        "section of the Amazon ECS Developer Guide."
    ).replace("  ", " ")


def _created(task: Any) -> float:
    created = getattr(task, "created_at", None)
    return created.timestamp() if created else 0.0


def _on_draining(task: Any) -> bool:
    instance = World.instance(task)
    return instance is not None and instance.status == "DRAINING"


def _serving(task: Any) -> bool:
    return task.last_status == "RUNNING" and targets.state(target_of(task)) == "healthy"


# ------------------------------------------------------------------ counts and completion


def counts(world: World, service: Any, ours: list[Any], others: list[Any]) -> None:
    """Running/pending per deployment and for the service; drop drained deployments; mark
    the PRIMARY COMPLETED (with its events) once it alone runs the desired count."""
    per_dep: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for task in [*ours, *others]:
        status = task.last_status
        if status == "STOPPED":
            continue
        starting = status in ("PROVISIONING", "PENDING", "ACTIVATING")
        per_dep[task.started_by][1 if starting else 0] += 1
    primary = World.primary(service)
    assert primary is not None
    stamp = now()
    kept = []
    for deployment in service.deployments:
        running, pending = per_dep.get(deployment["id"], [0, 0])
        if deployment is not primary and running + pending == 0 and _gone(world, deployment):
            continue
        if (deployment.get("runningCount"), deployment.get("pendingCount")) != (running, pending):
            deployment["updatedAt"] = stamp
        deployment["runningCount"], deployment["pendingCount"] = running, pending
        kept.append(deployment)
    service.deployments[:] = kept
    service.running_count = sum(v[0] for v in per_dep.values())
    service.pending_count = sum(v[1] for v in per_dep.values())
    others_left = [d for d in kept if d is not primary and d["id"] not in world.failed]
    _settle(world, service, primary, ours, alone=not others_left)


def _gone(world: World, drained: dict[str, Any]) -> bool:
    """ECS drops a drained deployment; one the circuit breaker failed stays listed a while, so
    a client polling DescribeServices sees what happened."""
    failed = world.failed.get(drained["id"])
    return failed is None or world.ticks - failed >= FAILED_KEPT_TICKS


def _settle(
    world: World, service: Any, primary: dict[str, Any], ours: list[Any], *, alone: bool
) -> None:
    settled = (
        alone
        and primary["runningCount"] == service.desired_count
        and primary["pendingCount"] == 0
        and not any(targets.state(target_of(t)) == "initial" for t in ours)
    )
    if settled and primary.get("rolloutState") == "IN_PROGRESS":
        primary["rolloutState"] = "COMPLETED"
        primary["rolloutStateReason"] = f"ECS deployment {primary['id']} completed."
        primary["updatedAt"] = now()
        if primary["id"] not in world.completed:
            world.completed.add(primary["id"])
            world.event(
                service,
                f"(service {service.name}) (deployment {primary['id']}) deployment completed.",
            )
    if settled and not getattr(service, "ecsdeck_steady", False):
        world.event(service, f"(service {service.name}) has reached a steady state.")
    service.ecsdeck_steady = settled


# ------------------------------------------------------------------ circuit breaker


def _ran(world: World, service: Any, task: Any) -> None:
    """A task of the deployment runs: its failure count resets and is no longer watched."""
    deployment = World.deployment(service, task.started_by)
    if deployment is not None and deployment["id"] not in world.ran:
        world.ran.add(deployment["id"])
        deployment["failedTasks"] = 0


def _failed_to_start(world: World, service: Any, task: Any) -> None:
    deployment = World.deployment(service, task.started_by)
    if deployment is None or deployment["id"] in world.ran | world.completed:
        return  # it has run tasks: a failure now is not the deployment's (a registry hiccup)
    failed = int(deployment.get("failedTasks") or 0) + 1
    deployment["failedTasks"] = failed
    deployment["updatedAt"] = now()
    if failed == 2:
        world.event(
            service,
            f"(service {service.name}) is unable to consistently start tasks successfully. "
            "For more information, see the Troubleshooting section of the Amazon ECS "
            "Developer Guide.",
        )
    enabled, rollback = deployments.circuit_breaker(service)
    threshold = max(3, min(200, (int(deployment.get("desiredCount") or 0) + 1) // 2))
    if enabled and failed >= threshold and deployment.get("rolloutState") == "IN_PROGRESS":
        _trip(world, service, deployment, rollback=rollback)


def _trip(world: World, service: Any, deployment: dict[str, Any], *, rollback: bool) -> None:
    stamp = now()
    deployment.update(rolloutState="FAILED", rolloutStateReason=BREAKER_REASON, updatedAt=stamp)
    world.failed[deployment["id"]] = world.ticks
    world.event(
        service,
        f"(service {service.name}) (deployment {deployment['id']}) deployment failed: "
        "tasks failed to start.",
    )
    previous = next(
        (
            d
            for d in service.deployments
            if d is not deployment and d["id"] in world.ran | world.completed
        ),
        None,
    )
    if not rollback or deployment.get("status") != "PRIMARY" or previous is None:
        return
    deployment.update(status="ACTIVE", desiredCount=0)
    previous.update(
        status="PRIMARY",
        desiredCount=service.desired_count,
        rolloutState="IN_PROGRESS",
        rolloutStateReason=(
            f"ECS deployment circuit breaker: rolling back to deploymentId {previous['id']}."
        ),
        updatedAt=stamp,
    )
    world.ran.add(previous["id"])
    world.completed.discard(previous["id"])
    service.task_definition = previous["taskDefinition"]
    world.event(service, f"(service {service.name}) rolling back to deployment {previous['id']}.")
