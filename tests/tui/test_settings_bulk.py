"""``u`` (service settings) and marks with a bulk scale, through the keyboard, against the
session's moto server (a few services seeded here, no sandbox of its own): a bad field refused
before anything is sent, the settings diff and UpdateService on the confirmation, marks in the
header and on the rows, one confirmation for every marked service, and a failure in the middle
(a marked service deleted by another client) reported for that service only."""

from __future__ import annotations

from typing import Any

import pytest

from aws.audit import AuditLog
from tests.tui.conftest import aws_client, notes, palette_choose, wait_for
from tui.screens.dialogs.bulk_scale import BulkScaleScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.settings import SettingsScreen
from tui.screens.services import ServicesScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def _seed(url: str) -> Any:
    ecs = aws_client(url, "ecs")
    ecs.create_cluster(clusterName="marks")
    ecs.register_task_definition(
        family="m", containerDefinitions=[{"name": "a", "image": "x", "memory": 128}]
    )
    for name in ("a", "b", "c"):
        ecs.create_service(cluster="marks", serviceName=name, taskDefinition="m", desiredCount=1)
    return ecs


def _plan_text(app: Any) -> str:
    return "\n".join(t.plain for t in app.screen.query_one("#plan").content.renderables)


async def _row(pilot: Any, screen: ServicesScreen, name: str) -> None:
    keys = screen.services_table.shown_keys()
    screen.services_table.move_cursor(row=[k.rsplit("/", 1)[-1] for k in keys].index(name))
    await pilot.pause()


async def test_settings_then_a_bulk_scale_with_a_failure_in_the_middle(moto_url, make_app):
    ecs = _seed(moto_url)
    app = make_app(moto_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.screen.query("LiveTable").first().row_count >= 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.services) == 3)
        await _row(pilot, screen, "a")

        # -- u: a bad field is refused with its own message, nothing sent ------------------
        await pilot.press("u")
        dialog = await wait_for(
            pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen
        )
        # Every field shows at once, nothing scrolled off (eleven bordered fields did at 40 rows).
        box = dialog.query_one("Vertical")
        await wait_for(pilot, lambda: box.virtual_size.height > 0 and box.max_scroll_y == 0)
        await pilot.press("tab", "tab", *"300", "enter")
        problems = str(dialog.query_one("#problems").content)
        assert "Maximum percent: 300 is outside 100 to 200." in problems
        assert app.screen is dialog
        await pilot.press("backspace", "backspace", "backspace", *"150", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        text = _plan_text(app)
        assert "Settings:" in text and "+maximum percent: 150%" in text
        assert '"maximumPercent": 150' in text and "aws ecs update-service" in text
        await pilot.press("tab", "enter")
        doc = lambda n: ecs.describe_services(cluster="marks", services=[n])["services"][0]  # noqa: E731
        await wait_for(pilot, lambda: doc("a")["deploymentConfiguration"]["maximumPercent"] == 150)

        # -- marks: space on a and b and c; b is then deleted by another client ------------
        for name in ("a", "b", "c"):
            await _row(pilot, screen, name)
            await pilot.press("space")
        assert screen.header.marked == 3 and "3 marked" in str(screen.header.render())
        assert all(str(screen.services_table.get_row(k)[0]).startswith("● ") for k in screen.marked)
        ecs.delete_service(cluster="marks", service="b", force=True)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkScaleScreen))
        await pilot.press("2", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        text = _plan_text(app)
        assert text.count("ecs.UpdateService") == 3 and text.count("aws ecs update-service") == 3
        await pilot.press("tab", "enter")
        said = await wait_for(pilot, lambda: "2 of 3 services done." in notes(app) and notes(app))
        assert "a: ok" in said and "c: ok" in said and "b: failed: " in said
        assert (doc("a")["desiredCount"], doc("c")["desiredCount"]) == (2, 2)
        audited = [(x["service"], x["result"]) for x in AuditLog().read()]
        assert sorted(audited) == [("a", "ok"), ("a", "ok"), ("b", "error"), ("c", "ok")]
        assert len(screen.marked) == 3  # the marks stay until cleared

        # -- "restart" in the palette is f, a forced new deployment of every marked service --
        await pilot.press("ctrl+p")
        await palette_choose(pilot, "restart", "Force new deployment (restart)")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.plan.title.startswith("Force new deployment (restart) of ")
        assert "forceNewDeployment" in _plan_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)

        await pilot.press("ctrl+@")
        assert screen.header.marked == 0 and not screen.marked
