"""Planted problems: five things wrong on purpose, in named clusters, for triage tests.

``--problems`` adds five small clusters, each with one service (or instance) in a known bad
state and a healthy neighbour, and turns the random weather off, so the whole account has
exactly these problems and nothing else:

* targets: every target of ``storefront-prod/storefront-web`` fails its health checks;
* stopped: a task of ``analytics-prod/report-builder`` was killed out of memory 10 minutes ago;
* rollout: ``billing-prod/invoice-api``'s deployment was failed by the circuit breaker;
* stuck: ``legacy-ec2/batch-scheduler`` runs 1 of 4, unable to place the rest (host port);
* instance: a container instance of ``ops-ec2`` has its agent disconnected.

What each looks like in the API is in docs/sandbox.md. The states are what ECS and ELB would
report, written into moto after the first converge. They hold with or without the simulator:
nothing in the scheduler undoes them (it cannot place the stuck service's tasks either, for the
same reason ECS cannot). :func:`clear` ends one the way an operator would, so a test can watch
a problem go away.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aws.sandbox import applogs, deployments, ids, moto_patches, rollouts, tasks
from aws.sandbox.clock import now
from aws.sandbox.seed import clients, seed_estate
from aws.sandbox.specs import (
    FARGATE_PROVIDERS,
    ClusterSpec,
    PlantedProblem,
    Seeded,
    ServiceSpec,
    container_defs,
)
from aws.sandbox.state import HEALTH, LOCK
from aws.sandbox.world import World, set_health

if TYPE_CHECKING:
    from aws.sandbox.simulator import Simulator

#: The image tag the failed rollout asked for; it was never pushed, so every pull fails.
BROKEN_TAG = "1.6.0"

CLUSTERS: tuple[ClusterSpec, ...] = (
    ClusterSpec("storefront-prod", providers=FARGATE_PROVIDERS),
    ClusterSpec("analytics-prod", providers=FARGATE_PROVIDERS),
    ClusterSpec("billing-prod", providers=FARGATE_PROVIDERS),
    ClusterSpec("legacy-ec2", instances=1),
    ClusterSpec("ops-ec2", instances=2),
)
SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("storefront-web", "storefront-prod", "fargate", 3),
    ServiceSpec("storefront-cdn-sync", "storefront-prod", "fargate", 1, load_balanced=False),
    ServiceSpec(
        "report-builder",
        "analytics-prod",
        "fargate",
        2,
        load_balanced=False,
        cpu="1024",
        memory="2048",
    ),
    ServiceSpec("analytics-api", "analytics-prod", "fargate", 2),
    ServiceSpec("invoice-api", "billing-prod", "fargate", 2, rollback=False),
    ServiceSpec("billing-worker", "billing-prod", "fargate", 1, load_balanced=False),
    ServiceSpec(
        "batch-scheduler", "legacy-ec2", "ec2-bridge", 1, load_balanced=False, host_port=9090
    ),
    ServiceSpec("legacy-cron", "legacy-ec2", "ec2-bridge", 1, load_balanced=False),
    ServiceSpec("metrics-relay", "ops-ec2", "ec2-bridge", 2, load_balanced=False),
)

#: (kind, cluster, service) of every planted problem: what a triage test expects to find.
EXPECTED: tuple[tuple[str, str, str | None], ...] = (
    ("targets", "storefront-prod", "storefront-web"),
    ("stopped", "analytics-prod", "report-builder"),
    ("rollout", "billing-prod", "invoice-api"),
    ("stuck", "legacy-ec2", "batch-scheduler"),
    ("instance", "ops-ec2", None),
)
KINDS = tuple(kind for kind, _, _ in EXPECTED)


def seed(url: str, rng: random.Random, out: Seeded) -> None:
    """Create the five clusters and their services over HTTP, like the showcase account."""
    seed_estate(clients(url), rng, out, CLUSTERS, SERVICES)


def plant(sim: Simulator, out: Seeded) -> list[PlantedProblem]:
    """Put each problem in place (after the first converge, so every service has its tasks)."""
    world = sim.world
    with LOCK:
        stamp = now()
        planted = [
            _unhealthy_targets(world, stamp),
            _oom_kill(world, stamp),
            _failed_rollout(world, stamp),
            _stuck(world, stamp),
            _agent_disconnected(),
        ]
    # ECS reports report-builder's memory (it ran near its limit before the kill).
    sim.metrics.clusters = (*sim.metrics.clusters, "analytics-prod")
    out.planted = planted
    return planted


def clear(planted: list[PlantedProblem], kind: str) -> bool:
    """End the planted problem of ``kind`` as an operator would; False if none is left."""
    found = next((p for p in planted if p.kind == kind), None)
    if found is None:
        return False
    with LOCK:
        CLEARERS[kind](found)
    planted.remove(found)
    return True


# ------------------------------------------------------------------ helpers


def _service(cluster: str, name: str) -> Any:
    return moto_patches.backends()["ecs"].services[f"{cluster}:{name}"]


def _running(service: Any) -> list[Any]:
    tasks = moto_patches.backends()["ecs"].tasks.get(service.cluster_name, {}).values()
    group = f"service:{service.name}"
    return sorted(
        (t for t in tasks if t.group == group and t.last_status == "RUNNING"),
        key=lambda t: t.task_arn,
    )


def _primary(service: Any) -> dict[str, Any]:
    return next(d for d in service.deployments if d.get("status") == "PRIMARY")


def _fake_task_id(deployment_id: str, n: int) -> str:
    """A task id the events name (the tasks themselves are long gone)."""
    return ids.uuid_for("planted-task", deployment_id, n).replace("-", "")


# ------------------------------------------------------------------ the five problems


def _unhealthy_targets(world: World, stamp: datetime) -> PlantedProblem:
    service = _service("storefront-prod", "storefront-web")
    since = stamp - timedelta(minutes=6)
    ids = []
    for i, task in enumerate(_running(service)):
        tg, target_id, port = task.ecsdeck_target
        HEALTH[task.ecsdeck_target] = (
            "unhealthy",
            "Target.FailedHealthChecks",
            "Health checks failed",
        )
        # The container health check curls the same /health the target group checks.
        set_health(task, "UNHEALTHY")
        tasks.restamp(task, stamp - timedelta(hours=2))  # served well until the cache went away
        applogs.health_failing(task, since + timedelta(seconds=20 * i), stamp)
        ids.append(target_id)
        world.event(
            service,
            f"(service {service.name}) (task {task.id}) (port {port}) is unhealthy in "
            f"(target-group {tg}) due to (reason Health checks failed).",
            since + timedelta(seconds=20 * i),
        )
    return PlantedProblem(
        "targets",
        "storefront-prod",
        service.name,
        f"{len(ids)} of {len(ids)} targets unhealthy (Target.FailedHealthChecks)",
        since,
        target_ids=tuple(ids),
    )


def _oom_kill(world: World, stamp: datetime) -> PlantedProblem:
    service = _service("analytics-prod", "report-builder")
    victim = _running(service)[0]
    stopped_at = stamp - timedelta(minutes=10)
    tasks.restamp(victim, stamp - timedelta(hours=3))
    tasks.stop_now(
        world,
        victim,
        "EssentialContainerExited",
        tasks.ESSENTIAL_EXITED,
        137,
        tasks.OOM,
        drain=False,
    )
    victim.stopping_at = victim.stopped_at = victim.execution_stopped_at = stopped_at
    applogs.out_of_memory(victim, stopped_at)
    replacement, _ = tasks.start(world, service, _primary(service), instant=True)
    tasks.restamp(replacement, stopped_at + timedelta(seconds=35))
    rollouts.counts(world, service, _running(service), [])
    world.event(
        service,
        f"(service {service.name}) has started 1 tasks: (task {replacement.id}).",
        stopped_at + timedelta(seconds=5),
    )
    world.event(
        service,
        f"(service {service.name}) has reached a steady state.",
        stopped_at + timedelta(seconds=70),
    )
    return PlantedProblem(
        "stopped",
        "analytics-prod",
        service.name,
        "task killed out of memory (exit 137)",
        stopped_at,
        task_arn=victim.task_arn,
    )


def _failed_rollout(world: World, stamp: datetime) -> PlantedProblem:
    """A deploy of an image tag that was never pushed: no task ever started, so the breaker
    tripped after 3 failures. Rollback is off, so the FAILED deployment stays PRIMARY and the
    previous one keeps serving. The failed tasks stopped over an hour ago (ECS has forgotten
    them); the deployment and the events remember."""
    ecs = moto_patches.backends()["ecs"]
    service = _service("billing-prod", "invoice-api")
    spec = next(s for s in SERVICES if s.name == service.name)
    old = _primary(service)
    broken = ecs.register_task_definition(
        family=spec.name,
        container_definitions=container_defs(spec, BROKEN_TAG),
        network_mode="awsvpc",
        requires_compatibilities=["FARGATE"],
        cpu=spec.cpu,
        memory=spec.memory,
        execution_role_arn=getattr(
            ecs.describe_task_definition(old["taskDefinition"]), "execution_role_arn", None
        ),
    )
    created, failed_at = stamp - timedelta(minutes=80), stamp - timedelta(minutes=72)
    broken.registered_at = created - timedelta(minutes=1)  # registered just before its deploy
    service.task_definition = broken.arn
    new = deployments.start_deployment(service)
    old.update(desiredCount=old["runningCount"], updatedAt=created)
    reason = "ECS deployment circuit breaker: tasks failed to start."
    new.update(
        createdAt=created,
        updatedAt=failed_at,
        failedTasks=3,
        rolloutState="FAILED",
        rolloutStateReason=reason,
    )
    gone = [_fake_task_id(new["id"], n) for n in range(3)]
    name = service.name
    for minutes, message in (
        (80, f"(service {name}) has started 2 tasks: (task {gone[0]}) (task {gone[1]})."),
        (78, f"(service {name}) has started 1 tasks: (task {gone[2]})."),
        (
            76,
            f"(service {name}) is unable to consistently start tasks successfully. For more "
            "information, see the Troubleshooting section of the Amazon ECS Developer Guide.",
        ),
        (
            72,
            f"(service {name}) (deployment {new['id']}) deployment failed: tasks failed to start.",
        ),
    ):
        world.event(service, message, stamp - timedelta(minutes=minutes))
    service.ecsdeck_steady = False
    return PlantedProblem(
        "rollout",
        "billing-prod",
        name,
        "rollout failed: circuit breaker (3 tasks failed to start)",
        failed_at,
        deployment_id=new["id"],
    )


def _stuck(world: World, stamp: datetime) -> PlantedProblem:
    """Scaled from 1 to 4 forty minutes ago on a one-instance cluster: every task wants host
    port 9090, which the running one holds."""
    ecs = moto_patches.backends()["ecs"]
    service = _service("legacy-ec2", "batch-scheduler")
    since = stamp - timedelta(minutes=40)
    service.desired_count = 4
    primary = _primary(service)
    primary.update(desiredCount=4, updatedAt=since)
    (instance_id,) = ecs.container_instances["legacy-ec2"]
    why = f"The closest matching (container-instance {instance_id}) is already using a port "
    why += "required by your task."
    for minutes in range(40, 0, -6):
        world.event(
            service,
            rollouts.placement_message(service.name, why),
            stamp - timedelta(minutes=minutes),
        )
    service.ecsdeck_steady = False
    world.no_place[service.arn] = world.ticks
    return PlantedProblem(
        "stuck",
        "legacy-ec2",
        service.name,
        "1 of 4 tasks running: unable to place a task (host port in use)",
        since,
    )


def _agent_disconnected() -> PlantedProblem:
    ecs = moto_patches.backends()["ecs"]
    instances = ecs.container_instances["ops-ec2"]
    instance = instances[sorted(instances)[-1]]
    instance.agent_connected = False
    return PlantedProblem(
        "instance",
        "ops-ec2",
        None,
        f"container instance {instance.ec2_instance_id}: ECS agent disconnected",
        None,
        container_instance_arn=instance.container_instance_arn,
    )


# ------------------------------------------------------------------ clearing


def _clear_targets(problem: PlantedProblem) -> None:
    """The fix is deployed: health checks pass again."""
    assert problem.service is not None
    for task in _running(_service(problem.cluster, problem.service)):
        HEALTH.pop(task.ecsdeck_target, None)
        set_health(task, "HEALTHY")


def _clear_stopped(problem: PlantedProblem) -> None:
    """An hour went by: ECS no longer returns the stopped task."""
    moto_patches.backends()["ecs"].tasks[problem.cluster].pop(problem.task_arn, None)


def _clear_rollout(problem: PlantedProblem) -> None:
    """The operator rolled back: the previous deployment is PRIMARY and COMPLETED again."""
    assert problem.service is not None
    service = _service(problem.cluster, problem.service)
    service.deployments[:] = [d for d in service.deployments if d["id"] != problem.deployment_id]
    (previous,) = service.deployments
    service.task_definition = previous["taskDefinition"]
    previous.update(
        status="PRIMARY",
        desiredCount=service.desired_count,
        rolloutState="COMPLETED",
        rolloutStateReason=f"ECS deployment {previous['id']} completed.",
        updatedAt=now(),
    )


def _clear_stuck(problem: PlantedProblem) -> None:
    """The operator scaled back to what the cluster can hold."""
    assert problem.service is not None
    service = _service(problem.cluster, problem.service)
    service.desired_count = 1
    _primary(service).update(desiredCount=1, updatedAt=now())


def _clear_instance(problem: PlantedProblem) -> None:
    """The agent reconnected."""
    ecs = moto_patches.backends()["ecs"]
    assert problem.container_instance_arn is not None
    ecs.container_instances[problem.cluster][
        problem.container_instance_arn.rsplit("/", 1)[-1]
    ].agent_connected = True


CLEARERS = {
    "targets": _clear_targets,
    "stopped": _clear_stopped,
    "rollout": _clear_rollout,
    "stuck": _clear_stuck,
    "instance": _clear_instance,
}
