"""Mutations through the keyboard against a live (simulating) sandbox, proven by reading it back.

Each test works on its own service of the module's sandbox so the tests do not interfere, and
bad-input tests prove that no mutating call was sent (``app.clients.calls.total``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from aws.audit import AuditLog
from tests.tui.conftest import wait_for
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.scale import ScaleScreen
from tui.screens.services import ServicesScreen

MUTATIONS = (
    "ecs.UpdateService",
    "ecs.RegisterTaskDefinition",
    "ecs.StopTask",
    "ecs.PutClusterCapacityProviders",
)


@pytest.fixture(scope="module")
def live_sandbox() -> Iterator[str]:
    """A seed-7 sandbox WITH simulation (deployments roll out), only for this module."""
    from aws.sandbox.server import spawn_sandbox

    proc, url = spawn_sandbox(["--seed", "7"])
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def ecs_client(url: str) -> Any:
    return boto3.client(
        "ecs",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def service_doc(url: str, cluster: str, service: str) -> dict[str, Any]:
    return ecs_client(url).describe_services(cluster=cluster, services=[service])["services"][0]


def mutations(app: Any) -> dict[str, int]:
    return {k: v for k, v in app.clients.calls.total.items() if k in MUTATIONS}


def notes(app: Any) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def select_row(pilot: Any, table: Any, name: str) -> None:
    keys = [str(r.value) for r in table.rows]
    index = next(i for i, k in enumerate(keys) if k.rsplit("/", 1)[-1] == name)
    table.move_cursor(row=index)
    await pilot.pause()


async def open_services(pilot: Any, cluster: str, service: str) -> ServicesScreen:
    app = pilot.app
    from tui.widgets.live_table import LiveTable

    await wait_for(pilot, lambda: app.screen.query(LiveTable).first().row_count >= 3)
    await select_row(pilot, app.screen.query(LiveTable).first(), cluster)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.services_table.row_count >= 3 and screen.services)
    await select_row(pilot, screen.services_table, service)
    assert screen.selected_service().name == service
    return screen


async def confirm(pilot: Any) -> None:
    """On the confirmation: Cancel has the focus; Tab to Confirm, Enter."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    assert app.screen.focused.id == "cancel"
    await pilot.press("tab", "enter")


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
        assert "desired 2 · running 2 · pending 0" in str(dialog.query_one("#counts").render())
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


@pytest.mark.parametrize("text", ["-1", "abc", "1e9", ""])
async def test_scale_bad_input_sends_nothing(live_sandbox, make_app, text):
    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "web-fargate", "auth-service")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        dialog = app.screen
        await pilot.press("backspace")  # the current count is selected: clear it
        await type_text(pilot, text)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog, "bad input must keep the dialog open"
        message = str(dialog.query_one("#preview").render())
        assert any(w in message for w in ("negative", "not a whole number", "Enter a whole"))
        await pilot.press("escape")
        await pilot.pause()
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
        await pilot.press("tab", "space")  # tick "Allow more than 5 tasks"
        assert "2 -> 7" in str(dialog.query_one("#preview").render())
        await pilot.press("escape")
        assert mutations(app) == {}


async def test_double_confirm_sends_once_and_enter_on_cancel_cancels(live_sandbox, make_app):
    app = make_app(live_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_services(pilot, "web-fargate", "search-api")
        # Enter on the focused Cancel cancels
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        await type_text(pilot, "3")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
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
        await pilot.pause(0.3)
        assert mutations(app) == {"ecs.UpdateService": 1}
    assert service_doc(live_sandbox, "web-fargate", "search-api")["desiredCount"] == 3


@pytest.mark.parametrize("key", ["s", "d", "b", "f", "i", "e", "l"])
async def test_read_only_keys_explain_and_send_nothing(live_sandbox, make_app, key):
    app = make_app(live_sandbox, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_services(pilot, "core-ec2", "email-worker")
        await pilot.press(key)
        await wait_for(pilot, lambda: "read-only mode" in notes(app))
        assert app.screen is screen
        assert mutations(app) == {}
