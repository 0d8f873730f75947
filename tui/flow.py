"""The one shape every action key's flow has: ask (a dialog), confirm (the plan), execute (a
worker), report.

Every action is a *flow*: an async function run in one app worker, so it can wait for dialogs
(``push_screen_wait``) and for AWS. ``launch`` refuses up front in read-only mode (says why and
audits the refusal) and holds a per-service guard from the key press until the flow ends, so a
double key press never opens a second dialog or sends twice. aws/ refuses read-only and
concurrent mutations too. The flows themselves live in ``tui/flows_*.py``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aws.audit import AuditLog
from aws.errors import explain
from aws.execute import Outcome, execute
from aws.plan import ActionError, Plan
from tui.action_pane import on_top
from tui.pending import GAVE_UP
from tui.text import clean
from tui.where import where_of

if TYPE_CHECKING:
    from aws.models import Service
    from tui.action_pane import ActionPane
    from tui.deck import DeckApp

READ_ONLY = "read-only mode: ecsdeck sends no changes (started with --read-only or the setting)."


Flow = Callable[[], Awaitable[None]]


def busy_keys(app: Any) -> set[str]:
    """Keys of the services with a dialog open or a mutation in flight (kept on the app)."""
    busy: set[str] | None = getattr(app, "_ecsdeck_busy", None)
    if busy is None:
        busy = set()
        app._ecsdeck_busy = busy
    return busy


def service_key(service: Service) -> str:
    return f"{service.cluster_arn}/{service.name}"


def in_flight(app: Any, key: str) -> bool:
    return key in busy_keys(app)


def refuse_read_only(pane: ActionPane, what: str, target: Target) -> None:
    """Say so, and write the ``refused`` line the README promises to the audit log (in the
    pane's account-region)."""
    from aws.execute import record_refusal

    app = pane.deck
    cluster, service, params = target
    warning = record_refusal(
        pane.clients, AuditLog(), action=what, cluster=cluster, service=service, params=params
    )
    message = f"{READ_ONLY} {what} is not available."
    app.notify(" ".join(filter(None, [message, warning])), severity="warning", markup=False)


#: (cluster name, service name, parameters) an action is about, for its audit line.
Target = tuple[str | None, str | None, dict[str, Any]]


def service_target(service: Service) -> Target:
    return service.cluster_arn.rsplit("/", 1)[-1], service.name, {}


def launch(
    screen: ActionPane, key: str, what: str, flow: Flow, target: Target | None = None
) -> bool:
    """Run ``flow`` in a worker unless read-only or ``key`` is busy; False when refused.

    ``target`` names what the action is about in the audit log's ``refused`` line.
    """
    app = screen.deck
    if app.settings.read_only:
        refuse_read_only(screen, what, target or (None, None, {}))
        return False
    busy = busy_keys(app)
    if key in busy:
        app.notify(
            f"{what}: a change to this {'service' if target and target[1] else 'resource'} "
            "is already open or in progress.",
            severity="warning",
            markup=False,
        )
        return False
    run_guarded(app, key, what, flow)
    return True


def run_guarded(app: DeckApp, key: str, what: str, flow: Flow) -> None:
    """Run ``flow`` in an actions worker holding ``key`` busy until it ends; its errors are
    said under the title ``what``."""
    busy = busy_keys(app)
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


async def confirm_and_execute(
    screen: ActionPane,
    plan: Plan,
    *,
    subject: str | None = None,
    unchanged: str | None = None,
) -> Outcome | None:
    """Confirmation (Cancel focused) -> execute with the audit log -> notify -> refresh, in
    the pane's account-region (its clients; the dialog names it and its CLI lines target it).

    ``subject`` names the resource in the dialog's title (default: the plan's service), as the
    flow captured it at the key press. ``unchanged`` says why the plan would change nothing:
    the dialog then offers only Close, and nothing is sent or audited.
    The execution is a pending change (tui/pending.py) the user can give up on; then None."""
    from tui.screens.dialogs.confirm import ConfirmScreen

    app = screen.deck
    clients = screen.clients  # now: where the resource is, whatever the pane shows later
    title = clean(plan.title, 100)  # titles may carry AWS names
    where = where_of(screen)
    dialog = ConfirmScreen(plan, subject=subject, unchanged=unchanged, where=where)
    if not await app.push_screen_wait(dialog) or unchanged:
        said = "Nothing to change" if unchanged else "Cancelled"
        app.notify(f"{said}: nothing was sent.", title=title, markup=False)
        return None
    what = f"{plan.title} {plan.summary}"
    outcome = await app.pending.run(what, execute(clients, plan, audit=AuditLog()))
    if outcome is None:  # given up on while AWS did not answer
        app.notify(
            clean(GAVE_UP.format(what=what), 600),
            title=title,
            severity="warning",
            timeout=20,
            markup=False,
        )
        if on_top(screen):
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
    if on_top(screen):  # the user may have moved on: refresh only the pane on top
        screen.action_refresh_now()
    return outcome


def app_of(screen: ActionPane) -> DeckApp:
    return screen.deck


async def with_diff(screen: ActionPane, plan: Plan, old: str | None, new: str) -> Plan:
    """Add the task-definition diff between two revisions to a deploy plan (best effort)."""
    from aws import ecs, taskdef

    if not old or old == new:
        return plan
    app = app_of(screen)
    try:
        a = await ecs.read_task_definition(screen.clients, old)
        b = await ecs.read_task_definition(screen.clients, new)
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
