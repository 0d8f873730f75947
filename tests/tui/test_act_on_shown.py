"""Every action acts on the resource that was under the cursor when its key was pressed, and its
dialogs name it: a refresh that moves that row (another client scaled or drained it), or a
reorder between the key and the confirmation, never hands the action to the row's neighbour.

Another client is boto3 on this module's own sandbox (no simulation: nothing else moves). Each
test works on its own cluster or its own services, so their order does not matter.
"""

from __future__ import annotations

from typing import Any

import pytest

from aws.audit import AuditLog
from tests.tui.conftest import aws_client, notes, wait_for
from tests.tui.test_actions import confirm, mutations, open_services, service_doc, type_text
from tests.tui.test_instances_ecr import instance_status, open_instances
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.scale import ScaleScreen
from tui.widgets.live_table import LiveTable

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def title(dialog: Any) -> str:
    return str(dialog.query_one(".title").render())


def plan_text(dialog: Any) -> str:
    """What the confirmation's body shows, as plain text."""
    return "\n".join(t.plain for t in dialog.query_one("#plan").content.renderables)


def names(screen: Any) -> list[str]:
    return [screen.services[k].name for k in screen.services_table.shown_keys()]


def set_desired(url: str, cluster: str, service: str, count: int) -> None:
    aws_client(url, "ecs").update_service(cluster=cluster, service=service, desiredCount=count)


async def test_a_refresh_that_moves_the_row_keeps_s_on_the_service_shown(sandbox, make_app):
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_services(pilot, "web-fargate", "auth-service", rows=5)
        await pilot.press("R")  # sort by RUN/DES: 2/2 x4, then checkout-web 3/3
        await wait_for(pilot, lambda: screen.services_table.sort_column == "tasks")
        await wait_for(pilot, lambda: names(screen)[0] == "auth-service")
        assert screen.selected_service().name == "auth-service"
        # another client scales it: 2/9 sorts after every 2/2, so its row moves down
        set_desired(sandbox, "web-fargate", "auth-service", 9)
        await wait_for(pilot, lambda: names(screen).index("auth-service") > 0)
        assert screen.selected_service().name == "auth-service"
        await pilot.press("s")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen) and app.screen)
        assert "auth-service" in title(dialog)
        await pilot.press("ctrl+u")
        await type_text(pilot, "4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Scale service · auth-service" in title(app.screen)
        await confirm(pilot)
        await wait_for(pilot, lambda: "Done: UpdateService (auth-service)" in notes(app))
        assert mutations(app) == {"ecs.UpdateService": 1}
    assert service_doc(sandbox, "web-fargate", "auth-service")["desiredCount"] == 4
    assert service_doc(sandbox, "web-fargate", "catalog-api")["desiredCount"] == 2
    [line] = [r for r in AuditLog().read() if r["call"] == "UpdateService"]
    assert line["service"] == "auth-service"


async def test_a_reorder_between_the_key_and_the_confirmation_acts_on_the_key_s_row(
    sandbox, make_app
):
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_services(pilot, "core-ec2", "inventory-api", rows=4)
        await pilot.press("R")  # email-worker 1/1, then inventory-api, ledger-service ...
        await wait_for(pilot, lambda: names(screen)[:2] == ["email-worker", "inventory-api"])
        assert screen.selected_service().name == "inventory-api"
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        # while the dialog is open, another client changes both rows and a refresh lands
        set_desired(sandbox, "core-ec2", "inventory-api", 9)
        set_desired(sandbox, "core-ec2", "email-worker", 0)
        await screen.tick()
        await wait_for(pilot, lambda: names(screen).index("inventory-api") == 3)
        await pilot.press("ctrl+u")
        await type_text(pilot, "5")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        plan = app.screen.plan
        assert "inventory-api" in title(app.screen)
        assert plan.calls[0].params["service"] == "inventory-api"
        await confirm(pilot)
        await wait_for(pilot, lambda: "Done: UpdateService (inventory-api)" in notes(app))
        await wait_for(pilot, lambda: screen.selected_service().name == "inventory-api")
    assert service_doc(sandbox, "core-ec2", "inventory-api")["desiredCount"] == 5
    assert service_doc(sandbox, "core-ec2", "ledger-service")["desiredCount"] == 2
    set_desired(sandbox, "core-ec2", "email-worker", 1)


async def test_drained_instance_moves_last_and_a_activates_that_instance(sandbox, make_app):
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_instances(pilot)
        table = screen.query_one(LiveTable)
        first = screen.selected_resource()
        assert table.cursor_row == 0 and first.status == "ACTIVE"
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert first.ec2_instance_id in title(app.screen)
        await confirm(pilot)
        await wait_for(pilot, lambda: instance_status(sandbox, first.arn) == "DRAINING")
        # DRAINING rows sort last: the row moves, the cursor goes with it
        await wait_for(pilot, lambda: table.shown_keys()[-1] == first.arn)
        assert screen.selected_resource().arn == first.arn
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert first.ec2_instance_id in title(app.screen)
        assert app.screen.plan.calls[0].params["containerInstances"] == [first.arn]
        await confirm(pilot)
        await wait_for(pilot, lambda: instance_status(sandbox, first.arn) == "ACTIVE")
        others = [k for k in table.shown_keys() if k != first.arn]
        assert {instance_status(sandbox, k) for k in others} == {"ACTIVE"}


# --- a change that changes nothing ------------------------------------------------------------


async def close_only(pilot: Any, says: str) -> None:
    """The confirmation says why nothing would change and offers Close only; Enter closes."""
    app = pilot.app
    dialog = await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen)
    assert not dialog.query("#confirm")
    assert str(dialog.query_one("#cancel").label) == "Close"
    assert says in plan_text(dialog)
    await pilot.press("enter")
    await wait_for(pilot, lambda: "Nothing to change: nothing was sent." in notes(app))


async def test_scale_to_the_same_count_and_deploy_of_the_running_revision_offer_only_close(
    sandbox, make_app
):
    from tui.screens.dialogs.deploy import DeployScreen

    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_services(pilot, "shared-mixed", "reporting-batch", rows=3)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        await pilot.press("enter")  # the current count, 1, as it was filled in
        await close_only(pilot, "reporting-batch already wants 1")
        running = screen.selected_service().task_definition
        await pilot.press("d")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, DeployScreen) and app.screen)
        revisions = dialog.query_one("#revisions")
        revisions.highlighted = dialog.revisions.index(running)
        await pilot.press("enter")
        await close_only(pilot, "already runs")
        assert mutations(app) == {}
    assert AuditLog().read() == []


async def test_instance_to_its_own_state_offers_close_and_drain_warns_of_the_last_active(
    sandbox, make_app
):
    ecs = aws_client(sandbox, "ecs")
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_instances(pilot)
        table = screen.query_one(LiveTable)
        arns = table.shown_keys()
        await pilot.press("A")  # ACTIVE -> ACTIVE
        await close_only(pilot, "is already ACTIVE")
        try:
            for drained, warning in [
                (arns[1:2], "Only one other instance of the cluster stays ACTIVE"),
                (arns[1:], "No other instance of the cluster is ACTIVE"),
            ]:
                ecs.update_container_instances_state(
                    cluster="core-ec2", containerInstances=drained, status="DRAINING"
                )
                await wait_for(
                    pilot,
                    lambda d=drained: all(screen.instances[a].status == "DRAINING" for a in d),
                )
                table.move_cursor(row=table.shown_keys().index(arns[0]))
                await pilot.press("D")
                await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
                assert warning in plan_text(app.screen)
                await pilot.press("escape")
                await wait_for(pilot, lambda: app.screen is screen)
        finally:
            ecs.update_container_instances_state(
                cluster="core-ec2", containerInstances=arns, status="ACTIVE"
            )
        assert int(app.clients.calls.total.get("ecs.UpdateContainerInstancesState", 0)) == 0
    assert AuditLog().read() == []


async def test_the_scale_confirmation_keeps_the_autoscaling_warning(sandbox, make_app):
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "web-fargate", "checkout-web", rows=5)
        await pilot.press("s")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen) and app.screen)
        await pilot.press("ctrl+u")
        await type_text(pilot, "9")
        await wait_for(pilot, lambda: dialog.scaling is not None)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        shown = plan_text(app.screen)
        assert "autoscaling will move it back to 6" in shown
        assert "a policy may change it" in shown
        await pilot.press("escape")
        assert mutations(app) == {}


# --- ECS Exec's Connect with a failing check ----------------------------------------------------


async def test_connect_with_a_failing_check_says_which_and_sends_nothing(
    sandbox, make_app, tmp_path, monkeypatch
):
    from tests.tui.test_exec import open_preflight

    monkeypatch.setenv("PATH", str(tmp_path))  # no session-manager-plugin anywhere
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        _pane, dialog = await open_preflight(pilot, "core-ec2", "email-worker")
        assert not dialog.result.ok
        first = dialog.result.failed[0]
        dialog.query_one("#connect").press()
        await wait_for(pilot, lambda: "Cannot connect" in notes(app))
        why = str(dialog.query_one("#why").render())
        assert f"{len(dialog.result.failed)} checks failed, first {first.label}" in why
        assert app.screen is dialog  # still there, to fix or cancel
        dialog.query_one("#exec-command").focus()
        await pilot.press("enter")  # Enter in the command field: the same answer
        await wait_for(pilot, lambda: notes(app).count("Cannot connect") == 2)
        assert "ecs.ExecuteCommand" not in app.clients.calls.total


# --- `e` offers the saved draft ---------------------------------------------------------------


async def test_reopening_e_offers_the_saved_draft(sandbox, make_app):
    from textual.widgets import TextArea

    from tests.tui.test_nothing_lost import drafts, open_editor, rewrite, set_image
    from tui.screens.dialogs.picker import PickerScreen
    from tui.screens.dialogs.register import DiscardScreen, EditorScreen
    from tui.screens.services import ServicesScreen

    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot, "core-ec2", "ledger-service")
        original = editor.query_one("#json", TextArea).text
        edited = rewrite(editor, set_image)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DiscardScreen))
        await pilot.press("y")  # discarded here, kept in a draft file
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        [draft] = drafts()
        await pilot.press("e")
        picker = await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen)
        assert picker.names[0] == "Open your saved draft"
        await pilot.press("enter")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen)
        assert editor.query_one("#json", TextArea).text == edited
        await pilot.press("escape")  # the draft's text is an edit: Esc asks, y keeps the draft
        await wait_for(pilot, lambda: isinstance(app.screen, DiscardScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        assert drafts() == [draft]  # the same draft, not a second one
        await pilot.press("e")  # the revision instead: the draft stays for later
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("down", "enter")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen)
        assert editor.query_one("#json", TextArea).text == original
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        assert drafts() == [draft] and mutations(app) == {}
