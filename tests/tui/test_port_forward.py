"""Port forwarding by the keyboard (F on a task, then :sessions) against the session sandbox,
with a fake ``session-manager-plugin`` that records its command line and stays up as the real
one does while it listens."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from aws.audit import AuditLog
from tests.tui.conftest import notes, wait_for
from tests.tui.test_act_on_shown import plan_text
from tests.tui.test_actions import confirm, open_services
from tui import resources
from tui.screens.dialogs.ask import AskScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.port_forward import PortForwardScreen
from tui.screens.service import ServiceScreen
from tui.screens.sessions import SessionsScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def staying_plugin(tmp_path: Path, monkeypatch: Any) -> Path:
    record = tmp_path / "argv.json"
    bindir = tmp_path / "bin"
    bindir.mkdir()
    plugin = bindir / "session-manager-plugin"
    plugin.write_text(
        f"#!{sys.executable}\nimport json, sys, time\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
        "print('Waiting for connections...', flush=True)\ntime.sleep(120)\n"
    )
    plugin.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return record


def recorded(record: Path) -> list[str] | None:
    """The plugin's argv once its file is whole: the file exists, empty, before the write."""
    try:
        return json.loads(record.read_text())
    except (OSError, ValueError):
        return None


async def set_field(pilot: Any, dialog: Any, field: str, value: str) -> None:
    dialog.query_one(f"#{field}").value = value
    await pilot.pause()


async def test_forward_then_sessions_then_quit(frozen_sandbox, make_app, tmp_path, monkeypatch):
    record = staying_plugin(tmp_path, monkeypatch)
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "web-fargate", "catalog-api")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        pane = app.screen
        await wait_for(pilot, lambda: pane.tasks_table.row_count > 0 and pane.selected_task())
        # read-only refuses F at the key press (audited), before any dialog
        writable = app.settings
        app.settings = writable.model_copy(update={"read_only": True})
        await pilot.press("F")
        await wait_for(pilot, lambda: "Port forward is not available" in notes(app))
        app.settings = writable
        await pilot.press("F")
        dialog = await wait_for(
            pilot, lambda: isinstance(app.screen, PortForwardScreen) and app.screen
        )
        assert dialog.result.ok, dialog.result.failed
        assert dialog.query_one("#remote-port").value.isdigit()  # the container port
        # bad input is refused in the dialog: nothing is sent
        await set_field(pilot, dialog, "remote-port", "70000")
        dialog.query_one("#forward").press()
        await wait_for(pilot, lambda: "out of range" in str(dialog.query_one("#why").render()))
        await set_field(pilot, dialog, "remote-port", "8080")
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            await set_field(pilot, dialog, "local-port", str(busy.getsockname()[1]))
            dialog.query_one("#forward").press()
            await wait_for(pilot, lambda: "in use" in str(dialog.query_one("#why").render()))
        assert "ssm.StartSession" not in app.clients.calls.total
        local = dialog.query_one("#local-port").value
        dialog.query_one("#forward").press()
        plan = await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen)
        shown = plan_text(plan)
        assert "aws ssm start-session --target ecs:web-fargate_" in shown
        await confirm(pilot)
        argv = await wait_for(pilot, lambda: app.forwards.running() and recorded(record))
        assert set(json.loads(argv[0])) == {"SessionId", "StreamUrl", "TokenValue"}
        assert argv[1:3] == ["us-east-1", "StartSession"]
        request = json.loads(argv[4])
        assert request["DocumentName"] == "AWS-StartPortForwardingSessionToRemoteHost"
        assert request["Parameters"]["portNumber"] == ["8080"]
        assert request["Parameters"]["localPortNumber"] == [local]
        # :sessions lists it; x stops it after a confirmation
        assert resources.find("sessions") is resources.find("pf")
        await app.show("sessions")
        screen = await wait_for(
            pilot, lambda: isinstance(app.screen, SessionsScreen) and app.screen
        )
        await wait_for(pilot, lambda: screen.table.row_count == 1 and screen.selected_resource())
        await wait_for(pilot, lambda: "running" in str(screen.table.get_row_at(0)))
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, AskScreen))
        app.screen.query_one("#ok").press()
        await wait_for(pilot, lambda: "stopped" in str(screen.table.get_row_at(0)))
        # a second one, left running: quit must end it
        second = app.forwards.start(
            [str(tmp_path / "bin" / "session-manager-plugin")],
            task_id="t",
            container="c",
            local_port=1,
            host="h",
            remote_port=2,
        )
        assert second.running
    assert not second.running and app.forwards.running() == []
    results = [(r["call"], r["result"]) for r in AuditLog().read()]
    assert ("StartSession", "ok") in results and ("Port forward", "refused") in results
