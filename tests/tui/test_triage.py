"""On-call triage against the frozen seed-7 sandbox: `!` problems view, the clusters pane's
PROBLEMS column, Enter to the culprit and back, and `p` deployments."""

from __future__ import annotations

import itertools
from typing import Any

from tests.tui.conftest import palette_choose, wait_for
from tests.tui.test_panes import keys, open_cluster, table
from tui.render.task_detail import describe
from tui.screens.clusters import ClustersScreen
from tui.screens.deployments import DeploymentsScreen
from tui.screens.problems import ProblemsScreen
from tui.screens.service import ServiceScreen
from tui.screens.services import ServicesScreen
from tui.screens.task_detail import TaskDetail


def report(app: Any) -> Any:
    return app.problems.report


async def open_problems(app: Any, pilot: Any) -> ProblemsScreen:
    await wait_for(pilot, lambda: report(app) is not None)
    await pilot.press("exclamation_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))
    screen: ProblemsScreen = app.screen
    await wait_for(pilot, lambda: screen.problems_table.row_count == len(report(app).problems))
    return screen


async def test_clusters_pane_marks_the_clusters_with_problems(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count >= 3)
        await wait_for(pilot, lambda: report(app) is not None)
        t = table(app)

        def column() -> dict[str, str]:
            return {k: t.get_cell(k, "problems").plain for k in keys(t)}

        errors = report(app).by_cluster
        expected = {
            arn: f"✗ {n}" if n else ("!" if report(app).warnings_by_cluster.get(arn) else "✓")
            for arn, n in errors.items()
        }
        await wait_for(pilot, lambda: {k: v[:3] for k, v in column().items()} == expected)
        assert any(n for n in errors.values()) and not all(n for n in errors.values())
        # the reader's calls are its own: the pane still says 2 a refresh
        assert app.screen.header.calls_last == 2


async def test_problems_view_lists_every_problem_and_opens_the_culprit(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_problems(app, pilot)
        problems = report(app).problems
        assert set(keys(screen.problems_table)) == {p.key for p in problems}
        header = screen.header.render().plain
        errors = sum(1 for p in problems if p.severity == "error")
        assert f"{errors} broken" in header and "reader" in header
        # newest first
        since = [screen.shown[k].since for k in keys(screen.problems_table)]
        assert all(a >= b for a, b in itertools.pairwise(since) if a and b)

        stopped = next(p for p in problems if p.kind == "stopped" and p.task_arn)
        t = screen.problems_table
        t.move_cursor(row=t.get_row_index(stopped.key))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetail))
        assert app.screen.ecs_task.arn == stopped.task_arn
        # the cause on top in the problems view's words
        assert describe(app.screen.ecs_task).plain.startswith(f"✗ {stopped.what}")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)

        target = next(p for p in problems if p.kind == "targets" and p.target_id)
        t.move_cursor(row=t.get_row_index(target.key))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        pane: ServiceScreen = app.screen
        await wait_for(pilot, lambda: pane.focus_target is None and pane.targets_table.has_focus)
        chosen = pane.targets_table.selected_key
        assert chosen is not None and chosen.split("|")[1] == target.target_id
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ClustersScreen))


async def test_bang_from_a_deep_pane_goes_back_to_the_open_problems_view(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_problems(app, pilot)
        service_problem = next(p for p in report(app).problems if p.service_name)
        t = screen.problems_table
        t.move_cursor(row=t.get_row_index(service_problem.key))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: app.screen is screen)
        assert sum(isinstance(s, ProblemsScreen) for s in app.screen_stack) == 1


async def test_deployments_view_from_the_services_list(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        service = app.screen.selected_service()
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        screen: DeploymentsScreen = app.screen
        await wait_for(pilot, lambda: screen.ticks >= 1)
        rows = keys(screen.deployments_table)
        assert rows == [d.id for d in screen.service.deployments if d.status == "PRIMARY"] + [
            d.id for d in screen.service.deployments if d.status != "PRIMARY"
        ]
        shot = app.export_screenshot()
        assert "PRIMARY" in shot and service.name in shot
        assert screen.header.calls_last == 1  # one DescribeServices a tick
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))


async def test_palette_offers_problems_from_any_pane(frozen_sandbox: str, make_app: Any) -> None:
    from textual.command import CommandPalette

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count >= 3)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await palette_choose(pilot, "problems", "Problems", ":problems")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))
