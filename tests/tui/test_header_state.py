"""The header says what matters even when cut or covered: the mode and the state are the last
things a narrow terminal cuts, and under a dialog it says polling is paused, not ``live``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import painted, stop_polling, wait_for
from tests.tui.test_panes import open_service
from tui.screens.dialogs.scale import ScaleScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


async def test_read_only_and_live_survive_80_columns(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_service(app, pilot, "web-fargate")
        header = app.screen.header
        await wait_for(pilot, lambda: header.fetched_at and app.identity.account)
        header.update_lines()
        await pilot.pause()
        first, second = painted(header, outer=True)
        assert first.rstrip().endswith("[READ-ONLY]") and len(first) == 80, first
        assert "endpoint http" in first, first  # shortened, not dropped, while it fits
        assert "● live" in second, second
        await stop_polling(pilot, app.screen)  # a tick after the mark says "live" again
        header.mark_stale("AWS did not answer")
        await pilot.pause()
        assert "✗ STALE" in painted(header, outer=True)[1]


async def test_under_a_dialog_the_header_says_paused(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        pane = app.screen
        await wait_for(
            pilot,
            lambda: pane.header.fetched_at and "● live" in painted(pane.header, outer=True)[1],
        )
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        await wait_for(pilot, lambda: "paused" in app.export_screenshot())
        assert "● live" not in painted(pane.header, outer=True)[1]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is pane)
        await wait_for(pilot, lambda: "● live" in painted(pane.header, outer=True)[1])
        assert "paused" not in app.export_screenshot()
