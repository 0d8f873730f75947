"""The service and task flows: scale, deploy, roll back, force a deployment, stop a task, and
switch the launch type (its checks and plan are aws/launch_type/switch.py's)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from aws import actions as aws_actions
from aws.plan import ActionError, td_label
from tui.flow import (
    app_of,
    confirm_and_execute,
    launch,
    service_key,
    service_target,
    with_diff,
)
from tui.where import where_of

if TYPE_CHECKING:
    from aws.models import Service, Task
    from tui.action_pane import ActionPane


def scale(screen: ActionPane, service: Service) -> None:
    from tui.costs import read_cost
    from tui.scale_checks import known_scaling, read_for_scale, scale_warnings
    from tui.screens.dialogs.scale import ScaleScreen

    async def flow() -> None:
        app = app_of(screen)
        known = known_scaling(screen, service)
        load = None if known else (lambda: read_for_scale(screen.clients, service))
        dialog = ScaleScreen(
            service,
            app.settings.max_desired,
            known,
            load,
            load_cost=lambda: read_cost(screen.clients, service),
        )
        count = await app.push_screen_wait(dialog)
        if count is None:
            return
        plan = aws_actions.plan_scale(service, count)
        # The first step's Auto Scaling warning goes on to the confirmation (read now if the
        # dialog was left before its read came back).
        scaling = dialog.scaling if dialog.scaling is not None or load is None else await load()
        warnings = tuple(scale_warnings(scaling, count))
        plan = replace(plan, notes=(*warnings, *plan.notes))
        same = f"{service.name} already wants {count}." if count == service.desired else None
        await confirm_and_execute(screen, plan, unchanged=same)

    launch(screen, service_key(service), "Scale", flow, service_target(service))


def deploy(screen: ActionPane, service: Service) -> None:
    from aws import ecs
    from aws.plan import family_revision
    from tui.screens.dialogs.deploy import DeployScreen

    async def flow() -> None:
        app = app_of(screen)
        if not service.task_definition:
            raise ActionError(f"{service.name} has no task definition.")
        family, _ = family_revision(service.task_definition)
        revisions = await ecs.list_task_definition_revisions(screen.clients, family)
        arn = await app.push_screen_wait(DeployScreen(service, revisions, screen.clients))
        if not arn:
            return
        plan = aws_actions.plan_deploy(service, arn)
        plan = await with_diff(screen, plan, service.task_definition, arn)
        await confirm_and_execute(screen, plan, unchanged=already_runs(service, arn))

    launch(screen, service_key(service), "Deploy", flow, service_target(service))


def already_runs(service: Service, task_definition: str) -> str | None:
    """Why deploying ``task_definition`` changes nothing (UpdateService with the revision the
    service runs starts no deployment), or None."""
    if task_definition != service.task_definition:
        return None
    return f"{service.name} already runs {td_label(task_definition)}: nothing would change."


def rollback(screen: ActionPane, service: Service) -> None:
    async def flow() -> None:
        plan = await aws_actions.plan_rollback(screen.clients, service)
        target = plan.calls[0].params["taskDefinition"]
        plan = await with_diff(screen, plan, service.task_definition, target)
        await confirm_and_execute(screen, plan)

    launch(screen, service_key(service), "Roll back", flow, service_target(service))


def force_deployment(screen: ActionPane, service: Service) -> None:
    async def flow() -> None:
        await confirm_and_execute(screen, aws_actions.plan_force_deployment(service))

    launch(screen, service_key(service), "Force new deployment", flow, service_target(service))


def _service_running(screen: ActionPane, task: Task) -> int | None:
    """The running count of the task's service, when the pane shows that service (else None).

    The lower of the service's count and the RUNNING tasks listed, so stopping the last one
    is noticed even when one of the two is a poll behind.
    """
    service: Service | None = getattr(screen, "service", None)
    if (
        service is None
        or not task.service_name
        or service.name != task.service_name
        or service.cluster_arn != task.cluster_arn
    ):
        return None
    counts = [service.running]
    tasks = getattr(screen, "tasks", None)
    if isinstance(tasks, dict) and tasks:
        counts.append(sum(1 for t in tasks.values() if t.last_status == "RUNNING"))
    return min(counts)


def stop_task(screen: ActionPane, task: Task) -> None:
    from tui.screens.dialogs.stop_task import StopTaskScreen

    async def flow() -> None:
        reason = await app_of(screen).push_screen_wait(StopTaskScreen(task))
        if reason is None:
            return
        plan = aws_actions.plan_stop_task(
            task, reason, service_running=_service_running(screen, task)
        )
        await confirm_and_execute(screen, plan, subject=f"task {task.id}")

    key = f"{task.cluster_arn}/{task.service_name}" if task.service_name else task.arn
    cluster = task.cluster_arn.rsplit("/", 1)[-1]
    launch(screen, key, "Stop task", flow, (cluster, task.service_name, {"task": task.arn}))


def _fargate(service: Service) -> bool:
    return "FARGATE" in service.compute


def switch_launch_type(screen: ActionPane, service: Service) -> None:
    from aws.launch_type.switch import plan_switch
    from tui.screens.dialogs.switch import SwitchScreen

    async def flow() -> None:
        app = app_of(screen)
        to = "EC2" if _fargate(service) else "FARGATE"
        sp = await plan_switch(screen.clients, service, to=to)
        choice = await app.push_screen_wait(
            SwitchScreen(sp, to_ec2=to == "EC2", where=where_of(screen))
        )
        if choice is None or sp.blocked:
            return
        subnets, groups = choice
        if to != "EC2" and (tuple(subnets), tuple(groups)) != (sp.subnets, sp.security_groups):
            if not subnets:
                raise ActionError("Pick at least one subnet for the Fargate tasks.")
            sp = await plan_switch(
                screen.clients, service, to=to, subnets=subnets, security_groups=groups
            )
            if sp.blocked:
                raise ActionError(sp.blocked)
        await confirm_and_execute(screen, sp.plan)

    launch(screen, service_key(service), "Switch launch type", flow, service_target(service))
