"""The router (tui/router.py) is the one place that knows the panes: Back's hierarchy is data
there, and no other module imports a pane or a view class, so a screen opens another by name."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from tests.tui.conftest import wait_for
from tui import router

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")

ROOT = Path(__file__).resolve().parents[2]
#: Modules of tui/screens/ every pane may share: not panes, not views.
SHARED = {"base", "frame", "__init__"}

#: Imports of a pane module outside the router still to be removed by the other parts of issue
#: 16 (nav1: the service panes; keymap: the Binding lists). Shrinks as they land: an entry that
#: no longer occurs fails the test, so it is taken off here.
#: Imports of a pane outside the router still to remove (none left: issue 16 removed them all;
#: keep it empty).
PENDING: set[tuple[str, str]] = set()


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, wherever the import stands (a function, TYPE_CHECKING)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return imports_in(
        path.read_text(encoding="utf-8"), parts if parts[-1] == "__init__" else parts[:-1]
    )


def imports_in(source: str, package: list[str]) -> set[str]:
    """The imported modules (and names in them) of ``source``, a module of ``package``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
    return found


def is_pane_module(name: str) -> bool:
    """tui.screens.X (or a name in it) for a pane or view module X: not shared, not a dialog."""
    parts = name.split(".")
    return (
        parts[:2] == ["tui", "screens"]
        and len(parts) > 2
        and parts[2] not in SHARED
        and parts[2] != "dialogs"
    )


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def forbidden_imports() -> set[tuple[str, str]]:
    """(importer, imported module) for each import of a pane module outside the router (and
    outside the pane module itself), and each import of tui.app outside the entry point."""
    out: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "tui").rglob("*.py")):
        me = module_name(path)
        for name in imports_of(path):
            if is_pane_module(name) and me != "tui.router":
                target = ".".join(name.split(".")[:3])
                if target != me:
                    out.add((me, target))
            if (name == "tui.app" or name.startswith("tui.app.")) and me != "tui.main":
                out.add((me, "tui.app"))
    return out


def test_only_the_router_imports_panes_and_only_main_imports_the_app() -> None:
    found = forbidden_imports()
    assert found - PENDING == set(), "import the pane by name through deck.open instead"
    assert PENDING - found == set(), "these are gone: take them off PENDING"


def test_the_check_sees_imports_inside_functions_and_type_checking() -> None:
    """The parser counts what a grep for top-level imports would miss, relative ones too."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from tui.screens.ecr import ImagesScreen\n"
        "def f():\n    from . import problems\n    import tui.screens.help\n"
    )
    names = {n for n in imports_in(source, ["tui", "screens"]) if is_pane_module(n)}
    assert {"tui.screens.ecr", "tui.screens.problems", "tui.screens.help"} <= names


def test_back_and_enter_name_registered_panes() -> None:
    names = {p.name for p in router.PANES}
    assert len(names) == len(router.PANES)
    for p in router.PANES:
        assert p.parent is None or p.parent in names, p
        assert p.enter is None or p.enter in names, p
    # Each hierarchy ends at a top: following parents never loops.
    for p in router.PANES:
        seen, up = set(), p.name
        while up is not None:
            assert up not in seen, f"Back from {p.name} loops through {up}"
            seen.add(up)
            up = router.parent_of(up)


#: A `:` command that opens a pane with a parent directly, and that pane's name.
DIRECT = [
    ("svc web-fargate", "services"),
    ("ci core-ec2", "instances"),
    ("td payments-api", "revisions"),
    ("sch", "schedules"),
    ("sessions", "sessions"),
]


async def test_esc_on_a_pane_opened_directly_opens_its_registered_parent(
    frozen_sandbox: str, make_app: Any
) -> None:
    """A `:` command leaves the pane alone on the stack: Esc goes to the router's parent."""
    app = make_app(frozen_sandbox)
    here = lambda: getattr(app.screen, "pane_name", None)  # noqa: E731
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: here() == "clusters")
        for line, pane in DIRECT:
            parent = router.parent_of(pane)
            assert parent is not None
            await pilot.press("colon", *line, "enter")
            await wait_for(pilot, lambda pane=pane: here() == pane)
            assert len(app.screen_stack) == 2  # opened directly: nothing under it
            if pane == "sessions":  # empty: it says how to start one
                await wait_for(pilot, lambda: "F on a task" in str(app.screen.header.render()))
            await pilot.press("escape")
            await wait_for(pilot, lambda parent=parent: here() == parent)
            assert len(app.screen_stack) == 2
