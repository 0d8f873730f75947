"""Everything fits from 80x24 up: dialog buttons on screen, whole footer keys, the header's state.

The module's own frozen seed-7 sandbox gets 24 more security groups in the VPC of core-ec2's
instances, so the switch dialog's group list is longer than any terminal; nothing here mutates.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from textual.geometry import Region
from textual.widgets._footer import FooterKey

from tests.tui.conftest import painted, stop_polling, wait_for
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.switch import SwitchScreen
from tui.screens.service import ServiceScreen
from tui.screens.services import ServicesScreen
from tui.screens.task_detail import TaskDetail
from tui.widgets.fit_footer import FitFooter
from tui.widgets.live_table import LiveTable

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")

EXTRA_GROUPS = 24


@pytest.fixture(scope="module")
def roomy_sandbox() -> Iterator[str]:
    from tests.sandbox_fork import spawn

    proc, url = spawn(["--seed", "7", "--no-simulate"], timeout=120)
    try:
        ec2 = boto3.client(
            "ec2",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        groups = ec2.describe_security_groups()["SecurityGroups"]
        vpc = next(g["VpcId"] for g in groups if g["GroupName"] == "prod-ecs-tasks")
        for n in range(EXTRA_GROUPS):
            ec2.create_security_group(GroupName=f"extra-{n:02d}", Description="x", VpcId=vpc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def open_service_row(pilot: Any, cluster: str, service: str) -> ServicesScreen:
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.query(LiveTable).first().row_count >= 3)
    table = app.screen.query(LiveTable).first()
    table.move_cursor(row=[k.rsplit("/", 1)[-1] for k in table.shown_keys()].index(cluster))
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.services_table.row_count >= 3 and screen.services)
    keys = screen.services_table.shown_keys()
    screen.services_table.move_cursor(row=[k.rsplit("/", 1)[-1] for k in keys].index(service))
    await pilot.pause()
    return screen


def inside(outer: Region, inner: Region) -> bool:
    return inner.area > 0 and outer.contains_region(inner)


async def test_switch_dialog_with_many_groups_keeps_its_buttons_at_80x24(roomy_sandbox, make_app):
    app = make_app(roomy_sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_service_row(pilot, "core-ec2", "email-worker")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, SwitchScreen))
        await pilot.pause()
        dialog = app.screen
        assert dialog.query_one("#groups").option_count > EXTRA_GROUPS
        frame = dialog.frame
        for part in ("#cancel", "#next", "#focus-hint"):
            assert inside(app.screen.region, dialog.query_one(part).region), part
            assert inside(frame.region, dialog.query_one(part).region), part
        # PageDown/End/Home scroll the body while Cancel has the focus (and with a toast up).
        assert dialog.focused.id == "cancel"
        app.notify("a toast is mounted on the screen too")
        await pilot.press("pagedown")
        await pilot.pause()
        assert frame.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert frame.scroll_y == frame.max_scroll_y > 0
        await pilot.press("home")
        await pilot.pause()
        assert frame.scroll_y == 0 and dialog.focused.id == "cancel"
        # Next: the confirmation of the plan scrolls the same way from its Cancel button.
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause()
        confirm = app.screen
        assert confirm.focused.id == "cancel"
        for part in ("#cancel", "#confirm", "#focus-hint"):
            assert inside(app.screen.region, confirm.query_one(part).region), part
        await pilot.press("pagedown")
        await pilot.pause()
        assert confirm.frame.scroll_y > 0
        await pilot.press("escape")
        await pilot.pause()
    assert "ecs.UpdateService" not in app.clients.calls.total


def tick_column(widget: Any, rows: int) -> list[str]:
    return [widget.render_line(y).text[:3] for y in range(rows)]


async def test_checkboxes_say_ticked_in_characters_under_no_color(
    roomy_sandbox, make_app, monkeypatch
):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(roomy_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service_row(pilot, "core-ec2", "email-worker")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, SwitchScreen))
        await pilot.pause()
        assert app.no_color
        groups = app.screen.query_one("#groups")
        chosen = set(app.screen.sp.security_groups)
        expected = [
            "[x]" if groups.get_option_at_index(i).value in chosen else "[ ]" for i in range(3)
        ]
        assert tick_column(groups, 3) == expected and "[ ]" in expected
        groups.focus()
        groups.highlighted = next(i for i, t in enumerate(expected) if t == "[ ]")
        await pilot.press("space")
        await pilot.pause()
        assert tick_column(groups, 3).count("[x]") == expected.count("[x]") + 1


def footer_keys(footer: FitFooter) -> list[FooterKey]:
    return list(footer.query(FooterKey))


async def test_footer_at_80x24_shows_only_whole_keys(roomy_sandbox, make_app):
    app = make_app(roomy_sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_service_row(pilot, "core-ec2", "email-worker")
        await pilot.pause()
        keys = footer_keys(screen.query_one(FitFooter))
        palette = next(k for k in keys if k.has_class("-command-palette"))
        others = [k for k in keys if k is not palette]
        assert [k.description for k in others][:2] == ["Help", "Quit"]
        assert "Scale" in [k.description for k in others]
        for key in others:
            label = key.render().plain
            assert key.region.width == len(label), label  # not cut
            assert key.region.right <= palette.region.x, label  # not under the palette key
        assert palette.region.right <= 80
        # the keys left out are in help
        shown = {k.description for k in others}
        assert "Launch" not in shown, [k.render().plain for k in keys]
        from tui.render.help import key_table

        assert "Switch EC2 <-> Fargate" in str([c._cells for c in key_table(screen).columns])
        # and at 120 columns every action key fits
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        await pilot.pause()
        shown = {k.description for k in footer_keys(screen.query_one(FitFooter))}
        assert {"Scale", "Deploy", "Launch"} <= shown


async def test_footer_in_read_only_mode_lists_no_action_key(roomy_sandbox, make_app):
    app = make_app(roomy_sandbox, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_service_row(pilot, "core-ec2", "email-worker")
        await pilot.pause()
        shown = {k.description for k in footer_keys(screen.query_one(FitFooter))}
        assert {"Help", "Quit", "Filter"} <= shown
        assert not shown & {"Scale", "Deploy", "Rollback", "Force", "Image", "JSON", "Launch"}


async def test_task_detail_footer_lists_its_own_keys_only(roomy_sandbox, make_app):
    app = make_app(roomy_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service_row(pilot, "core-ec2", "email-worker")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        pane = app.screen
        await wait_for(pilot, lambda: pane.tasks_table.row_count > 0)
        pane.tasks_table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDetail))
        await pilot.pause()
        await pilot.pause()
        assert footer_keys(pane.query_one(FitFooter)) == []  # nothing of the pane below
        own = {k.description for k in footer_keys(app.screen.query_one(FitFooter))}
        assert {"Close", "Logs"} <= own
        assert not own & {"Stop", "Scale", "Refresh", "Filter"}
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is pane)
        await pilot.pause()
        await pilot.pause()
        assert "Stop" in {k.description for k in footer_keys(pane.query_one(FitFooter))}


async def test_header_state_line_shows_at_60x15(roomy_sandbox, make_app):
    app = make_app(roomy_sandbox)
    async with app.run_test(size=(60, 15)) as pilot:
        screen = await open_service_row(pilot, "core-ec2", "email-worker")
        await wait_for(pilot, lambda: screen.header.fetched_at)
        await pilot.pause()
        # a filter makes the crumb longer than the line: the crumb gives way, not the state
        await pilot.press("slash", *"email-worker", "enter")
        await wait_for(pilot, lambda: screen.services_table.row_count == 1)
        screen.header.update_lines()
        await pilot.pause()
        first, second = painted(screen.header)
        assert first.strip().startswith("ecsdeck acct")
        assert second.strip().startswith("clusters") and "● live" in second, second
        await stop_polling(pilot, screen)  # a tick after the mark says "live" again
        screen.header.mark_stale("AWS did not answer")
        await pilot.pause()
        assert "STALE" in painted(screen.header)[1]
