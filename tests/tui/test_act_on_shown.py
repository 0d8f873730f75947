"""Every action acts on the resource that was under the cursor when its key was pressed, and its
dialogs name it: a refresh that moves that row (another client scaled or drained it), or a
reorder between the key and the confirmation, never hands the action to the row's neighbour.

Another client is boto3 on this module's own sandbox (no simulation: nothing else moves). Each
test works on its own cluster or its own services, so their order does not matter.
"""

from __future__ import annotations

from typing import Any

from aws.audit import AuditLog
from tests.tui.conftest import aws_client, notes, wait_for
from tests.tui.test_actions import confirm, mutations, open_services, service_doc, type_text
from tests.tui.test_instances_ecr import instance_status, open_instances
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.scale import ScaleScreen
from tui.widgets.live_table import LiveTable


def title(dialog: Any) -> str:
    return str(dialog.query_one(".title").render())


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
