"""Mutations as plans: each ``plan_*`` builds a ``Plan`` (the exact API calls) to show first.

Nothing is sent here: the plan is shown to the user, and only ``aws.execute.execute`` sends it.
Builders refuse bad input with ``ValidationError`` (e.g. a count out of range, a service under
the CODE_DEPLOY or EXTERNAL deployment controller) before any request is built.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws import taskdef
from aws.ecs import list_task_definition_revisions
from aws.models import ContainerInstance, Service, Task, TaskDefinition, arn_tail
from aws.plan import (
    ABSOLUTE_MAX_COUNT,
    ApiCall,
    Plan,
    ValidationError,
    family_revision,
    td_label,
)
from aws.words import plural

if TYPE_CHECKING:
    from aws.session import Clients

DEFAULT_STOP_REASON = "Stopped by ecsdeck"
MAX_REASON = 255

_EPOCH = datetime.min.replace(tzinfo=UTC)


def _refuse_controller(service: Service, what: str) -> None:
    controller = service.deployment_controller
    if controller in ("CODE_DEPLOY", "EXTERNAL"):
        how = (
            "start a CodeDeploy deployment instead"
            if controller == "CODE_DEPLOY"
            else "use its task sets instead"
        )
        raise ValidationError(
            f"{service.name} uses the {controller} deployment controller: "
            f"ECS cannot {what} it; {how}."
        )


def _update(service: Service, **params: Any) -> ApiCall:
    return ApiCall(
        "ecs",
        "UpdateService",
        {"cluster": arn_tail(service.cluster_arn), "service": service.name, **params},
    )


def _still(service: Service) -> str:
    return f"The service still runs {td_label(service.task_definition)} on {service.compute}."


def plan_scale(service: Service, desired: int) -> Plan:
    """UpdateService desiredCount; summary ``name: 3 -> 5``."""
    if isinstance(desired, bool) or not isinstance(desired, int) or desired < 0:
        raise ValidationError(f"desired count must be a whole number >= 0 (got {desired!r})")
    if desired > ABSOLUTE_MAX_COUNT:
        raise ValidationError(f"{desired} is too large: at most {ABSOLUTE_MAX_COUNT}.")
    notes: list[str] = []
    if desired == service.desired:
        notes.append(f"{service.name} already wants {desired}: nothing would change.")
    if desired == 0:
        notes.append("0 stops every task of the service.")
    return Plan(
        title="Scale service",
        cluster=arn_tail(service.cluster_arn),
        service=service.name,
        calls=(_update(service, desiredCount=desired),),
        summary=f"{service.name}: {service.desired} -> {desired}",
        notes=tuple(notes),
        if_failed=f"{service.name} still wants {plural(service.desired, 'task')}.",
    )


def plan_deploy(service: Service, task_definition_arn: str) -> Plan:
    """UpdateService taskDefinition (a rolling deployment of that revision)."""
    _refuse_controller(service, "deploy a new revision through UpdateService for")
    if not task_definition_arn:
        raise ValidationError("Pick a task definition revision to deploy.")
    notes = []
    if task_definition_arn == service.task_definition:
        notes.append("This is the revision the service runs now: it starts a new deployment.")
    return Plan(
        title="Deploy revision",
        cluster=arn_tail(service.cluster_arn),
        service=service.name,
        calls=(_update(service, taskDefinition=task_definition_arn),),
        summary=f"{service.name}: {td_label(service.task_definition)} -> "
        f"{td_label(task_definition_arn)}",
        notes=tuple(notes),
        if_failed=_still(service),
    )


def plan_force_deployment(service: Service) -> Plan:
    """UpdateService forceNewDeployment: replace every task with the same revision."""
    _refuse_controller(service, "force a new deployment of")
    return Plan(
        title="Force new deployment",
        cluster=arn_tail(service.cluster_arn),
        service=service.name,
        calls=(_update(service, forceNewDeployment=True),),
        summary=f"{service.name}: replace all tasks ({td_label(service.task_definition)})",
        if_failed=_still(service),
    )


#: Plan notes naming the rule ``plan_rollback`` used to pick the revision.
ROLLBACK_FROM_DEPLOYMENT = "Previous deployment: the revision the service ran before this one."
ROLLBACK_FROM_LOWER_REVISION = (
    "Next lower revision: ECS keeps no history of completed deployments, so this is the highest "
    "ACTIVE revision below the current one, which may never have run."
)


def previous_deployment(service: Service) -> str | None:
    """The task definition of the newest non-PRIMARY (ACTIVE/INACTIVE) deployment that differs.

    ECS lists the deployments of a rollout in progress (and, briefly, the ones it replaced);
    once a deployment completes only the PRIMARY remains, and this returns None.
    """
    current = service.task_definition
    older = [
        d
        for d in service.deployments
        if d.status in ("ACTIVE", "INACTIVE") and d.task_definition and d.task_definition != current
    ]
    if not older:
        return None
    # Newest first (ECS lists them newest first too; the sort is stable for equal times).
    older.sort(key=lambda d: d.created_at or _EPOCH, reverse=True)
    return older[0].task_definition


async def previous_revision(c: Clients, task_definition: str) -> str | None:
    """The highest ACTIVE revision of the same family below this one (ListTaskDefinitions, paged)."""
    family, current = family_revision(task_definition)
    if current is None:
        return None
    for arn in await list_task_definition_revisions(c, family):  # newest first, exact family
        _fam, rev = family_revision(arn)
        if rev is not None and rev < current:
            return arn
    return None


async def plan_rollback(c: Clients, service: Service) -> Plan:
    """Deploy the revision to go back to (ValidationError if there is none).

    (a) a rollout in progress (or just replaced) lists older deployments: the newest
    non-PRIMARY one whose task definition differs from the current one; else (b) the highest
    ACTIVE revision of the family below the current one. The notes say which rule picked it.
    """
    if not service.task_definition:
        raise ValidationError(f"{service.name} has no task definition to roll back from.")
    _refuse_controller(service, "roll back through UpdateService")
    previous = previous_deployment(service)
    rule = ROLLBACK_FROM_DEPLOYMENT
    if previous is None:
        previous = await previous_revision(c, service.task_definition)
        rule = ROLLBACK_FROM_LOWER_REVISION
    if previous is None:
        raise ValidationError(
            f"No earlier ACTIVE revision of {td_label(service.task_definition)} to roll back to."
        )
    plan = plan_deploy(service, previous)
    return replace(plan, title="Roll back", notes=(*plan.notes, rule))


def plan_stop_task(
    task: Task, reason: str = DEFAULT_STOP_REASON, *, service_running: int | None = None
) -> Plan:
    """StopTask with a reason (blank -> the default; at most 255 characters).

    ``service_running`` is the running count of the task's service, when the caller knows it:
    stopping the last running task (running <= 1) is called out, since the service then has none
    until the scheduler starts a replacement.
    """
    reason = (reason or "").strip() or DEFAULT_STOP_REASON
    if len(reason) > MAX_REASON:
        raise ValidationError(f"The reason is {len(reason)} characters; at most {MAX_REASON}.")
    notes = []
    if (
        task.service_name
        and service_running is not None
        and service_running <= 1
        and task.last_status == "RUNNING"
    ):
        n = max(service_running, 0)
        notes.append(
            f"{task.service_name} has {plural(n, 'running task')}: it will have "
            "none until the scheduler starts a replacement."
        )
    if task.service_name:
        notes.append(f"Service {task.service_name} will start a replacement task.")
    return Plan(
        title="Stop task",
        cluster=arn_tail(task.cluster_arn),
        service=task.service_name,
        calls=(
            ApiCall(
                "ecs",
                "StopTask",
                {"cluster": arn_tail(task.cluster_arn), "task": task.arn, "reason": reason},
            ),
        ),
        summary=f"stop task {task.id} ({td_label(task.task_definition)}): {reason}",
        notes=tuple(notes),
        if_failed="The task was not stopped.",
    )


#: The two states UpdateContainerInstancesState accepts.
INSTANCE_STATES = ("ACTIVE", "DRAINING")


def plan_instance_state(cluster: str, instance: ContainerInstance, status: str) -> Plan:
    """UpdateContainerInstancesState: DRAINING (ECS places nothing new on the instance and
    replaces its service tasks elsewhere, within each service's deployment configuration;
    tasks started on their own keep running) or back to ACTIVE."""
    if status not in INSTANCE_STATES:
        raise ValidationError(f"A container instance can be set ACTIVE or DRAINING, not {status}.")
    name = instance.ec2_instance_id or instance.id
    notes: list[str] = []
    if instance.status == status:
        notes.append(f"{name} is already {status}: nothing would change.")
    if status == "DRAINING":
        running = instance.running_tasks or 0
        notes.append(
            f"ECS places no new task on {name}; its service tasks ({running} running on it now) "
            "are stopped and replaced on other instances as each service's minimum healthy "
            "percent allows. Tasks not started by a service keep running."
        )
    elif instance.status == "DRAINING":
        notes.append(
            f"ECS can place tasks on {name} again; tasks moved off it stay where they are."
        )
    verb = "Drain" if status == "DRAINING" else "Activate"
    return Plan(
        title=f"{verb} container instance",
        cluster=arn_tail(cluster),
        service=None,
        calls=(
            ApiCall(
                "ecs",
                "UpdateContainerInstancesState",
                {
                    "cluster": arn_tail(cluster),
                    "containerInstances": [instance.arn],
                    "status": status,
                },
            ),
        ),
        summary=f"{name} ({instance.id}): {instance.status or '?'} -> {status}",
        notes=tuple(notes),
        if_failed=f"{name} is still {instance.status or 'as it was'}.",
    )


def plan_register(current: TaskDefinition, new_body: dict[str, Any]) -> Plan:
    """RegisterTaskDefinition of ``new_body`` (validated, then stripped), with a diff.

    After ``execute``, ``Outcome.registered_arn`` holds the new revision's ARN.
    """
    problems = taskdef.validate(new_body)
    if problems:
        raise ValidationError(
            f"The task definition has {plural(len(problems), 'problem')}: {problems[0]}", problems
        )
    body = taskdef.strip_for_register(new_body)
    text = taskdef.diff(dict(current.raw), body)
    notes: list[str] = []
    if not text:
        notes.append(
            f"No changes from {current.family}:{current.revision}: the new revision "
            "would be identical."
        )
    if body.get("family") != current.family:
        notes.append(f"The family changes from {current.family} to {body.get('family')}.")
    changed = [
        f"{name}: {image}"
        for name, image in _images(body).items()
        if current.container_images.get(name) != image
    ]
    summary = f"{body.get('family')}: register a new revision after {current.revision}"
    if changed:
        summary += " (" + ", ".join(changed) + ")"
    return Plan(
        title="Register revision",
        cluster="",
        service=None,
        calls=(ApiCall("ecs", "RegisterTaskDefinition", body),),
        summary=summary,
        notes=tuple(notes),
        diff=text,
        if_failed="No revision was registered.",
    )


def _images(body: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in body.get("containerDefinitions") or []:
        if isinstance(c, dict):
            out[str(c.get("name"))] = str(c.get("image"))
    return out
