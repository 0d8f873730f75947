"""What LiveTable paints matches its rows after out-of-order batches, wherever one scrolls.

LiveTable keeps DataTable's render caches across rows added below the rendered area; a stale
cache would show a row at the wrong place. This reads the painted lines, not the data.
"""

from __future__ import annotations

import random

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from tui.text import natural_key
from tui.widgets.live_table import LiveTable, Row

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LiveTable([("name", "NAME"), ("state", "STATE")])


def row(name: str, state: str = "ok") -> Row:
    return Row(name, (Text(name), Text(state)), name, (natural_key(name),))


def painted_names(table: LiveTable) -> list[str]:
    """First word of each painted line under the header, through the render caches."""
    out = []
    for y in range(1, table.size.height):
        text = "".join(seg.text for seg in table.render_line(y)).strip()
        if text:
            out.append(text.split()[0])
    return out


async def test_shuffled_batches_paint_in_sorted_order_at_every_scroll_position() -> None:
    names = [f"svc-{i}" for i in range(300)]
    shuffled = names[:]
    random.Random(7).shuffle(shuffled)
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(LiveTable)
        for start in range(0, 300, 10):
            table.upsert_rows([row(n) for n in shuffled[start : start + 10]])
            await pilot.pause()
        expected = sorted(names, key=natural_key)
        assert table.shown_keys() == expected
        for top in (0, 37, 150, 281):
            table.scroll_to(y=top, animate=False, immediate=True)
            await pilot.pause()
            shown = painted_names(table)
            first = int(table.scroll_y)
            assert shown == expected[first : first + len(shown)], f"at scroll {top}"
            assert len(shown) >= 10
        # more rows land above and below what was rendered; a changed cell repaints
        table.upsert_rows([row("svc-0", "changed"), row("svc-1000"), row("svc-00")])
        await pilot.pause()
        table.scroll_to(y=0, animate=False, immediate=True)
        await pilot.pause()
        top_line = "".join(seg.text for seg in table.render_line(1))
        assert "svc-0" in top_line and "changed" in top_line
