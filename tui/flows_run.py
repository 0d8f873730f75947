"""The run flows: a one-off task like a service (``R`` on the service pane), of a revision
(``:run FAMILY[:REV]``), or now with a schedule's parameters (``R`` on the schedules pane).

Each is ask (the dialog) -> confirm (the plan: the exact RunTask, its CLI line) -> execute (one
executor, audited) -> follow: the tasks started open in a pane that follows them to STOPPED with
their logs; RunTask's ``failures`` are said as such, in words.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from aws.ecs import describe_tasks
from aws.execute import Outcome
from aws.plan import ActionError, Plan
from aws.run_task import (
    RunSpec,
    plan_run_task,
    resolve_task_definition,
    run_result,
    spec_from_service,
    started_by,
)
from tui.flow import app_of, confirm_and_execute, launch
from tui.text import clean

if TYPE_CHECKING:
    from aws.models import Service, TaskDefinition
    from aws.schedules import ScheduledTask
    from tui.action_pane import ActionPane


def _containers(td: TaskDefinition) -> list[str]:
    defs = td.raw.get("containerDefinitions")
    return (
        [str(c.get("name")) for c in defs if isinstance(c, dict)] if isinstance(defs, list) else []
    )


def spec_for_revision(td: TaskDefinition, cluster: str, service: Service | None) -> RunSpec:
    """``:run FAMILY[:REV]``: like the service on screen when it runs that family, else the
    revision's own compatibility (Fargate when it requires it) and no network."""
    if service is not None and (service.task_definition or "").split("/")[-1].startswith(
        f"{td.family}:"
    ):
        return spec_from_service(service, td.arn)
    fargate = "FARGATE" in td.requires_compatibilities
    notes: tuple[str, ...] = ()
    if td.network_mode == "awsvpc":
        notes = ("awsvpc: no network configuration is known; run it from a service pane (R).",)
    return RunSpec(
        cluster=cluster,
        task_definition=td.arn,
        launch_type="FARGATE" if fargate else "EC2",
        notes=notes,
    )


async def _ask_and_run(screen: ActionPane, spec: RunSpec) -> None:
    from tui.screens.dialogs.run_task import RunTaskScreen

    app = app_of(screen)
    td = await resolve_task_definition(screen.clients, spec.task_definition)
    spec = replace(spec, started_by=started_by(screen.clients.caller_arn))
    chosen = await app.push_screen_wait(RunTaskScreen(spec, _containers(td)))
    if chosen is None:
        return
    await confirm_and_follow(screen, plan_run_task(chosen), spec.cluster)


async def confirm_and_follow(screen: ActionPane, plan: Plan, cluster: str) -> None:
    """Confirm and send a RunTask plan, then follow what it started (and say what it did not)."""
    outcome = await confirm_and_execute(screen, plan, subject=f"cluster {cluster}")
    if outcome is None:
        return
    response = outcome.results[0] if outcome.results else outcome.failed_response
    if response is None:
        return  # refused or failed outright: confirm_and_execute said why
    arns, failures = run_result(response)
    if failures:
        app_of(screen).notify(
            clean("RunTask could not start: " + "; ".join(failures), 1000),
            title="Run task",
            severity="error",
            timeout=20,
            markup=False,
        )
    await follow(screen, outcome, cluster, arns, failures)


async def follow(
    screen: ActionPane, outcome: Outcome, cluster: str, arns: list[str], failures: list[str]
) -> None:
    app = app_of(screen)
    if not arns:
        return
    tasks = await describe_tasks(screen.clients, cluster, arns)
    if tasks:  # in the pane's account-region: the follower reads the tasks there
        app.open("run_follow", aws=screen.aws_context, tasks=tasks, failures=failures)


def run_like_service(screen: ActionPane, service: Service) -> None:
    async def flow() -> None:
        await _ask_and_run(screen, spec_from_service(service))

    cluster = service.cluster_arn.rsplit("/", 1)[-1]
    key = f"run:{service.cluster_arn}/{service.name}"
    launch(screen, key, "Run task", flow, (cluster, service.name, {}))


def run_revision(screen: ActionPane, name: str, cluster: str, service: Service | None) -> None:
    async def flow() -> None:
        td = await resolve_task_definition(screen.clients, name)
        await _ask_and_run(screen, spec_for_revision(td, cluster, service))

    launch(screen, f"run:{cluster}/{name}", "Run task", flow, (cluster, None, {"family": name}))


def run_schedule_now(screen: ActionPane, scheduled: ScheduledTask) -> None:
    from aws.schedules import plan_run_now

    async def flow() -> None:
        if not scheduled.task_definition:
            raise ActionError(f"{scheduled.name} names no task definition.")
        plan = plan_run_now(scheduled, started_by(screen.clients.caller_arn))
        await confirm_and_follow(screen, plan, scheduled.cluster)

    target = (scheduled.cluster, None, {"schedule": scheduled.name})
    launch(screen, f"schedule:{scheduled.key}", "Run now", flow, target)


def set_schedule_state(screen: ActionPane, scheduled: ScheduledTask) -> None:
    from aws.schedules import plan_set_state

    enable = not scheduled.enabled
    what = "Enable" if enable else "Disable"

    async def flow() -> None:
        await confirm_and_execute(
            screen, plan_set_state(scheduled, enable), subject=f"{scheduled.kind} {scheduled.name}"
        )

    target = (scheduled.cluster, None, {"schedule": scheduled.name})
    launch(screen, f"schedule:{scheduled.key}", f"{what} schedule", flow, target)
