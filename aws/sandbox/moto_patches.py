"""Every in-process edit ecsdeck makes to moto's code, in one place.

moto 5.2 answers ECS as bookkeeping: deployments never move, target health is always "healthy",
update_service stores whatever string it was given. The sandbox needs those answers to look like
a live account, so this module wraps a handful of moto internals. They are private APIs; the moto
range is pinned in pyproject.toml (``moto[server]>=5.2.5,<5.3``) and
tests/aws/test_moto_patches.py fails loudly when an upgrade moves one of them.

The patches only add behaviour on top of moto's: a process that never sets a health override or
edits a service sees plain moto answers (apart from the request lock).

What is patched, and why:

* ``DomainDispatcherApplication.__call__`` takes :data:`LOCK`, so the simulator thread (which
  edits backend objects under the same lock) never mutates a service while werkzeug is serialising
  it for another thread.
* ``FakeTargetGroup.health_for`` returns the state/reason the simulator set in :data:`HEALTH`
  (initial, unhealthy with a reason code, draining) instead of always "healthy".
* ``EC2ContainerServiceBackend.update_service`` behaves like ECS: normalises ``family:rev`` to a
  full ARN, starts a new PRIMARY deployment (old one -> ACTIVE) on a new task definition,
  ``forceNewDeployment`` or capacity provider strategy change, keeps the real running count
  on a pure scale (moto would claim running == desired at once), and refuses a strategy change
  without ``forceNewDeployment`` or naming a provider the cluster lacks, as ECS does.
* ``EC2ContainerServiceResponse.create_service`` honours ``capacityProviderStrategy`` (moto drops
  it and reports launchType EC2) and keeps ``deploymentConfiguration`` (moto drops it; ECS echoes
  it, circuit breaker included, with its defaults filled in) and ``enableExecuteCommand`` (moto
  drops it; ECS echoes it, false by default). ECS Exec itself is in :mod:`.exec_agent`.
* ``EC2ContainerServiceBackend.stop_task`` records stopCode/stoppedAt like ECS does.
* ``EC2ContainerServiceBackend.describe_tasks`` looks tasks up in the named cluster instead of
  scanning every task of every cluster per requested id (the ``--services 2000`` bench).
* Once :func:`seed_ids` ran, each request and moto's ``Task``, ``Service`` and
  ``ContainerInstance`` constructors draw from their own seeded stream (:mod:`.ids`), so an id
  depends on the seed and the resource, not on what was drawn before it.
* ``moto.ecs.models.utcnow`` follows the sandbox clock when ``ECSDECK_SANDBOX_CLOCK_SHIFT``
  moves it (:mod:`.clock`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import moto

from aws.sandbox import ids
from aws.sandbox.clock import SHIFT, now, utcnow
from aws.sandbox.deployments import scale, set_deployment_configuration, start_deployment
from aws.sandbox.state import HEALTH, LOCK

__all__ = ["HEALTH", "LOCK", "now"]

_applied = False

#: (owner, attribute, original) of each patch, newest last, to undo it; original is ADDED when
#: moto had no such attribute (undoing deletes it).
Installed = list[tuple[Any, str, Any]]
ADDED: Any = object()

_installed: Installed = []


def _require(owner: Any, attribute: str) -> Callable[..., Any]:
    original = getattr(owner, attribute, None)
    if original is None or not callable(original):
        raise RuntimeError(
            f"ecsdeck sandbox: moto {moto.__version__} has no "
            f"{getattr(owner, '__name__', owner)}.{attribute}; the patches in "
            "aws/sandbox/moto_patches.py were written for moto 5.2.x (see pyproject.toml)"
        )
    # Unwrap our own wrapper if apply() ran against a reloaded module.
    unwrapped: Callable[..., Any] = getattr(original, "__ecsdeck_original__", original)
    return unwrapped


def _mark(wrapper: Callable[..., Any], original: Callable[..., Any]) -> Callable[..., Any]:
    wrapper.__ecsdeck_original__ = original  # type: ignore[attr-defined]
    wrapper.__ecsdeck_patched__ = True  # type: ignore[attr-defined]
    return wrapper


def install(
    installed: Installed, owner: Any, name: str, wrapper: Callable[..., Any], original: Any = ADDED
) -> None:
    """Put ``wrapper`` (marked with the original it stands for) at ``owner.name``, remembered in
    ``installed`` for :func:`uninstall`."""
    setattr(owner, name, _mark(wrapper, original))
    installed.append((owner, name, original))


def uninstall(installed: Installed) -> None:
    """Undo the patches in ``installed``, newest first."""
    while installed:
        owner, name, original = installed.pop()
        if original is ADDED:
            delattr(owner, name)
        else:
            setattr(owner, name, original)


def apply() -> None:
    """Install every patch once per process. Raises RuntimeError naming the moto version when a
    wrapped attribute is gone."""
    global _applied
    if _applied:
        return
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    dispatch = _require(DomainDispatcherApplication, "__call__")
    health_for = _require(FakeTargetGroup, "health_for")
    update_service = _require(EC2ContainerServiceBackend, "update_service")
    stop_task = _require(EC2ContainerServiceBackend, "stop_task")
    create_service = _require(EC2ContainerServiceResponse, "create_service")
    _require(EC2ContainerServiceResponse, "_get_param")

    def locked_call(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        with LOCK, ids.for_request(environ):
            # Materialise the body inside the lock: serialisation reads live backend objects.
            return list(dispatch(self, environ, start_response))

    def patched_health_for(self: Any, target: dict[str, Any], ec2_backend: Any) -> Any:
        status = health_for(self, target, ec2_backend)
        registered = self.targets.get(target["Id"])
        if registered is None:
            return status
        port = int(registered.get("Port") or self.port or 0)
        override = HEALTH.get((self.arn, str(target["Id"]), port))
        if override is None:
            return status
        state, reason, description = override
        return FakeHealthStatus(
            target["Id"], registered["Port"], self.health_check_port, state, reason, description
        )

    def patched_update_service(self: Any, service_properties: dict[str, Any]) -> Any:
        props = dict(service_properties)
        cluster_str = props.get("cluster", "default")
        name = str(props.get("service", "")).split("/")[-1]
        before = self._get_service(cluster_str, name)
        old_running, old_pending = before.running_count, before.pending_count
        old_taskdef = before.task_definition
        old_strategy = list(getattr(before, "capacity_provider_strategy", None) or [])
        force = bool(props.get("force_new_deployment"))
        strategy = props.get("capacity_provider_strategy")
        taskdef = props.get("task_definition")
        # moto's forceNewDeployment renames deployments[0] in place; keep the old identity so
        # its tasks (startedBy = old id) still belong to the deployment being drained.
        saved = [
            (d, d.get("id"), d.get("createdAt"), d.get("updatedAt")) for d in before.deployments
        ]
        if strategy is not None:
            _check_strategy_change(self, cluster_str, before, list(strategy), force)
        old_config = getattr(before, "deployment_configuration", None)
        if taskdef:
            # Store the full ARN, as ECS echoes it, whatever form the caller used.
            service_properties["task_definition"] = self.describe_task_definition(taskdef).arn
        service = update_service(self, service_properties)
        service.running_count, service.pending_count = old_running, old_pending
        # moto stores the raw request (or nothing); ECS keeps what was not given.
        service.deployment_configuration = old_config
        set_deployment_configuration(service, props.get("deployment_configuration"))
        for deployment, dep_id, created, updated in saved:
            deployment.update(id=dep_id, createdAt=created, updatedAt=updated)
        if not hasattr(service, "ecsdeck_launch_type"):
            service.ecsdeck_launch_type = service.launch_type or "EC2"
        new_deployment = force or (
            service.task_definition != old_taskdef
            or (strategy is not None and list(strategy) != old_strategy)
        )
        if strategy is not None:
            # ECS omits the strategy of a service on a launch type (moto would echo []).
            service.capacity_provider_strategy = list(strategy) or None
            # ECS omits launchType while a strategy is in use; an empty list means back to it.
            service.launch_type = None if strategy else service.ecsdeck_launch_type
        primary = next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)
        if new_deployment and primary is not None:
            start_deployment(service)
        elif primary is not None and props.get("desired_count") is not None:
            scale(service, int(service.desired_count))
        return service

    def patched_stop_task(self: Any, cluster_str: str, task_str: str, reason: str) -> Any:
        task = stop_task(self, cluster_str, task_str, reason)
        stamp = now()
        if not getattr(task, "stop_code", None):
            task.stop_code = "UserInitiated"
        if not getattr(task, "stopped_reason", None):
            task.stopped_reason = "Task stopped by user"
        task.stopping_at = getattr(task, "stopping_at", None) or stamp
        task.stopped_at = stamp
        task.execution_stopped_at = stamp
        for container in getattr(task, "containers", []):
            if isinstance(container, dict):
                container["lastStatus"] = "STOPPED"
                container.setdefault("exitCode", 143)
        return task

    def patched_create_service(self: Any) -> Any:
        result = create_service(self)
        service = self.ecs_backend._get_service(
            self._get_param("cluster", "default"), self._get_param("serviceName")
        )
        set_deployment_configuration(service, self._get_param("deploymentConfiguration"))
        service.enable_execute_command = bool(self._get_param("enableExecuteCommand", False))
        # moto drops the placement rules; ECS keeps them and describes them back.
        for param, attribute in (
            ("placementStrategy", "placement_strategy"),
            ("placementConstraints", "placement_constraints"),
        ):
            rules = self._get_param(param)
            if rules:
                setattr(service, attribute, list(rules))
        strategy = self._get_param("capacityProviderStrategy")
        if strategy:
            service.ecsdeck_launch_type = service.launch_type or "EC2"
            service.capacity_provider_strategy = list(strategy)
            service.launch_type = None
            for deployment in service.deployments:
                deployment.pop("launchType", None)
                deployment["capacityProviderStrategy"] = list(strategy)
                deployment["platformFamily"] = "FARGATE"
        return result

    describe_tasks = _require(EC2ContainerServiceBackend, "describe_tasks")

    def patched_describe_tasks(self: Any, cluster_str: str, tasks: list[str]) -> list[Any]:
        # moto scans every task of every cluster against every requested id (substring match):
        # ~100 ms per call at 4,000 tasks. AWS looks up ARNs or ids in the named cluster.
        cluster = self._get_cluster(cluster_str)
        if not tasks:
            return list(describe_tasks(self, cluster_str, tasks))  # moto's own error
        # Tasks are keyed by ARN; an id names the same task as <cluster ARN's task prefix>/id.
        prefix = cluster.arn.replace(":cluster/", ":task/", 1)
        known = self.tasks.get(cluster.name, {})
        found = []
        for ref in dict.fromkeys(tasks):
            tail = ref.rsplit("/", 1)[-1]
            task = known.get(ref) or known.get(f"{prefix}/{tail}")
            if task is None:
                task = known.get(f"{prefix.rsplit(':task/', 1)[0]}:task/{tail}")
            if task is not None and task not in found:
                task.advance()
                found.append(task)
        return found

    patches = (
        (DomainDispatcherApplication, "__call__", locked_call, dispatch),
        (FakeTargetGroup, "health_for", patched_health_for, health_for),
        (EC2ContainerServiceBackend, "update_service", patched_update_service, update_service),
        (EC2ContainerServiceBackend, "stop_task", patched_stop_task, stop_task),
        (EC2ContainerServiceBackend, "describe_tasks", patched_describe_tasks, describe_tasks),
        (EC2ContainerServiceResponse, "create_service", patched_create_service, create_service),
    )
    for owner, name, wrapper, original in patches:
        install(_installed, owner, name, wrapper, original)
    _apply_ids()
    _applied = True


def _apply_ids() -> None:
    """moto's ECS constructors draw from their resource's own stream (:mod:`.ids`), and moto's
    ECS stamps follow the sandbox clock when it is shifted."""
    for module_name, class_name, identity in ids.CONSTRUCTORS:
        owner = getattr(importlib.import_module(module_name), class_name)
        init = _require(owner, "__init__")
        install(_installed, owner, "__init__", ids.minted(init, identity), init)
    if SHIFT:
        import moto.ecs.models

        install(_installed, moto.ecs.models, "utcnow", utcnow, _require(moto.ecs.models, "utcnow"))


def unapply() -> None:
    """Put moto back as it was: tests that patch in-process must not change moto's answers
    for the other tests sharing the pytest process."""
    global _applied
    uninstall(_installed)
    _applied = False


def _check_strategy_change(
    backend: Any, cluster_str: str, service: Any, strategy: list[dict[str, Any]], force: bool
) -> None:
    """Refuse what ECS refuses, so the app's preflight is exercised against honest answers."""
    from moto.ecs.exceptions import InvalidParameterException

    current = list(getattr(service, "capacity_provider_strategy", None) or [])
    if strategy != current and not force:
        raise InvalidParameterException(
            "When switching from launch type to capacity provider strategy on an existing "
            "service, or making a change to a capacity provider strategy on a service that is "
            "already using one, you must force a new deployment."
        )
    attached = set(backend._get_cluster(cluster_str).capacity_providers or [])
    unknown = [
        i.get("capacityProvider") for i in strategy if i.get("capacityProvider") not in attached
    ]
    if unknown:
        raise InvalidParameterException(
            "The specified capacity provider strategy cannot contain a capacity provider that is "
            "not associated with the cluster. Associate the capacity provider with the cluster "
            "or specify a valid capacity provider and try again."
        )


def backends(account: str = "123456789012", region: str = "us-east-1") -> dict[str, Any]:
    """moto's in-process backends the seeder and simulator read and edit (under LOCK)."""
    from moto.ec2.models import ec2_backends
    from moto.ecr.models import ecr_backends
    from moto.ecs.models import ecs_backends
    from moto.elbv2.models import elbv2_backends
    from moto.logs.models import logs_backends

    found: dict[str, Any] = {
        "ecs": ecs_backends[account][region],
        "ec2": ec2_backends[account][region],
        "elbv2": elbv2_backends[account][region],
        "ecr": ecr_backends[account][region],
        "logs": logs_backends[account][region],
    }
    return found


def set_manual_task_transitions() -> None:
    """describe_tasks would otherwise walk every task toward STOPPED, one step per call."""
    from moto.moto_api import state_manager

    state_manager.set_transition(
        model_name="ecs::task", transition={"progression": "manual", "times": 1000000000}
    )


def seed_ids(seed: int) -> None:
    """Make moto's own ids (task ids, deployment ids, ENI addresses...) a function of the seed
    and of each resource (:mod:`.ids`), not of the order they were made in."""
    import random

    from moto.moto_api._internal import mock_random

    ids.use_seed(seed)
    mock_random.seed(seed)
    random.seed(seed)


def create_task(
    cluster_name: str,
    task_definition_arn: str,
    *,
    container_instance_id: str | None,
    group: str,
    started_by: str,
    launch_type: str,
    network_configuration: dict[str, Any] | None,
    capacity_provider: str | None,
    platform_version: str | None,
) -> Any:
    """What moto's run_task does for one task, but on the container instance the caller chose.

    moto places EC2 tasks on the first instance with room, so every task would pile onto one
    host; ECS spreads them. Returns None when the chosen instance has no room."""
    from moto.ecs.models import Task

    ecs = backends()["ecs"]
    cluster = ecs._get_cluster(cluster_name)
    task_definition = ecs.describe_task_definition(task_definition_arn)
    resources = ecs._calculate_task_resource_requirements(task_definition)
    instance = None
    if container_instance_id is not None:
        instance = ecs.container_instances[cluster.name][container_instance_id]
        if not ecs._can_be_placed(instance, resources):
            return None
    task = Task(
        cluster,
        task_definition,
        instance.container_instance_arn if instance is not None else None,
        resources,
        backend=ecs,
        group=group,
        overrides={},
        started_by=started_by,
        tags=[],
        launch_type=launch_type,
        networking_configuration=network_configuration,
        platform_version=platform_version,
        capacity_provider_name=capacity_provider,
    )
    if instance is not None:
        ecs.update_container_instance_resources(instance, resources)
    ecs.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    return task


def can_place(cluster_name: str, container_instance_id: str, task_definition_arn: str) -> bool:
    ecs = backends()["ecs"]
    instance = ecs.container_instances[cluster_name][container_instance_id]
    resources = ecs._calculate_task_resource_requirements(
        ecs.describe_task_definition(task_definition_arn)
    )
    # ECS places nothing on a DRAINING instance or one whose agent is disconnected.
    return bool(
        instance.status == "ACTIVE"
        and instance.agent_connected
        and ecs._can_be_placed(instance, resources)
    )
