"""The `changes` pane: `w` on a service and `:ch` open the service's timeline, with who made
each call (the sandbox's CloudTrail records the seeder's writes under its access key)."""

from __future__ import annotations

from typing import Any

from tests.tui.conftest import wait_for
from tui.screens.changes import ChangesScreen
from tui.screens.clusters import ClustersScreen
from tui.screens.service import ServiceScreen

SEEDER = "arn:aws:iam::123456789012:user/sandbox"


def _cells(screen: ChangesScreen, column: str) -> list[str]:
    table = screen.changes_table
    return [table.get_cell(key, column).plain for key in table.shown_keys()]


async def test_w_and_ch_open_the_service_timeline_with_who(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox, cluster="core-ec2", service="payments-api")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangesScreen))
        screen = app.screen
        assert screen.service is not None and screen.service.name == "payments-api"
        await wait_for(pilot, lambda: SEEDER in _cells(screen, "who"))
        whats = _cells(screen, "what")
        assert any(w.startswith("CreateService") for w in whats), whats
        assert any(w.startswith("deployment started") for w in whats), whats
        assert all(c.service in (None, "payments-api") for c in screen.changes.values())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        await pilot.press("colon", *"ch", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangesScreen))
        again = app.screen
        assert again.service is not None and again.service.name == "payments-api"
        await wait_for(pilot, lambda: SEEDER in _cells(again, "who"))


async def test_changes_on_the_clusters_pane_is_the_account(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ClustersScreen))
        await pilot.press("colon", *"changes", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangesScreen))
        screen = app.screen
        assert screen.cluster is None and "account" in screen.crumb
        await wait_for(pilot, lambda: len({c.cluster for c in screen.changes.values()}) > 1)
