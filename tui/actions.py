"""What the action keys do: ask (a dialog), confirm (the plan), execute (a worker), report.

Every action is a *flow*: an async function run in one app worker, so it can wait for dialogs
(``push_screen_wait``) and for AWS. ``launch`` refuses up front in read-only mode (and says why)
and holds a per-service guard from the key press until the flow ends, so a double key press
never opens a second dialog or sends twice. aws/ refuses read-only and concurrent mutations too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding

from aws import actions as aws_actions
from aws.audit import AuditLog
from aws.errors import explain
from aws.execute import Outcome, execute
from aws.plan import ActionError, Plan, ValidationError
from tui.pending import GAVE_UP
from tui.text import clean

if TYPE_CHECKING:
    from pathlib import Path

    from aws.models import Image, Service, Task, TaskDefinition
    from tui.app import EcsDeckApp
    from tui.screens.base import PollingScreen
    from tui.screens.dialogs.register import ContainerImages

READ_ONLY = "read-only mode: ecsdeck sends no changes (started with --read-only or the setting)."

Flow = Callable[[], Awaitable[None]]


def _busy(app: Any) -> set[str]:
    """Keys of the services with a dialog open or a mutation in flight (kept on the app)."""
    busy: set[str] | None = getattr(app, "_ecsdeck_busy", None)
    if busy is None:
        busy = set()
        app._ecsdeck_busy = busy
    return busy


def service_key(service: Service) -> str:
    return f"{service.cluster_arn}/{service.name}"


def in_flight(app: Any, key: str) -> bool:
    return key in _busy(app)


def _refuse_read_only(app: EcsDeckApp, what: str, target: Target) -> None:
    """Say so, and write the ``refused`` line the README promises to the audit log."""
    from aws.execute import record_refusal

    cluster, service, params = target
    warning = record_refusal(
        app.clients, AuditLog(), action=what, cluster=cluster, service=service, params=params
    )
    message = f"{READ_ONLY} {what} is not available."
    app.notify(" ".join(filter(None, [message, warning])), severity="warning", markup=False)


#: (cluster name, service name, parameters) an action is about, for its audit line.
Target = tuple[str | None, str | None, dict[str, Any]]


def _service_target(service: Service) -> Target:
    return service.cluster_arn.rsplit("/", 1)[-1], service.name, {}


def launch(
    screen: PollingScreen, key: str, what: str, flow: Flow, target: Target | None = None
) -> bool:
    """Run ``flow`` in a worker unless read-only or ``key`` is busy; False when refused.

    ``target`` names what the action is about in the audit log's ``refused`` line.
    """
    app = screen.deck
    if app.settings.read_only:
        _refuse_read_only(app, what, target or (None, None, {}))
        return False
    busy = _busy(app)
    if key in busy:
        app.notify(
            f"{what}: a change to this {'service' if target and target[1] else 'resource'} "
            "is already open or in progress.",
            severity="warning",
            markup=False,
        )
        return False
    busy.add(key)

    async def guarded() -> None:
        try:
            await flow()
        except ActionError as exc:
            app.notify(clean(exc.message, 600), title=what, severity="error", markup=False)
        except Exception as exc:
            app.notify(clean(explain(exc), 600), title=what, severity="error", markup=False)
        finally:
            busy.discard(key)

    app.run_worker(guarded(), group="actions", exit_on_error=False, name=what)
    return True


async def confirm_and_execute(screen: PollingScreen, plan: Plan) -> Outcome | None:
    """Confirmation (Cancel focused) -> execute with the audit log -> notify -> refresh.

    The execution is a pending change (tui/pending.py) the user can give up on; then None."""
    from tui.screens.dialogs.confirm import ConfirmScreen

    app = screen.deck
    title = clean(plan.title, 100)  # titles may carry AWS names
    if not await app.push_screen_wait(ConfirmScreen(plan)):
        app.notify("Cancelled: nothing was sent.", title=title, markup=False)
        return None
    what = f"{plan.title} {plan.summary}"
    outcome = await app.pending.run(what, execute(app.clients, plan, audit=AuditLog()))
    if outcome is None:  # given up on while AWS did not answer
        app.notify(
            clean(GAVE_UP.format(what=what), 600),
            title=title,
            severity="warning",
            timeout=20,
            markup=False,
        )
        if app.screen is screen:
            screen.action_refresh_now()
        return None
    # A service update starts a rollout (or a scale): the panes follow it to its end.
    app.follows.start_from_outcome(plan.title, outcome.done, outcome.results)
    app.notify(
        clean(outcome.report(), 1000),
        title=title,
        severity="information" if outcome.ok else "error",
        timeout=8 if outcome.ok else 20,
        markup=False,
    )
    if app.screen is screen:  # the user may have moved on: refresh only the pane on top
        screen.action_refresh_now()
    return outcome


def _app(screen: PollingScreen) -> EcsDeckApp:
    return screen.deck


# --- the actions ----------------------------------------------------------------------------


def scale(screen: PollingScreen, service: Service) -> None:
    from tui.screens.autoscaling import known_scaling, read_for_scale
    from tui.screens.dialogs.scale import ScaleScreen

    async def flow() -> None:
        app = _app(screen)
        known = known_scaling(screen, service)
        load = None if known else (lambda: read_for_scale(app.clients, service))
        dialog = ScaleScreen(service, app.settings.max_desired, known, load)
        count = await app.push_screen_wait(dialog)
        if count is None:
            return
        await confirm_and_execute(screen, aws_actions.plan_scale(service, count))

    launch(screen, service_key(service), "Scale", flow, _service_target(service))


async def _with_diff(screen: PollingScreen, plan: Plan, old: str | None, new: str) -> Plan:
    """Add the task-definition diff between two revisions to a deploy plan (best effort)."""
    from aws import ecs, taskdef

    if not old or old == new:
        return plan
    app = _app(screen)
    try:
        a = await ecs.read_task_definition(app.clients, old)
        b = await ecs.read_task_definition(app.clients, new)
    except Exception as exc:
        # Not fatal (the calls are still shown), but the user must know the diff is missing.
        why = f"The task-definition diff could not be read ({explain(exc)})"
        app.notify(
            clean(f"{why}; the confirmation shows the API calls without it.", 600),
            title=clean(plan.title, 100),
            severity="warning",
            timeout=15,
            markup=False,
        )
        return replace(plan, notes=(*plan.notes, clean(f"{why}.", 500)))
    return replace(plan, diff=taskdef.diff(dict(a.raw), dict(b.raw)) or None)


def deploy(screen: PollingScreen, service: Service) -> None:
    from aws import ecs
    from aws.plan import family_revision
    from tui.screens.dialogs.deploy import DeployScreen

    async def flow() -> None:
        app = _app(screen)
        if not service.task_definition:
            raise ActionError(f"{service.name} has no task definition.")
        family, _ = family_revision(service.task_definition)
        revisions = await ecs.list_task_definition_revisions(app.clients, family)
        arn = await app.push_screen_wait(DeployScreen(service, revisions))
        if not arn:
            return
        plan = aws_actions.plan_deploy(service, arn)
        plan = await _with_diff(screen, plan, service.task_definition, arn)
        await confirm_and_execute(screen, plan)

    launch(screen, service_key(service), "Deploy", flow, _service_target(service))


def rollback(screen: PollingScreen, service: Service) -> None:
    async def flow() -> None:
        plan = await aws_actions.plan_rollback(_app(screen).clients, service)
        target = plan.calls[0].params["taskDefinition"]
        plan = await _with_diff(screen, plan, service.task_definition, target)
        await confirm_and_execute(screen, plan)

    launch(screen, service_key(service), "Roll back", flow, _service_target(service))


def force_deployment(screen: PollingScreen, service: Service) -> None:
    async def flow() -> None:
        await confirm_and_execute(screen, aws_actions.plan_force_deployment(service))

    launch(screen, service_key(service), "Force new deployment", flow, _service_target(service))


def _service_running(screen: PollingScreen, task: Task) -> int | None:
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


def stop_task(screen: PollingScreen, task: Task) -> None:
    from tui.screens.dialogs.stop_task import StopTaskScreen

    async def flow() -> None:
        reason = await _app(screen).push_screen_wait(StopTaskScreen(task))
        if reason is None:
            return
        plan = aws_actions.plan_stop_task(
            task, reason, service_running=_service_running(screen, task)
        )
        await confirm_and_execute(screen, plan)

    key = f"{task.cluster_arn}/{task.service_name}" if task.service_name else task.arn
    cluster = task.cluster_arn.rsplit("/", 1)[-1]
    launch(screen, key, "Stop task", flow, (cluster, task.service_name, {"task": task.arn}))


# --- key bindings, and the mixins that give a screen its action_* methods -------------------

# Footer labels are one short word so every action key fits a 120-column footer (with Help,
# Quit, Refresh, Filter, Back and the palette); the tooltip is the full text `?` shows.
SERVICE_BINDINGS = [
    Binding("s", "scale", "Scale", tooltip="Scale: set the desired task count", id="scale"),
    Binding(
        "d", "deploy", "Deploy", tooltip="Deploy a revision of the task definition", id="deploy"
    ),
    Binding(
        "b", "rollback", "Rollback", tooltip="Roll back to the previous revision", id="rollback"
    ),
    Binding(
        "f", "force_deployment", "Force", tooltip="Force a new deployment", id="force_deployment"
    ),
    Binding(
        "i",
        "new_image",
        "Image",
        tooltip="Register a revision with a new ECR image",
        id="new_image",
    ),
    Binding(
        "e", "edit_taskdef", "JSON", tooltip="Edit the task definition as JSON", id="edit_taskdef"
    ),
    Binding(
        "l",
        "switch_launch_type",
        "Launch",
        tooltip="Switch EC2 <-> Fargate",
        id="switch_launch_type",
    ),
]
TASK_BINDINGS = [
    Binding(
        "x", "stop_task", "Stop", tooltip="Stop the selected task, with a reason", id="stop_task"
    ),
    # Not in the footer (no room at 120 columns); `?` lists it.
    Binding(
        "E",
        "exec",
        "Exec",
        tooltip="ECS Exec: a shell in a container of the task (checks first)",
        show=False,
        id="exec",
    ),
]


class ServiceActions:
    """Mixin for a screen showing services: ``selected_service()`` says which one."""

    def selected_service(self) -> Service | None:
        raise NotImplementedError

    def _service_or_say(self) -> Service | None:
        service = self.selected_service()
        if service is None:
            cast("PollingScreen", self).notify("Select a service first.", severity="warning")
        return service

    def _run(self, fn: Callable[[PollingScreen, Service], None]) -> None:
        if (service := self._service_or_say()) is not None:
            fn(cast("PollingScreen", self), service)

    def action_scale(self) -> None:
        self._run(scale)

    def action_deploy(self) -> None:
        self._run(deploy)

    def action_rollback(self) -> None:
        self._run(rollback)

    def action_force_deployment(self) -> None:
        self._run(force_deployment)

    def action_new_image(self) -> None:
        self._run(new_image)

    def action_edit_taskdef(self) -> None:
        self._run(edit_taskdef)

    def action_switch_launch_type(self) -> None:
        self._run(switch_launch_type)


class TaskActions:
    """Mixin for a screen showing tasks: ``selected_task()`` says which one."""

    def selected_task(self) -> Task | None:
        raise NotImplementedError

    def action_stop_task(self) -> None:
        screen = cast("PollingScreen", self)
        task = self.selected_task()
        if task is None:
            screen.notify("Select a task first.", severity="warning")
        elif task.last_status == "STOPPED":
            screen.notify("That task has already stopped.", severity="warning")
        else:
            stop_task(screen, task)

    def action_exec(self) -> None:
        from tui.flows_exec import start_exec

        screen = cast("PollingScreen", self)
        task = self.selected_task()
        if task is None:
            screen.notify("Select a task first.", severity="warning")
        else:
            start_exec(screen, task)


def _fargate(service: Service) -> bool:
    return "FARGATE" in service.compute


def switch_launch_type(screen: PollingScreen, service: Service) -> None:
    from aws.launch_type import plan_switch
    from tui.screens.dialogs.switch import SwitchScreen

    async def flow() -> None:
        app = _app(screen)
        to = "EC2" if _fargate(service) else "FARGATE"
        sp = await plan_switch(app.clients, service, to=to)
        choice = await app.push_screen_wait(SwitchScreen(sp, to_ec2=to == "EC2"))
        if choice is None or sp.blocked:
            return
        subnets, groups = choice
        if to != "EC2" and (tuple(subnets), tuple(groups)) != (sp.subnets, sp.security_groups):
            if not subnets:
                raise ActionError("Pick at least one subnet for the Fargate tasks.")
            sp = await plan_switch(
                app.clients, service, to=to, subnets=subnets, security_groups=groups
            )
            if sp.blocked:
                raise ActionError(sp.blocked)
        await confirm_and_execute(screen, sp.plan)

    launch(screen, service_key(service), "Switch launch type", flow, _service_target(service))


async def _register_then_offer_deploy(
    screen: PollingScreen, service: Service, plan: Plan
) -> Outcome | None:
    """Confirm and register, then offer to deploy the new revision. The registration's
    outcome, or None when its confirmation was cancelled (nothing sent)."""
    # The cluster and service name the audit line (the registration is for this service).
    cluster = service.cluster_arn.rsplit("/", 1)[-1]
    plan = replace(plan, cluster=cluster, service=service.name)
    outcome = await confirm_and_execute(screen, plan)
    if outcome is None or not outcome.ok or not outcome.registered_arn:
        return outcome
    deploy_plan = aws_actions.plan_deploy(service, outcome.registered_arn)
    deploy_plan = replace(
        deploy_plan,
        title=f"Deploy the new revision to {clean(service.name, 80)}",
        diff=plan.diff,
    )
    await confirm_and_execute(screen, deploy_plan)
    return outcome


def new_image(
    screen: PollingScreen, service: Service, chosen: tuple[str, Image] | None = None
) -> None:
    """Register a revision with a new ECR image for one container, then offer to deploy it.

    Without ``chosen`` the picker lists each container's repository, newest first. With
    ``chosen`` (repository URI, image: `R` on the ECR images pane) that image is the only choice:
    it goes to the container that uses its repository (the picker asks which one when several
    do, or when none does).
    """
    from aws import ecs, taskdef
    from tui.screens.dialogs.register import ImagePickerScreen, image_uri

    async def flow() -> None:
        app = _app(screen)
        if not service.task_definition:
            raise ActionError(f"{service.name} has no task definition.")
        td = await ecs.read_task_definition(app.clients, service.task_definition)
        containers = await _image_choices(screen, td, chosen)
        if chosen is not None and len(containers) == 1:
            name, _current, prefix, images = containers[0]
            picked: tuple[str, str] | None = (name, image_uri(prefix, images[0]))
        else:
            picked = await app.push_screen_wait(ImagePickerScreen(td.family, containers))
        if picked is None:
            return
        container, uri = picked
        plan = aws_actions.plan_register(td, taskdef.with_image(dict(td.raw), container, uri))
        await _register_then_offer_deploy(screen, service, plan)

    launch(screen, service_key(service), "New image", flow, _service_target(service))


async def _image_choices(
    screen: PollingScreen, td: TaskDefinition, chosen: tuple[str, Image] | None
) -> list[ContainerImages]:
    """The picker's containers: each with the images it can take (its repository's, newest
    first; or only ``chosen``, for the containers of that repository, else for every one)."""
    from aws import ecr

    containers: list[ContainerImages] = []
    for name, image in td.container_images.items():
        registry, repo, _ = ecr.parse_image_uri(image)
        prefix = f"{registry}/{repo}"
        if chosen is not None:
            if registry and repo and prefix == chosen[0]:
                containers.append((name, image, prefix, [chosen[1]]))
        elif registry and repo:
            images = await ecr.list_images(_app(screen).clients, repo)
            containers.append((name, image, prefix, images))
    if chosen is not None and not containers:  # the service does not use that repository yet
        containers = [(n, i, chosen[0], [chosen[1]]) for n, i in td.container_images.items()]
    if not containers:
        raise ActionError(f"No container of {td.family}:{td.revision} uses an ECR image.")
    return containers


def edit_taskdef(screen: PollingScreen, service: Service) -> None:
    """Edit the task definition as JSON (secrets masked), then register it, losing nothing.

    Esc in the editor asks first; a cancelled diff goes back to the editor with the edits; a
    failed check or a failed RegisterTaskDefinition reopens it with the problem and the text,
    which is also saved to a draft file under the state directory (its path is shown).
    """
    import os

    from aws import ecs
    from tui.screens.dialogs.register import EditorScreen

    async def flow() -> None:
        app = _app(screen)
        if not service.task_definition:
            raise ActionError(f"{service.name} has no task definition.")
        td = await ecs.read_task_definition(app.clients, service.task_definition)
        edit = _TaskDefEdit(td)
        text = edit.initial
        problems: list[str] = []
        plan: Plan | None = None
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        edited = _edit_outside(app, editor, text) if editor else None
        if edited is not None:
            text = edited
            try:
                plan = edit.check(text)
            except ActionError as exc:
                problems = exc.problems if isinstance(exc, ValidationError) else []
                problems = [*(problems or [exc.message]), edit.save(text)]
        title = f"{td.family}:{td.revision}"
        while True:
            if plan is None:
                result = await app.push_screen_wait(
                    EditorScreen(
                        title,
                        text,
                        edit.check,
                        problems,
                        original=edit.initial,
                        save=edit.save,
                        reveal=edit.reveal,
                    )
                )
                text = result.text
                if result.plan is None:
                    saved = edit.save(text) if text != edit.initial else ""
                    app.notify(clean(f"Cancelled: nothing was sent. {saved}", 600), markup=False)
                    return
                plan = result.plan
            outcome = await _register_then_offer_deploy(screen, service, plan)
            plan = None
            if outcome is None:  # the diff was cancelled: back to the editor with the edits
                problems = []
                app.notify("Back to the editor with your edits.", markup=False)
            elif not outcome.ok:
                saved = edit.save(text)
                problems = [f"RegisterTaskDefinition failed: {outcome.error or 'see above'}", saved]
                app.notify(clean(saved, 600), title="Your edits are kept", markup=False)
            else:
                return

    launch(screen, service_key(service), "Edit task definition", flow, _service_target(service))


class _TaskDefEdit:
    """One editing of a task definition: the masked text shown, the check that puts the real
    secret values back, the reveal toggle, and the draft file the text is saved to."""

    def __init__(self, td: TaskDefinition) -> None:
        import json

        from aws import secrets, taskdef

        self.td = td
        self.real = taskdef.strip_for_register(dict(td.raw))
        self.initial = json.dumps(secrets.mask(self.real), indent=2, default=str)
        self.draft: Path | None = None

    def _body(self, text: str) -> dict[str, Any]:
        from aws import secrets, taskdef

        body = secrets.unmask(taskdef.parse_json(text), self.real)
        return cast("dict[str, Any]", body)

    def check(self, text: str) -> Plan:
        from aws import secrets

        body = self._body(text)
        left = secrets.leftover(body)
        if left:
            problems = [
                f"{path} still holds {secrets.REDACTED}, and ecsdeck has no value to put back "
                "there: type the real value (Ctrl+R shows the ones it knows)"
                for path in left
            ]
            raise ValidationError(problems[0], problems)
        return aws_actions.plan_register(self.td, body)

    def reveal(self, text: str, show: bool) -> str:
        import json

        from aws import secrets

        try:
            body = self._body(text)
        except ValidationError as exc:
            raise ValueError(f"Fix the JSON first ({exc.problems[0]}).") from None
        return json.dumps(body if show else secrets.mask(body), indent=2, default=str)

    def save(self, text: str) -> str:
        """Save the text (secrets masked when it parses) as a draft: a line saying where."""
        import contextlib
        import json

        from aws import secrets, state

        with contextlib.suppress(ValidationError):  # not JSON: kept as typed
            text = json.dumps(secrets.mask(self._body(text)), indent=2, default=str)
        try:
            self.draft = state.save_draft(self.td.family, text, self.draft)
        except OSError as exc:
            return f"Your text could not be saved to a draft file ({exc})."
        return f"Your text is saved in {self.draft}"


def _edit_outside(app: EcsDeckApp, editor: str, text: str) -> str | None:
    """Run ``$VISUAL``/``$EDITOR`` on a temporary file with the app suspended: the edited text.

    None (and a notice) when the terminal cannot suspend or the editor cannot start: the
    in-app editor takes over.
    """
    import shlex
    import subprocess
    import tempfile
    from pathlib import Path

    from textual.app import SuspendNotSupported

    with tempfile.TemporaryDirectory(prefix="ecsdeck-") as tmp:
        path = Path(tmp) / "task-definition.json"
        path.write_text(text)
        try:
            with app.suspend():
                done = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except (SuspendNotSupported, OSError, ValueError) as exc:
            app.notify(
                clean(f"Could not run {editor!r} ({exc}): using the in-app editor.", 300),
                severity="warning",
                markup=False,
            )
            return None
        if done.returncode != 0:
            raise ActionError(f"The editor exited with {done.returncode}; nothing was sent.")
        return path.read_text()
