"""The ECS service scheduler moto does not have, plus the weather of a live account.

moto keeps services as bookkeeping: no tasks start, deployments never move, targets are always
healthy. The simulator runs inside the sandbox process and, once per tick, does what ECS and ELB
would: keeps each service's PRIMARY deployment at its desired count, rolls deployments (start new,
wait for healthy targets, drain and stop old: minimumHealthyPercent 100 / maximumPercent 200),
registers and deregisters targets, and writes service events. With ``chaos`` on it also makes
things go wrong the way they do in production: targets flap unhealthy with reason codes, tasks
die of OOM (exit 137), image pulls fail.

Everything happens in ticks, not seconds, and every choice comes from one ``random.Random``: the
same seed and the same requests give the same account. ``step()`` is public so tests (and
``--no-simulate``) can drive it without the thread.

All edits of moto objects happen under :data:`moto_patches.LOCK`, which the patched request
dispatcher also takes, so a response is never serialised from a half-edited service.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from aws.sandbox import moto_patches
from aws.sandbox.moto_patches import HEALTH, LOCK, now

log = logging.getLogger(__name__)

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
UNHEALTHY_REASONS = (
    ("Target.FailedHealthChecks", "Health checks failed"),
    ("Target.Timeout", "Request timed out"),
    ("Target.ResponseCodeMismatch", "Health checks failed with these codes: [502]"),
)
OOM = "OutOfMemoryError: Container killed due to memory usage"
#: Ticks a target spends in "initial" after registration and in "draining" before removal.
INITIAL_TICKS = 2
DRAIN_TICKS = 2
#: Stopped tasks kept per service (ECS keeps them about an hour).
KEEP_STOPPED = 30
#: Events kept per service, as ECS does.
MAX_EVENTS = 100


class Simulator:
    """Drives moto's in-process backend. ``tick`` is seconds per step for the thread."""

    def __init__(
        self,
        rng: random.Random,
        *,
        chaos: bool = True,
        tick: float = 1.0,
        default_security_group: str | None = None,
        quiet_clusters: tuple[str, ...] = ("bench",),
    ) -> None:
        self.rng = rng
        self.chaos = chaos
        self.tick = tick
        self.default_sg = default_security_group
        #: Clusters the chaos leaves alone (the benchmark cluster stays steady).
        self.quiet = quiet_clusters
        self.ticks = 0
        #: Target keys -> ticks until the override in HEALTH is dropped (back to healthy).
        self.health_timers: dict[tuple[str, str, int], int] = {}
        #: Target keys being drained -> ticks until deregistration.
        self.draining: dict[tuple[str, str, int], int] = {}
        #: Unhealthy targets whose task the scheduler replaces when the timer ends.
        self.doomed: set[tuple[str, str, int]] = set()
        self._no_place: dict[str, int] = {}
        self._completed: set[str] = set()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # ------------------------------------------------------------------ thread

    def start(self) -> None:
        """Run ``step()`` every ``tick`` seconds in a daemon thread until ``stop()``."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="ecsdeck-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
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
        with LOCK:
            self.ticks += 1
            self._tick_targets()
            live, stopping, stopped = self._index()
            for task in stopped:
                if getattr(task, "ecsdeck_target", None):
                    self._drain_target(task.ecsdeck_target)
                    task.ecsdeck_target = None
            draining: dict[tuple[str, str], list[Any]] = defaultdict(list)
            for task in stopping:
                self._tick_stopping(task)
                draining[(task.cluster_name, task.group)].append(task)
            ecs = moto_patches.backends()["ecs"]
            for service in list(ecs.services.values()):
                key = self._key(service)
                if service.status == "ACTIVE":
                    self._tick_service(
                        service, live.get(key, []), draining.get(key, []), instant=False
                    )
                else:  # deleted (moto marks it INACTIVE at once): ECS stops what is left
                    for task in live.get(key, []):
                        self._stop_now(
                            task,
                            "ServiceSchedulerInitiated",
                            f"Service {service.name} was deleted",
                            143,
                            None,
                            drain=True,
                        )
            if self.chaos:
                self._weather(live)
            if self.ticks % 30 == 0:
                self._prune(stopped)

    def converge(self) -> None:
        """Bring every service to steady state at once: tasks RUNNING, targets healthy,
        deployments COMPLETED. Used after seeding, so the account starts as one that has been
        up for a while."""
        with LOCK:
            live, _, _ = self._index()
            ecs = moto_patches.backends()["ecs"]
            for service in list(ecs.services.values()):
                if service.status == "ACTIVE":
                    self._tick_service(service, live.get(self._key(service), []), [], instant=True)
                    # The account has been up for a while: its first events are not "now".
                    ago = timedelta(hours=self.rng.randint(2, 30))
                    for i, event in enumerate(reversed(service.events)):
                        event["createdAt"] = now() - ago + timedelta(seconds=20 * i)
                    settled = now() - ago + timedelta(seconds=20 * len(service.events))
                    for deployment in service.deployments:
                        deployment.update(createdAt=now() - ago, updatedAt=settled)

    def seed_history(self, names: list[tuple[str, str]]) -> None:
        """Past trouble, so panes have something to show from the first second: stopped tasks
        with each common reason, and a couple of targets already unhealthy."""
        with LOCK:
            ecs = moto_patches.backends()["ecs"]
            services = [ecs.services[f"{c}:{n}"] for c, n in names if f"{c}:{n}" in ecs.services]
            plans = [
                ("EssentialContainerExited", "Essential container in task exited", 137, OOM),
                (
                    "TaskFailedToStart",
                    self._pull_error("{image}"),
                    None,
                    self._pull_error("{image}"),
                ),
                (
                    "ServiceSchedulerInitiated",
                    "Task failed ELB health checks in (target-group {tg})",
                    143,
                    None,
                ),
                ("EssentialContainerExited", "Essential container in task exited", 1, None),
                ("SpotInterruption", "Your Spot Task was interrupted.", 143, None),
            ]
            for i, service in enumerate(services):
                code, reason, exit_code, creason = plans[i % len(plans)]
                primary = self._primary(service)
                if primary is None:
                    continue
                task = self._start_task(service, primary, instant=True, quiet=True)
                if task is None:
                    continue
                image = self._main_container(task).get("image", "")
                tg = service.load_balancers[0]["targetGroupArn"] if service.load_balancers else ""
                reason = reason.format(image=image, tg=tg)
                creason = creason.format(image=image) if creason else None
                began = now() - timedelta(minutes=self.rng.randint(20, 50))
                task.created_at = began - timedelta(seconds=40)
                task.started_at = began
                self._stop_now(task, code, reason, exit_code, creason, drain=False)
                task.stopped_at = began + timedelta(minutes=self.rng.randint(1, 15))
                task.stopping_at = task.stopped_at
            # Two targets already unhealthy: with simulation on they recover later.
            keys = sorted(k for k in self._registered_targets() if k not in HEALTH)
            for key in self.rng.sample(keys, min(2, len(keys))):
                reason_code, text = self.rng.choice(UNHEALTHY_REASONS)
                HEALTH[key] = ("unhealthy", reason_code, text)
                self.health_timers[key] = self.rng.randint(15, 40)

    # ------------------------------------------------------------------ indexing

    @staticmethod
    def _key(service: Any) -> tuple[str, str]:
        return (service.cluster_name, f"service:{service.name}")

    def _index(self) -> tuple[dict[tuple[str, str], list[Any]], list[Any], list[Any]]:
        ecs = moto_patches.backends()["ecs"]
        live: dict[tuple[str, str], list[Any]] = defaultdict(list)
        stopping: list[Any] = []
        stopped: list[Any] = []
        for cluster_name, tasks in ecs.tasks.items():
            for task in tasks.values():
                status = task.last_status
                if status == "STOPPED":
                    stopped.append(task)
                elif task.desired_status == "STOPPED":
                    stopping.append(task)
                else:
                    live[(cluster_name, task.group)].append(task)
        return live, stopping, stopped

    def _registered_targets(self) -> list[tuple[str, str, int]]:
        ecs = moto_patches.backends()["ecs"]
        out = []
        for cluster_name, tasks in ecs.tasks.items():
            if cluster_name in self.quiet:
                continue
            for task in tasks.values():
                key = getattr(task, "ecsdeck_target", None)
                if key and task.last_status == "RUNNING" and task.desired_status == "RUNNING":
                    out.append(key)
        return out

    @staticmethod
    def _primary(service: Any) -> dict[str, Any] | None:
        return next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)

    # ------------------------------------------------------------------ one service

    def _tick_service(
        self, service: Any, tasks: list[Any], stopping: list[Any], *, instant: bool
    ) -> None:
        primary = self._primary(service)
        if primary is None:
            return
        if not instant:
            for task in tasks:
                self._advance(service, task)
            tasks = [
                t for t in tasks if t.last_status != "STOPPED" and t.desired_status != "STOPPED"
            ]
        desired = int(service.desired_count or 0)
        primary["desiredCount"] = desired
        ours = [t for t in tasks if t.started_by == primary["id"]]
        old = [t for t in tasks if t.started_by != primary["id"]]
        if primary.get("rolloutState") == "FAILED":
            # The circuit breaker stopped this deployment: ECS launches nothing for it and the
            # previous deployment's tasks keep serving until the next deployment.
            self._counts(service, ours, [*old, *stopping])
            return
        missing = desired - len(ours)
        if missing > 0:
            room = missing if instant else max(1, 2 * desired - len(tasks))
            started = []
            for _ in range(min(missing, room)):
                task = self._start_task(service, primary, instant=instant)
                if task is None:
                    self._unable_to_place(service)
                    break
                started.append(task)
                ours.append(task)
            if started and not instant:
                ids = " ".join(f"(task {t.id})" for t in started)
                self._event(
                    service, f"(service {service.name}) has started {len(started)} tasks: {ids}."
                )
            elif started:
                self._event(
                    service,
                    f"(service {service.name}) has started {len(started)} tasks: "
                    + " ".join(f"(task {t.id})" for t in started[:10])
                    + ".",
                )
        elif missing < 0:
            # Scale in: newest first, the not-yet-running ones before serving ones.
            victims = sorted(ours, key=lambda t: (t.last_status == "RUNNING", -self._order(t)))
            for task in victims[:-missing]:
                self._begin_stop(service, task, primary, instant=instant)
                ours.remove(task)
        # Old deployments drain as the new one becomes healthy (minimumHealthyPercent 100).
        healthy = sum(1 for t in ours if self._serving(t))
        excess = healthy + len(old) - desired
        for task in sorted(old, key=lambda t: t.last_status == "RUNNING")[: max(0, excess)]:
            self._begin_stop(service, task, primary, instant=instant)
        self._counts(service, ours, [*old, *stopping])

    @staticmethod
    def _order(task: Any) -> float:
        created = getattr(task, "created_at", None)
        return created.timestamp() if created else 0.0

    def _serving(self, task: Any) -> bool:
        if task.last_status != "RUNNING":
            return False
        key = getattr(task, "ecsdeck_target", None)
        return key is None or HEALTH.get(key, ("healthy",))[0] == "healthy"

    def _counts(self, service: Any, ours: list[Any], others: list[Any]) -> None:
        per_dep: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for task in [*ours, *others]:
            if task.last_status == "STOPPED":
                continue
            counts = per_dep[task.started_by]
            if task.last_status in ("PROVISIONING", "PENDING", "ACTIVATING"):
                counts[1] += 1
            else:
                counts[0] += 1
        stamp = now()
        kept = []
        for deployment in service.deployments:
            running, pending = per_dep.get(deployment["id"], [0, 0])
            if deployment.get("status") != "PRIMARY" and running + pending == 0:
                continue  # fully drained: ECS drops it from the service
            if (deployment.get("runningCount"), deployment.get("pendingCount")) != (
                running,
                pending,
            ):
                deployment["updatedAt"] = stamp
            deployment["runningCount"], deployment["pendingCount"] = running, pending
            kept.append(deployment)
        service.deployments[:] = kept
        service.running_count = sum(v[0] for v in per_dep.values())
        service.pending_count = sum(v[1] for v in per_dep.values())
        primary = self._primary(service)
        assert primary is not None
        settled = (
            len(kept) == 1
            and primary["runningCount"] == service.desired_count
            and primary["pendingCount"] == 0
            and not any(
                HEALTH.get(t.ecsdeck_target, ("",))[0] == "initial"
                for t in ours
                if getattr(t, "ecsdeck_target", None)
            )
        )
        if settled and primary.get("rolloutState") != "COMPLETED":
            primary["rolloutState"] = "COMPLETED"
            primary["rolloutStateReason"] = f"ECS deployment {primary['id']} completed."
            primary["updatedAt"] = stamp
            if primary["id"] not in self._completed:
                self._completed.add(primary["id"])
                self._event(
                    service,
                    f"(service {service.name}) (deployment {primary['id']}) deployment completed.",
                )
        if settled and not getattr(service, "ecsdeck_steady", False):
            self._event(service, f"(service {service.name}) has reached a steady state.")
        service.ecsdeck_steady = settled

    # ------------------------------------------------------------------ task lifecycle

    def _start_task(
        self, service: Any, deployment: dict[str, Any], *, instant: bool, quiet: bool = False
    ) -> Any:
        ecs = moto_patches.backends()["ecs"]
        taskdef = ecs.describe_task_definition(deployment["taskDefinition"])
        strategy = deployment.get("capacityProviderStrategy") or []
        provider = self._pick_provider(service, deployment, strategy) if strategy else None
        launch_type = "" if provider else (deployment.get("launchType") or "EC2")
        fargate = launch_type == "FARGATE" or provider in FARGATE_PROVIDERS
        network = None
        if taskdef.network_mode == "awsvpc":
            network = self._network(service)
            if network is None:
                return None
        instance_id = None
        if not fargate:
            instance_id = self._place(service, taskdef.arn)
            if instance_id is None:
                return None
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
            return None
        if fargate:
            task.launch_type = "FARGATE"  # ECS reports it for Fargate providers too
        stamp = now()
        task.created_at = stamp
        task.cpu = taskdef.cpu or str(
            sum(int(c.get("cpu") or 0) for c in taskdef.container_definitions)
        )
        task.memory = taskdef.memory or str(
            sum(int(c.get("memory") or 0) for c in taskdef.container_definitions)
        )
        task.availability_zone = self._az(task, instance_id, service)
        task.health_status = "UNKNOWN"
        task.connectivity = "CONNECTED"
        task.connectivity_at = stamp
        task.version = 1
        task.ecsdeck_ticks = 0
        task.ecsdeck_target = None
        task.ecsdeck_fail = None
        task.containers = self._containers(task, taskdef, instance_id)
        task.last_status = "PROVISIONING"
        if instant:
            started = stamp - timedelta(minutes=self.rng.randint(30, 60 * 24 * 6))
            task.created_at = started - timedelta(seconds=40)
            self._run(service, task, started=started, quiet=True)
        elif (
            self.chaos
            and service.cluster_name not in self.quiet
            and not quiet
            and self.rng.random() < 0.05
        ):
            task.ecsdeck_fail = self._pull_error(self._main_container(task).get("image", ""))
        return task

    def _pick_provider(
        self, service: Any, deployment: dict[str, Any], strategy: list[dict[str, Any]]
    ) -> str:
        """Base first, then by weight, as ECS splits a capacity provider strategy."""
        ecs = moto_patches.backends()["ecs"]
        counts: dict[str, int] = defaultdict(int)
        for task in ecs.tasks.get(service.cluster_name, {}).values():
            if task.started_by == deployment["id"] and task.last_status != "STOPPED":
                counts[task.capacity_provider_name or ""] += 1
        for item in strategy:
            if counts[item["capacityProvider"]] < int(item.get("base") or 0):
                return str(item["capacityProvider"])
        weighted = [i for i in strategy if int(i.get("weight") or 0) > 0] or strategy
        weights = [max(1, int(i.get("weight") or 0)) for i in weighted]
        return str(self.rng.choices(weighted, weights=weights)[0]["capacityProvider"])

    def _network(self, service: Any) -> dict[str, Any] | None:
        config = (service.network_configuration or {}).get("awsvpcConfiguration")
        if not config or not config.get("subnets"):
            return None
        config = dict(config)
        if not config.get("securityGroups"):
            if not self.default_sg:
                return None
            config["securityGroups"] = [self.default_sg]  # AWS defaults it; moto needs it
        # Spread over subnets (moto always uses the first one).
        subnets = list(config["subnets"])
        config["subnets"] = [self.rng.choice(subnets)]
        return {"awsvpcConfiguration": config}

    def _place(self, service: Any, taskdef_arn: str) -> str | None:
        """Spread: the instance running fewest tasks of this service, then fewest overall."""
        ecs = moto_patches.backends()["ecs"]
        instances = ecs.container_instances.get(service.cluster_name, {})
        group = f"service:{service.name}"
        mine: dict[str, int] = defaultdict(int)
        for task in ecs.tasks.get(service.cluster_name, {}).values():
            if (
                task.group == group
                and task.last_status != "STOPPED"
                and task.container_instance_arn
            ):
                mine[task.container_instance_arn.split("/")[-1]] += 1
        candidates = [
            ci_id
            for ci_id in instances
            if moto_patches.can_place(service.cluster_name, ci_id, taskdef_arn)
        ]
        if not candidates:
            return None
        chosen: str = min(candidates, key=lambda c: (mine[c], instances[c].running_tasks_count, c))
        return chosen

    def _az(self, task: Any, instance_id: str | None, service: Any) -> str:
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

    def _containers(self, task: Any, taskdef: Any, instance_id: str | None) -> list[dict[str, Any]]:
        ip = self._task_ip(task)
        eni = next(
            (
                d["value"]
                for a in task.attachments
                for d in a.get("details", [])
                if d["name"] == "networkInterfaceId"
            ),
            None,
        )
        out = []
        for cdef in taskdef.container_definitions:
            container: dict[str, Any] = {
                "containerArn": f"arn:aws:ecs:{task.region_name}:{task._account_id}:container/"
                f"{task.cluster_name}/{task.id}/{uuid.UUID(int=self.rng.getrandbits(128))}",
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
                container["runtimeId"] = f"{task.id}-{eni}"
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

    @staticmethod
    def _main_container(task: Any) -> dict[str, Any]:
        containers = getattr(task, "containers", [])
        if containers and isinstance(containers[0], dict):
            return containers[0]
        return {}

    @staticmethod
    def _task_ip(task: Any) -> str | None:
        for attachment in task.attachments:
            for detail in attachment.get("details", []):
                if detail["name"] == "privateIPv4Address":
                    return str(detail["value"])
        return None

    def _advance(self, service: Any, task: Any) -> None:
        task.ecsdeck_ticks = getattr(task, "ecsdeck_ticks", 0) + 1
        if task.last_status == "PROVISIONING":
            task.last_status = "PENDING"
            task.pull_started_at = now()
            for c in task.containers:
                if isinstance(c, dict):
                    c["lastStatus"] = "PENDING"
        elif task.last_status == "PENDING" and task.ecsdeck_ticks >= 2:
            failure = getattr(task, "ecsdeck_fail", None)
            if failure:
                primary = self._primary(service)
                if primary is not None:
                    primary["failedTasks"] = int(primary.get("failedTasks") or 0) + 1
                self._stop_now(task, "TaskFailedToStart", failure, None, failure, drain=False)
                self._event(
                    service,
                    f"(service {service.name}) failed to launch a task with (error {failure}).",
                )
                return
            self._run(service, task, started=now(), quiet=False)

    def _run(self, service: Any, task: Any, *, started: Any, quiet: bool) -> None:
        task.pull_started_at = started - timedelta(seconds=25)
        task.pull_stopped_at = started - timedelta(seconds=8)
        task.started_at = started
        task.last_status = "RUNNING"
        task.health_status = "HEALTHY"
        for c in task.containers:
            if isinstance(c, dict):
                c["lastStatus"] = "RUNNING"
                c["healthStatus"] = "HEALTHY"
        self._log_start(service, task)
        key = self._register(service, task)
        if key is None:
            return
        if quiet:
            return
        HEALTH[key] = (
            "initial",
            "Elb.RegistrationInProgress",
            "Target registration is in progress",
        )
        self.health_timers[key] = INITIAL_TICKS
        self._event(
            service,
            f"(service {service.name}) registered 1 targets in (target-group {key[0]})",
        )

    def _register(self, service: Any, task: Any) -> tuple[str, str, int] | None:
        if not service.load_balancers:
            return None
        b = moto_patches.backends()
        lb = service.load_balancers[0]
        tg = b["elbv2"].target_groups.get(lb.get("targetGroupArn"))
        if tg is None:
            return None
        if tg.target_type == "ip":
            target_id = self._task_ip(task)
            port = int(lb.get("containerPort") or tg.port or 80)
        else:
            if not task.container_instance_arn:
                return None
            ci = b["ecs"].container_instances[service.cluster_name][
                task.container_instance_arn.split("/")[-1]
            ]
            target_id = ci.ec2_instance_id
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
        tg.register([{"Id": target_id, "Port": port}])
        key = (tg.arn, str(target_id), port)
        task.ecsdeck_target = key
        HEALTH.pop(key, None)
        self.draining.pop(key, None)
        return key

    def _begin_stop(
        self, service: Any, task: Any, primary: dict[str, Any], *, instant: bool
    ) -> None:
        reason = f"Scaling activity initiated by (deployment {primary['id']})"
        key = getattr(task, "ecsdeck_target", None)
        if instant or key is None or task.last_status != "RUNNING":
            self._stop_now(task, "ServiceSchedulerInitiated", reason, 143, None, drain=True)
            if not instant:
                self._event(
                    service,
                    f"(service {service.name}) has stopped 1 running tasks: (task {task.id}).",
                )
            return
        task.desired_status = "STOPPED"
        task.stopping_at = now()
        task.ecsdeck_stop = ("ServiceSchedulerInitiated", reason, DRAIN_TICKS)
        self._drain_target(key)
        task.ecsdeck_target = None
        self._event(service, f"(service {service.name}) has begun draining connections on 1 tasks.")
        self._event(
            service, f"(service {service.name}) deregistered 1 targets in (target-group {key[0]})"
        )

    def _tick_stopping(self, task: Any) -> None:
        code, reason, left = getattr(task, "ecsdeck_stop", ("UserInitiated", "Task stopped", 0))
        if left > 1:
            task.ecsdeck_stop = (code, reason, left - 1)
            task.last_status = "DEACTIVATING"
            return
        self._stop_now(task, code, reason, 143, None, drain=True)
        ecs = moto_patches.backends()["ecs"]
        service = ecs.services.get(f"{task.cluster_name}:{task.group.removeprefix('service:')}")
        if service is not None:
            self._event(
                service, f"(service {service.name}) has stopped 1 running tasks: (task {task.id})."
            )

    def _stop_now(
        self,
        task: Any,
        code: str,
        reason: str,
        exit_code: int | None,
        container_reason: str | None,
        *,
        drain: bool,
    ) -> None:
        ecs = moto_patches.backends()["ecs"]
        task.stop_code = code
        task.stopped_reason = reason
        task.stopping_at = getattr(task, "stopping_at", None) or now()
        ecs.stop_task(task.cluster_name, task.task_arn, reason)
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
                self._drain_target(key)
            else:
                self._deregister(key)
            task.ecsdeck_target = None

    # ------------------------------------------------------------------ targets

    def _drain_target(self, key: tuple[str, str, int]) -> None:
        HEALTH[key] = (
            "draining",
            "Target.DeregistrationInProgress",
            "Target deregistration is in progress",
        )
        self.health_timers.pop(key, None)
        self.doomed.discard(key)
        self.draining[key] = DRAIN_TICKS

    def _deregister(self, key: tuple[str, str, int]) -> None:
        HEALTH.pop(key, None)
        self.health_timers.pop(key, None)
        self.draining.pop(key, None)
        tg = moto_patches.backends()["elbv2"].target_groups.get(key[0])
        registered = tg.targets.get(key[1]) if tg is not None else None
        if registered is not None and int(registered.get("Port") or 0) == key[2]:
            tg.deregister([{"Id": key[1], "Port": key[2]}])

    def _tick_targets(self) -> None:
        for key, left in list(self.draining.items()):
            if left > 1:
                self.draining[key] = left - 1
                continue
            del self.draining[key]
            self._deregister(key)
        for key, left in list(self.health_timers.items()):
            if left > 1:
                self.health_timers[key] = left - 1
                continue
            del self.health_timers[key]
            if HEALTH.get(key, ("",))[0] in ("initial", "unhealthy"):
                HEALTH.pop(key, None)
            if key in self.doomed:
                self.doomed.discard(key)
                self._replace_unhealthy(key)

    def _replace_unhealthy(self, key: tuple[str, str, int]) -> None:
        ecs = moto_patches.backends()["ecs"]
        for tasks in ecs.tasks.values():
            for task in tasks.values():
                if getattr(task, "ecsdeck_target", None) == key and task.last_status == "RUNNING":
                    service = ecs.services.get(
                        f"{task.cluster_name}:{task.group.removeprefix('service:')}"
                    )
                    self._stop_now(
                        task,
                        "ServiceSchedulerInitiated",
                        f"Task failed ELB health checks in (target-group {key[0]})",
                        143,
                        None,
                        drain=True,
                    )
                    if service is not None:
                        self._event(
                            service,
                            f"(service {service.name}) has stopped 1 running tasks: "
                            f"(task {task.id}).",
                        )
                    return

    # ------------------------------------------------------------------ weather

    def _weather(self, live: dict[tuple[str, str], list[Any]]) -> None:
        ecs = moto_patches.backends()["ecs"]
        if self.ticks == 3 or self.rng.random() < 0.08:
            by_group: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
            for k in sorted(self._registered_targets()):
                if k not in HEALTH:
                    by_group[k[0]].append(k)
            if by_group:
                # Group first, so the 120-task service does not get nearly all the trouble.
                key = self.rng.choice(by_group[self.rng.choice(sorted(by_group))])
                code, text = self.rng.choice(UNHEALTHY_REASONS)
                HEALTH[key] = ("unhealthy", code, text)
                self.health_timers[key] = self.rng.randint(4, 12)
                if self.rng.random() < 0.25:
                    self.doomed.add(key)
                self._unhealthy_event(key, text)
        if self.rng.random() < 0.015:
            groups = [
                running
                for (cluster, _), tasks in sorted(live.items())
                if cluster not in self.quiet
                and (running := [t for t in tasks if t.last_status == "RUNNING"])
            ]
            if groups:
                task = self.rng.choice(self.rng.choice(groups))
                self._stop_now(
                    task,
                    "EssentialContainerExited",
                    "Essential container in task exited",
                    137,
                    OOM,
                    drain=True,
                )
        if self.rng.random() < 0.02:
            ec2_services = sorted(
                (
                    s
                    for s in ecs.services.values()
                    if s.status == "ACTIVE" and s.launch_type == "EC2"
                ),
                key=lambda s: (s.cluster_name, s.name),
            )
            if ec2_services:
                self._unable_to_place(self.rng.choice(ec2_services), force=True)
        if self.rng.random() < 0.3:
            self._log_lines(live)

    def _unhealthy_event(self, key: tuple[str, str, int], text: str) -> None:
        ecs = moto_patches.backends()["ecs"]
        for tasks in ecs.tasks.values():
            for task in tasks.values():
                if getattr(task, "ecsdeck_target", None) == key:
                    service = ecs.services.get(
                        f"{task.cluster_name}:{task.group.removeprefix('service:')}"
                    )
                    if service is None:
                        return
                    who = f"(instance {key[1]})" if key[1].startswith("i-") else f"(task {task.id})"
                    self._event(
                        service,
                        f"(service {service.name}) {who} (port {key[2]}) is unhealthy in "
                        f"(target-group {key[0]}) due to (reason {text}).",
                    )
                    return

    def _unable_to_place(self, service: Any, *, force: bool = False) -> None:
        last = self._no_place.get(service.arn, -100)
        if not force and self.ticks - last < 10:
            return
        self._no_place[service.arn] = self.ticks
        instances = sorted(
            moto_patches.backends()["ecs"].container_instances.get(service.cluster_name, {})
        )
        self._event(service, self._placement_message(service, instances[0] if instances else None))

    @staticmethod
    def _placement_message(service: Any, instance_id: str | None) -> str:
        closest = f"(container-instance {instance_id})" if instance_id else "container-instance"
        return (
            f"(service {service.name}) was unable to place a task because no container instance "
            f"met all of its requirements. The closest matching {closest} is already "
            "using a port required by your task. For more information, see the Troubleshooting "
            "section of the Amazon ECS Developer Guide."
        )

    @staticmethod
    def _pull_error(image: str) -> str:
        return (
            "CannotPullContainerError: pull image manifest has been retried 5 time(s): "
            f"failed to resolve ref {image}: not found"
        )

    # ------------------------------------------------------------------ logs

    def _restamp(self, service: Any, task: Any, *, started: Any) -> None:
        """Move a running task's start to ``started`` and rewrite its log stream to match."""
        task.created_at = started - timedelta(seconds=40)
        task.pull_started_at = started - timedelta(seconds=25)
        task.pull_stopped_at = started - timedelta(seconds=8)
        task.started_at = started
        group = moto_patches.backends()["logs"].groups.get(f"/ecs/{service.name}")
        stream = f"ecs/{self._main_container(task).get('name', service.name)}/{task.id}"
        if group is not None and stream in group.streams:
            group.delete_log_stream(stream)
        self._log_start(service, task)

    def _log_crash(self, task: Any, stopped_at: Any) -> None:
        """The last lines an application writes before the kernel kills it for memory."""
        name = task.group.removeprefix("service:")
        group = moto_patches.backends()["logs"].groups.get(f"/ecs/{name}")
        stream = f"ecs/{self._main_container(task).get('name', name)}/{task.id}"
        if group is None or stream not in group.streams:
            return
        end = int(stopped_at.timestamp() * 1000)
        lines = [
            (end - 95_000, "INFO building report batch=nightly-rollup rows=4812331"),
            (end - 41_000, "WARN memory high: rss_mb=1838 limit_mb=2048"),
            (end - 9_000, "WARN memory high: rss_mb=2011 limit_mb=2048"),
        ]
        group.put_log_events(stream, [{"timestamp": t, "message": m} for t, m in lines])

    def _log_start(self, service: Any, task: Any) -> None:
        if service.cluster_name in self.quiet:
            return
        group = moto_patches.backends()["logs"].groups.get(f"/ecs/{service.name}")
        if group is None:
            return
        container = self._main_container(task).get("name", service.name)
        stream = f"ecs/{container}/{task.id}"
        if stream not in group.streams:
            group.create_log_stream(stream)
        started = getattr(task, "started_at", None) or now()
        base = int(started.timestamp() * 1000)
        lines = [
            "Starting application",
            f"Loaded configuration for env=prod version={self._version(task)}",
            "Connected to database pool (size=10)",
            "Listening on 0.0.0.0:8080",
        ]
        events = [{"timestamp": base + i * 350, "message": m} for i, m in enumerate(lines)]
        group.put_log_events(stream, events)

    @staticmethod
    def _version(task: Any) -> str:
        image = Simulator._main_container(task).get("image", "")
        return str(image.rsplit(":", 1)[-1]) if ":" in image else "unknown"

    def _log_lines(self, live: dict[tuple[str, str], list[Any]]) -> None:
        logs = moto_patches.backends()["logs"]
        groups = [k for k in sorted(live) if k[0] not in self.quiet]
        if not groups:
            return
        cluster, group_name = self.rng.choice(groups)
        name = group_name.removeprefix("service:")
        group = logs.groups.get(f"/ecs/{name}")
        running = [t for t in live[(cluster, group_name)] if t.last_status == "RUNNING"]
        if group is None or not running:
            return
        task = self.rng.choice(running)
        stream = f"ecs/{self._main_container(task).get('name', name)}/{task.id}"
        if stream not in group.streams:
            group.create_log_stream(stream)
        path = self.rng.choice(("/health", "/api/v1/orders", "/api/v1/items", "/api/v1/session"))
        status = self.rng.choice((200, 200, 200, 201, 204, 404, 500))
        ms = self.rng.randint(2, 900)
        level = "ERROR" if status >= 500 else "INFO"
        message = f"{level} request method=GET path={path} status={status} duration_ms={ms}"
        group.put_log_events(
            stream, [{"timestamp": int(now().timestamp() * 1000), "message": message}]
        )

    # ------------------------------------------------------------------ housekeeping

    def _event(self, service: Any, message: str) -> None:
        service.events.insert(
            0,
            {
                "id": str(uuid.UUID(int=self.rng.getrandbits(128))),
                "createdAt": now(),
                "message": message,
            },
        )
        del service.events[MAX_EVENTS:]

    def _prune(self, stopped: list[Any]) -> None:
        ecs = moto_patches.backends()["ecs"]
        by_group: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for task in stopped:
            by_group[(task.cluster_name, task.group)].append(task)
        for (cluster, _), tasks in by_group.items():
            tasks.sort(key=lambda t: getattr(t, "stopped_at", None) or now(), reverse=True)
            for task in tasks[KEEP_STOPPED:]:
                ecs.tasks.get(cluster, {}).pop(task.task_arn, None)
