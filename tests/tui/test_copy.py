"""Copying over SSH: `c` (ARN), `y` (the resource as JSON) and the confirmation's `c` (its aws CLI
lines) send OSC 52 to the terminal, which tmux and SSH pass on to the user's clipboard."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.tui.conftest import wait_for
from tests.tui.test_panes import keys, open_cluster, open_service, table
from tui.screens.json_view import JsonScreen


def osc52(text: str) -> str:
    return f"\x1b]52;c;{base64.b64encode(text.encode()).decode()}\a"


def record_writes(app: Any) -> list[str]:
    """What the app writes to the terminal from now on."""
    writes: list[str] = []
    driver = app._driver
    original = driver.write

    def write(data: str) -> None:
        writes.append(data)
        original(data)

    driver.write = write
    return writes


async def test_c_copies_the_selected_clusters_arn(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: any(k.endswith("/core-ec2") for k in keys(table(app))))
        t = table(app)
        arn = next(k for k in keys(t) if k.endswith("/core-ec2"))
        t.move_cursor(row=t.get_row_index(arn))
        writes = record_writes(app)
        await pilot.press("c")
        await wait_for(pilot, lambda: osc52(arn) in "".join(writes))
        assert app.clipboard == arn


async def test_y_shows_the_service_as_json_and_copies_it(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        service = app.screen.selected_service()
        writes = record_writes(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonScreen))
        await wait_for(pilot, lambda: app.clipboard.startswith("{"))
        data = json.loads(app.clipboard)  # as `aws ecs describe-services` prints it
        assert data["services"][0]["serviceArn"] == service.arn
        assert data["services"][0]["serviceName"] == service.name
        assert osc52(app.clipboard) in "".join(writes)
        assert service.name in app.export_screenshot()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, JsonScreen))


async def test_c_on_a_task_copies_its_arn(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        await wait_for(pilot, lambda: app.screen.selected_task() is not None)
        task = app.screen.selected_task()
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard == task.arn)


async def test_the_confirmation_copies_its_aws_cli_lines(
    frozen_sandbox: str, make_app: Any
) -> None:
    from tui.screens.dialogs.confirm import ConfirmScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        name = app.screen.service.name
        await pilot.press("f")  # force a new deployment: straight to the confirmation
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        writes = record_writes(app)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard.startswith("aws ecs update-service"))
        assert name in app.clipboard and "--force-new-deployment" in app.clipboard
        assert osc52(app.clipboard) in "".join(writes)
        assert isinstance(app.screen, ConfirmScreen)  # copying does not answer
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert not any(op.endswith("UpdateService") for op in app.clients.calls.total)


async def test_o_shows_and_copies_the_console_url_of_the_selection(
    frozen_sandbox: str, make_app: Any
) -> None:
    from aws import console

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: any(k.endswith("/core-ec2") for k in keys(table(app))))
        t = table(app)
        arn = next(k for k in keys(t) if k.endswith("/core-ec2"))
        t.move_cursor(row=t.get_row_index(arn))
        writes = record_writes(app)
        await pilot.press("o")
        url = console.cluster_url(arn, app.clients.region)
        await wait_for(pilot, lambda: osc52(url) in "".join(writes))
        assert app.clipboard == url and "/ecs/v2/clusters/core-ec2/" in url
        assert any(str(n.message) == url for n in app._notifications)  # shown, not only copied


async def test_o_on_a_task_and_on_a_target(frozen_sandbox: str, make_app: Any) -> None:
    from aws import console

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        await wait_for(pilot, lambda: app.screen.selected_task() is not None)
        task = app.screen.selected_task()
        await pilot.press("o")
        await wait_for(
            pilot,
            lambda: app.clipboard.endswith(
                f"/tasks/{task.id}/configuration?region={app.clients.region}"
            ),
        )
        screen = app.screen
        await wait_for(pilot, lambda: screen.targets_table.row_count > 0)
        screen.targets_table.focus()
        await pilot.pause()
        target = screen.selected_resource()
        await pilot.press("o")
        await wait_for(
            pilot,
            lambda: app.clipboard == console.target_group_url(target.target_group_arn, "x"),
        )


async def test_o_on_a_problem_copies_its_culprits_page(frozen_sandbox: str, make_app: Any) -> None:
    from aws import console
    from tests.tui.test_triage import open_problems

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_problems(app, pilot)
        problem = screen.shown[screen.problems_table.selected_key]
        await pilot.press("o")
        url = console.problem_url(problem, app.clients.region)
        await wait_for(pilot, lambda: app.clipboard == url)
