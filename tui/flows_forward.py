"""Port forwarding from a task (key ``F``), and stopping the sessions (`:sessions`).

The flow: read the task afresh (``aws.port_forward.read_forward_target``: ECS Exec's reads and
the container ports) -> the dialog (ECS Exec's checks, host and ports, each checked) -> the plan
confirmation (ssm StartSession, with its ``aws ssm start-session`` line) -> ``aws.execute``
(audited; read-only mode refuses at the key press) -> ``session-manager-plugin`` started in the
background as the app's child (``app.forwards``), listed by `:sessions` and stopped at quit.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from rich.text import Text

from aws import port_forward
from aws.ecs_exec import runtime_id
from aws.exec_preflight import PLUGIN
from aws.models import arn_tail
from aws.plan import ActionError
from tui.flow import confirm_and_execute, launch, run_guarded
from tui.text import clean

if TYPE_CHECKING:
    from aws.forward_sessions import Forward
    from aws.models import Task
    from tui.action_pane import ActionPane
    from tui.deck import DeckApp

TITLE = "Port forward"


def start_forward(pane: ActionPane, task: Task) -> None:
    """Key ``F``: refused in read-only mode; one flow per task at a time."""
    target = (arn_tail(task.cluster_arn), task.service_name, {"task": task.arn})
    launch(pane, f"forward/{task.arn}", TITLE, lambda: _forward_flow(pane, task), target)


async def _forward_flow(pane: ActionPane, task: Task) -> None:
    from tui.screens.dialogs.port_forward import PortForwardScreen

    app = pane.deck
    target = await port_forward.read_forward_target(pane.clients, task)
    dialog = PortForwardScreen(target, shutil.which(PLUGIN), port_forward.free_port())
    choice = await app.push_screen_wait(dialog)
    if choice is None:
        return
    fresh = target.exec.task
    plan = port_forward.plan_port_forward(
        fresh,
        choice.container,
        runtime_id(fresh, choice.container),
        host=choice.host,
        remote_port=choice.remote_port,
        local_port=choice.local_port,
    )
    outcome = await confirm_and_execute(pane, plan, subject=f"task {fresh.id}")
    if outcome is None or not outcome.ok or not outcome.results:
        return
    plugin = shutil.which(PLUGIN)
    if plugin is None:
        raise ActionError(f"{PLUGIN} is no longer on PATH: the session ends by its idle timeout.")
    argv = port_forward.plugin_argv(
        plugin,
        outcome.results[0],
        outcome.done[0].params,
        region=pane.clients.region or "",
        profile=pane.clients.session.profile,
        endpoint_url=pane.clients.ssm.meta.endpoint_url,
    )
    try:
        forward = app.forwards.start(
            argv,
            task_id=fresh.id,
            container=choice.container,
            local_port=choice.local_port,
            host=choice.host,
            remote_port=choice.remote_port,
        )
    except OSError as exc:
        raise ActionError(f"{PLUGIN} could not be started ({exc}).") from None
    app.notify(
        clean(f"localhost:{forward.ports} through {choice.container}; :sessions lists it.", 300),
        title=TITLE,
        markup=False,
    )


def stop_session(app: DeckApp, forward: Forward) -> None:
    """Stop one forward's plugin once the user confirms."""
    run_guarded(app, f"forward-stop/{forward.id}", TITLE, lambda: _stop_forward(app, forward))


async def _stop_forward(app: DeckApp, forward: Forward) -> None:
    from tui.screens.dialogs.ask import AskScreen

    body = Text("Stop forwarding localhost:")
    body.append(clean(forward.ports, 200), style="bold")
    body.append(f" (task {clean(forward.task_id, 60)}, {clean(forward.container, 60)})?")
    body.append("\nThe local port closes; connections through it end.", style="dim")
    if not await app.push_screen_wait(AskScreen(TITLE, body, ok="Stop")):
        return
    app.forwards.stop(forward.id)
    app.notify(clean(f"Stopped localhost:{forward.ports}.", 300), title=TITLE, markup=False)
