"""Issue 8's "done means", pressed like an on-call would, on the planted account: 40 clusters,
exactly five problems (aws.sandbox.planted.EXPECTED) and nothing else wrong."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from aws.sandbox.planted import EXPECTED
from tests.tui.conftest import wait_for
from tests.tui.test_panes import keys, table
from tui.screens.deployments import DeploymentsScreen
from tui.screens.problems import ProblemsScreen
from tui.screens.services import ServicesScreen

#: Words each planted problem's row must carry (WHAT or WHY): its cause, not only its name.
CAUSES = {
    "targets": "health checks",
    "stopped": "out of memory",
    "rollout": "circuit breaker",
    "stuck": "unable to place",
    "instance": "agent disconnected",
}


def cluster_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


async def open_problems(app: Any, pilot: Any, rows: int) -> ProblemsScreen:
    await wait_for(pilot, lambda: table(app).row_count >= 40)
    await pilot.press("exclamation_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))
    screen: ProblemsScreen = app.screen
    await wait_for(pilot, lambda: screen.problems_table.row_count >= rows)
    return screen


async def test_bang_lists_every_planted_problem_with_its_cause_and_nothing_else(
    sandbox_problems: str, make_app: Any
) -> None:
    app = make_app(sandbox_problems)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_problems(app, pilot, len(EXPECTED))
        shown = [screen.shown[k] for k in keys(screen.problems_table)]
        found = {(p.cluster_name, p.service_name) for p in shown}
        assert found == {(cluster, service) for _, cluster, service in EXPECTED}
        for kind, cluster, service in EXPECTED:
            rows = [p for p in shown if (p.cluster_name, p.service_name) == (cluster, service)]
            text = " ".join(f"{p.what} {p.why}" for p in rows).lower()
            assert CAUSES[kind] in text, f"{kind}: {text}"
        header = screen.header.render().plain
        assert f"{len(EXPECTED)} broken in {len(EXPECTED)} clusters" in header


async def test_clusters_pane_marks_the_problem_clusters_and_only_them(
    sandbox_problems: str, make_app: Any
) -> None:
    app = make_app(sandbox_problems)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count >= 40)
        t = table(app)
        # the rows come from DescribeClusters before the reader has read anything
        assert {t.get_cell(k, "problems").plain for k in keys(t)} <= {"…", "✓", "✗ 1"}

        def marks() -> dict[str, str]:
            return {cluster_name(k): t.get_cell(k, "problems").plain for k in keys(t)}

        await wait_for(pilot, lambda: "…" not in marks().values())
        broken = {cluster for _, cluster, _ in EXPECTED}
        assert {name for name, mark in marks().items() if mark != "✓"} == broken
        assert all(marks()[name] == "✗ 1" for name in broken)


async def test_a_failed_rollout_shows_in_problems_services_and_deployments(
    sandbox_problems: str, make_app: Any
) -> None:
    app = make_app(sandbox_problems)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_problems(app, pilot, len(EXPECTED))
        rollout = next(screen.shown[k] for k in keys(screen.problems_table) if "rollout" in k)
        assert rollout.service_name == "invoice-api" and rollout.what == "rollout failed"
        reason = "circuit breaker"
        assert reason in rollout.why
        t = screen.problems_table
        t.move_cursor(row=t.get_row_index(rollout.key))
        await pilot.press("escape")  # back to the clusters pane, into billing-prod's services
        clusters = table(app)
        clusters.move_cursor(row=keys(clusters).index(rollout.cluster_arn))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        services: ServicesScreen = app.screen
        await wait_for(pilot, lambda: rollout.service_arn in services.services)
        row = services.services_table
        assert row.get_cell(rollout.service_arn, "state").plain.startswith("✗ rollout failed")
        assert row.get_cell(rollout.service_arn, "rollout").plain.startswith("FAILED")
        row.move_cursor(row=row.get_row_index(rollout.service_arn))
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        deployments: DeploymentsScreen = app.screen
        await wait_for(pilot, lambda: deployments.ticks >= 1)
        failed = next(d for d in deployments.service.deployments if d.rollout_state == "FAILED")
        cells = deployments.deployments_table
        assert cells.get_cell(failed.id, "rollout").plain == "✗ FAILED"
        assert cells.get_cell(failed.id, "reason").plain.startswith(reason)
        cells.move_cursor(row=cells.get_row_index(failed.id))
        await pilot.pause()
        assert failed.rollout_reason in str(deployments.query_one("#detail").render())
        assert str(failed.failed_tasks) == cells.get_cell(failed.id, "failed").plain
        config = deployments.query_one("#config").render()
        assert "circuit breaker on (no rollback)" in str(config)


async def test_c_and_y_on_a_problem_act_on_its_culprit(
    sandbox_problems: str, make_app: Any
) -> None:
    """`c` copies the culprit's ARN (the task, else the instance, else the service) and `y`
    shows AWS's description of it, as on the culprit's own pane."""
    from tui.screens.json_view import JsonScreen

    app = make_app(sandbox_problems)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_problems(app, pilot, len(EXPECTED))
        t = screen.problems_table
        for key in keys(t):
            p = screen.shown[key]
            culprit = p.task_arn or p.container_instance_arn or p.service_arn or p.cluster_arn
            t.move_cursor(row=t.get_row_index(key))
            await pilot.press("c")
            await wait_for(pilot, lambda culprit=culprit: app.clipboard == culprit)
        stopped = next(screen.shown[k] for k in keys(t) if screen.shown[k].kind == "stopped")
        t.move_cursor(row=t.get_row_index(stopped.key))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonScreen))
        await wait_for(pilot, lambda: app.clipboard.startswith("{"))
        assert json.loads(app.clipboard)["tasks"][0]["taskArn"] == stopped.task_arn
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        instance = next(screen.shown[k] for k in keys(t) if screen.shown[k].kind == "instance")
        t.move_cursor(row=t.get_row_index(instance.key))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonScreen))
        await wait_for(pilot, lambda: "containerInstances" in app.clipboard)
        found = json.loads(app.clipboard)["containerInstances"][0]
        assert found["containerInstanceArn"] == instance.container_instance_arn


# ---------------------------------------------------------------- a problem clears (own sandbox)


@pytest.fixture(scope="module")
def clearable() -> Iterator[str]:
    """The planted account on its own (a test clears a problem in it)."""
    from tests.sandbox_fork import spawn

    proc, url = spawn(["--seed", "7", "--problems", "--no-simulate"])
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def clear(url: str, kind: str) -> None:
    request = urllib.request.Request(f"{url}/ecsdeck/clear?kind={kind}", method="POST")
    assert json.loads(urllib.request.urlopen(request, timeout=10).read()) == {"cleared": kind}


async def test_a_problem_that_clears_shows_resolved_then_leaves(
    clearable: str, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.problem_feed

    monkeypatch.setattr(tui.problem_feed, "RESOLVED_FOR", 3.0)
    app = make_app(clearable)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count >= 5)
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        screen: ProblemsScreen = app.screen
        t = screen.problems_table

        def targets_row() -> str | None:
            return next((k for k in keys(t) if screen.shown[k].kind == "targets"), None)

        key = await wait_for(pilot, targets_row)
        assert t.get_cell(key, "kind").plain == "✗ targets"
        clear(clearable, "targets")
        await wait_for(pilot, lambda: t.get_cell(key, "kind").plain == "✓ resolved")
        assert "1 resolved" in screen.header.render().plain
        await wait_for(pilot, lambda: key not in keys(t))
        assert len(keys(t)) == len(EXPECTED) - 1
        await pilot.press("escape")
        clusters = table(app)
        storefront = next(k for k in keys(clusters) if k.endswith("/storefront-prod"))
        await wait_for(pilot, lambda: clusters.get_cell(storefront, "problems").plain == "✓")
