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


class SideBySide(App[None]):
    """A LiveTable beside a plain DataTable holding the same cells."""

    def compose(self) -> ComposeResult:
        from textual.widgets import DataTable

        yield LiveTable([("name", "NAME"), ("state", "STATE")])
        plain: DataTable[Text] = DataTable(id="plain")
        plain.add_columns("NAME", "STATE")
        yield plain


async def test_columns_widen_to_what_datatable_measures_for_every_kind_of_character() -> None:
    """LiveTable reads a new cell's width from its cell_len instead of DataTable's render and
    measure (the longest work between frames while 2,000 rows landed): the widths must be
    DataTable's, for wide (CJK) and zero-width characters too, and an odd row (a multi-line
    cell) still goes through DataTable's own measure."""
    from textual.widgets import DataTable

    cells = [
        ("café-api", "✓ RUNNING"),
        ("注文サービス", "⟳ deploying"),
        ("e\u0301clair-worker-with-a-long-name", "✗ short"),
        ("ab\n" + "m" * 40, "ok"),  # one line of 40 is its width, not 42
    ]
    app = SideBySide()
    async with app.run_test(size=(120, 20)) as pilot:
        live = app.query_one(LiveTable)
        plain = app.query_one("#plain", DataTable)
        live.set_rows([row(f"k{i}", *pair) for i, pair in enumerate(cells[:3])])
        for i, pair in enumerate(cells[:3]):
            plain.add_row(*(Text(c) for c in pair), key=f"k{i}")
        await pilot.pause()
        assert [c.content_width for c in live.columns.values()] == [
            c.content_width for c in plain.columns.values()
        ]
        assert live.columns["name"].content_width == len("e\u0301clair-worker-with-a-long-name") - 1
        live.upsert_rows([row("k3", *cells[3])])
        plain.add_row(*(Text(c) for c in cells[3]), key="k3")
        await pilot.pause()
        widths = [c.content_width for c in live.columns.values()]
        assert widths == [c.content_width for c in plain.columns.values()]
        assert widths[0] == 40
        assert live.virtual_size.height == plain.virtual_size.height


async def test_a_load_holds_the_virtual_height_at_the_rows_it_expects() -> None:
    """Each batch that grew the height laid the whole screen out again: while a load brings
    the rows the pane expects, the height is theirs from the first batch; a filter shows its
    own rows, and once the load is done the height is the rows held."""
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(LiveTable)
        header = table.header_height
        table.expect_rows(500)
        heights = []
        for start in range(0, 100, 25):
            table.upsert_rows([row(f"k{i}", f"svc-{i}", "ok") for i in range(start, start + 25)])
            await pilot.pause()
            heights.append(table.virtual_size.height)
        assert heights == [500 + header] * 4
        table.set_filter("svc-1")
        await pilot.pause()
        assert table.virtual_size.height == table.row_count + header < 500
        table.set_filter("")
        table.expect_rows(0)
        await pilot.pause()
        assert table.virtual_size.height == 100 + header
