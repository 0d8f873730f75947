"""ECS Exec from a task (key ``E``): preflight, then a shell in the container, then back.

The flow: describe the task afresh and read what the checks need (``aws.ecs_exec.read_target``)
-> the preflight dialog (each check ✓/✗ with its fix) -> Connect: ExecuteCommand through
``aws.execute`` (audited; refused in read-only mode) -> the app suspends and
``session-manager-plugin`` gets the terminal until the shell exits -> the same pane again, with a
notification when the plugin failed. "Enable on the service" goes through the usual
confirmation instead (UpdateService enableExecuteCommand + forceNewDeployment).

``hand_over`` is the one place the terminal changes hands, so tests can stand in a terminal that
suspends. A headless app (no terminal) is told so before any session is opened.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from aws import ecs_exec
from aws.audit import AuditLog
from aws.exec_preflight import PLUGIN
from aws.execute import execute
from aws.plan import ActionError
from tui.action_pane import on_top
from tui.flow import confirm_and_execute, in_flight, refuse_read_only, run_guarded
from tui.text import clean
from tui.where import where_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aws.models import Task
    from tui.action_pane import ActionPane
    from tui.deck import DeckApp

TITLE = "ECS Exec"


def can_hand_over(app: DeckApp) -> bool:
    """A terminal the plugin can have: not when the app runs headless (tests, no tty)."""
    return not app.is_headless


def hand_over(app: DeckApp, argv: Sequence[str]) -> int | None:
    """Suspend the app, run the plugin in the terminal until it exits: its exit status, or
    None when this terminal cannot be suspended (nothing was run)."""
    from textual.app import SuspendNotSupported

    try:
        with app.suspend():
            print("ecsdeck: ECS Exec session; exit the shell to come back.", flush=True)
            return ecs_exec.run_plugin(argv)
    except SuspendNotSupported:
        return None


def start_exec(pane: ActionPane, task: Task, container: str | None = None) -> None:
    """Key ``E``: one flow per task at a time (a second press while it is open is ignored)."""
    key = f"exec/{task.arn}"
    if not in_flight(pane.deck, key):
        run_guarded(pane.deck, key, TITLE, lambda: _flow(pane, task, container))


async def _flow(pane: ActionPane, task: Task, container: str | None) -> None:
    from tui.plan_text import cli_target
    from tui.screens.dialogs.exec_preflight import ExecPreflightScreen

    app = pane.deck
    target = await ecs_exec.read_target(pane.clients, task)
    service = target.service
    dialog = ExecPreflightScreen(
        target,
        shutil.which(PLUGIN),
        container=container,
        can_enable=service is not None and not service.enable_execute_command,
        cli=cli_target(where_of(pane)),
    )
    choice = await app.push_screen_wait(dialog)
    if choice is None:
        return
    cluster = target.task.cluster_arn.rsplit("/", 1)[-1]
    if choice.action == "enable" and service is not None:
        if app.settings.read_only:
            params = {"enableExecuteCommand": True}
            refuse_read_only(pane, "Enable ECS Exec", (cluster, service.name, params))
            return
        await confirm_and_execute(pane, ecs_exec.plan_enable_exec(service))
        return
    await connect(pane, target.task, choice.container, choice.command)


async def connect(pane: ActionPane, task: Task, container: str, command: str) -> None:
    """ExecuteCommand, then the plugin in the terminal; says how it ended."""
    app = pane.deck
    plan = ecs_exec.plan_execute_command(task, container, command)
    if app.settings.read_only:
        params = {"task": task.arn, "container": container, "command": command}
        refuse_read_only(pane, TITLE, (plan.cluster, plan.service, params))
        return
    plugin = shutil.which(PLUGIN)
    if plugin is None:
        raise ActionError(f"{PLUGIN} is no longer on PATH: nothing was sent.")
    if not can_hand_over(app):
        raise ActionError("No terminal to hand over (ecsdeck runs headless): nothing was sent.")
    target = ecs_exec.session_target(task, ecs_exec.runtime_id(task, container))
    outcome = await execute(pane.clients, plan, audit=AuditLog())
    if not outcome.ok or not outcome.results:
        raise ActionError(outcome.report())
    argv = ecs_exec.plugin_argv(
        plugin,
        outcome.results[0],
        target=target,
        region=pane.clients.region or "",
        profile=pane.clients.session.profile,
        endpoint_url=pane.clients.endpoint or "",
    )
    status = hand_over(app, argv)
    if status is None:
        raise ActionError(
            "This terminal cannot be handed over: the session was opened but not attached "
            "(it ends by itself after its idle timeout)."
        )
    if status:
        app.notify(
            clean(f"{PLUGIN} exited with status {status}: the session failed or was cut.", 300),
            title=TITLE,
            severity="error",
            timeout=20,
            markup=False,
        )
    else:
        app.notify(f"Session ended: back from {clean(container, 60)}.", title=TITLE, markup=False)
    if on_top(pane):
        pane.action_refresh_now()
