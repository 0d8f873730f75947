"""ECS Exec by the keyboard against a sandbox: the preflight, the plugin handoff, enabling.

The sandbox answers ExecuteCommand as ECS does (aws.sandbox.exec_agent): catalog-api has exec on
and a task role, email-worker neither. A fake ``session-manager-plugin`` first on PATH records the
command line it was given, which must be the AWS CLI's.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from aws.audit import AuditLog
from tests.tui.conftest import wait_for
from tests.tui.test_actions import confirm, ecs_client, notes, open_services, service_doc
from tui import flows_exec
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.exec_preflight import ExecPreflightScreen
from tui.screens.service import ServiceScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def fake_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A session-manager-plugin first on PATH that writes its arguments to a file."""
    record = tmp_path / "argv.json"
    bindir = tmp_path / "bin"
    bindir.mkdir()
    plugin = bindir / "session-manager-plugin"
    plugin.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    plugin.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return record


async def open_preflight(pilot: Any, cluster: str, service: str) -> tuple[Any, Any]:
    """The service pane of ``service`` with its first task selected, then E: (pane, dialog)."""
    app = pilot.app
    await open_services(pilot, cluster, service)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
    pane = app.screen
    await wait_for(pilot, lambda: pane.tasks_table.row_count > 0 and pane.selected_task())
    await pilot.press("E")
    await wait_for(pilot, lambda: isinstance(app.screen, ExecPreflightScreen))
    return pane, app.screen


async def test_failing_preflight_names_each_fix(sandbox, make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no session-manager-plugin anywhere
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        pane, dialog = await open_preflight(pilot, "core-ec2", "email-worker")
        failed = {c.key: c.fix for c in dialog.result.failed}
        assert set(failed) == {"enabled", "agent", "role", "plugin"}
        shown = str(dialog.query_one("#checks").render())
        assert "✗ enableExecuteCommand" in shown and "--enable-execute-command" in shown
        assert "taskRoleArn" in shown and "ssmmessages" in shown
        assert "Install the Session Manager plugin" in shown
        assert "✓ Task RUNNING" in shown and "✓ ECS agent >= 1.50.2" in shown
        assert dialog.query("#enable")  # offered: the service has exec off
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is pane)
        assert "ecs.ExecuteCommand" not in app.clients.calls.total


async def test_exec_hands_the_session_to_the_plugin(sandbox, make_app, tmp_path, monkeypatch):
    record = fake_plugin(tmp_path, monkeypatch)
    monkeypatch.setattr(flows_exec, "can_hand_over", lambda app: True)
    app = make_app(sandbox)
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # a terminal that suspends
    async with app.run_test(size=(120, 36)) as pilot:
        pane, dialog = await open_preflight(pilot, "web-fargate", "catalog-api")
        assert dialog.result.ok, dialog.result.failed
        assert "--interactive" in str(dialog.query_one("#cli").render())
        task = dialog.target.task
        dialog.query_one("#connect").press()
        await wait_for(pilot, lambda: record.exists() and "Session ended" in notes(app))
        assert app.screen is pane
    argv = json.loads(record.read_text())
    doc = ecs_client(sandbox).describe_tasks(cluster="web-fargate", tasks=[task.arn])
    runtime = doc["tasks"][0]["containers"][0]["runtimeId"]
    session = json.loads(argv[0])
    assert set(session) == {"sessionId", "streamUrl", "tokenValue"}
    assert argv[1:5] == ["us-east-1", "StartSession", "", argv[4]]
    assert json.loads(argv[4]) == {"Target": f"ecs:web-fargate_{task.id}_{runtime}"}
    assert argv[5] == sandbox
    [line] = [r for r in AuditLog().read() if r["call"] == "ExecuteCommand"]
    assert line["result"] == "ok" and line["params"]["container"] == "catalog-api"
    assert session["tokenValue"] not in AuditLog().path.read_text()


async def test_plugin_failure_is_reported(sandbox, make_app, tmp_path, monkeypatch):
    fake_plugin(tmp_path, monkeypatch)
    (tmp_path / "bin" / "session-manager-plugin").write_text("#!/bin/sh\nexit 3\n")
    monkeypatch.setattr(flows_exec, "can_hand_over", lambda app: True)
    app = make_app(sandbox)
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test(size=(120, 36)) as pilot:
        pane, dialog = await open_preflight(pilot, "web-fargate", "catalog-api")
        dialog.query_one("#connect").press()
        await wait_for(pilot, lambda: "exited with status 3" in notes(app))
        assert app.screen is pane


async def test_headless_says_so_and_sends_nothing(sandbox, make_app, tmp_path, monkeypatch):
    fake_plugin(tmp_path, monkeypatch)
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        pane, dialog = await open_preflight(pilot, "web-fargate", "catalog-api")
        dialog.query_one("#connect").press()
        await wait_for(pilot, lambda: "No terminal to hand over" in notes(app))
        assert app.screen is pane and "ecs.ExecuteCommand" not in app.clients.calls.total


async def test_e_opens_the_preflight_on_the_tasks_pane(sandbox, make_app):
    """On ``:tasks`` the table's Shift+letter sorts must leave E to ECS Exec."""
    from tests.tui.test_navigation import command, loaded_clusters
    from tui.screens.tasks import TasksScreen

    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "tasks web-fargate")
        await wait_for(pilot, lambda: isinstance(app.screen, TasksScreen))
        pane = app.screen
        await wait_for(pilot, lambda: pane.tasks_table.row_count > 0 and pane.selected_task())
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecPreflightScreen))
        assert pane.tasks_table.sort_column is None


async def test_e_from_the_task_detail_overlay(sandbox, make_app):
    from tui.screens.task_detail import TaskDetail

    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "web-fargate", "catalog-api")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        pane = app.screen
        await wait_for(pilot, lambda: pane.tasks_table.row_count > 0 and pane.selected_task())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetail))
        overlay = app.screen
        assert "agent  ExecuteCommandAgent RUNNING" in str(overlay.query_one("Static").render())
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ExecPreflightScreen))
        assert app.screen.target.task.arn == overlay.ecs_task.arn
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is overlay)


async def test_read_only_refuses_the_session(sandbox, make_app, tmp_path, monkeypatch):
    fake_plugin(tmp_path, monkeypatch)
    monkeypatch.setattr(flows_exec, "can_hand_over", lambda app: True)
    app = make_app(sandbox, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        pane, dialog = await open_preflight(pilot, "web-fargate", "catalog-api")
        dialog.query_one("#connect").press()
        await wait_for(pilot, lambda: "read-only mode" in notes(app))
        assert app.screen is pane and "ecs.ExecuteCommand" not in app.clients.calls.total
    [line] = AuditLog().read()
    assert line["call"] == "ECS Exec" and line["result"] == "refused"
    assert line["params"]["container"] == "catalog-api"


async def test_enable_exec_through_the_confirmation(sandbox, make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        _, dialog = await open_preflight(pilot, "core-ec2", "inventory-api")
        dialog.query_one("#enable").press()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        [call] = app.screen.plan.calls
        assert call.params["enableExecuteCommand"] is True and call.params["forceNewDeployment"]
        assert "--enable-execute-command --force-new-deployment" in app.screen.plan.cli()
        await confirm(pilot)
        await wait_for(
            pilot,
            lambda: service_doc(sandbox, "core-ec2", "inventory-api")["enableExecuteCommand"],
        )
    [line] = [r for r in AuditLog().read() if r.get("service") == "inventory-api"]
    assert line["params"]["enableExecuteCommand"] is True and line["result"] == "ok"


async def test_read_only_refuses_enabling(sandbox, make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    app = make_app(sandbox, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        pane, dialog = await open_preflight(pilot, "core-ec2", "payments-api")
        dialog.query_one("#enable").press()
        await wait_for(pilot, lambda: "read-only mode" in notes(app))
        assert app.screen is pane and "ecs.UpdateService" not in app.clients.calls.total
    [line] = AuditLog().read()
    assert line["call"] == "Enable ECS Exec" and line["result"] == "refused"
    assert not service_doc(sandbox, "core-ec2", "payments-api")["enableExecuteCommand"]
