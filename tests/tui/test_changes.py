"""The `changes` pane: `w` on a service and `:ch` open the service's timeline, with who made
each call (the sandbox's CloudTrail records the seeder's writes under its access key); `w` on a
problem opens its service's timeline from an hour before the problem began (before ecsdeck first
saw it when AWS gives no start)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aws.changes import before_onset
from tests.tui.conftest import wait_for
from tests.tui.test_triage import open_problems, report
from tui.screens.changes import ChangesScreen
from tui.screens.clusters import ClustersScreen
from tui.screens.service import ServiceScreen
from tui.widgets.quiet_static import QuietStatic

SEEDER = "user/sandbox"  # the WHO cell: the ARN after the account


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


async def test_w_on_a_problem_opens_its_service_timeline_from_an_hour_before_onset(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(140, 36)) as pilot:
        problems = await open_problems(app, pilot)
        p = next(p for p in report(app).problems if p.service_name and p.since_known)
        table = problems.problems_table
        table.move_cursor(row=table.get_row_index(p.key))
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangesScreen))
        screen = app.screen
        assert screen.service is not None and screen.service.name == p.service_name
        assert screen.cluster is not None and screen.cluster.arn == p.cluster_arn
        assert screen.since == p.since - timedelta(hours=1)
        assert f"since {screen.since.astimezone(UTC):%H:%M} UTC" in screen.crumb
        await wait_for(pilot, lambda: screen.changes_table.row_count > 0)
        note = screen.query_one("#note", QuietStatic)
        assert note.display and "an hour before it began" in str(note.render())
        assert all(ch.at >= screen.since for ch in screen.changes.values())
        assert all(ch.service in (None, p.service_name) for ch in screen.changes.values())
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is problems)


async def test_w_on_a_problem_aws_dates_nothing_says_when_ecsdeck_first_saw_it(
    sandbox_problems: str, make_app: Any
) -> None:
    """A disconnected agent has no start in AWS: its time is when ecsdeck first saw it (onset
    "seen"), and the window is an hour before that, said so, never "before it began"."""
    app = make_app(sandbox_problems)
    async with app.run_test(size=(140, 36)) as pilot:
        problems = await open_problems(app, pilot)
        p = next(p for p in report(app).problems if p.kind == "instance")
        assert p.onset == "seen" and p.since is not None
        table = problems.problems_table
        table.move_cursor(row=table.get_row_index(p.key))
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangesScreen))
        screen = app.screen
        assert screen.cluster is not None and screen.cluster.arn == p.cluster_arn
        assert screen.since == p.since - timedelta(hours=1)
        note = screen.query_one("#note", QuietStatic)
        await wait_for(pilot, lambda: "What changed from" in str(note.render()))
        assert "an hour before ecsdeck first saw it" in str(note.render())
        assert "began" not in str(note.render())


def test_before_onset_is_an_hour_before_it_and_two_hours_ago_without_one() -> None:
    now = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
    assert before_onset(None, now) == datetime(2026, 1, 2, 10, 0, tzinfo=UTC)
    assert before_onset(now - timedelta(minutes=5), now) == now - timedelta(minutes=65)
