"""The problems view across contexts (``python -m scripts.screenshots --only contexts``).

A sandbox of 2 accounts x 2 regions with planted problems, reached through the profiles
``--demo --demo-accounts 2`` writes; the app opens all four contexts and `!` lists every
context's problems with ACCOUNT and REGION.
"""

from __future__ import annotations

from typing import Any

from scripts.screenshots import save, wait_for
from tui.widgets.live_table import LiveTable

REGIONS = ["us-east-1", "eu-west-1"]
ARGS = [
    "--seed", "7", "--no-simulate", "--accounts", "2", "--regions", ",".join(REGIONS),
    "--context-clusters", "2", "--clusters", "6", "--problems",
]  # fmt: skip
SIZE = (160, 36)


async def shoot_contexts(url: str) -> None:
    from tui import main as tui_main
    from tui.app import EcsDeckApp
    from tui.config import Settings

    demo = Settings(demo=True, demo_accounts=2, demo_regions=",".join(REGIONS))
    settings = tui_main.demo_profiles(demo, url, REGIONS)
    app = EcsDeckApp(settings.model_copy(update={"demo": False, "refresh": 1.0}))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.contexts and len(app.contexts.ready) == 4, 60)
        app.action_problems()
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ProblemsScreen")
        feed = app.problems

        def complete() -> Any:
            return feed.by_context and len(feed.by_context.reports) == 4 and feed.reads >= 2

        await wait_for(pilot, complete, 60)
        table = app.screen.query(LiveTable).first()
        await wait_for(pilot, lambda: table.row_count == len(feed.problems))
        table.move_cursor(row=0)
        await pilot.pause(0.3)
        save(app, "problems-contexts")
