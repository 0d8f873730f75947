"""The cursor follows its row's key, not its index: when rows reorder, arrive above it or
leave, the row under the cursor is the one the user put it on (an action key then acts on that
resource); when that row is gone, the cursor goes to the nearest row and says so."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from tests.tui.conftest import notes
from tui.widgets.live_table import LiveTable, Row

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def row(key: str, name: str, state: str, order: int) -> Row:
    return Row(key, (Text(name), Text(state)), f"{name} {state}", (order,))


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LiveTable([("name", "NAME"), ("state", "STATE")])


def rows(order: list[int]) -> list[Row]:
    """Rows k0..kN with the screen's own order ``order[i]`` for row i."""
    return [row(f"k{i}", f"svc-{i:03}", "ok", o) for i, o in enumerate(order)]


async def test_cursor_on_the_first_row_stays_on_its_key_when_it_moves_down() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(LiveTable)
        table.set_rows(rows([0, 1, 2, 3, 4]))
        await pilot.pause()
        assert table.selected_key == "k0" and table.cursor_row == 0
        table.set_rows(rows([9, 1, 2, 3, 4]))  # k0's row moves to the bottom
        await pilot.pause()
        assert table.shown_keys()[-1] == "k0"
        assert table.selected_key == "k0"


async def test_cursor_stays_on_its_key_through_a_reorder_and_rows_inserted_above() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(LiveTable)
        table.set_rows(rows([0, 1, 2, 3, 4]))
        await pilot.pause()
        table.move_cursor(row=3)
        assert table.selected_key == "k3"
        table.set_rows(rows([0, 1, 2, -1, 4]))  # k3 moves to the top
        await pilot.pause()
        assert table.shown_keys()[0] == "k3" and table.selected_key == "k3"
        # two rows arrive above it
        table.upsert_rows([row("n1", "new-1", "ok", -5), row("n2", "new-2", "ok", -4)])
        await pilot.pause()
        assert table.shown_keys()[:3] == ["n1", "n2", "k3"]
        assert table.selected_key == "k3"


async def test_sorted_column_change_keeps_the_cursor_on_its_key() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(LiveTable)
        table.set_rows([row(f"k{i}", f"svc-{i}", f"{i}/{i}", i) for i in range(5)])
        table.action_sort("state")  # what STATE's Shift+letter does
        await pilot.pause()
        table.move_cursor(row=0)
        assert table.selected_key == "k0"
        table.upsert_rows([row("k0", "svc-0", "9/9", 0)])  # its STATE now sorts last
        await pilot.pause()
        assert table.shown_keys()[-1] == "k0"
        assert table.selected_key == "k0"


async def test_removed_row_puts_the_cursor_on_the_nearest_row_with_a_notice() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(LiveTable)
        table.set_rows(rows([0, 1, 2, 3, 4]))
        await pilot.pause()
        table.move_cursor(row=2)
        # k2 leaves and so does k0 above it: the nearest row is k3 (the next one), not the
        # row that now has index 2
        table.set_rows([r for r in rows([0, 1, 2, 3, 4]) if r.key not in ("k0", "k2")])
        await pilot.pause()
        assert table.shown_keys() == ["k1", "k3", "k4"]
        assert table.selected_key == "k3"
        assert "svc-002 is gone" in notes(app) and "svc-003" in notes(app)
        # the last row leaving: the one above it
        table.move_cursor(row=2)
        table.set_rows([r for r in rows([0, 1, 2, 3, 4]) if r.key in ("k1", "k3")])
        await pilot.pause()
        assert table.selected_key == "k3"
        assert "svc-004 is gone" in notes(app)
