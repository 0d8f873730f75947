"""The clusters pane and the problems view across contexts (``python -m scripts.screenshots
--only contexts``).

A sandbox of 2 accounts x 2 regions with planted problems, reached through the profiles
``--demo --demo-accounts 2`` writes; the app opens all four contexts and `!` lists every
context's problems with ACCOUNT and REGION.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from scripts.screenshots import SIZE as CLUSTERS_SIZE
from scripts.screenshots import save, wait_for
from tui.widgets.live_table import LiveTable

REGIONS = ["us-east-1", "eu-west-1"]
ARGS = [
    "--seed", "7", "--no-simulate", "--accounts", "2", "--regions", ",".join(REGIONS),
    "--context-clusters", "2", "--clusters", "6", "--problems",
]  # fmt: skip
SIZE = (160, 36)


def every_cluster_read(app: Any, contexts: int) -> bool:
    """The problems feed has read every cluster of ``contexts`` contexts, twice over: a first
    read that ran past its allowance leaves some clusters for the next (``unread``)."""
    feed = app.problems
    reads = feed.by_context
    return bool(
        reads and len(reads.reports) == contexts and feed.reads >= 2 and not reads.merged().unread
    )


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
        await wait_for(pilot, lambda: every_cluster_read(app, 4), 60)
        table = app.screen.query(LiveTable).first()
        await wait_for(pilot, lambda: table.row_count == len(feed.problems))
        table.move_cursor(row=0)
        await pilot.pause(0.3)
        save(app, "problems-contexts")


#: The sandbox of the clusters-across-contexts shot: two accounts in two regions.
CLUSTERS_ARGS = [
    "--seed",
    "7",
    "--no-simulate",
    "--accounts",
    "2",
    "--regions",
    "us-east-1,eu-west-1",
]


async def shoot_clusters(url: str) -> None:
    """The clusters pane across 2 accounts x 2 regions (the profiles ``--demo --demo-accounts 2``
    writes), plus a profile whose ``source_profile`` does not exist: its one line says the fix."""
    import configparser

    from aws.sandbox.profiles import write_profiles
    from tui.app import EcsDeckApp
    from tui.config import Settings

    written = write_profiles(url, 2, "us-east-1", Path(tempfile.mkdtemp()))
    config = configparser.ConfigParser()
    config.read(written.config_file)
    config["profile broken"] = dict(config["profile staging"]) | {"source_profile": "sso-admin"}
    with written.config_file.open("w") as f:
        config.write(f)
    os.environ["AWS_CONFIG_FILE"] = str(written.config_file)
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(written.credentials_file)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        os.environ.pop(name, None)
    regions = ["us-east-1", "eu-west-1"]
    settings = Settings(profiles=["prod", "staging", "broken"], regions=regions, refresh=1.0)
    app = EcsDeckApp(settings)
    async with app.run_test(size=CLUSTERS_SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: len({s.context for s in screen.where.values()}) == 4, 60)
        await wait_for(pilot, lambda: every_cluster_read(app, 4), 60)
        # The cursor keeps to its cluster while the counts re-sort the rows, and the view
        # scrolls with it: back to the worst cluster, at the top.
        screen.query(LiveTable).first().move_cursor(row=0)
        await pilot.pause(0.3)
        save(app, "contexts")
