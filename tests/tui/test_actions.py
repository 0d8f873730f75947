"""Mutations through the keyboard against a live (simulating) sandbox, proven by reading it back.

Each test works on its own service of the module's sandbox so the tests do not interfere, and
bad-input tests prove that no mutating call was sent (``app.clients.calls.total``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from aws.audit import AuditLog
from tests.tui.conftest import aws_client, notes, palette_choose, wait_for
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.scale import ScaleScreen
from tui.screens.services import ServicesScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")

MUTATIONS = (
    "ecs.UpdateService",
    "ecs.RegisterTaskDefinition",
    "ecs.StopTask",
    "ecs.PutClusterCapacityProviders",
)


@pytest.fixture(scope="module")
def live_sandbox() -> Iterator[str]:
    """A seed-7 sandbox WITH simulation (deployments roll out), only for this module. Without
    the weather: its broken deploys pick ledger-service, auth-service and image-resizer, which
    these tests deploy and roll back (a broken :4 rolled back by the circuit breaker made the
    rollback test's "previous" revision 4 whenever tick 10 came before that test)."""
    from tests.sandbox_fork import spawn

    proc, url = spawn(["--seed", "7", "--no-weather"])
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def ecs_client(url: str) -> Any:
    return aws_client(url, "ecs")


def service_doc(url: str, cluster: str, service: str) -> dict[str, Any]:
    return ecs_client(url).describe_services(cluster=cluster, services=[service])["services"][0]


def mutations(app: Any) -> dict[str, int]:
    return {k: v for k, v in app.clients.calls.total.items() if k in MUTATIONS}


async def select_row(pilot: Any, table: Any, name: str) -> None:
    keys = table.shown_keys()
    index = next(i for i, k in enumerate(keys) if k.rsplit("/", 1)[-1] == name)
    table.move_cursor(row=index)
    await pilot.pause()


async def open_services(pilot: Any, cluster: str, service: str, rows: int = 3) -> ServicesScreen:
    app = pilot.app
    from tui.widgets.live_table import LiveTable

    await wait_for(pilot, lambda: app.screen.query(LiveTable).first().row_count >= 3)
    await select_row(pilot, app.screen.query(LiveTable).first(), cluster)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.services_table.row_count >= rows and screen.services)
    await select_row(pilot, screen.services_table, service)
    assert screen.selected_service().name == service
    return screen


async def confirm(pilot: Any) -> None:
    """On the confirmation: Cancel has the focus; Tab to Confirm, Enter."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    assert app.screen.focused.id == "cancel"
    await pilot.press("tab", "enter")


async def flows_ended(pilot: Any) -> None:
    """Wait until every action flow has ended (its worker finished, no service held busy), so a
    duplicate call sent late, by a second flow or by the first after its notice, is counted."""
    from tui.flow import busy_keys

    app = pilot.app

    def ended() -> bool:
        flows = [w for w in app.workers if w.group == "actions"]
        return not busy_keys(app) and all(w.is_finished for w in flows)

    await wait_for(pilot, ended)


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*list(text)) if text else None


# --- scale ----------------------------------------------------------------------------------


async def test_scale_by_keyboard(live_sandbox, make_app):
    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_services(pilot, "core-ec2", "payments-api")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        dialog = app.screen
        assert "2/2 running" in str(dialog.query_one("#counts").render())
        await type_text(pilot, "4")
        assert "2 -> 4" in str(dialog.query_one("#preview").render())
        await pilot.press("enter")
        await confirm(pilot)
        await wait_for(
            pilot,
            lambda: service_doc(live_sandbox, "core-ec2", "payments-api")["desiredCount"] == 4,
        )
        await wait_for(pilot, lambda: "Done: UpdateService (payments-api)" in notes(app))
        assert mutations(app) == {"ecs.UpdateService": 1}
        # the pane shows the rollout until the service is steady again
        await wait_for(pilot, lambda: screen.services[screen.selected_service().arn].desired == 4)
    [line] = [r for r in AuditLog().read() if r.get("service") == "payments-api"]
    assert line["call"] == "UpdateService" and line["params"]["desiredCount"] == 4
    assert line["result"] == "ok"


async def test_scale_bad_input_sends_nothing(live_sandbox, make_app):
    """Each bad count in turn, in one app (a pane opened once): the dialog stays, says why."""
    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_services(pilot, "web-fargate", "auth-service")
        for text in ["-1", "abc", "1e9", ""]:
            await pilot.press("s")
            await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
            dialog = app.screen
            await pilot.press("backspace")  # the current count is selected: clear it
            await type_text(pilot, text)
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog, f"bad input {text!r} must keep the dialog open"
            message = str(dialog.query_one("#preview").render())
            words = ("negative", "not a whole number", "Enter a whole")
            assert any(w in message for w in words), (text, message)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is screen)
            await flows_ended(pilot)  # the next `s` is not refused as a second dialog
        assert mutations(app) == {}


async def test_scale_above_maximum_needs_explicit_confirmation(live_sandbox, make_app):
    app = make_app(live_sandbox, max_desired=5)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "web-fargate", "auth-service")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        dialog = app.screen
        await type_text(pilot, "7")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "above the maximum of 5" in str(dialog.query_one("#preview").render())
        over = dialog.query_one("#over")
        assert str(over.label).endswith("tasks: no")  # the state in words, not only colour
        assert "Enter = Next" in str(dialog.query_one("#focus-hint").render())
        await pilot.press("tab", "space")  # tick "Allow more than 5 tasks"
        assert "2 -> 7" in str(dialog.query_one("#preview").render())
        assert str(over.label).endswith("tasks: yes")
        await pilot.press("escape")
        assert mutations(app) == {}


async def test_double_confirm_sends_once_and_enter_on_cancel_cancels(live_sandbox, make_app):
    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "web-fargate", "search-api")
        await wait_for(pilot, lambda: app.identity and app.identity.account)
        # Enter on the focused Cancel cancels
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        await type_text(pilot, "3")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        dialog = app.screen
        # which button Enter presses, in words; where the calls go; a CLI line to paste as is
        assert "Enter = Cancel" in str(dialog.query_one("#focus-hint").render())
        title = str(dialog.query_one("#title").render())
        assert f"account {app.identity.account} · us-east-1" in title
        shown = "\n".join(t.plain for t in dialog.query_one("#plan").content.renderables)
        assert f"--region us-east-1 --endpoint-url {live_sandbox}" in shown
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        await wait_for(pilot, lambda: "Cancelled: nothing was sent." in notes(app))
        assert mutations(app) == {}
        # the action twice in a row: one dialog, the second press is refused and says why
        screen = app.screen
        screen.action_scale()
        screen.action_scale()
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        assert sum(isinstance(s, ScaleScreen) for s in app.screen_stack) == 1
        assert "already open or in progress" in notes(app)
        await type_text(pilot, "3")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        # Confirm pressed twice quickly: exactly one UpdateService
        await pilot.press("tab", "enter", "enter")
        await wait_for(pilot, lambda: "Done: UpdateService (search-api)" in notes(app))
        await flows_ended(pilot)
        assert mutations(app) == {"ecs.UpdateService": 1}
        assert [line["result"] for line in AuditLog().read()] == ["ok"]
    assert service_doc(live_sandbox, "web-fargate", "search-api")["desiredCount"] == 3


async def test_read_only_keys_explain_and_send_nothing(live_sandbox, make_app):
    """Each action key in turn, in one app (a pane opened once): refused, said, audited."""
    keys = ["s", "d", "b", "f", "i", "e", "l"]
    app = make_app(live_sandbox, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_services(pilot, "core-ec2", "email-worker")
        for pressed, key in enumerate(keys, start=1):
            app.clear_notifications()
            await pilot.press(key)
            await wait_for(pilot, lambda: "read-only mode" in notes(app))
            assert app.screen is screen, key
            assert len(AuditLog().read()) == pressed, key
        assert mutations(app) == {}
    # each refusal is in the audit log, as the README says
    lines = AuditLog().read()
    assert len(lines) == len(keys)
    for line in lines:
        assert line["result"] == "refused" and "Read-only mode" in line["error"]
        assert (line["cluster"], line["service"]) == ("core-ec2", "email-worker")


async def test_read_only_stop_task_explains_and_sends_nothing(live_sandbox, make_app):
    from tui.screens.service import ServiceScreen

    app = make_app(live_sandbox, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "core-ec2", "email-worker")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.tasks_table.row_count > 0)
        await pilot.press("x")
        await wait_for(pilot, lambda: "read-only mode" in notes(app))
        assert app.screen is screen and mutations(app) == {}
    [line] = AuditLog().read()
    assert line["call"] == "Stop task" and line["result"] == "refused"
    assert line["params"]["task"].startswith("arn:aws:ecs:")


# --- deploy, roll back, force ---------------------------------------------------------------


async def test_deploy_a_picked_revision(live_sandbox, make_app):
    from tui.screens.dialogs.deploy import DeployScreen

    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "core-ec2", "email-worker")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DeployScreen))
        await pilot.press("down", "enter")  # newest first: 3 (running), then 2
        await confirm(pilot)
        await wait_for(
            pilot,
            lambda: service_doc(live_sandbox, "core-ec2", "email-worker")[
                "taskDefinition"
            ].endswith("/email-worker:2"),
        )
        await wait_for(pilot, lambda: "Done: UpdateService (email-worker)" in notes(app))
    assert [r["call"] for r in AuditLog().read()] == ["UpdateService"]


async def test_roll_back_to_the_previous_revision(live_sandbox, make_app):
    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "core-ec2", "ledger-service")
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        plan = app.screen.plan
        assert plan.title == "Roll back" and "ledger-service:3 -> ledger-service:2" in plan.summary
        await confirm(pilot)
        await wait_for(
            pilot,
            lambda: service_doc(live_sandbox, "core-ec2", "ledger-service")[
                "taskDefinition"
            ].endswith("/ledger-service:2"),
        )


async def test_force_new_deployment(live_sandbox, make_app):
    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "web-fargate", "checkout-web")
        before = {
            d["id"] for d in service_doc(live_sandbox, "web-fargate", "checkout-web")["deployments"]
        }
        await pilot.press("f")
        await confirm(pilot)
        await wait_for(pilot, lambda: "Done: UpdateService (checkout-web)" in notes(app))
        after = {
            d["id"] for d in service_doc(live_sandbox, "web-fargate", "checkout-web")["deployments"]
        }
        assert after - before, "a new deployment was started"
    [line] = AuditLog().read()
    assert line["params"]["forceNewDeployment"] is True and line["result"] == "ok"


# --- stop a task ----------------------------------------------------------------------------


async def test_stop_task_with_reason(live_sandbox, make_app):
    from textual.widgets import Static

    from tui.screens.dialogs.stop_task import StopTaskScreen
    from tui.screens.service import ServiceScreen

    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "web-fargate", "notifications")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        screen = app.screen
        await wait_for(
            pilot, lambda: any(t.last_status == "RUNNING" for t in screen.tasks.values())
        )
        task = next(t for t in screen.tasks.values() if t.last_status == "RUNNING")
        await select_row(pilot, screen.tasks_table, task.id)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, StopTaskScreen))
        # what Enter does is said in words, as in every dialog
        hint = app.screen.query_one("#focus-hint", Static)
        assert str(hint.render()) == "Enter = Next  ·  Esc cancels"
        await type_text(pilot, "stuck on boot")
        await pilot.press("enter")
        await confirm(pilot)
        await wait_for(pilot, lambda: "Done: StopTask" in notes(app))
    doc = ecs_client(live_sandbox).describe_tasks(cluster="web-fargate", tasks=[task.arn])["tasks"][
        0
    ]
    assert doc["desiredStatus"] == "STOPPED" and doc["stoppedReason"] == "stuck on boot"
    [line] = AuditLog().read()
    assert line["call"] == "StopTask" and line["params"]["reason"] == "stuck on boot"


def test_stop_task_on_the_service_pane_passes_the_running_count() -> None:
    """The last running task of the shown service: the plan says the service will have none."""
    from dataclasses import replace
    from types import SimpleNamespace

    from aws.actions import plan_stop_task
    from tests.aws.test_actions import _task
    from tui.flows_service import _service_running

    task = _task()
    other = replace(task, arn=task.arn + "0", last_status="STOPPED")
    service = SimpleNamespace(name="payments-api", cluster_arn=task.cluster_arn, running=2)
    pane = SimpleNamespace(service=service, tasks={task.arn: task, other.arn: other})
    assert _service_running(pane, task) == 1  # the lower of the count (2, a poll behind) and 1
    plan = plan_stop_task(task, "x", service_running=_service_running(pane, task))
    assert plan.notes[0].startswith("payments-api has 1 running task: it will have none")
    assert _service_running(SimpleNamespace(), task) is None  # a pane without a service
    service.name = "other"
    assert _service_running(pane, task) is None


# --- register a revision --------------------------------------------------------------------


async def test_new_image_registers_a_revision_then_deploys_it(live_sandbox, make_app):
    from tui.screens.dialogs.register import ImagePickerScreen

    ecr = aws_client(live_sandbox, "ecr")
    images = ecr.describe_images(repositoryName="catalog-api")["imageDetails"]
    newest = max(images, key=lambda d: d["imagePushedAt"])
    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "web-fargate", "catalog-api")
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, ImagePickerScreen))
        await pilot.press("enter")  # the newest image
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        plan = app.screen.plan
        assert plan.calls[0].operation == "RegisterTaskDefinition"
        assert plan.diff and f":{newest['imageTags'][0]}" in plan.diff
        await confirm(pilot)
        # then the offer to deploy it, again a confirmation with Cancel focused
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ConfirmScreen) and "Deploy" in app.screen.plan.title,
        )
        await confirm(pilot)
        await wait_for(
            pilot,
            lambda: service_doc(live_sandbox, "web-fargate", "catalog-api")[
                "taskDefinition"
            ].endswith("/catalog-api:4"),
        )
    td = ecs_client(live_sandbox).describe_task_definition(taskDefinition="catalog-api:4")
    image = td["taskDefinition"]["containerDefinitions"][0]["image"]
    assert image.endswith(f"/catalog-api:{newest['imageTags'][0]}")
    lines = AuditLog().read()
    assert [r["call"] for r in lines] == ["RegisterTaskDefinition", "UpdateService"]
    assert {(r["cluster"], r["service"]) for r in lines} == {("web-fargate", "catalog-api")}


async def _edit_and_check(pilot: Any, cluster: str, service: str, edit: Any) -> str:
    """Open the in-app JSON editor (no $EDITOR), apply ``edit`` to the text, Ctrl+S."""
    from textual.widgets import TextArea

    from tui.screens.dialogs.register import DiscardScreen, EditorScreen

    app = pilot.app
    await open_services(pilot, cluster, service)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen))
    area = app.screen.query_one("#json", TextArea)
    edit(area)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, EditorScreen), "a bad definition keeps the editor open"
    problems = str(app.screen.query_one("#problems").render())
    app.cursor_at_error = area.cursor_location
    await pilot.press("escape")  # the text was edited: Esc asks first
    await wait_for(pilot, lambda: isinstance(app.screen, DiscardScreen))
    await pilot.press("y")
    await pilot.pause()
    assert mutations(app) == {}
    return problems


async def test_invalid_json_shows_line_and_column(live_sandbox, make_app):
    app = make_app(live_sandbox)

    def edit(area: Any) -> None:
        area.move_cursor((1, 0))
        area.insert("  oops\n")

    async with app.run_test(size=(120, 36)) as pilot:
        problems = await _edit_and_check(pilot, "shared-mixed", "image-resizer", edit)
    assert "line 2, column 3" in problems
    assert app.cursor_at_error == (1, 2)  # the editor put the cursor on the error


def _rewrite(change: Any) -> Any:
    import json

    def edit(area: Any) -> None:
        body = json.loads(area.text)
        change(body)
        area.load_text(json.dumps(body, indent=2))

    return edit


async def test_fargate_size_not_in_the_table_is_refused(live_sandbox, make_app):
    app = make_app(live_sandbox)

    def change(body: dict[str, Any]) -> None:
        body["cpu"], body["memory"] = "256", "4096"

    async with app.run_test(size=(120, 36)) as pilot:
        problems = await _edit_and_check(pilot, "web-fargate", "auth-service", _rewrite(change))
    assert "256" in problems and "4096" in problems


async def test_host_port_must_equal_container_port_under_awsvpc(live_sandbox, make_app):
    app = make_app(live_sandbox)

    def change(body: dict[str, Any]) -> None:
        pm = body["containerDefinitions"][0]["portMappings"][0]
        pm["hostPort"] = pm["containerPort"] + 1

    async with app.run_test(size=(120, 36)) as pilot:
        problems = await _edit_and_check(pilot, "core-ec2", "inventory-api", _rewrite(change))
    assert "hostPort" in problems


# --- switch launch type ---------------------------------------------------------------------


async def test_switch_to_fargate_and_back(live_sandbox, make_app):
    from tui.screens.dialogs.switch import SwitchScreen

    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_services(pilot, "core-ec2", "inventory-api")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, SwitchScreen))
        sp = app.screen.sp
        assert sp.blocked is None
        assert [c.operation for c in sp.plan.calls] == [
            "PutClusterCapacityProviders",
            "UpdateService",
        ]
        assert app.screen.focused.id == "cancel"
        await pilot.press("tab", "enter")  # Next
        await confirm(pilot)
        await wait_for(pilot, lambda: "Done: PutClusterCapacityProviders" in notes(app))
        doc = service_doc(live_sandbox, "core-ec2", "inventory-api")
        assert [i["capacityProvider"] for i in doc["capacityProviderStrategy"]] == ["FARGATE"]
        await wait_for(pilot, lambda: "FARGATE" in screen.selected_service().compute)
        # and back to EC2
        await wait_for(pilot, lambda: not app._ecsdeck_busy)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, SwitchScreen))
        assert app.screen.sp.blocked is None
        await pilot.press("tab", "enter")
        await confirm(pilot)
        await wait_for(
            pilot,
            lambda: (
                not service_doc(live_sandbox, "core-ec2", "inventory-api").get(
                    "capacityProviderStrategy"
                )
            ),
        )
    calls = [(r["call"], r["result"]) for r in AuditLog().read()]
    assert calls == [
        ("PutClusterCapacityProviders", "ok"),
        ("UpdateService", "ok"),
        ("UpdateService", "ok"),
    ]


async def test_switch_blocked_for_an_instance_target_group(live_sandbox, make_app):
    from tui.screens.dialogs.switch import SwitchScreen

    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "shared-mixed", "reporting-batch")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, SwitchScreen))
        assert app.screen.sp.blocked and "type instance" in app.screen.sp.blocked
        assert not app.screen.query("#next")
        await pilot.press("enter")  # Close
        await pilot.pause()
        assert isinstance(app.screen, ServicesScreen)
        assert mutations(app) == {}


# --- command palette and help ---------------------------------------------------------------


async def test_command_palette_and_help_list_the_actions(live_sandbox, make_app):
    from tui.screens.help import HelpScreen

    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_services(pilot, "web-fargate", "auth-service")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        from tui.render.help import key_table

        rows = str([c._cells for c in key_table(screen).columns])
        for tip in ("Scale: set the desired task count", "Switch EC2 <-> Fargate"):
            assert tip in rows
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await palette_choose(pilot, "scale", "Scale")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        await pilot.press("escape")
        assert mutations(app) == {}


# --- $EDITOR, and errors from AWS -----------------------------------------------------------


async def test_external_editor_registers_the_edited_definition(
    live_sandbox, make_app, monkeypatch, tmp_path
):
    import contextlib
    import sys

    script = tmp_path / "edit.py"
    script.write_text(
        "import json, sys\n"
        "p = sys.argv[1]\n"
        "body = json.load(open(p))\n"
        "c = body['containerDefinitions'][0]\n"
        "c['image'] = c['image'].rsplit(':', 1)[0] + ':9.9.9'\n"
        "json.dump(body, open(p, 'w'))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    app = make_app(live_sandbox)
    app.suspend = contextlib.nullcontext  # headless terminals cannot suspend
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "shared-mixed", "events-ingest")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "+" in (app.screen.plan.diff or "") and ":9.9.9" in app.screen.plan.diff
        await confirm(pilot)
        # offered to deploy: Enter on the focused Cancel declines
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ConfirmScreen) and "Deploy" in app.screen.plan.title,
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Cancelled: nothing was sent." in notes(app))
        assert mutations(app) == {"ecs.RegisterTaskDefinition": 1}
    td = ecs_client(live_sandbox).describe_task_definition(taskDefinition="events-ingest")
    assert td["taskDefinition"]["containerDefinitions"][0]["image"].endswith(":9.9.9")


async def test_aws_error_is_explained_and_the_app_keeps_running(live_sandbox, make_app):
    from tui.screens.dialogs.deploy import DeployScreen

    client = ecs_client(live_sandbox)
    client.create_service(
        cluster="web-fargate",
        serviceName="doomed",
        taskDefinition="auth-service:3",
        desiredCount=0,
        launchType="FARGATE",
    )
    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_services(pilot, "web-fargate", "doomed")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DeployScreen))
        # the revision goes away between the list and the call: AWS answers ClientException
        client.deregister_task_definition(taskDefinition="auth-service:1")
        client.delete_task_definitions(taskDefinitions=["auth-service:1"])
        await pilot.press("end", "enter")
        await confirm(pilot)
        await wait_for(pilot, lambda: "Failed: UpdateService" in notes(app))
        text = notes(app)
        assert "ClientException" in text  # the raw code, with plain words around it
        assert "Nothing was changed." in text and "still runs auth-service:3" in text
        await flows_ended(pilot)
        assert app.is_running and app.screen is screen
    [line] = AuditLog().read()
    assert line["result"] == "error" and "ClientException" in line["error"]


async def test_switch_registers_a_fargate_revision_with_the_chosen_subnets(live_sandbox, make_app):
    from textual.widgets import SelectionList

    from tui.screens.dialogs.switch import SwitchScreen

    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "core-ec2", "email-worker")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, SwitchScreen))
        sp = app.screen.sp
        assert sp.blocked is None and sp.plan.diff  # bridge -> a Fargate-compatible copy
        assert sp.plan.calls[0].operation == "RegisterTaskDefinition"
        subnets = app.screen.query_one("#subnets", SelectionList)
        assert len(subnets.selected) >= 2
        dropped = subnets.selected[0]
        # The dialog focuses Cancel when it mounts, which under load can come after the screen
        # is on top. Untick through the list itself: a Space typed into that race went to
        # Cancel or nowhere in CI (SelectionList's own Space is Textual's, tested there).
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "cancel")
        subnets.deselect(dropped)
        await wait_for(pilot, lambda: dropped not in subnets.selected)
        chosen = str(app.screen.query_one("#subnets-chosen").render())
        assert chosen.startswith("selected: ") and dropped not in chosen  # in words too
        assert subnets.selected[0] in chosen
        app.screen.query_one("#cancel").focus()
        await pilot.press("tab", "enter")  # Next: re-planned with the choice
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        update = app.screen.plan.calls[-1].params
        assert dropped not in update["networkConfiguration"]["awsvpcConfiguration"]["subnets"]
        await confirm(pilot)
        await wait_for(pilot, lambda: "Done: RegisterTaskDefinition" in notes(app))
    doc = service_doc(live_sandbox, "core-ec2", "email-worker")
    assert [i["capacityProvider"] for i in doc["capacityProviderStrategy"]] == ["FARGATE"]
    assert dropped not in doc["networkConfiguration"]["awsvpcConfiguration"]["subnets"]
    td = ecs_client(live_sandbox).describe_task_definition(taskDefinition=doc["taskDefinition"])
    assert td["taskDefinition"]["networkMode"] == "awsvpc"
    assert td["taskDefinition"]["requiresCompatibilities"] == ["FARGATE"]


async def test_a_rollout_started_here_is_followed_to_its_end(live_sandbox, make_app):
    """Force a new deployment from the service pane: the pane follows the rollout and says
    COMPLETED (a notification and a line in the summary); the deployments view shows it too."""
    from tui.screens.deployments import DeploymentsScreen
    from tui.screens.service import ServiceScreen

    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "shared-mixed", "image-resizer")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        pane = app.screen
        await pilot.press("f")
        await confirm(pilot)
        await wait_for(pilot, lambda: app.follows.of(pane.service) is not None)
        follow = app.follows.of(pane.service)
        assert follow.deployment_id and follow.what == "Force new deployment"
        await wait_for(pilot, lambda: "rollout COMPLETED" in notes(app), timeout=60)
        # the summary line is drawn at the pane's next tick, maybe after the notification
        await wait_for(
            pilot,
            lambda: (
                "✓ Force new deployment: rollout COMPLETED"
                in str(pane.query_one("#summary").render())
            ),
        )
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        screen = app.screen
        await wait_for(pilot, lambda: follow.deployment_id in screen.deployments_table.shown_keys())
        assert screen.query_one("#follow").display
