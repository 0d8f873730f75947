"""moto's ECS service and task calls, made to answer as ECS does (installed by
:func:`aws.sandbox.moto_patches.apply`).

* ``EC2ContainerServiceBackend.update_service`` behaves like ECS: normalises ``family:rev`` to a
  full ARN, starts a new PRIMARY deployment (old one -> ACTIVE) on a new task definition,
  ``forceNewDeployment`` or capacity provider strategy change, keeps the real running count
  on a pure scale (moto would claim running == desired at once), and refuses a strategy change
  without ``forceNewDeployment`` or naming a provider the cluster lacks, as ECS does.
* ``EC2ContainerServiceResponse.create_service`` honours ``capacityProviderStrategy`` (moto drops
  it and reports launchType EC2) and keeps ``deploymentConfiguration`` (moto drops it; ECS echoes
  it, circuit breaker included, with its defaults filled in) and ``enableExecuteCommand`` (moto
  drops it; ECS echoes it, false by default) and ``healthCheckGracePeriodSeconds``, and
  describes ``availabilityZoneRebalancing`` as ENABLED when not given (ECS's default for a new
  service; moto leaves it out). ECS Exec itself is in :mod:`.exec_agent`.
* ``EC2ContainerServiceBackend.stop_task`` records stopCode/stoppedAt like ECS does.
* ``EC2ContainerServiceBackend.describe_tasks`` looks tasks up in the named cluster instead of
  scanning every task of every cluster per requested id (the ``--services 2000`` bench).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws.sandbox.clock import now
from aws.sandbox.deployments import scale, set_deployment_configuration, start_deployment
from aws.sandbox.patching import Patch, require


def patches() -> list[Patch]:
    """The ECS wrappers with the originals they stand for. Raises RuntimeError naming the moto
    version when a wrapped attribute is gone."""
    from moto.ecs.models import EC2ContainerServiceBackend as Backend
    from moto.ecs.responses import EC2ContainerServiceResponse as Response

    update_service = require(Backend, "update_service")
    stop_task = require(Backend, "stop_task")
    create_service = require(Response, "create_service")
    require(Response, "_get_param")
    describe_tasks = require(Backend, "describe_tasks")
    return [
        (Backend, "update_service", _update_service(update_service), update_service),
        (Backend, "stop_task", _stop_task(stop_task), stop_task),
        (Backend, "describe_tasks", _describe_tasks(describe_tasks), describe_tasks),
        (Response, "create_service", _create_service(create_service), create_service),
    ]


def _update_service(update_service: Callable[..., Any]) -> Callable[..., Any]:
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

    return patched_update_service


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


def _stop_task(stop_task: Callable[..., Any]) -> Callable[..., Any]:
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

    return patched_stop_task


def _create_service(create_service: Callable[..., Any]) -> Callable[..., Any]:
    def patched_create_service(self: Any) -> Any:
        result = create_service(self)
        service = self.ecs_backend._get_service(
            self._get_param("cluster", "default"), self._get_param("serviceName")
        )
        set_deployment_configuration(service, self._get_param("deploymentConfiguration"))
        service.enable_execute_command = bool(self._get_param("enableExecuteCommand", False))
        rebalancing = self._get_param("availabilityZoneRebalancing")
        service.availability_zone_rebalancing = rebalancing or "ENABLED"
        grace = self._get_param("healthCheckGracePeriodSeconds")
        if grace is not None:  # moto drops it; ECS describes it back
            service.health_check_grace_period_seconds = int(grace)
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

    return patched_create_service


def _describe_tasks(describe_tasks: Callable[..., Any]) -> Callable[..., Any]:
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

    return patched_describe_tasks
