"""SVG snapshots of each pane at a fixed size, against the frozen seed-7 sandbox.

Identifiers are deterministic (the sandbox seeds moto's random), but wall-clock ages and the
sandbox's port are not: ages are pinned to one value and the endpoint to a fixed label, so a
snapshot changes only when the layout or the data shown changes. Review with
``pytest tests/snapshots --snapshot-update`` after an intended change.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from tests.tui.conftest import wait_for
from tui.app import EcsDeckApp
from tui.config import Settings
from tui.widgets.live_table import LiveTable


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import tui.screens.service
    import tui.screens.services

    for module in (tui.screens.services, tui.screens.service):
        monkeypatch.setattr(module, "age", lambda *_a, **_k: "5m")
    yield


def make(url: str) -> EcsDeckApp:
    return EcsDeckApp(Settings(endpoint_url=url, region="us-east-1", refresh=3600))


async def settle(app: Any, pilot: Any) -> None:
    await wait_for(pilot, lambda: app.identity and app.identity.account)
    await wait_for(pilot, lambda: app.screen.query(LiveTable).first().row_count > 0)
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


def test_clusters_pane(snap_compare: Any, frozen_sandbox: str, pinned: None) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot.app, pilot)

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


def test_help_at_80x24(snap_compare: Any, frozen_sandbox: str, pinned: None) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot.app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make(frozen_sandbox), terminal_size=(80, 24), run_before=run_before)
