"""The revision history (`t` on a service pane, `:td FAMILY`): diff any two revisions, deploy
one, deregister one, against a sandbox of this module's own, proven by reading it back."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest

from aws.audit import AuditLog
from aws.taskdef_history import registered_at
from tests.tui.conftest import aws_client, notes, wait_for
from tui.screens.dialogs.confirm import ConfirmScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")

MUTATIONS = ("ecs.UpdateService", "ecs.DeregisterTaskDefinition")


def register(url: str, family: str, image: str, password: str) -> str:
    env = [{"name": "DB_PASSWORD", "value": password}, {"name": "MODE", "value": "prod"}]
    td = aws_client(url, "ecs").register_task_definition(
        family=family,
        containerDefinitions=[{"name": "app", "image": image, "memory": 64, "environment": env}],
    )
    return str(td["taskDefinition"]["taskDefinitionArn"])


def mutations(app: Any) -> dict[str, int]:
    return {k: v for k, v in app.clients.calls.total.items() if k in MUTATIONS}


def history(app: Any) -> Any:
    from tui.screens.taskdefs import RevisionsScreen

    screen = app.screen
    return screen if isinstance(screen, RevisionsScreen) else None


def cells(screen: Any, revision: int) -> list[str]:
    from tui.widgets.live_table import LiveTable

    table = screen.query_one(LiveTable)
    key = next(k for k in table.shown_keys() if k.endswith(f":{revision}"))
    return [c.plain for c in table.get_row(key)]


async def open_history(pilot: Any, family: str, rows: int) -> Any:
    """`:td FAMILY`, once every row shows its registration time (its body was read)."""
    app = pilot.app
    await pilot.press("colon", *f"td {family}", "enter")
    screen = await wait_for(pilot, lambda: history(app))
    await wait_for(pilot, lambda: len(screen.revisions) == rows)
    await wait_for(pilot, lambda: len(screen.details) == rows)
    return screen


async def select(pilot: Any, screen: Any, revision: int) -> None:
    from tui.widgets.live_table import LiveTable

    table = screen.query_one(LiveTable)
    keys = table.shown_keys()
    table.move_cursor(row=next(i for i, k in enumerate(keys) if k.endswith(f":{revision}")))
    await pilot.pause()
    assert screen.selected_revision().revision == revision


async def confirm(pilot: Any) -> ConfirmScreen:
    app = pilot.app
    dialog = await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen)
    assert app.screen.focused.id == "cancel"
    await pilot.press("tab", "enter")
    return dialog  # type: ignore[no-any-return]


async def test_any_two_revisions_diffed_secrets_masked_through_the_cache(sandbox, make_app):
    from tui.screens.diff_view import DiffScreen

    register(sandbox, "hist-diff", "repo/app:1.0", "alpha-secret")
    register(sandbox, "hist-diff", "repo/app:1.1", "alpha-secret")
    register(sandbox, "hist-diff", "repo/app:2.0", "omega-secret")
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_history(pilot, "hist-diff", 3)
        # newest first, with status, registration time, image tag and size
        assert [k.rsplit(":", 1)[-1] for k in screen.query_one("#revisions").shown_keys()] == [
            "3",
            "2",
            "1",
        ]
        row = cells(screen, 3)
        assert row[0] == "hist-diff:3" and row[1] == "ACTIVE" and row[4] == "app 2.0"
        assert " ago · 20" in row[3] and row[3].endswith(" UTC")
        described = app.clients.calls.total["ecs.DescribeTaskDefinition"]

        await select(pilot, screen, 1)
        await pilot.press("space")
        await wait_for(pilot, lambda: "◆ marked" in cells(screen, 1)[2])
        await select(pilot, screen, 3)
        await pilot.press("equals_sign")
        diff = await wait_for(pilot, lambda: isinstance(app.screen, DiffScreen) and app.screen)
        assert diff.diff.startswith("--- hist-diff:1\n+++ hist-diff:3\n")
        assert '-      "image": "repo/app:1.0"' in diff.diff
        assert '+      "image": "repo/app:2.0"' in diff.diff
        assert "<redacted: changed>" in diff.diff
        assert "alpha-secret" not in diff.diff and "omega-secret" not in diff.diff
        # both bodies came from the immutable cache: no describe for the diff
        assert app.clients.calls.total["ecs.DescribeTaskDefinition"] == described

        await pilot.press("escape")
        await wait_for(pilot, lambda: history(app))
        await pilot.press("space")  # on 3 while 1 is marked: the mark moves to 3
        await pilot.press("space")  # ... and off again: no mark
        assert screen.marked is None
        await select(pilot, screen, 2)
        await pilot.press("equals_sign")  # no mark: against the previous revision
        diff = await wait_for(pilot, lambda: isinstance(app.screen, DiffScreen) and app.screen)
        assert diff.diff.startswith("--- hist-diff:1\n+++ hist-diff:2\n")
        assert "<redacted: changed>" not in diff.diff  # the password did not change
        assert mutations(app) == {}


async def test_deploy_a_revision_from_the_service_pane_history(sandbox, make_app):
    from tui.screens.service import ServiceScreen
    from tui.screens.taskdefs import RevisionsScreen

    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("colon", *"svc core-ec2", "enter")
        await wait_for(pilot, lambda: getattr(app.screen, "services", None))
        services = app.screen
        table = services.services_table
        await wait_for(pilot, lambda: any(k.endswith("/email-worker") for k in table.shown_keys()))
        keys = table.shown_keys()
        table.move_cursor(row=next(i for i, k in enumerate(keys) if k.endswith("/email-worker")))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        await pilot.press("t")
        screen = await wait_for(
            pilot, lambda: isinstance(app.screen, RevisionsScreen) and app.screen
        )
        assert screen.family == "email-worker" and screen.service.name == "email-worker"
        await wait_for(pilot, lambda: len(screen.details) == 3)
        assert cells(screen, 3)[2] == "● current"

        await select(pilot, screen, 1)
        await pilot.press("d")
        dialog = await confirm(pilot)
        assert dialog.plan.summary == "email-worker: email-worker:3 -> email-worker:1"
        assert dialog.plan.calls[0].operation == "UpdateService"
        assert '+      "image": "123456789012.dkr.ecr' in (dialog.plan.diff or "")
        await wait_for(pilot, lambda: "Done: UpdateService (email-worker)" in notes(app))
        doc = aws_client(sandbox, "ecs").describe_services(
            cluster="core-ec2", services=["email-worker"]
        )
        assert doc["services"][0]["taskDefinition"].endswith("/email-worker:1")
        # the pane read the service again: the current mark moved
        await wait_for(pilot, lambda: cells(screen, 1)[2] == "● current")
        assert cells(screen, 3)[2] == ""
        assert mutations(app) == {"ecs.UpdateService": 1}
    [line] = [r for r in AuditLog().read() if r.get("call") == "UpdateService"]
    assert line["params"]["taskDefinition"].endswith("/email-worker:1")


async def test_deploy_from_td_picks_a_service_of_the_family(sandbox, make_app):
    from tui.screens.dialogs.picker import PickerScreen

    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_history(pilot, "payments-api", 3)
        # the seeded releases read as a history: a week apart, newest first
        stamps = [registered_at(screen.details[k]) for k in screen.revisions]
        assert all(a - b >= timedelta(days=6) for a, b in pairwise(stamps))
        assert re.match(r"21d(\d+h)? ago · ", cells(screen, 1)[3])
        await select(pilot, screen, 3)
        await pilot.press("d")
        picker = await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen)
        assert picker.names == ["core-ec2/payments-api  (payments-api:2)"]
        await pilot.press("enter")
        dialog = await confirm(pilot)
        assert dialog.plan.service == "payments-api"
        await wait_for(pilot, lambda: "Done: UpdateService (payments-api)" in notes(app))
    doc = aws_client(sandbox, "ecs").describe_services(
        cluster="core-ec2", services=["payments-api"]
    )
    assert doc["services"][0]["taskDefinition"].endswith("/payments-api:3")


async def test_deregister_moves_to_inactive_and_refuses_a_revision_in_use(sandbox, make_app):
    old = register(sandbox, "hist-dereg", "repo/d:1", "p")
    used = register(sandbox, "hist-dereg", "repo/d:2", "p")
    api = aws_client(sandbox, "ecs")
    api.create_service(
        cluster="shared-mixed", serviceName="hist-user", taskDefinition=used, desiredCount=0
    )
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_history(pilot, "hist-dereg", 2)
        await select(pilot, screen, 2)
        await pilot.press("X")
        await wait_for(pilot, lambda: "in use by hist-user (cluster shared-mixed)" in notes(app))
        assert not isinstance(app.screen, ConfirmScreen) and mutations(app) == {}

        await select(pilot, screen, 1)
        await pilot.press("X")
        dialog = await confirm(pilot)
        assert "aws ecs deregister-task-definition --task-definition" in dialog.plan.cli()
        await wait_for(pilot, lambda: "Done: DeregisterTaskDefinition (hist-dereg:1)" in notes(app))
        await wait_for(pilot, lambda: cells(screen, 1)[1] == "INACTIVE")
        assert cells(screen, 2)[1] == "ACTIVE"
        assert mutations(app) == {"ecs.DeregisterTaskDefinition": 1}
        # an INACTIVE revision is neither deployed nor deregistered again
        await pilot.press("X")
        await wait_for(pilot, lambda: "hist-dereg:1 is already INACTIVE" in notes(app))
        await pilot.press("d")
        await wait_for(pilot, lambda: "ECS deploys only ACTIVE revisions" in notes(app))
        assert mutations(app) == {"ecs.DeregisterTaskDefinition": 1}
    assert (
        api.describe_task_definition(taskDefinition=old)["taskDefinition"]["status"] == "INACTIVE"
    )
    [line] = [r for r in AuditLog().read() if r.get("call") == "DeregisterTaskDefinition"]
    assert line["result"] == "ok" and line["params"] == {"taskDefinition": old}


async def test_read_only_refuses_deploy_and_deregister_and_audits(sandbox, make_app):
    arn = register(sandbox, "hist-ro", "repo/r:1", "p")
    app = make_app(sandbox, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_history(pilot, "hist-ro", 1)
        await pilot.press("X")
        await wait_for(pilot, lambda: "read-only mode" in notes(app))
        await pilot.press("d")
        await wait_for(pilot, lambda: notes(app).count("read-only mode") == 2)
        assert app.screen is screen and mutations(app) == {}
    lines = AuditLog().read()
    assert [(r["call"], r["result"]) for r in lines] == [
        ("Deregister revision", "refused"),
        ("Deploy revision", "refused"),
    ]
    assert all(r["params"] == {"taskDefinition": arn} for r in lines)
    status = aws_client(sandbox, "ecs").describe_task_definition(taskDefinition=arn)[
        "taskDefinition"
    ]
    assert status["status"] == "ACTIVE"
