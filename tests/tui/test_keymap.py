"""The keymap (the tui/keymap/ package) is what the screens and dialogs bind, what docs/keys.md
says, and its ``mutating`` flags are the keys that start a change to AWS: read-only mode's footer
leaves out exactly those."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.tui.conftest import wait_for
from tests.tui.test_fit import footer_keys
from tests.tui.test_navigation import command, loaded_clusters
from tui import (
    flows_bulk,
    flows_ecr,
    flows_exec,
    flows_forward,
    flows_instances,
    flows_register,
    flows_run,
    flows_service,
    flows_settings,
    flows_taskdefs,
    keymap,
    keys_doc,
)
from tui.app import EcsDeckApp
from tui.render.help import key_table
from tui.screens.autoscaling import AutoscalingScreen
from tui.screens.base import PollingScreen
from tui.screens.changes import ChangesScreen
from tui.screens.clusters import ClustersScreen
from tui.screens.contexts import ContextsScreen
from tui.screens.deployments import DeploymentsScreen
from tui.screens.dialogs.ask import AskScreen
from tui.screens.dialogs.bulk_scale import BulkScaleScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.deploy import DeployScreen
from tui.screens.dialogs.exec_preflight import ExecPreflightScreen
from tui.screens.dialogs.frame import Dialog
from tui.screens.dialogs.picker import PickerScreen
from tui.screens.dialogs.port_forward import PortForwardScreen
from tui.screens.dialogs.register import DiscardScreen, EditorScreen, ImagePickerScreen
from tui.screens.dialogs.run_task import RunTaskScreen
from tui.screens.dialogs.scale import ScaleScreen
from tui.screens.dialogs.settings import SettingsScreen
from tui.screens.dialogs.stop_task import StopTaskScreen
from tui.screens.dialogs.switch import SwitchScreen
from tui.screens.diff_view import DiffScreen
from tui.screens.ecr import ImagesScreen, RepositoriesScreen
from tui.screens.events import EventsScreen
from tui.screens.help import HelpScreen
from tui.screens.instances import InstancesScreen
from tui.screens.json_view import JsonScreen
from tui.screens.logs import LogsScreen
from tui.screens.problems import ProblemsScreen
from tui.screens.schedules import SchedulesScreen
from tui.screens.service import ServiceScreen
from tui.screens.services import ServicesScreen
from tui.screens.sessions import SessionsScreen
from tui.screens.task_detail import TaskDetail
from tui.screens.taskdefs import FamiliesScreen, RevisionsScreen
from tui.screens.tasks import TasksScreen
from tui.widgets.command_line import CommandLine
from tui.widgets.fit_footer import FitFooter
from tui.widgets.live_table import LiveTable

ROOT = Path(__file__).resolve().parents[2]

#: The class that binds each pane's keys.
BINDER: dict[str, type] = {
    "app": EcsDeckApp,
    "polling": PollingScreen,
    "table": LiveTable,
    "clusters": ClustersScreen,
    "services": ServicesScreen,
    "service": ServiceScreen,
    "tasks": TasksScreen,
    "instances": InstancesScreen,
    "families": FamiliesScreen,
    "revisions": RevisionsScreen,
    "repositories": RepositoriesScreen,
    "images": ImagesScreen,
    "problems": ProblemsScreen,
    "deployments": DeploymentsScreen,
    "changes": ChangesScreen,
    "contexts": ContextsScreen,
    "sessions": SessionsScreen,
    "schedules": SchedulesScreen,
    "logs": LogsScreen,
    "task_detail": TaskDetail,
    "events": EventsScreen,
    "autoscaling": AutoscalingScreen,
    "json": JsonScreen,
    "diff": DiffScreen,
    "help": HelpScreen,
    "picker": PickerScreen,
    "command_line": CommandLine,
    # the dialogs (tui/keymap/dialogs.py)
    "dialog": Dialog,
    "confirm": ConfirmScreen,
    "ask": AskScreen,
    "switch": SwitchScreen,
    "scale": ScaleScreen,
    "bulk_scale": BulkScaleScreen,
    "stop_task": StopTaskScreen,
    "deploy": DeployScreen,
    "settings": SettingsScreen,
    "run_task": RunTaskScreen,
    "exec_preflight": ExecPreflightScreen,
    "port_forward": PortForwardScreen,
    "image_picker": ImagePickerScreen,
    "editor": EditorScreen,
    "discard": DiscardScreen,
}
FLOW_MODULES = (
    flows_bulk,
    flows_ecr,
    flows_exec,
    flows_forward,
    flows_instances,
    flows_register,
    flows_run,
    flows_service,
    flows_settings,
    flows_taskdefs,
)


def test_docs_keys_md_is_generated_from_the_keymap() -> None:
    written = (ROOT / "docs" / "keys.md").read_text(encoding="utf-8")
    assert written == keys_doc.markdown(), "docs/keys.md is stale: run `make keys`"


def test_every_key_has_an_id_of_its_own() -> None:
    """``[keys]`` and docs/keys.md name a key by its id: one each, snake_case, none shared (a
    shared id would remap two entries at once; ``remap_with`` says so where that is meant)."""
    ids = [k.id for k in keymap.KEYS]
    assert all(ids), [k for k in keymap.KEYS if not k.id]
    assert [i for i in ids if i and not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", i)] == []
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    assert {k.remap_with for k in keymap.KEYS if k.remap_with} <= set(ids)


def test_a_shared_remap_reaches_the_same_action_elsewhere() -> None:
    assert keymap.with_shared_remaps({"exec": "X"}) == {"exec": "X", "task_detail_exec": "X"}
    own = {"exec": "X", "task_detail_exec": "ctrl+e"}
    assert keymap.with_shared_remaps(own) == own
    assert keymap.with_shared_remaps({"scale": "z"}) == {"scale": "z"}
    # quit and help are bound twice (every screen, and the panes): one line remaps both
    assert keymap.with_shared_remaps({"quit": "Q", "help": "f1"}) == {
        "quit": "Q",
        "app_quit": "Q",
        "help": "f1",
        "app_help": "f1",
    }


def test_every_pane_and_dialog_has_its_binder() -> None:
    assert set(BINDER) == set(keymap.SCOPES)


def test_no_dialog_binds_a_key_outside_the_keymap() -> None:
    """Every ``Binding(`` of a dialog is the keymap's (docs/keys.md lists it, ``[keys]`` remaps
    it): none is written in tui/screens/dialogs/."""
    written = [
        f"{path.name}:{n}"
        for path in sorted((ROOT / "tui" / "screens" / "dialogs").glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "Binding(" in line
    ]
    assert written == []


@pytest.mark.parametrize("pane", keymap.SCOPES)
def test_each_screen_binds_exactly_its_panes_keys(pane: str) -> None:
    own = BINDER[pane].__dict__.get("BINDINGS", [])
    assert own == keymap.bindings_for(pane)


def names_used(fn: Any) -> set[str]:
    """The names a function's code refers to (not its docstring or strings): ``launch``,
    ``flows_taskdefs.deploy_revision`` -> {"flows_taskdefs", "deploy_revision"}."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
    return out


def change_flows() -> set[str]:
    """The functions of tui/flows_*.py that start a change: those that ``launch`` one (refused
    in read-only mode) or say ``refuse_read_only`` themselves, and those that call them."""
    uses = {
        name: names_used(fn)
        for module in FLOW_MODULES
        for name, fn in vars(module).items()
        if inspect.isfunction(fn) and fn.__module__ == module.__name__
    }
    found = {"launch", "refuse_read_only"}
    while more := {name for name, used in uses.items() if name not in found and used & found}:
        found |= more
    return found - {"launch", "refuse_read_only"}


def starts_a_change(binder: type, action: str, flows: set[str]) -> bool:
    """Whether the ``action_*`` method (ecsdeck's own) behind a key calls a change flow."""
    if action.startswith("app."):
        binder, action = EcsDeckApp, action.removeprefix("app.")
    method = getattr(binder, f"action_{action.split('(')[0]}", None)
    if method is None or not method.__module__.startswith("tui."):
        return False
    return bool(names_used(method) & flows)


def test_the_mutating_keys_are_those_that_start_a_change_flow() -> None:
    flows = change_flows()
    assert {"scale", "stop_task", "start_exec", "set_instance_state", "image_to_service"} <= flows
    for pane, binder in BINDER.items():
        for key in keymap.keys_of(pane):
            assert key.mutating == starts_a_change(binder, key.action, flows), (pane, key)
    assert keymap.mutating_actions() >= {"drain_instance", "deregister_revision", "exec"}


def shown_without(pane: str, read_only: bool) -> set[str]:
    """The labels a footer with room for every key shows on ``pane``."""
    keys = [*keymap.keys_of("polling"), *keymap.keys_of(pane)]
    return {k.description for k in keys if k.show and not (read_only and k.mutating)}


def shown(screen: Any) -> set[str]:
    keys = footer_keys(screen.query_one(FitFooter))
    return {k.description for k in keys if not k.has_class("-command-palette")}


@pytest.mark.parametrize("read_only", [False, True])
async def test_read_only_footer_leaves_out_exactly_the_mutating_keys(
    frozen_sandbox: str, make_app: Any, read_only: bool
) -> None:
    """The services pane's action keys, and the instances pane's Drain and Activate: they
    change AWS too (the footer used to offer them in read-only mode)."""
    app = make_app(frozen_sandbox, read_only=read_only)
    async with app.run_test(size=(240, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await command(pilot, "svc core-ec2")
        screen = await wait_for(
            pilot, lambda: isinstance(app.screen, ServicesScreen) and app.screen
        )
        want = shown_without("services", read_only)
        assert ("Scale" in want) is not read_only
        await wait_for(pilot, lambda: shown(screen) == want)
        await pilot.press("n")
        screen = await wait_for(
            pilot, lambda: isinstance(app.screen, InstancesScreen) and app.screen
        )
        want = shown_without("instances", read_only)
        assert ("Drain" in want) is not read_only
        await wait_for(pilot, lambda: shown(screen) == want)
        # `?` says which keys read-only mode refuses
        rows = dict(zip(*(c._cells for c in key_table(screen).columns[:2]), strict=True))
        assert rows["D"].endswith("(refused: read-only mode)") is read_only
        assert not rows["r"].endswith("(refused: read-only mode)")
