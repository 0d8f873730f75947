"""SVG snapshots of each pane at a fixed size, against the frozen seed-7 sandbox.

Identifiers are deterministic (the sandbox derives each from the seed and the resource,
aws/sandbox/ids.py), but wall-clock ages, the calls-per-minute rate, cursor blinking and the
sandbox's port are not: they are pinned to one value and the endpoint to a fixed label, so a
snapshot changes only when the layout or the data shown changes. Review with
``pytest tests/snapshots --snapshot-update`` after an intended change.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from textual.widgets import Input, TextArea

import tui.screens.clusters
from tests.conftest import NEVER
from tests.tui.conftest import wait_for
from tui.app import EcsDeckApp
from tui.config import Settings
from tui.widgets.live_table import LiveTable


def _pinned_utilization(c: Any, cluster: str, names: Any, **_: Any) -> Any:
    from aws.metrics import Utilization

    return {n: Utilization(float(10 + len(n) * 3 % 80), float(20 + len(n) * 7 % 70)) for n in names}


async def _pinned_history(c: Any, cluster: str, service: str, **_: Any) -> Any:
    from aws.metrics import History

    return History(
        cpu=tuple(40.0 + (i % 12) * 3 for i in range(60)),
        memory=tuple(55.0 + (i % 5) for i in range(60)),
    )


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import aws.metrics
    import aws.session
    import tui.rows.deployments
    import tui.rows.problems
    import tui.rows.service
    import tui.rows.services
    import tui.rows.tasks

    panes = (tui.rows.services, tui.rows.service, tui.rows.tasks, tui.rows.problems)
    for module in (*panes, tui.rows.deployments):
        monkeypatch.setattr(module, "age", lambda *_a, **_k: "5m")
    for module in (tui.rows.problems, tui.rows.deployments):
        monkeypatch.setattr(module, "utc_stamp", lambda *_a, **_k: "2026-01-01 00:00:00 UTC")

    # CloudWatch use follows the wall clock (the sandbox publishes each minute): pinned too.
    async def utilization(*args: Any, **kwargs: Any) -> Any:
        return _pinned_utilization(*args, **kwargs)

    monkeypatch.setattr(aws.metrics, "read_utilization", utilization)
    monkeypatch.setattr(aws.metrics, "read_history", _pinned_history)
    # Calls in the last 60 s: how many refreshes fit before the snapshot is up to the machine.
    monkeypatch.setattr(aws.session.CallCounter, "per_minute", lambda _self: 60)
    # A focused input's cursor blinks every 0.5 s: on or off in the snapshot by timing.
    for widget in (Input, TextArea):
        monkeypatch.setattr(widget, "__init__", _still_cursor(widget.__init__))
    yield


def _still_cursor(init: Any) -> Any:
    def still(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.cursor_blink = False

    return still


def make(url: str) -> EcsDeckApp:
    return EcsDeckApp(Settings(endpoint_url=url, region="us-east-1", refresh=3600))


async def settle(app: Any, pilot: Any) -> None:
    await wait_for(pilot, lambda: app.identity and app.identity.account)
    await wait_for(pilot, lambda: app.screen.query(LiveTable).first().row_count > 0)
    # The problems reader's first read (once: refresh is an hour) is in every pane's calls/min.
    # A test that holds the reader back (``no_problems_reader``) never shows its counts.
    if tui.screens.clusters.FIRST_PROBLEMS_READ_AFTER < NEVER:
        await wait_for(pilot, lambda: app.problems.report is not None)
    await wait_for(pilot, lambda: app.screen.header.fetched_at and not app.screen.header.progress)
    app.identity = replace(app.identity, endpoint="http://127.0.0.1:sandbox")
    app.screen.header.fetched_at = time.monotonic()
    app.screen.header.refresh()
    await pilot.pause()


async def open_row(app: Any, pilot: Any, suffix: str) -> None:
    table = app.screen.query(LiveTable).first()
    keys = table.shown_keys()
    table.move_cursor(row=next(i for i, k in enumerate(keys) if k.endswith(suffix)))
    await pilot.press("enter")
    await pilot.pause()
    await settle(app, pilot)


async def settle_with_problem_counts(pilot: Any) -> None:
    """The clusters pane settled, its PROBLEMS column read (no "…" left)."""
    await settle(pilot.app, pilot)
    table = pilot.app.screen.query(LiveTable).first()

    def problems_read() -> bool:
        return all(table.get_cell(k, "problems").plain != "…" for k in table.shown_keys())

    await wait_for(pilot, problems_read)


def test_clusters_pane(snap_compare: Any, frozen_sandbox: str, pinned: None) -> None:
    async def run_before(pilot: Any) -> None:
        await settle_with_problem_counts(pilot)

    assert snap_compare(make(frozen_sandbox), terminal_size=(120, 36), run_before=run_before)


def test_clusters_pane_no_color(
    snap_compare: Any, frozen_sandbox: str, pinned: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR: the problem counts (red otherwise) stand out in bold, never grey on grey
    (``✗ STALE``: tests/tui/test_no_color.py, its age ticks)."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot: Any) -> None:
        await settle_with_problem_counts(pilot)

    assert snap_compare(make(frozen_sandbox), terminal_size=(120, 36), run_before=run_before)


def test_services_pane(snap_compare: Any, frozen_sandbox: str, pinned: None) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot.app, pilot)
        await open_row(pilot.app, pilot, "/web-fargate")

    assert snap_compare(make(frozen_sandbox), terminal_size=(120, 36), run_before=run_before)


def test_tasks_and_targets_pane(snap_compare: Any, frozen_sandbox: str, pinned: None) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot.app, pilot)
        await open_row(pilot.app, pilot, "/core-ec2")
        await open_row(pilot.app, pilot, "/payments-api")  # EC2: instance targets + host ports
        await wait_for(pilot, lambda: pilot.app.screen.query_one("#targets").row_count > 0)

    assert snap_compare(make(frozen_sandbox), terminal_size=(120, 36), run_before=run_before)


def test_problems_view(snap_compare: Any, frozen_sandbox: str, pinned: None) -> None:
    """`!` on the seed-7 account: every problem newest first, the first one in full below."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot.app, pilot)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await settle(pilot.app, pilot)

    assert snap_compare(make(frozen_sandbox), terminal_size=(120, 36), run_before=run_before)


def test_deployments_view(snap_compare: Any, frozen_sandbox: str, pinned: None) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot.app, pilot)
        await open_row(pilot.app, pilot, "/shared-mixed")
        table = pilot.app.screen.query(LiveTable).first()
        keys = table.shown_keys()
        table.move_cursor(row=next(i for i, k in enumerate(keys) if k.endswith("/events-ingest")))
        await pilot.press("p")
        await pilot.pause()
        await settle(pilot.app, pilot)

    assert snap_compare(make(frozen_sandbox), terminal_size=(120, 36), run_before=run_before)


def test_help_at_80x24(snap_compare: Any, frozen_sandbox: str, pinned: None) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot.app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make(frozen_sandbox), terminal_size=(80, 24), run_before=run_before)
