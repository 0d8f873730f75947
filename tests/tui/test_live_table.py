"""LiveTable on its own: keyed updates keep the cursor, widen columns, and filter without calls."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from tui.widgets.live_table import LiveTable, Row

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


def row(key: str, *cells: str) -> Row:
    return Row(key, tuple(Text(c) for c in cells), " ".join(cells).lower())


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LiveTable([("name", "NAME"), ("state", "STATE")])


async def test_updates_in_place_keep_cursor_and_widen_columns() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(LiveTable)
        table.set_rows([row(f"k{i}", f"svc-{i}", "ok") for i in range(10)])
        await pilot.pause()
        table.move_cursor(row=4)
        table.set_rows([row(f"k{i}", f"svc-{i}", "rolling out now") for i in range(10)])
        await pilot.pause()
        assert table.selected_key == "k4"
        assert table.columns["state"].content_width >= len("rolling out now")
        # a row leaving above the cursor keeps the cursor on the same key
        table.set_rows([row(f"k{i}", f"svc-{i}", "ok") for i in range(10) if i != 1])
        await pilot.pause()
        assert table.selected_key == "k4"


async def test_filter_hides_and_restores_rows() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(LiveTable)
        table.set_rows([row(f"k{i}", f"svc-{i}", "ok") for i in range(12)])
        table.set_filter("svc-11")
        await pilot.pause()
        assert table.shown_keys() == ["k11"]
        table.upsert_rows([row("k11", "svc-11", "changed")])  # refresh while filtered
        await pilot.pause()
        assert table.row_count == 1
        table.set_filter("")
        await pilot.pause()
        assert table.row_count == 12
