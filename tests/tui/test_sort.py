"""Sorting by a column (Shift+letter): natural order, both ways, kept across refreshes, shown in
the header; Home/End and g/G go to the first and last row."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult

from tui.widgets.live_table import LiveTable, Row, sort_key, sort_letters


def row(key: str, name: str, state: str, order: int) -> Row:
    return Row(key, (Text(name), Text(state)), f"{name} {state}", (order,))


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LiveTable([("name", "NAME"), ("state", "STATE")])


def names(table: LiveTable) -> list[str]:
    return [table.get_cell(k, "name").plain for k in table.shown_keys()]


def test_sort_keys_are_natural_and_ages_by_length() -> None:
    assert sorted(["svc-10", "svc-2", "Svc-1"], key=sort_key) == ["Svc-1", "svc-2", "svc-10"]
    ages = ["3h", "42s", "1m45s", "2d3h", "7m", "1h43m", "2d", "stopped 1h"]
    assert sorted(ages, key=sort_key) == [
        *("42s", "1m45s", "7m", "stopped 1h", "1h43m", "3h", "2d", "2d3h"),
    ]
    # a name not in SORT_LETTERS: its first letter free on the pane
    assert sort_letters(["SERVICE", "STATE", "GROUP", "TASKS"]) == ["S", "A", "R", "K"]


async def test_shift_letter_sorts_toggles_and_survives_refresh() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(LiveTable)
        # the screen's own order: reverse of the names' natural order
        rows = [row(f"k{i}", f"svc-{i}", "ok", -i) for i in (1, 2, 10, 3)]
        table.set_rows(rows)
        await pilot.pause()
        assert names(table) == ["svc-10", "svc-3", "svc-2", "svc-1"]
        table.focus()
        table.move_cursor(row=1)  # svc-3
        await pilot.press("N")
        assert names(table) == ["svc-1", "svc-2", "svc-3", "svc-10"]
        assert table.get_cell(table.selected_key or "", "name").plain == "svc-3"
        assert str(table.columns["name"].label) == "NAME ▲"  # type: ignore[index]
        await pilot.press("N")
        assert names(table) == ["svc-10", "svc-3", "svc-2", "svc-1"]
        assert str(table.columns["name"].label) == "NAME ▼"  # type: ignore[index]
        # a refresh (new row, changed row, removed row) keeps the chosen order
        table.set_rows([*rows[1:], row("k20", "svc-20", "ok", 5)])
        await pilot.pause()
        assert names(table) == ["svc-20", "svc-10", "svc-3", "svc-2"]
        # another column; ties keep the screen's order
        table.upsert_rows([row("k3", "svc-3", "bad", -3)])
        await pilot.press("A")  # STATE's letter
        assert names(table)[0] == "svc-3"  # "bad" before "ok"
        assert str(table.columns["name"].label) == "NAME"  # type: ignore[index]
        # filtering keeps the sort
        table.set_filter("svc-")
        await pilot.pause()
        assert names(table)[0] == "svc-3"  # "bad" before "ok"


async def test_home_end_and_g_go_to_first_and_last_row() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(LiveTable)
        table.set_rows([row(f"k{i}", f"svc-{i}", "ok", i) for i in range(50)])
        table.focus()
        await pilot.pause()
        await pilot.press("end")
        assert table.cursor_row == 49
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("G")
        assert table.cursor_row == 49
        await pilot.press("g")
        assert table.cursor_row == 0
        assert table.scroll_x == 0


async def test_sort_on_the_services_pane_survives_refreshes_and_help_lists_it(
    frozen_sandbox: str, make_app: Any
) -> None:
    from rich.console import Console

    from tests.tui.conftest import wait_for
    from tests.tui.test_panes import keys, open_cluster, table
    from tui.render.help import key_table
    from tui.text import natural_key

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_cluster(app, pilot, "shared-mixed")
        screen, t = app.screen, table(app)

        def shown() -> list[str]:
            return [screen.services[k].name for k in keys(t)]

        await pilot.press("S", "S")  # by SERVICE, then reversed
        expected = sorted(shown(), key=natural_key, reverse=True)
        assert shown() == expected and len(expected) > 1
        assert str(t.columns["name"].label) == "SERVICE ▼"  # type: ignore[index]
        start = screen.ticks
        await wait_for(pilot, lambda: screen.ticks >= start + 2)
        assert shown() == expected
        console = Console(width=120, record=True, color_system=None)
        console.print(key_table(screen))
        listed = console.export_text()
        assert "Shift+letter" in listed and "S service" in listed and "A state" in listed


def test_natural_key_reads_only_ascii_digits_as_numbers() -> None:
    """Hypothesis found a cluster named ``²``: ``str.isdigit`` is true of it, ``int`` fails."""
    from tui.text import natural_key

    assert sorted(["svc-10", "svc-2", "svc-²", "svc-1"], key=natural_key) == [
        "svc-1",
        "svc-2",
        "svc-10",
        "svc-²",
    ]


class ClustersTableApp(App[None]):
    def compose(self) -> ComposeResult:
        from tui.rows.clusters import COLUMNS

        yield LiveTable(COLUMNS)


async def test_problems_sorts_worst_first_then_flips() -> None:
    """PROBLEMS by its meaning, not its symbols' code points: the first press puts the most
    ``✗`` first, then ``!``, then ``✓``, then clusters not read yet; the second press flips."""
    from aws.models import Cluster
    from tui.rows.clusters import cluster_row

    counts = {
        "ok": (0, 0),
        "warn1": (0, 1),
        "bad1": (1, 0),
        "unread": None,
        "warn3": (0, 3),
        "bad2": (2, 5),
    }
    app = ClustersTableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(LiveTable)
        clusters = {n: Cluster(f"arn:{n}", n, "ACTIVE", 1, 1, 0, 0) for n in counts}
        table.set_rows([cluster_row(clusters[n], c) for n, c in counts.items()])
        table.focus()
        await pilot.press("P")
        worst_first = ["bad2", "bad1", "warn3", "warn1", "ok", "unread"]
        shown = [table.get_cell(k, "name").plain for k in table.shown_keys()]
        assert shown == worst_first
        await pilot.press("P")
        shown = [table.get_cell(k, "name").plain for k in table.shown_keys()]
        assert shown == worst_first[::-1]
        # a report that lands while sorted keeps the order: ok turns the worst, goes first
        await pilot.press("P")  # ascending again
        counts["ok"] = (3, 0)
        table.set_rows([cluster_row(clusters[n], c) for n, c in counts.items()])
        await pilot.pause()
        assert table.shown_keys()[:2] == ["arn:ok", "arn:bad2"]
