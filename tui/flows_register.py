"""Registering a task-definition revision: with a new image (``i``, or ``R`` on an ECR image) or
edited as JSON (``e``, in ``$VISUAL``/``$EDITOR`` or the built-in editor), validated, diffed,
confirmed, then offered for deployment. Edited text is never lost: Esc asks first, a failed
validation or registration reopens the editor with the error, and the text is saved under the
state dir; pressing ``e`` again offers that draft."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text

from aws import actions as aws_actions
from aws.execute import Outcome
from aws.plan import ActionError, Plan, ValidationError
from tui.flow import (
    app_of,
    confirm_and_execute,
    launch,
    service_key,
    service_target,
)
from tui.text import clean

if TYPE_CHECKING:
    from pathlib import Path

    from aws.ecr_models import Image
    from aws.models import Service, TaskDefinition
    from tui.action_pane import ActionPane
    from tui.deck import DeckApp
    from tui.dialog_parts import ContainerImages


async def register_then_offer_deploy(
    screen: ActionPane, service: Service, plan: Plan
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
    screen: ActionPane, service: Service, chosen: tuple[str, Image] | None = None
) -> None:
    """Register a revision with a new ECR image for one container, then offer to deploy it.

    Without ``chosen`` the picker lists each container's repository, newest first. With
    ``chosen`` (repository URI, image: `R` on the ECR images pane) that image is the only choice:
    it goes to the container that uses its repository (the picker asks which one when several
    do, or when none does).
    """
    from aws import ecs, taskdef
    from tui.dialog_parts import image_uri
    from tui.screens.dialogs.register import ImagePickerScreen

    async def flow() -> None:
        app = app_of(screen)
        if not service.task_definition:
            raise ActionError(f"{service.name} has no task definition.")
        td = await ecs.read_task_definition(screen.clients, service.task_definition)
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
        await register_then_offer_deploy(screen, service, plan)

    launch(screen, service_key(service), "New image", flow, service_target(service))


async def _image_choices(
    screen: ActionPane, td: TaskDefinition, chosen: tuple[str, Image] | None
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
            images = await ecr.list_images(screen.clients, repo)
            containers.append((name, image, prefix, images))
    if chosen is not None and not containers:  # the service does not use that repository yet
        containers = [(n, i, chosen[0], [chosen[1]]) for n, i in td.container_images.items()]
    if not containers:
        raise ActionError(f"No container of {td.family}:{td.revision} uses an ECR image.")
    return containers


def edit_taskdef(screen: ActionPane, service: Service) -> None:
    """Edit the task definition as JSON (secrets masked), then register it, losing nothing.

    Esc in the editor asks first; a cancelled diff goes back to the editor with the edits; a
    failed check or a failed RegisterTaskDefinition reopens it with the problem and the text,
    which is also saved to a draft file under the state directory (its path is shown).
    """
    from aws import ecs

    async def flow() -> None:
        app = app_of(screen)
        if not service.task_definition:
            raise ActionError(f"{service.name} has no task definition.")
        td = await ecs.read_task_definition(screen.clients, service.task_definition)
        edit = _TaskDefEdit(td)
        start = await _offer_draft(app, edit)
        if start is None:
            app.notify("Cancelled: nothing was sent.", markup=False)
            return
        text, plan, problems = _edit_in_external_editor(app, edit, start)
        await _edit_until_registered(screen, service, edit, text, plan, problems)

    launch(screen, service_key(service), "Edit task definition", flow, service_target(service))


def _edit_in_external_editor(
    app: DeckApp, edit: _TaskDefEdit, text: str
) -> tuple[str, Plan | None, list[str]]:
    """A first pass in ``$VISUAL``/``$EDITOR`` when one is set: the text, and its plan or the
    problems (with where the draft went) the built-in editor opens with."""
    import os

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    edited = _edit_outside(app, editor, text) if editor else None
    if edited is None:
        return text, None, []
    try:
        return edited, edit.check(edited), []
    except ActionError as exc:
        problems = exc.problems if isinstance(exc, ValidationError) else []
        return edited, None, [*(problems or [exc.message]), edit.save(edited)]


async def _edit_until_registered(
    screen: ActionPane,
    service: Service,
    edit: _TaskDefEdit,
    text: str,
    plan: Plan | None,
    problems: list[str],
) -> None:
    """Editor, diff, register, until the revision is registered or the editor is left: a
    cancelled diff or a failed registration goes back to the editor with the text."""
    app = app_of(screen)
    while True:
        if plan is None:
            text, plan = await _edit_in_app(app, edit, text, problems)
            if plan is None:
                return
        outcome = await register_then_offer_deploy(screen, service, plan)
        plan = None
        if outcome is None:  # the diff was cancelled: back to the editor with the edits
            problems = []
            app.notify("Back to the editor with your edits.", markup=False)
        elif not outcome.ok:
            saved = edit.save(text)
            problems = [f"RegisterTaskDefinition failed: {outcome.error or 'see above'}", saved]
            app.notify(clean(saved, 600), title="Your edits are kept", markup=False)
        else:
            edit.discard()  # registered: the draft is spent, not offered again
            return


async def _edit_in_app(
    app: DeckApp, edit: _TaskDefEdit, text: str, problems: list[str]
) -> tuple[str, Plan | None]:
    """The built-in editor on ``text``, showing ``problems``: the text and its checked plan, or
    no plan when it was left (changed text is then saved as a draft, and the notice says where)."""
    from tui.screens.dialogs.register import EditorScreen

    title = f"{edit.td.family}:{edit.td.revision}"
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
    if result.plan is None:
        saved = edit.save(result.text) if result.text != edit.initial else ""
        app.notify(clean(f"Cancelled: nothing was sent. {saved}", 600), markup=False)
    return result.text, result.plan


async def _offer_draft(app: DeckApp, edit: _TaskDefEdit) -> str | None:
    """The text to start from: a draft saved by an earlier edit of the family (kept when the
    editor was left, a check or the registration failed) is offered before the revision;
    None when the user picks neither (Esc)."""
    from aws import state
    from tui.screens.dialogs.picker import PickerScreen

    path = state.latest_draft(edit.td.family)
    try:
        text = path.read_text() if path is not None else None
    except OSError:
        text = None
    if path is None or text is None or text == edit.initial:
        return edit.initial
    draft = "Open your saved draft"
    fresh = f"Start from {edit.td.family}:{edit.td.revision} (the draft is kept)"
    choice = await app.push_screen_wait(
        PickerScreen(
            f"A draft of {edit.td.family} is saved",
            [draft, fresh],
            notes={draft: Text(f"  {clean(path.name, 80)}", style="dim")},
        )
    )
    if choice == draft:
        edit.draft = path  # saving again overwrites it rather than starting another file
        return text
    return edit.initial if choice == fresh else None


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

    def discard(self) -> None:
        """Remove this edit's draft file (once its text is registered)."""
        import contextlib

        if self.draft is not None:
            with contextlib.suppress(OSError):
                self.draft.unlink()
            self.draft = None

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


def _edit_outside(app: DeckApp, editor: str, text: str) -> str | None:
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
