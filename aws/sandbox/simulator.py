"""The ECS service scheduler moto does not have, plus the weather of a live account.

moto keeps services as bookkeeping: no tasks start, deployments never move, targets are always
healthy. The simulator runs inside the sandbox process and, once per tick, does what ECS and ELB
would. This module is the loop; the parts are, each a concern one can read alone:

* :mod:`.rollouts`: the service scheduler (desired count, rolling deployments, the circuit
  breaker and its rollback);
* :mod:`.tasks`: a task's life (placement, start, image pull, stop codes);
* :mod:`.targets`: ELB target health and the task health tied to it;
* :mod:`.faults`: what goes wrong on its own with ``chaos`` on;
* :mod:`.applogs`: log lines within each task's life;
* :mod:`.history`: past trouble written at seeding;
* :mod:`.metrics`: the CPU and memory use ECS publishes to CloudWatch each minute;
* :mod:`.world`: what they remember between ticks.

Everything happens in ticks, not seconds, and every choice comes from one ``random.Random``: the
same seed and the same requests give the same account. ``step()`` is public so tests (and
``--no-simulate``) can drive it without the thread. All edits of moto objects happen under
:data:`.state.LOCK`, which the patched request dispatcher also takes, so a response is
never serialised from a half-edited service.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import defaultdict
from datetime import timedelta
from typing import Any

from aws.sandbox import faults, history, metrics, rollouts, runs, targets, tasks
from aws.sandbox.clock import now
from aws.sandbox.state import DEFAULT_WHERE, LOCK, in_context
from aws.sandbox.world import TargetKey, World

log = logging.getLogger(__name__)

#: Stopped tasks kept per service, and for how long (ECS forgets them after about an hour).
KEEP_STOPPED = 30
KEEP_STOPPED_FOR = timedelta(hours=1)

Index = tuple[dict[tuple[str, str], list[Any]], list[Any], list[Any]]


class Simulator:
    """Drives moto's in-process backend. ``tick`` is seconds per step for the thread;
    ``chaos`` turns the weather on; ``quiet_clusters`` are left alone by it;
    ``weather_services`` are the services it may deploy broken revisions to or scale."""

    def __init__(
        self,
        rng: random.Random,
        *,
        chaos: bool = True,
        tick: float = 1.0,
        default_security_group: str | None = None,
        quiet_clusters: tuple[str, ...] = ("bench",),
        weather_services: tuple[str, ...] = (),
        where: tuple[str, str] = DEFAULT_WHERE,
    ) -> None:
        #: The (account, region) whose backends it drives; the thread is its own context.
        self.where = where
        self.world = World(
            rng=rng,
            chaos=chaos,
            default_sg=default_security_group,
            quiet=quiet_clusters,
            weather_services=weather_services,
        )
        self.tick = tick
        #: CloudWatch datapoints each minute, for the showcase clusters' services.
        self.metrics = metrics.Publisher()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def chaos(self) -> bool:
        return self.world.chaos

    @property
    def ticks(self) -> int:
        return self.world.ticks

    # ------------------------------------------------------------------ thread

    def start(self) -> None:
        """Run ``step()`` every ``tick`` seconds in a daemon thread until ``stop()``."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="ecsdeck-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.metrics.stop()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.tick):
            try:
                self.step()
            except Exception:  # a reset or odd client input must not kill the account
                log.exception("simulator tick failed")

    # ------------------------------------------------------------------ public steps

    def step(self) -> None:
        """One tick of the scheduler (and, with chaos on, of bad luck)."""
        world = self.world
        with LOCK, in_context(*self.where):
            world.ticks += 1
            for target in targets.tick(world):
                _replace_unhealthy(world, target)
            live, stopping, stopped = _index()
            for task in stopped:  # stopped by a client (StopTask): ELB drains the target
                if getattr(task, "ecsdeck_target", None):
                    targets.drain(world, task.ecsdeck_target)
                    task.ecsdeck_target = None
            leaving: dict[tuple[str, str], list[Any]] = defaultdict(list)
            for task in stopping:
                tasks.tick_stopping(world, task)
                leaving[(task.cluster_name, task.group)].append(task)
            for service in list(World.ecs().services.values()):
                key = (service.cluster_name, f"service:{service.name}")
                if service.status == "ACTIVE":
                    rollouts.tick_service(
                        world, service, live.get(key, []), leaving.get(key, []), instant=False
                    )
                else:  # deleted (moto marks it INACTIVE at once): ECS stops what is left
                    for task in live.get(key, []):
                        reason = f"Service {service.name} was deleted"
                        tasks.stop_now(
                            world, task, "ServiceSchedulerInitiated", reason, 143, None, drain=True
                        )
            for group in live.values():
                for task in group:
                    targets.sync_health(task)
            if world.chaos:
                faults.weather(world, live)
            if world.ticks % 30 == 0:
                _prune(stopped)
            self.metrics.tick()

    def converge(self) -> None:
        """Bring every service to steady state at once: tasks RUNNING, targets healthy,
        deployments COMPLETED. Used after seeding, so the account starts as one that has been
        up for a while (its events and deployments are hours old)."""
        world = self.world
        with LOCK, in_context(*self.where):
            live, _, _ = _index()
            for service in list(World.ecs().services.values()):
                if service.status != "ACTIVE":
                    continue
                key = (service.cluster_name, f"service:{service.name}")
                rollouts.tick_service(world, service, live.get(key, []), [], instant=True)
                ago = timedelta(hours=world.rng.randint(2, 30))
                for i, event in enumerate(reversed(service.events)):
                    event["createdAt"] = now() - ago + timedelta(seconds=20 * i)
                settled = now() - ago + timedelta(seconds=20 * len(service.events))
                for deployment in service.deployments:
                    deployment.update(createdAt=now() - ago, updatedAt=settled)

    def backfill_metrics(self, minutes: int = 60) -> None:
        """The last hour of CloudWatch datapoints, as if ECS had been publishing all along."""
        with LOCK:
            self.metrics.backfill(minutes)

    def seed_history(self, names: list[tuple[str, str]]) -> None:
        """Past trouble for the named (cluster, service) pairs (see :mod:`.history`)."""
        with LOCK:
            history.seed_history(self.world, names)


def _index() -> Index:
    """Every task by state: live ones per (cluster, group), stopping, stopped."""
    live: dict[tuple[str, str], list[Any]] = defaultdict(list)
    stopping: list[Any] = []
    stopped: list[Any] = []
    for cluster_name, cluster_tasks in World.ecs().tasks.items():
        for task in cluster_tasks.values():
            if getattr(task, "ecsdeck_run", None) is not None:
                runs.settle(task)  # a one-off task (RunTask) lives by the clock
            if task.last_status == "STOPPED":
                stopped.append(task)
            elif task.desired_status == "STOPPED":
                stopping.append(task)
            else:
                live[(cluster_name, task.group)].append(task)
    return live, stopping, stopped


def _replace_unhealthy(world: World, key: TargetKey) -> None:
    """ECS stops a task whose target kept failing ELB health checks (the scheduler starts a
    replacement on the next pass)."""
    for cluster_tasks in World.ecs().tasks.values():
        for task in cluster_tasks.values():
            if getattr(task, "ecsdeck_target", None) == key and task.last_status == "RUNNING":
                reason = f"Task failed ELB health checks in (target-group {key[0]})"
                tasks.stop_now(
                    world, task, "ServiceSchedulerInitiated", reason, 143, None, drain=True
                )
                service = World.service_of(task)
                if service is not None:
                    world.event(
                        service,
                        f"(service {service.name}) has stopped 1 running tasks: (task {task.id}).",
                    )
                return


def _prune(stopped: list[Any]) -> None:
    """Forget stopped tasks as ECS does: after about an hour, and past KEEP_STOPPED a service."""
    ecs = World.ecs()
    cutoff = now() - KEEP_STOPPED_FOR
    by_group: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for task in stopped:
        by_group[(task.cluster_name, task.group)].append(task)
    for (cluster, _), group in by_group.items():
        group.sort(key=lambda t: getattr(t, "stopped_at", None) or now(), reverse=True)
        for i, task in enumerate(group):
            stopped_at = getattr(task, "stopped_at", None)
            if i >= KEEP_STOPPED or (stopped_at is not None and stopped_at < cutoff):
                ecs.tasks.get(cluster, {}).pop(task.task_arn, None)
