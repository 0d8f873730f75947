"""The in-process edits that make moto a live account, installed together by :func:`apply`,
and the helpers that reach moto's backends.

moto 5.2 answers ECS as bookkeeping: deployments never move, target health is always "healthy",
update_service stores whatever string it was given. The sandbox needs those answers to look like
a live account, so this module wraps a handful of moto internals. They are private APIs; the moto
range is pinned in pyproject.toml (``moto[server]>=5.2.5,<5.3``) and
tests/aws/test_moto_patches.py fails loudly when an upgrade moves one of them.

The patches only add behaviour on top of moto's: a process that never sets a health override or
edits a service sees plain moto answers (apart from the request lock). Every patch goes through
the registry in :mod:`.patching`, so :func:`unapply` puts moto back.

What is patched, and why:

* ``DomainDispatcherApplication.__call__`` takes :data:`LOCK`, so the simulator thread (which
  edits backend objects under the same lock) never mutates a service while werkzeug is serialising
  it for another thread.
* ``FakeTargetGroup.health_for`` answers what the simulator set (:mod:`.elb_patches`).
* ``EC2ContainerServiceBackend.update_service``, ``stop_task`` and ``describe_tasks`` and
  ``EC2ContainerServiceResponse.create_service`` answer as ECS does (:mod:`.ecs_patches`).
* Once :func:`seed_ids` ran, each request and moto's ``Task``, ``Service`` and
  ``ContainerInstance`` constructors draw from their own seeded stream (:mod:`.ids`), so an id
  depends on the seed and the resource, not on what was drawn before it.
* moto's per-request lookups (which service a host is, whether an action exists, which
  attribute names the serializer tries for a field) are remembered, and request ids drawn in
  one go: the same answers with a fraction of the CPU (:mod:`.speed_patches`); ECS's JSON
  calls skip moto's Flask app and go to its ECS responses directly (:mod:`.fast_dispatch`).
* ``moto.ecs.models.utcnow`` follows the sandbox clock when ``ECSDECK_SANDBOX_CLOCK_SHIFT``
  moves it (:mod:`.clock`).
"""

from __future__ import annotations

import importlib
from typing import Any

from aws.sandbox import ecs_patches, elb_patches, fast_dispatch, ids, speed_patches
from aws.sandbox.clock import SHIFT, now, utcnow
from aws.sandbox.patching import Installed, Patch, install, require, uninstall
from aws.sandbox.state import HEALTH, LOCK, in_context, where

__all__ = ["HEALTH", "LOCK", "now"]

_applied = False
_installed: Installed = []


def apply() -> None:
    """Install every patch once per process. Raises RuntimeError naming the moto version when a
    wrapped attribute is gone."""
    global _applied
    if _applied:
        return
    for owner, name, wrapper, original in (
        *_dispatch_patches(),
        *speed_patches.patches(),
        *fast_dispatch.patches(),
        *elb_patches.patches(),
        *ecs_patches.patches(),
    ):
        install(_installed, owner, name, wrapper, original)
    _apply_ids()
    _applied = True


def _dispatch_patches() -> list[Patch]:
    """Every request under :data:`LOCK` and with its own id stream (:func:`ids.for_request`)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    dispatch = require(DomainDispatcherApplication, "__call__")

    def locked_call(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        with LOCK, in_context(*ids.request_where(environ)), ids.for_request(environ):
            # Materialise the body inside the lock: serialisation reads live backend objects.
            return list(dispatch(self, environ, start_response))

    return [(DomainDispatcherApplication, "__call__", locked_call, dispatch)]


def _apply_ids() -> None:
    """moto's ECS constructors draw from their resource's own stream (:mod:`.ids`), and moto's
    ECS stamps follow the sandbox clock when it is shifted."""
    for module_name, class_name, identity in ids.CONSTRUCTORS:
        owner = getattr(importlib.import_module(module_name), class_name)
        init = require(owner, "__init__")
        install(_installed, owner, "__init__", ids.minted(init, identity), init)
    if SHIFT:
        import moto.ecs.models

        install(_installed, moto.ecs.models, "utcnow", utcnow, require(moto.ecs.models, "utcnow"))


def unapply() -> None:
    """Put moto back as it was: tests that patch in-process must not change moto's answers
    for the other tests sharing the pytest process."""
    global _applied
    uninstall(_installed)
    _applied = False


def backends(account: str | None = None, region: str | None = None) -> dict[str, Any]:
    """moto's in-process backends the seeder and simulator read and edit (under LOCK), by
    default those of the account and region being worked in (:func:`.state.where`)."""
    here = where()
    account, region = account or here[0], region or here[1]
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
