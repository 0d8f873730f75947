"""Bulk actions on the marked services (``space`` in the services list): one dialog, one
confirmation listing every call, then each service's plan sent by aws/bulk.py (bounded and
paced) with a per-service outcome report.

Every marked service's guard (tui/flow.py) is held from the key press to the report, so no
single action can start on one of them meanwhile; a marked service already busy is left out
and the confirmation and the report say so."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from aws import actions as aws_actions
from aws import bulk
from aws.audit import AuditLog
from aws.plan import Plan, ValidationError
from aws.words import plural
from tui.action_pane import on_top
from tui.flow import busy_keys, refuse_read_only, run_guarded, service_key
from tui.pending import GAVE_UP
from tui.text import clean
from tui.where import where_of

if TYPE_CHECKING:
    from aws.models import Service
    from tui.action_pane import ActionPane

BUSY = "left out: a change to it is already open or in progress"

BulkFlow = Callable[[list["Service"], list[str]], Awaitable[None]]


def launch_bulk(screen: ActionPane, services: Sequence[Service], what: str, flow: BulkFlow) -> None:
    """Run ``flow(free, notes)`` holding the guard of every free marked service."""
    app = screen.deck
    cluster = services[0].cluster_arn.rsplit("/", 1)[-1]
    if app.settings.read_only:
        names = [s.name for s in services]
        refuse_read_only(screen, what, (cluster, None, {"services": names}))
        return
    busy = busy_keys(app)
    free = [s for s in services if service_key(s) not in busy]
    notes = [f"{s.name}: {BUSY}." for s in services if service_key(s) in busy]
    if not free:
        app.notify(f"{what}: every marked service is busy.", severity="warning", markup=False)
        return
    keys = {service_key(s) for s in free}

    async def guarded() -> None:
        busy.update(keys)
        try:
            await flow(free, notes)
        finally:
            busy.difference_update(keys)

    run_guarded(app, f"bulk:{services[0].cluster_arn}", what, guarded)


async def confirm_and_send(
    screen: ActionPane, plan: Plan, plans: Sequence[Plan], *, unchanged: str | None = None
) -> list[bulk.Result] | None:
    """One confirmation for every call, then every plan sent; the report, one line a service."""
    from tui.screens.dialogs.confirm import ConfirmScreen

    app = screen.deck
    title = clean(plan.title, 100)
    dialog = ConfirmScreen(plan, unchanged=unchanged, where=where_of(screen))
    confirmed = await app.push_screen_wait(dialog)
    if not confirmed or unchanged or not plans:
        said = "Nothing to change" if unchanged else "Cancelled"
        app.notify(f"{said}: nothing was sent.", title=title, markup=False)
        return None
    what = f"{plan.title} ({plural(len(plans), 'service')})"
    results = await app.pending.run(
        what, bulk.execute_each(screen.clients, plans, audit=AuditLog())
    )
    if results is None:
        app.notify(clean(GAVE_UP.format(what=what), 600), title=title, severity="warning")
    else:
        for r in results:
            if r.outcome is not None:
                app.follows.start_from_outcome(plan.title, r.outcome.done, r.outcome.results)
        ok = all(r.ok for r in results)
        app.notify(
            "\n".join(clean(line, 300) for line in bulk.report(results).splitlines()[:40]),
            title=title,
            severity="information" if ok else "error",
            timeout=10 if ok else 30,
            markup=False,
        )
    if on_top(screen):
        screen.action_refresh_now()
    return results


def _plans(
    services: Sequence[Service], build: Callable[[Service], Plan], notes: list[str]
) -> list[Plan]:
    """Each service's plan; one ECS would refuse (CODE_DEPLOY, say) is left out, with why."""
    plans = []
    for s in services:
        try:
            plans.append(build(s))
        except ValidationError as exc:
            notes.append(f"{s.name}: left out: {exc.message}")
    return plans


def bulk_scale(screen: ActionPane, services: Sequence[Service]) -> None:
    from tui.screens.dialogs.bulk_scale import BulkScaleScreen

    async def flow(free: list[Service], notes: list[str]) -> None:
        app = screen.deck
        count = await app.push_screen_wait(BulkScaleScreen(free, app.settings.max_desired))
        if count is None:
            return
        moving = [s for s in free if s.desired != count]
        notes += [f"{s.name} already wants {count}: left out." for s in free if s.desired == count]
        plans = _plans(moving, lambda s: aws_actions.plan_scale(s, count), notes)
        shown = plans or [aws_actions.plan_scale(s, count) for s in free]
        title = f"Scale {plural(len(shown), 'service')}"
        plan = bulk.combined(title, f"Scale to {count}", shown, notes)
        same = None if plans else f"Every marked service already wants {count}."
        await confirm_and_send(screen, plan, plans, unchanged=same)

    launch_bulk(screen, services, "Scale", flow)


def bulk_force_deployment(screen: ActionPane, services: Sequence[Service]) -> None:
    async def flow(free: list[Service], notes: list[str]) -> None:
        plans = _plans(free, aws_actions.plan_force_deployment, notes)
        if not plans:
            raise ValidationError(" ".join(notes) or "No marked service can be redeployed.")
        title = f"Force new deployment (restart) of {plural(len(plans), 'service')}"
        summary = "Replace every task of each service (same revision)"
        await confirm_and_send(screen, bulk.combined(title, summary, plans, notes), plans)

    launch_bulk(screen, services, "Force new deployment (restart)", flow)
