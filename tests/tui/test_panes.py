"""Pilot tests of the live panes against the frozen seed-7 sandbox over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import wait_for
from tui.screens.clusters import ClustersScreen
from tui.screens.service import ServiceScreen
from tui.screens.services import ServicesScreen
from tui.widgets.live_table import LiveTable

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def table(app: Any, selector: str | None = None) -> LiveTable:
    if selector:
        return app.screen.query_one(selector, LiveTable)
    return app.screen.query(LiveTable).first()


def keys(t: LiveTable) -> list[str]:
    return t.shown_keys()


async def open_cluster(app: Any, pilot: Any, name: str) -> None:
    await wait_for(pilot, lambda: any(k.endswith("/" + name) for k in keys(table(app))))
    t = table(app)
    index = next(i for i, k in enumerate(keys(t)) if k.endswith("/" + name))
    t.move_cursor(row=index)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
    await wait_for(pilot, lambda: table(app).row_count > 0 and app.screen.header.progress is None)


async def open_service(app: Any, pilot: Any, cluster: str) -> None:
    """Open ``cluster`` and then its first service (the cursor's row)."""
    await open_cluster(app, pilot, cluster)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))


async def test_drill_down_and_back(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "shared-mixed")
        services = app.screen.services
        big = next(s for s in services.values() if s.desired > 100)
        t = table(app)
        t.move_cursor(row=t.get_row_index(big.arn))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        # a service with more than 100 tasks shows all of them, each target beside its task
        await wait_for(pilot, lambda: table(app, "#tasks").row_count > 100)
        await wait_for(pilot, lambda: table(app, "#targets").row_count >= big.desired)
        screen = app.screen
        joined = [t for t in screen.targets if t.task_arn in screen.tasks]
        assert len(joined) >= big.desired
        await pilot.press("escape")
        assert isinstance(app.screen, ServicesScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ClustersScreen)
        # Esc on the first pane does not leave the app
        await pilot.press("escape")
        assert isinstance(app.screen, ClustersScreen)


async def test_filter_narrows_and_clears(frozen_sandbox: str, make_app: Any) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        t = table(app)
        everything = t.row_count
        first_name = app.screen.services[keys(t)[-1]].name
        await pilot.press("slash", *first_name)
        await wait_for(pilot, lambda: t.row_count < everything)
        assert all(first_name in app.screen.services[k].name for k in keys(t))
        header = app.screen.header.render().plain
        assert f"{t.row_count} of {everything} rows (filter: {first_name})" in header
        await pilot.press("enter")  # keep the filter, back to the table
        assert t.has_focus and t.row_count < everything
        await pilot.press("escape")  # clears the filter, stays on the pane
        assert isinstance(app.screen, ServicesScreen)
        assert t.row_count == everything


async def test_cursor_stays_on_the_same_row_across_refreshes(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        t = table(app)
        await pilot.press("down", "down")
        chosen = t.selected_key
        assert chosen is not None and chosen != keys(t)[0]
        start = app.screen.ticks
        await wait_for(pilot, lambda: app.screen.ticks >= start + 2)
        assert t.selected_key == chosen
        assert t.cursor_row == 2


async def test_help_lists_every_key(frozen_sandbox: str, make_app: Any) -> None:
    from rich.console import Console

    from tui.render.help import key_table
    from tui.screens.help import HelpScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count >= 3)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        console = Console(width=100, record=True, color_system=None)
        console.print(key_table(app.screen.under))
        listed = console.export_text()
        for key, words in [("/", "filter"), ("r", "Refresh"), ("q", "Quit"), ("?", "Help")]:
            assert any(
                line.split()[:1] == [key] and words.lower() in line.lower()
                for line in listed.splitlines()
            ), f"{key} {words} missing from help:\n{listed}"
        await pilot.press("escape")
        assert isinstance(app.screen, ClustersScreen)


async def test_hundreds_of_services_load_in_batches_and_filter_finds_the_last(
    frozen_sandbox: str, make_app: Any, monkeypatch: Any
) -> None:
    from tui.widgets.status_header import StatusHeader

    progress_seen: list[tuple[int, int]] = []
    original = StatusHeader.set_progress

    def record(self: StatusHeader, done: int, total: int) -> None:
        progress_seen.append((done, total))
        original(self, done, total)

    monkeypatch.setattr(StatusHeader, "set_progress", record)
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: any(k.endswith("/bench") for k in keys(table(app))))
        t = table(app)
        t.move_cursor(row=next(i for i, k in enumerate(keys(t)) if k.endswith("/bench")))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ServicesScreen))
        screen = app.screen

        def loaded() -> bool:
            return screen.services_table.row_count == 300 and screen.header.progress is None

        await wait_for(pilot, loaded, timeout=30)
        # rows arrived in batches with "n of N" shown before the end
        assert any(0 < done < total == 300 for done, total in progress_seen)
        last = max(s.name for s in screen.services.values())
        await pilot.press("slash", *last)
        await wait_for(pilot, lambda: screen.services_table.row_count == 1)
        assert screen.services[keys(screen.services_table)[0]].name == last


async def test_service_actions_work_from_the_service_pane_too(
    frozen_sandbox: str, make_app: Any
) -> None:
    from tui.screens.dialogs.scale import ScaleScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        name = app.screen.service.name
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        assert name in app.export_screenshot()
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
        assert not any(op.endswith("UpdateService") for op in app.clients.calls.total)


async def test_keys_typed_in_one_burst_after_slash_go_to_the_filter(
    frozen_sandbox: str, make_app: Any
) -> None:
    """A fast typist (or a paste) must not trigger s = Scale while opening the filter."""
    from textual import events

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "web-fargate")
        for ch in "/search":
            app.post_message(events.Key("slash" if ch == "/" else ch, ch))
        await wait_for(pilot, lambda: app.screen.filter_input.value == "search")
        await wait_for(pilot, lambda: table(app).row_count == 1)
        assert isinstance(app.screen, ServicesScreen)  # no Scale dialog opened


async def test_v_shows_every_event_of_the_service(frozen_sandbox: str, make_app: Any) -> None:
    from tui.screens.events import EventsScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        service = app.screen.service
        assert service.events
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, EventsScreen))
        assert f"({len(service.events)}, newest first)" in app.export_screenshot().replace(
            "&#160;", " "
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))


async def test_services_pane_shows_target_health_of_visible_rows(
    frozen_sandbox: str, make_app: Any, monkeypatch: Any
) -> None:
    from tui.problem_feed import ProblemFeed

    # The count below is the pane's own: the problems reader (which reads target health too)
    # stays off here; its budget is tested in tests/aws.
    monkeypatch.setattr(ProblemFeed, "attach", lambda self, screen, **_: None)
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "shared-mixed")
        screen = app.screen
        by_name = {s.name: arn for arn, s in screen.services.items()}

        def cell(name: str) -> str:
            return screen.services_table.get_cell(by_name[name], "targets").plain

        # events-ingest has unhealthy targets in the frozen seed-7 account
        await wait_for(pilot, lambda: cell("events-ingest").startswith("✗"))
        healthy, total = cell("events-ingest").split()[1].split("/")
        assert int(healthy) < int(total) == 120
        await wait_for(pilot, lambda: cell("image-resizer").startswith("✓"))
        assert app.clients.calls.total["elastic-load-balancing-v2.DescribeTargetHealth"] <= 3
