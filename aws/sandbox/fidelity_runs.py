"""RunTask as ECS answers it, where moto 5.2 does not.

* **No container instance.** moto raises a bare exception (HTTP 500) for an EC2 RunTask on a
  cluster without container instances. ECS refuses it with InvalidParameterException "No
  Container Instances were found in your cluster."
* **Tasks it could not place.** moto places what fits and drops the rest without a word
  (``failures`` is always empty). ECS answers 200 with a ``failures`` entry for each task it
  could not place, naming the closest container instance and the resource it lacks
  (``RESOURCE:MEMORY``, ``RESOURCE:CPU``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws.sandbox.patching import Installed, install, require, uninstall

_installed: Installed = []


def apply() -> None:
    """Install the patch once per process (idempotent)."""
    if _installed:
        return
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = require(EC2ContainerServiceResponse, "run_task")
    install(_installed, EC2ContainerServiceResponse, "run_task", _run_task(original), original)


def unapply() -> None:
    uninstall(_installed)


def _fargate(self: Any) -> bool:
    if self._get_param("launchType") == "FARGATE":
        return True
    strategy = self._get_param("capacityProviderStrategy") or []
    if not strategy and not self._get_param("launchType"):
        cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
        strategy = cluster.default_capacity_provider_strategy or []
    return bool(strategy) and strategy[0].get("capacityProvider") in ("FARGATE", "FARGATE_SPOT")


def _run_task(original: Callable[..., Any]) -> Callable[..., Any]:
    def patched(self: Any) -> Any:
        from moto.core.responses import ActionResult
        from moto.ecs.exceptions import InvalidParameterException

        if _fargate(self):
            return original(self)
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        instances = backend.container_instances.get(cluster.name, {})
        if not instances:
            raise InvalidParameterException("No Container Instances were found in your cluster.")
        count = self._get_int_param("count", 1)
        result = original(self)
        tasks = list(result.result.get("tasks") or [])
        placed = len(tasks)
        if placed >= count:
            return result
        taskdef = backend.describe_task_definition(self._get_param("taskDefinition"))
        needs = backend._calculate_task_resource_requirements(taskdef)
        closest = sorted(instances.values(), key=lambda i: i.container_instance_arn)[0]
        left = {r.get("name"): r for r in closest.remaining_resources}
        memory_left = left.get("MEMORY", {}).get("integerValue") or 0
        reason = "RESOURCE:MEMORY" if needs["MEMORY"] > memory_left else "RESOURCE:CPU"
        failures = [
            {"arn": closest.container_instance_arn, "reason": reason} for _ in range(count - placed)
        ]
        return ActionResult({"tasks": tasks, "failures": failures})

    return patched
