"""Past trouble, so the panes have something to show from the first second.

An account that has been up for a while has stopped tasks from the last hour, each with the
reason an on-call engineer must be able to read (OOM kill, image pull failure, failed ELB health
checks, a crash, a Spot interruption), and a couple of targets already unhealthy. Each past task
gets a consistent life: created, started, stopped 20-50 minutes ago, log lines only while it ran
(none for one that never started).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws.sandbox import applogs, targets, tasks
from aws.sandbox.clock import now
from aws.sandbox.state import HEALTH
from aws.sandbox.world import World, main_container, target_of

#: (stop code, stopped reason, exit code, container reason); {image} and {tg} are filled in.
PLANS: tuple[tuple[str, str, int | None, str | None], ...] = (
    ("EssentialContainerExited", tasks.ESSENTIAL_EXITED, 137, tasks.OOM),
    ("TaskFailedToStart", tasks.pull_error("{image}"), None, tasks.pull_error("{image}")),
    (
        "ServiceSchedulerInitiated",
        "Task failed ELB health checks in (target-group {tg})",
        143,
        None,
    ),
    ("EssentialContainerExited", tasks.ESSENTIAL_EXITED, 1, None),
    ("SpotInterruption", "Your Spot Task was interrupted.", 143, None),
)


def seed_history(world: World, names: list[tuple[str, str]]) -> None:
    """One stopped task per named (cluster, service), cycling through PLANS; then two targets
    unhealthy for a while (they recover once the simulator runs)."""
    ecs = World.ecs()
    services = [ecs.services[f"{c}:{n}"] for c, n in names if f"{c}:{n}" in ecs.services]
    for i, service in enumerate(services):
        primary = World.primary(service)
        if primary is not None:
            _past_task(world, service, primary, PLANS[i % len(PLANS)])
    keys = [k for k in targets.registered(world) if k not in HEALTH]
    for key in world.rng.sample(keys, min(2, len(keys))):
        targets.make_unhealthy(world, key, world.rng.randint(15, 40))
        task = next(
            (t for g in ecs.tasks.values() for t in g.values() if target_of(t) == key), None
        )
        if task is not None:
            targets.sync_health(task)


def _past_task(
    world: World,
    service: Any,
    primary: dict[str, Any],
    plan: tuple[str, str, int | None, str | None],
) -> None:
    code, reason, exit_code, container_reason = plan
    task, _ = tasks.start(world, service, primary, instant=True)
    if task is None:
        return
    image = str(main_container(task).get("image", ""))
    tg = service.load_balancers[0]["targetGroupArn"] if service.load_balancers else ""
    began = now() - timedelta(minutes=world.rng.randint(20, 50))
    tasks.restamp(task, began)
    ended = began + timedelta(minutes=world.rng.randint(1, 15))
    tasks.stop_now(
        world,
        task,
        code,
        reason.format(image=image, tg=tg),
        exit_code,
        container_reason.format(image=image) if container_reason else None,
        drain=False,
    )
    task.stopping_at = task.stopped_at = task.execution_stopped_at = ended
    if code == "TaskFailedToStart":
        applogs.forget(task)  # it never ran: no stream
    elif exit_code == 137:
        applogs.out_of_memory(task, ended)
