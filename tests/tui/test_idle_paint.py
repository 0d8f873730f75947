"""An idle tick writes almost nothing to the terminal: no full repaint, no table rows.

Counted as the lines each screen update rewrites (what the terminal would receive), not as
time: over SSH every rewritten line costs bytes, and a full repaint of a 120x36 screen is
~20 KB a tick. Against the frozen sandbox nothing changes between ticks, so only the header's
own line (its call rate) may be rewritten.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual._compositor import ChopsUpdate

import tui.rows.service
import tui.rows.services
import tui.rows.tasks
from tests.tui.conftest import wait_for
from tests.tui.test_panes import open_cluster, open_service

HEADER_LINES = {0, 1}
#: A row whose age crosses a minute boundary during the window may be rewritten once.
SPARE_LINES = 2


def record_lines(app: Any) -> list[set[int]]:
    """Patch the app so each screen update appends the set of screen lines it rewrites."""
    writes: list[set[int]] = []
    original = app._display

    def display(screen: Any, update: Any) -> None:
        if update is None:  # nothing was dirty
            pass
        elif isinstance(update, ChopsUpdate):
            writes.append({y for y, _x1, _x2 in update.spans})
        else:  # a layout update rewrites its whole region
            region = update.region
            writes.append(set(range(region.y, region.bottom)))
        original(screen, update)

    app._display = display
    return writes


async def idle_lines(app: Any, pilot: Any, ticks: int = 4) -> set[int]:
    screen = app.screen
    await wait_for(pilot, lambda: screen.loaded and screen.header.progress is None)
    start = screen.ticks
    await wait_for(pilot, lambda: screen.ticks >= start + 2)  # settled after the first load
    writes = record_lines(app)
    start = screen.ticks
    await wait_for(pilot, lambda: screen.ticks >= start + ticks)
    assert screen.header.error is None
    return set().union(*writes) if writes else set()


async def test_clusters_pane_idle_tick_rewrites_only_the_header(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.screen.query("LiveTable").first().row_count)
        # The PROBLEMS column fills in with the problems reader's first report: not idle yet.
        await wait_for(pilot, lambda: app.problems.report is not None)
        lines = await idle_lines(app, pilot)
    assert lines <= HEADER_LINES, sorted(lines)


async def test_services_pane_idle_tick_rewrites_no_rows(
    frozen_sandbox: str, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every service's last event was seeded in the same second, so their ages turn the minute
    # together: a window that straddles it would rewrite every row (a real, once-a-minute
    # redraw, not the per-tick one this test is for). CI under load hit exactly that.
    monkeypatch.setattr(tui.rows.services, "age", lambda *_a, **_k: "5m")
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "bench")
        lines = await idle_lines(app, pilot)
    assert len(lines - HEADER_LINES) <= SPARE_LINES, sorted(lines)


async def test_service_pane_idle_tick_rewrites_no_rows(
    frozen_sandbox: str, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The summary is one widget: an event's age turning 25h -> 26h inside the window would
    # rewrite all of its lines (the seeded events are 20 s apart, so that lands in the window
    # of a test that runs about 20 s after the sandbox was seeded).
    monkeypatch.setattr(tui.rows.service, "age", lambda *_a, **_k: "5m")
    monkeypatch.setattr(tui.rows.tasks, "age", lambda *_a, **_k: "5m")  # the tasks' rows
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(250, 70)) as pilot:
        await open_service(app, pilot, "web-fargate")
        lines = await idle_lines(app, pilot)
    assert len(lines - HEADER_LINES) <= SPARE_LINES, sorted(lines)
