"""Dialog fields in the running app are on screen. The app's style once hid every widget with
the id of a pane's ``:`` or ``/`` line (``display: none``): the run-task dialog's command field
and the picker's filter had the focus and took keys, but nobody could see them. And what is
typed in the run-task dialog is what RunTask is asked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import wait_for
from tests.tui.test_panes import open_cluster

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")

FIELDS = ("container", "command", "environment", "count", "role")


async def test_every_field_shows_and_what_is_typed_is_what_runtask_gets(
    frozen_sandbox: str, make_app: Any
) -> None:
    from tui.screens.dialogs.confirm import ConfirmScreen
    from tui.screens.dialogs.run_task import RunTaskScreen
    from tui.screens.service import ServiceScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "core-ec2")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        await pilot.press("R")
        dialog = await wait_for(
            pilot, lambda: app.screen if isinstance(app.screen, RunTaskScreen) else None
        )
        await wait_for(pilot, lambda: dialog.query_one("#command").has_focus)
        for name in FIELDS:
            field = dialog.query_one(f"#{name}")
            assert field.display and field.region.height == 3, (name, field.region)
        await pilot.press(*"echo hi", "tab", *"DRY_RUN=1")
        dialog.query_one("#next").press()
        confirm = await wait_for(
            pilot, lambda: app.screen if isinstance(app.screen, ConfirmScreen) else None
        )
        [call] = confirm.plan.calls
        [override] = call.params["overrides"]["containerOverrides"]
        assert override["command"] == ["echo", "hi"]
        assert override["environment"] == [{"name": "DRY_RUN", "value": "1"}]
        await pilot.press("escape")  # nothing is run in the shared sandbox
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))


async def test_the_pickers_filter_shows(frozen_sandbox: str, make_app: Any) -> None:
    from tui.screens.dialogs.picker import PickerScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("colon", *"region", "enter")
        picker = await wait_for(
            pilot, lambda: app.screen if isinstance(app.screen, PickerScreen) else None
        )
        field = picker.query_one("#filter")
        await wait_for(pilot, lambda: field.has_focus)
        assert field.display and field.region.height == 3, field.region
