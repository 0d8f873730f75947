"""The service pane's target-health table filters on everything its rows show, and the header
counts that table's rows while it is filtered."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import wait_for
from tests.tui.test_panes import open_cluster, table
from tui.rows.service import tg_name
from tui.screens.service import ServiceScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


async def test_target_filter_matches_group_port_and_task(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "shared-mixed")
        big = next(s for s in app.screen.services.values() if s.desired > 100)
        t = table(app)
        t.move_cursor(row=t.get_row_index(big.arn))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        screen = app.screen
        targets = table(app, "#targets")
        await wait_for(pilot, lambda: targets.row_count >= big.desired)
        total = targets.row_count
        joined = next(t for t in screen.targets if t.task_arn in screen.tasks and t.port)
        task_id = screen.tasks[joined.task_arn].id
        screen.targets_table.focus()
        await pilot.pause()
        for typed in (tg_name(joined.target_group_arn)[:5], str(joined.port), task_id[:5]):
            await pilot.press("slash", *typed, "enter")
            await wait_for(pilot, lambda typed=typed: targets.filter_text == typed.lower())
            assert joined.key in targets.shown_keys(), typed
            shown = targets.row_count
            assert 0 < shown <= total
            header = screen.header.render().plain
            assert f"{shown} of {total} rows (filter: {typed.lower()})" in header, header
            await pilot.press("slash", "ctrl+u", "enter")  # clear: every row is back
            await wait_for(pilot, lambda: targets.row_count == total)
