"""Nothing typed is lost: the JSON editor asks before discarding, a cancelled diff goes back to
the editor, a failed registration reopens it with the error and saves the text to a draft; an
unexpected exception leaves a crash log. Against a sandbox of this module's own (it registers).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TextArea

from aws.audit import AuditLog
from aws.state import state_dir
from tests.tui.conftest import aws_client, notes, wait_for
from tests.tui.test_actions import mutations, open_services
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.register import DiscardScreen, EditorScreen
from tui.screens.services import ServicesScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


async def open_editor(pilot: Any, cluster: str, service: str) -> EditorScreen:
    app = pilot.app
    await open_services(pilot, cluster, service)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen))
    return app.screen


def rewrite(screen: EditorScreen, change: Any) -> str:
    area = screen.query_one("#json", TextArea)
    body = json.loads(area.text)
    change(body)
    area.load_text(json.dumps(body, indent=2))
    return area.text


def drafts() -> list[Path]:
    return sorted((state_dir() / "drafts").glob("*.json"))


def set_image(body: dict[str, Any]) -> None:
    body["containerDefinitions"][0]["image"] = "example/edited:42"


async def test_escape_asks_before_discarding_and_keeps_a_draft(sandbox, make_app):
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot, "web-fargate", "auth-service")
        await pilot.press("escape")  # nothing edited: closes at once
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        assert drafts() == []
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen))
        editor = app.screen
        edited = rewrite(editor, set_image)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DiscardScreen))
        await pilot.press("n")  # keep editing: the edits are still there
        await wait_for(pilot, lambda: app.screen is editor)
        assert editor.query_one("#json", TextArea).text == edited
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DiscardScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        [draft] = drafts()
        assert "example/edited:42" in draft.read_text()
        await wait_for(pilot, lambda: f"Your text is saved in {draft}" in notes(app))
        assert mutations(app) == {}


async def test_a_cancelled_diff_goes_back_to_the_editor_with_the_edits(sandbox, make_app):
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot, "web-fargate", "auth-service")
        rewrite(editor, set_image)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "example/edited:42" in (app.screen.plan.diff or "")
        await pilot.press("enter")  # Cancel has the focus
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen))
        text = app.screen.query_one("#json", TextArea).text
        assert "example/edited:42" in text
        assert "Back to the editor with your edits." in notes(app)
        assert mutations(app) == {}


async def test_a_failed_registration_reopens_the_editor_with_the_error_and_a_draft(
    sandbox, make_app
):
    app = make_app(sandbox)

    def no_memory(body: dict[str, Any]) -> None:
        # EC2 needs a memory somewhere: passes the local checks, the server refuses it.
        set_image(body)
        body.pop("memory", None)
        for c in body["containerDefinitions"]:
            c.pop("memory", None)
            c.pop("memoryReservation", None)

    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot, "core-ec2", "email-worker")
        rewrite(editor, no_memory)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("tab", "enter")  # Confirm
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen))
        reopened = app.screen
        assert "example/edited:42" in reopened.query_one("#json", TextArea).text
        problems = str(reopened.query_one("#problems").render())
        assert "RegisterTaskDefinition failed" in problems
        [draft] = drafts()
        assert f"Your text is saved in {draft}" in problems.replace("\n", "")
        assert "example/edited:42" in draft.read_text()
        assert mutations(app) == {"ecs.RegisterTaskDefinition": 1}
    [line] = AuditLog().read()
    assert line["call"] == "RegisterTaskDefinition" and line["result"] == "error"


async def test_secrets_are_masked_in_the_editor_revealed_by_key_and_registered_real(
    sandbox, make_app
):
    ecs = aws_client(sandbox, "ecs")
    current = ecs.describe_services(cluster="shared-mixed", services=["image-resizer"])
    arn = current["services"][0]["taskDefinition"]
    body = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
    container = body["containerDefinitions"][0]
    container["environment"] = [
        {"name": "DB_PASSWORD", "value": "hunter2"},
        {"name": "LOG_LEVEL", "value": "info"},
    ]
    container["secrets"] = [
        {"name": "API", "valueFrom": "arn:aws:secretsmanager:us-east-1:1:secret:api-x"}
    ]
    keep = {"family", "containerDefinitions", "networkMode", "requiresCompatibilities"}
    keep |= {"cpu", "memory", "executionRoleArn"}
    new = ecs.register_task_definition(**{k: v for k, v in body.items() if k in keep and v})
    ecs.update_service(
        cluster="shared-mixed",
        service="image-resizer",
        taskDefinition=new["taskDefinition"]["taskDefinitionArn"],
    )
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot, "shared-mixed", "image-resizer")
        area = editor.query_one("#json", TextArea)
        assert "hunter2" not in area.text and "secret:api-x" not in area.text
        assert "<redacted>" in area.text and '"info"' in area.text
        await pilot.press("ctrl+r")  # the explicit reveal key
        assert "hunter2" in area.text and "secret:api-x" in area.text
        await pilot.press("ctrl+r")
        assert "hunter2" not in area.text
        await pilot.press("ctrl+r", "escape")  # revealing is not an edit: Esc closes at once
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen))
        editor = app.screen
        area = editor.query_one("#json", TextArea)
        assert "hunter2" not in area.text
        rewrite(editor, set_image)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        shown = "\n".join(t.plain for t in app.screen.query_one("#plan").content.renderables)
        assert "hunter2" not in shown and "secret:api-x" not in shown  # diff, calls, CLI line
        assert "example/edited:42" in shown
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: "Done: RegisterTaskDefinition" in notes(app))
    registered = ecs.describe_task_definition(taskDefinition="image-resizer")["taskDefinition"]
    env = registered["containerDefinitions"][0]["environment"]
    assert {"name": "DB_PASSWORD", "value": "hunter2"} in env  # the real value was sent
    assert registered["containerDefinitions"][0]["image"] == "example/edited:42"
    log = (state_dir() / "audit.jsonl").read_text()
    assert "hunter2" not in log and "secret:api-x" not in log


# --- crash log ------------------------------------------------------------------------------


async def test_an_unexpected_exception_leaves_a_crash_log(moto_url, make_app):
    app = make_app(moto_url)

    def boom() -> None:
        raise RuntimeError("boom from a handler")

    with pytest.raises(RuntimeError, match="boom from a handler"):
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            app.call_later(boom)
            await pilot.pause()
    assert app.crash_log and Path(app.crash_log).parent == state_dir()
    text = Path(app.crash_log).read_text()
    assert "Traceback" in text and "RuntimeError: boom from a handler" in text


def test_main_prints_the_crash_log_path(moto_url, monkeypatch, capsys):
    from tui import main as tui_main

    def crash(self: Any) -> None:
        raise RuntimeError("escaped the app")

    from tui.app import EcsDeckApp  # main imports it only when the TUI runs

    monkeypatch.setattr(EcsDeckApp, "run", crash)
    with pytest.raises(SystemExit) as exit_:
        tui_main.main(["--endpoint-url", moto_url, "--region", "us-east-1"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    path = err.rsplit("the traceback is in ", 1)[1].strip()
    assert "RuntimeError: escaped the app" in Path(path).read_text()


async def test_a_failed_check_keeps_the_editor_and_saves_a_draft(sandbox, make_app):
    app = make_app(sandbox)

    def too_big(body: dict[str, Any]) -> None:
        body["containerDefinitions"][0]["memory"] = 99_999  # more than the task's memory

    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot, "web-fargate", "auth-service")
        rewrite(editor, too_big)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor
        problems = str(editor.query_one("#problems").render()).replace("\n", "")
        assert "memory 99999 MiB is more than the task's memory" in problems
        [draft] = drafts()
        assert f"Your text is saved in {draft}" in problems
        assert '"memory": 99999' in draft.read_text()
        await pilot.press("ctrl+s")  # again: the same draft is updated, not a second one
        await pilot.pause()
        assert drafts() == [draft]
        assert mutations(app) == {}
