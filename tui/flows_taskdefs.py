"""What the revision-history keys do: diff two revisions, deploy one, deregister one.

Deploy and deregister are flows like those of ``tui/flows_service.py``: refused up front in read-only
mode (and audited), a Plan confirmed in the one confirmation dialog, executed with the audit
log, the pane refreshed after. Both bodies are read through the immutable task-definition
cache, so a diff costs at most two DescribeTaskDefinition, and none the second time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws import actions as aws_actions
from aws import ecs, taskdef, taskdef_history
from aws.errors import explain
from aws.models import Service, arn_tail
from aws.plan import ActionError, family_revision, td_label
from tui.flow import Target, confirm_and_execute, launch, service_key, with_diff
from tui.flows_service import already_runs
from tui.text import clean

if TYPE_CHECKING:
    from aws.taskdef_history import RevisionRef
    from tui.screens.base import PollingScreen


def _target(service: Service | None, arn: str) -> Target:
    """What the audit line of a refusal names: the service (if known) and the revision."""
    if service is None:
        return None, None, {"taskDefinition": arn}
    return arn_tail(service.cluster_arn), service.name, {"taskDefinition": arn}


def diff_revisions(screen: PollingScreen, a: str, b: str) -> None:
    """Show the diff of two revisions, always from the older to the newer (so ``+`` is what
    came later), secrets masked."""
    old, new = sorted((a, b), key=lambda arn: family_revision(arn)[1] or 0)

    async def show() -> None:
        c = screen.clients
        try:
            before = await ecs.read_task_definition(c, old)
            after = await ecs.read_task_definition(c, new)
        except Exception as exc:
            screen.notify(clean(explain(exc), 600), severity="error", markup=False)
            return
        labels = (td_label(old), td_label(new))
        text = taskdef.diff(dict(before.raw), dict(after.raw), labels=labels)
        screen.deck.open("diff", title=f"{labels[0]} → {labels[1]}", diff=text)

    screen.run_worker(show(), group="taskdef", exclusive=True, exit_on_error=False)


async def _pick_service(screen: PollingScreen, family: str) -> Service | None:
    """The service to deploy to, from :td: one whose current revision is of this family."""
    from tui.screens.dialogs.picker import PickerScreen

    found = await taskdef_history.services_in_family(screen.clients, family)
    found = [s for s in found if family_revision(s.task_definition or "")[0] == family]
    if not found:
        raise ActionError(f"No service of this region runs a revision of {family}.")
    by_name = {
        f"{arn_tail(s.cluster_arn)}/{s.name}  ({td_label(s.task_definition)})": s for s in found
    }
    name = await screen.app.push_screen_wait(
        PickerScreen(f"Deploy to which service of {family}?", sorted(by_name))
    )
    return by_name.get(name) if name else None


def deploy_revision(
    screen: PollingScreen, revision: RevisionRef, family: str, service: Service | None
) -> None:
    """UpdateService taskDefinition, the same plan as the service's deploy key, its diff
    against the revision the service runs now. ``service``: the one the history was opened
    from (None, from :td: a picker offers the services running a revision of ``family``)."""
    label = td_label(revision.arn)

    async def flow() -> None:
        if revision.status != "ACTIVE":
            raise ActionError(f"{label} is {revision.status}: ECS deploys only ACTIVE revisions.")
        target = service or await _pick_service(screen, family)
        if target is None:
            return
        plan = aws_actions.plan_deploy(target, revision.arn)
        plan = await with_diff(screen, plan, target.task_definition, revision.arn)
        await confirm_and_execute(screen, plan, unchanged=already_runs(target, revision.arn))

    key = service_key(service) if service else f"taskdef-family/{family}"
    launch(screen, key, "Deploy revision", flow, _target(service, revision.arn))


def deregister_revision(
    screen: PollingScreen, revision: RevisionRef, family: str, service: Service | None
) -> None:
    """DeregisterTaskDefinition, refused (with the services named) while any service of the
    region runs the revision in any of its deployments."""

    async def flow() -> None:
        users = await taskdef_history.services_in_family(screen.clients, family)
        plan = taskdef_history.plan_deregister(
            revision, taskdef_history.users_of(users, revision.arn)
        )
        await confirm_and_execute(screen, plan, subject=td_label(revision.arn))

    key = f"taskdef/{revision.arn}"
    launch(screen, key, "Deregister revision", flow, _target(service, revision.arn))
