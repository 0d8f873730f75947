"""Run-task followed to its exit, and the schedules pane (``python -m scripts.screenshots
--only run``)."""

from __future__ import annotations

from scripts.screenshots import SIZE, _command, _open_service, save, wait_for
from tui.widgets.live_table import LiveTable

ARGS = ["--seed", "7", "--no-simulate"]


async def shoot_run(url: str) -> None:
    """A one-off task like reporting-batch, followed to its exit; then the schedules pane."""
    from tui.app import EcsDeckApp
    from tui.config import Settings

    app = EcsDeckApp(Settings(endpoint_url=url, region="us-east-1", refresh=1.0))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.query(LiveTable).first().row_count >= 3)
        await _open_service(app, pilot, "shared-mixed", "reporting-batch")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ServiceScreen")
        await pilot.press("R")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RunTaskScreen")
        for ch in "python report.py --day yesterday":
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: app.screen.query("#run-status"))
        status = app.screen.query_one("#run-status")
        await wait_for(pilot, lambda: status.finished, timeout=40)
        await wait_for(pilot, lambda: len(app.screen.lines) >= 6)
        await pilot.pause(0.5)
        save(app, "run-task")
        await pilot.press("escape")
        await _command(app, pilot, "sch", "SchedulesScreen")
        await wait_for(pilot, lambda: app.screen.query_one(LiveTable).row_count >= 4)
        # A steady refresh, not the first full read: the header shows what the pane costs.
        await wait_for(pilot, lambda: getattr(app.screen, "ticks", 0) >= 3, timeout=20)
        await pilot.pause(0.5)
        save(app, "schedules")
