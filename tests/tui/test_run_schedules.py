"""Run now from the schedules pane (an EventBridge rule), followed to its exit, then disable: one pilot test on the
bare moto server with the sandbox's one-off task life (aws/sandbox/runs.py) switched on for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.tui.conftest import wait_for
from tests.tui.test_actions import confirm

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


@pytest.fixture
def run_life(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The in-process moto server's one-off tasks live as the sandbox's do, in a second."""
    from aws.sandbox import runs

    monkeypatch.setattr(runs, "PENDING_AT", 0.2)
    monkeypatch.setattr(runs, "RUNNING_AT", 0.4)
    monkeypatch.setattr(runs, "RUNS_FOR", 0.6)
    runs.apply()
    yield
    runs.unapply()


def _seed(url: str) -> None:
    kw: dict[str, Any] = {"endpoint_url": url, "region_name": "us-east-1"}
    ecs = boto3.client("ecs", **kw)
    ecs.create_cluster(clusterName="jobs")
    td = ecs.register_task_definition(
        family="migrate",
        networkMode="bridge",
        requiresCompatibilities=["EC2"],
        containerDefinitions=[{"name": "app", "image": "busybox", "memory": 128}],
    )["taskDefinition"]["taskDefinitionArn"]
    events = boto3.client("events", **kw)
    events.put_rule(Name="nightly-migrate", ScheduleExpression="cron(30 2 * * ? *)")
    target = {
        "Id": "ecs",
        "Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/jobs",
        "RoleArn": "arn:aws:iam::123456789012:role/events",
        "EcsParameters": {"TaskDefinitionArn": td, "LaunchType": "FARGATE"},
    }
    events.put_targets(Rule="nightly-migrate", Targets=[target])
    # The rule fired a moment ago: its task, as EventBridge starts it.
    ecs.run_task(
        cluster="jobs",
        taskDefinition=td,
        launchType="FARGATE",
        startedBy="events-rule/nightly-migrate",
        overrides={"containerOverrides": [{"name": "app", "command": ["sh", "-c", "exit 3"]}]},
    )


async def test_run_now_follows_the_task_to_its_exit_then_disable(
    moto_url: str, make_app: Any, run_life: None
) -> None:
    from tui.run_status import RunStatus
    from tui.screens.dialogs.confirm import ConfirmScreen
    from tui.screens.logs import LogsScreen
    from tui.screens.schedules import SchedulesScreen
    from tui.widgets.live_table import LiveTable

    _seed(moto_url)
    app = make_app(moto_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("colon", *"sch", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        pane = app.screen
        table = pane.query_one(LiveTable)

        def cell(column: int) -> str:
            return str(table.get_row_at(0)[column])

        await wait_for(pilot, lambda: table.row_count == 1)
        assert cell(0) == "nightly-migrate" and cell(4).startswith("in ")
        # The rule's last run, followed to its exit by the pane's own refresh.
        await wait_for(pilot, lambda: "exit 3" in cell(7))

        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "aws ecs run-task --cluster jobs" in app.screen.plan.cli()
        await confirm(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen))
        follow = app.screen.query_one(RunStatus)
        await wait_for(pilot, lambda: follow.finished, timeout=15)
        status = str(follow.render())
        assert "finished: app exited with code 0 (success)" in status

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is pane)
        assert "exit 3" in cell(7)  # run now is ecsdeck's run, not the rule's

        await pilot.press("T")
        await confirm(pilot)
        await wait_for(pilot, lambda: cell(4) == "disabled")

        # Every column fits 120 columns; at 80 the least needed ones drop: no sideways scroll.
        for width, shown in ((120, 8), (80, 4)):
            await pilot.resize_terminal(width, 40)
            await wait_for(pilot, lambda n=shown: len(pane.query_one(LiveTable).columns) == n)
            table = pane.query_one(LiveTable)
            await wait_for(pilot, lambda t=table: t.virtual_size.width > 0)
            assert table.virtual_size.width <= table.scrollable_content_region.width
            last = list(table.columns.values())[-1]
            assert "exit 3" in str(table.get_row_at(0)[-1]) and last.auto_width  # not cut
