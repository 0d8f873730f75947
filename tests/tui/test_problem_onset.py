"""Issue 17's "When" and triage defects in the problems view, pressed like an on-call would:
SINCE from the real onset (else ``seen …``), Enter and `o` on a disconnected agent, the header's
count against the clusters pane, and resolved rows below the active ones."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tests.tui.conftest import wait_for
from tests.tui.test_panes import keys, table
from tests.tui.test_triage_planted import open_problems
from tui.problem_feed import Resolved
from tui.screens.clusters import ClustersScreen
from tui.screens.instances import InstancesScreen
from tui.screens.problems import ProblemsScreen


def row_of(screen: ProblemsScreen, kind: str) -> str:
    return next(k for k in keys(screen.problems_table) if screen.shown[k].kind == kind)


async def test_since_shows_the_onset_and_says_seen_where_aws_gives_none(
    sandbox_problems: str, make_app: Any
) -> None:
    app = make_app(sandbox_problems)
    async with app.run_test(size=(160, 36)) as pilot:
        screen = await open_problems(app, pilot, 5)
        t = screen.problems_table
        # The targets have failed since 6 minutes before the sandbox started (their first "is
        # unhealthy" event), not since ecsdeck looked a second ago; the sandbox is shared by the
        # session, so more minutes may have gone by since.
        targets = t.get_cell(row_of(screen, "targets"), "since").plain
        minutes = re.match(r"(\d+)m", targets)
        assert minutes and int(minutes.group(1)) >= 6, targets
        instance = t.get_cell(row_of(screen, "instance"), "since").plain
        assert instance.startswith("seen ") and instance.endswith("s"), instance
        t.move_cursor(row=t.get_row_index(row_of(screen, "targets")))
        await wait_for(
            pilot, lambda: "first service event" in str(screen.query_one("#detail").render())
        )


async def test_enter_and_o_on_a_disconnected_agent_go_to_that_instance(
    sandbox_problems: str, make_app: Any
) -> None:
    app = make_app(sandbox_problems)
    async with app.run_test(size=(160, 36)) as pilot:
        screen = await open_problems(app, pilot, 5)
        key = row_of(screen, "instance")
        problem = screen.shown[key]
        t = screen.problems_table
        t.move_cursor(row=t.get_row_index(key))
        await pilot.pause()
        detail = str(screen.query_one("#detail").render())
        assert "target" not in detail and f"EC2 {problem.ec2_instance_id}" in detail

        await pilot.press("o")
        url = await wait_for(pilot, lambda: app.clipboard if "/ec2/" in app.clipboard else None)
        assert f"instanceId={problem.ec2_instance_id}" in url

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InstancesScreen))
        pane: InstancesScreen = app.screen
        await wait_for(pilot, lambda: pane.focus_instance is None and pane.ticks >= 1)
        assert table(app).selected_key == problem.container_instance_arn
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_header_counts_what_the_clusters_pane_adds_up_to(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(160, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ClustersScreen))
        await wait_for(pilot, lambda: app.problems.report is not None)
        column = table(app)

        def marks() -> list[str]:
            return [column.get_cell(k, "problems").plain for k in keys(column)]

        await wait_for(pilot, lambda: "…" not in marks())
        broken = sum(int(m.split()[1]) for m in marks() if m.startswith("✗"))
        report = app.problems.report
        assert report.warning_count, "the seed-7 account has a warning beside its errors"
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        clusters = len({p.cluster_arn for p in report.problems})
        warnings = report.warning_count
        said = f"{broken} broken, {warnings} warning{'s' if warnings != 1 else ''}"
        # The counts are the pane's first tick's: a header drawn before it has none yet.
        await wait_for(pilot, lambda: " broken" in app.screen.header.render().plain)
        header = app.screen.header.render().plain
        assert f"{said} in {clusters} clusters" in header, header


async def test_resolved_rows_sort_below_the_active_ones(
    sandbox_problems: str, make_app: Any
) -> None:
    app = make_app(sandbox_problems)
    async with app.run_test(size=(160, 36)) as pilot:
        screen = await open_problems(app, pilot, 5)
        active = list(keys(screen.problems_table))
        # A problem that cleared a moment ago, newer than every active one.
        cleared = replace(screen.shown[active[-1]], key="cleared", since=datetime.now(UTC))
        app.problems.resolved["cleared"] = Resolved(cleared, time.monotonic())
        screen.poll()
        await wait_for(pilot, lambda: "cleared" in keys(screen.problems_table))
        assert keys(screen.problems_table) == [*active, "cleared"]
        assert screen.problems_table.get_cell("cleared", "kind").plain == "✓ resolved"
