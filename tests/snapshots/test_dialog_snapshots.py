"""SVG snapshots of every dialog at the smallest supported size (80x24) and the usual 120x36.

Each one must show its buttons and hint line (or, for a list, its whole frame) inside the
terminal; a long body scrolls inside the frame. Against the frozen seed-7 sandbox, with ages and
the endpoint pinned as in ``test_snapshots.py``. Review with
``pytest tests/snapshots --snapshot-update`` after an intended change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from tests.snapshots.test_snapshots import make, open_row, pinned, settle  # noqa: F401
from tests.tui.conftest import wait_for
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.deploy import DeployScreen
from tui.screens.dialogs.exec_preflight import ExecPreflightScreen
from tui.screens.dialogs.picker import PickerScreen
from tui.screens.dialogs.register import DiscardScreen, EditorScreen, ImagePickerScreen
from tui.screens.dialogs.scale import ScaleScreen
from tui.screens.dialogs.stop_task import StopTaskScreen
from tui.screens.dialogs.switch import SwitchScreen
from tui.screens.diff_view import DiffScreen
from tui.screens.events import EventsScreen
from tui.screens.help import HelpScreen
from tui.screens.json_view import JsonScreen
from tui.screens.service import ServiceScreen
from tui.screens.task_detail import TaskDetail
from tui.widgets.live_table import LiveTable

SIZES = [(80, 24), (120, 36)]
NOON = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def still(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin what the dialogs show of the wall clock and of the sandbox's port."""
    import tui.flows_exec as exec_mod
    import tui.plan_text as plan_mod
    import tui.render.events as events_text
    import tui.render.task_detail as detail_text
    import tui.screens.dialogs.confirm as confirm_mod
    import tui.screens.dialogs.register as register_mod
    import tui.screens.dialogs.switch as switch_mod
    import tui.screens.events as events_mod
    import tui.screens.task_detail as detail_mod

    target = plan_mod.cli_target

    def fixed_target(app: Any) -> dict[str, str | None]:
        out = target(app)
        return {**out, "endpoint_url": "http://127.0.0.1:sandbox"} if out["endpoint_url"] else out

    # Where the plan text reads it (the account line, ECS Exec, `y`) and the dialogs that hold it.
    for module in (plan_mod, confirm_mod, switch_mod):
        monkeypatch.setattr(module, "cli_target", fixed_target)
    label = register_mod.image_label
    monkeypatch.setattr(
        register_mod, "image_label", lambda image, cur: label(replace(image, pushed_at=NOON), cur)
    )
    describe, render_logs = detail_mod.describe, detail_mod.render_logs

    def fixed_task(task: Any) -> Any:
        stopped = NOON if task.stopped_at else None
        return describe(replace(task, started_at=NOON, stopped_at=stopped))

    def fixed_logs(logs: Any) -> Any:
        return render_logs(
            {
                c: [replace(e, timestamp=NOON + timedelta(seconds=i)) for i, e in enumerate(es)]
                for c, es in logs.items()
            }
        )

    monkeypatch.setattr(detail_mod, "describe", fixed_task)
    monkeypatch.setattr(detail_text, "age", lambda *_a, **_k: "5m")
    render_events = events_mod.render_events

    def fixed_events(service: Any) -> Any:
        events = tuple(replace(e, created_at=NOON) for e in service.events)
        return render_events(replace(service, events=events))

    monkeypatch.setattr(events_mod, "render_events", fixed_events)
    monkeypatch.setattr(events_text, "age", lambda *_a, **_k: "5m")
    # ECS Exec's preflight looks for session-manager-plugin on PATH: never there in a snapshot.
    monkeypatch.setattr(exec_mod, "shutil", SimpleNamespace(which=lambda _name: None))
    monkeypatch.setattr(detail_mod, "render_logs", fixed_logs)


async def pick(pilot: Any, name: str) -> None:
    table = pilot.app.screen.query(LiveTable).first()
    keys = table.shown_keys()
    table.move_cursor(row=next(i for i, k in enumerate(keys) if k.rsplit("/", 1)[-1] == name))
    await pilot.pause()


async def press_for(pilot: Any, key: str, screen: type) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen))
    await pilot.pause()
    await pilot.pause()


async def on_service(pilot: Any) -> None:
    await settle(pilot.app, pilot)
    await open_row(pilot.app, pilot, "/core-ec2")
    await pick(pilot, "email-worker")


async def on_service_pane(pilot: Any) -> None:
    await on_service(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ServiceScreen))
    await settle(pilot.app, pilot)
    pilot.app.screen.tasks_table.focus()
    await pilot.pause()


async def switch(pilot: Any) -> None:
    await on_service(pilot)
    await press_for(pilot, "l", SwitchScreen)


async def confirm(pilot: Any) -> None:
    await switch(pilot)
    await pilot.press("tab")
    await press_for(pilot, "enter", ConfirmScreen)


async def own_reads_done(pilot: Any) -> None:
    """The dialog reads more after it is shown (autoscaling, revision details): wait for that,
    or the snapshot is of whichever half came first."""
    screen = pilot.app.screen
    await wait_for(
        pilot, lambda: not any(w.node is screen and not w.is_finished for w in pilot.app.workers)
    )
    await pilot.pause()


async def scale(pilot: Any) -> None:
    await on_service(pilot)
    await press_for(pilot, "s", ScaleScreen)
    await own_reads_done(pilot)


async def deploy(pilot: Any) -> None:
    await on_service(pilot)
    await press_for(pilot, "d", DeployScreen)
    await own_reads_done(pilot)


async def image(pilot: Any) -> None:
    await on_service(pilot)
    await press_for(pilot, "i", ImagePickerScreen)


async def editor(pilot: Any) -> None:
    await on_service(pilot)
    await press_for(pilot, "e", EditorScreen)


async def discard(pilot: Any) -> None:
    await editor(pilot)
    await pilot.press("x")
    await press_for(pilot, "escape", DiscardScreen)


async def stop_task(pilot: Any) -> None:
    await on_service_pane(pilot)
    await press_for(pilot, "x", StopTaskScreen)


async def task_detail(pilot: Any) -> None:
    await on_service_pane(pilot)
    await press_for(pilot, "enter", TaskDetail)
    await wait_for(pilot, lambda: "loading" not in str(pilot.app.screen.logs.render()))


async def exec_preflight(pilot: Any) -> None:
    await on_service_pane(pilot)
    await press_for(pilot, "E", ExecPreflightScreen)


async def events(pilot: Any) -> None:
    await on_service_pane(pilot)
    await press_for(pilot, "v", EventsScreen)


async def diff(pilot: Any) -> None:
    await settle(pilot.app, pilot)
    await pilot.press("colon", *"td email-worker", "enter")
    await wait_for(pilot, lambda: "email-worker" in pilot.app.screen.header.crumb)
    await settle(pilot.app, pilot)
    await pick(pilot, "email-worker:3")
    await press_for(pilot, "equals_sign", DiffScreen)


async def json_view(pilot: Any) -> None:
    await settle(pilot.app, pilot)
    await pick(pilot, "core-ec2")
    await press_for(pilot, "y", JsonScreen)


async def picker(pilot: Any) -> None:
    await settle(pilot.app, pilot)
    await pilot.press("colon", *"region")
    await press_for(pilot, "enter", PickerScreen)


async def help_screen(pilot: Any) -> None:
    await on_service(pilot)
    await press_for(pilot, "question_mark", HelpScreen)


DIALOGS: dict[str, Callable[[Any], Awaitable[None]]] = {
    "switch": switch,
    "confirm": confirm,
    "scale": scale,
    "deploy": deploy,
    "image": image,
    "editor": editor,
    "discard": discard,
    "stop_task": stop_task,
    "task_detail": task_detail,
    "exec_preflight": exec_preflight,
    "events": events,
    "diff": diff,
    "json": json_view,
    "picker": picker,
    "help": help_screen,
}


#: Every dialog at 80x24, the smallest terminal it must fit; at 120x36 only those whose layout
#: changes with the room (a dialog that fits 80x24 is the same box, centred, at 120x36). Each
#: case is a whole app run against the sandbox, the suite's most expensive kind of test.
WIDE = ("switch", "confirm", "task_detail", "help")
CASES = [
    pytest.param(dialog, size, id=f"{dialog}-{size[0]}x{size[1]}")
    for size in SIZES
    for dialog in DIALOGS
    if size == SIZES[0] or dialog in WIDE
]


#: The dialogs shown over the clusters pane, whose PROBLEMS column needs the problems reader.
OVER_CLUSTERS = ("json", "picker", "diff")


@pytest.mark.usefixtures("pinned", "still")
@pytest.mark.parametrize(("dialog", "size"), CASES)
def test_dialog(
    snap_compare: Any,
    frozen_sandbox: str,
    dialog: str,
    size: tuple[int, int],
    request: pytest.FixtureRequest,
) -> None:
    if dialog not in OVER_CLUSTERS:
        request.getfixturevalue("no_problems_reader")
    assert snap_compare(make(frozen_sandbox), terminal_size=size, run_before=DIALOGS[dialog])
