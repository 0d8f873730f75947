"""A DataTable updated by key, so a refresh never moves the cursor, the scroll or the whole screen.

Rows come in as ``(key, cells, order)``. The table keeps them sorted by ``order`` and places each
new row at its position as it arrives (no append-then-rebuild), so a 2,000-row first load costs
work per batch proportional to the batch, apart from one re-indexing of row positions.

What reaches the terminal matters over SSH: a changed cell repaints its row, never the table, and
an unchanged row is not touched at all. The full row set is kept aside so the ``/`` filter can
hide and show rows without another API call.

The table is made of mixins: sorting (tui/widgets/table_sort.py), keeping the cursor on its row
(tui/widgets/table_cursor.py) and fitting the columns (tui/widgets/table_fit.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets.data_table import RowKey

from tui import keymap
from tui.widgets.table_cursor import CursorKeeping
from tui.widgets.table_fit import ColumnFitting
from tui.widgets.table_sort import Order, Row, sort_letters
from tui.widgets.table_sort import sort_key as sort_key  # the panes' tests sort with it

__all__ = ["LiveTable", "Order", "Row", "same_cell", "sort_key", "sort_letters"]


def same_cell(a: Text, b: Text) -> bool:
    """Text's own ``==`` ignores the base style, so ``✓ 3/3`` turning red would go unseen."""
    return a.plain == b.plain and a.style == b.style and a.spans == b.spans


class LiveTable(CursorKeeping, ColumnFitting):
    """Keyed, sorted, filterable, refresh-stable table."""

    # Home/End go to the first/last row (DataTable's scroll sideways), g/G as in k9s and vim.
    BINDINGS = keymap.bindings_for("table")

    #: While set, DataTable's whole-widget refreshes are dropped (we refresh single rows).
    _narrow = False
    #: Lowest display row an update in progress touched (None: none).
    _dirty_from: int | None = None

    def __init__(
        self, columns: Sequence[tuple[str, str]], *, reserved: str = "", **kwargs: object
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._column_spec = list(columns)
        #: Shift+letters the pane binds to actions: never given to a column's sort.
        self._reserved = reserved
        self._rows: dict[str, Row] = {}
        #: (order, key) of every row, sorted: the filter picks from it without re-sorting.
        self._sorted: list[tuple[Order, str]] = []
        self._order_of: dict[str, Order] = {}
        #: Each row's own order (Row.order, or its position in ``set_rows``) before any sort.
        self._base_of: dict[str, Order] = {}
        #: The column the user sorted by (None: the screen's own order), and which way.
        self.sort_column: str | None = None
        self.sort_descending = False
        self._sort_index: int | None = None
        #: (letter, column key, label) of each sortable column: Shift+letter sorts by it.
        self.sort_keys: list[tuple[str, str, str]] = []
        #: While set (the pane's first load), Enter is remembered rather than acted on.
        self.hold_selection = False
        self._held = False
        #: One RowKey per key, made once: re-indexing 2,000 rows should not build 2,000 keys.
        self._row_keys: dict[str, RowKey] = {}
        self.filter_text = ""
        self._widths: tuple[int, ...] = ()

    def on_mount(self) -> None:
        for key, label in self._column_spec:
            self.add_column(label, key=key)
        letters = sort_letters([label for _, label in self._column_spec], self._reserved)
        for letter, (key, label) in zip(letters, self._column_spec, strict=True):
            if letter:
                self.sort_keys.append((letter, key, label))
                sort = keymap.sort_binding(letter, key, label)
                self._bindings.key_to_bindings.setdefault(letter, []).append(sort)

    # -- Enter ---------------------------------------------------------------------------------

    def action_select_cursor(self) -> None:
        """Enter acts at once, not through a posted RowSelected: keys typed after it in the same
        burst then reach the pane it opens. The screen's ``row_chosen(table, key)`` acts on it.
        Enter pressed while the pane is still loading waits for the load, as a user who typed
        slowly would have waited for the row to appear."""
        if self.hold_selection:
            self._held = True
            return
        chosen = getattr(self.screen, "row_chosen", None)
        key = self.selected_key
        if chosen is None:
            super().action_select_cursor()
        elif key is not None:
            chosen(self, key)

    def release_selection(self) -> None:
        """The pane has loaded: an Enter held meanwhile acts now."""
        self.hold_selection = False
        if self._held:
            self._held = False
            self.action_select_cursor()

    # -- sorting ---------------------------------------------------------------------------------

    # -- data in -------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Make the table hold exactly ``rows``: rows that left go, the rest are upserted."""
        wanted = {r.key for r in rows}
        self.remove_rows([k for k in self._rows if k not in wanted])
        self.upsert_rows([r if r.order else replace(r, order=(i,)) for i, r in enumerate(rows)])

    def upsert_rows(self, rows: Sequence[Row]) -> None:
        """Add or update these rows only; every other row is left alone."""
        moved = False
        anchor = self._anchor()
        self._dirty_from = None
        with self.app.batch_update(), self._quiet():
            for row in rows:
                moved = self._upsert(row) or moved
            if moved:
                self._place_rows(anchor)
            self._invalidate_from(self._dirty_from)
        self._repaint_from(self._dirty_from)

    def remove_rows(self, keys: Iterable[str]) -> None:
        gone = [k for k in keys if k in self._rows]
        if not gone:
            return
        anchor = self._anchor()
        # Measure again on idle only when a leaving row held a column's widest cell: a tick
        # that drops a few ordinary rows of 5,000 does not walk them all.
        widths = [column.content_width for column in self.columns.values()]
        self._remeasure |= any(
            cell.cell_len >= width
            for key in gone
            for cell, width in zip(self._rows[key].cells, widths, strict=False)
        )
        with self.app.batch_update():
            for key in gone:
                self._forget(key)
                if key in self._row_locations:
                    self.remove_row(key)
            self._place_rows(anchor)

    def set_filter(self, text: str) -> None:
        """Show only rows whose haystack contains ``text`` (a user action: may rebuild)."""
        self.filter_text = text.strip().lower()
        shown = self._shown()
        keep_key = self.selected_key
        with self.app.batch_update():
            self.clear()
            for key in shown:
                self.add_row(*self._rows[key].cells, key=key)
            if keep_key is not None and keep_key in self._row_locations:
                self.move_cursor(row=self.get_row_index(keep_key), animate=False)

    @property
    def row_count_total(self) -> int:
        return len(self._rows)

    def shown_keys(self) -> list[str]:
        """Keys of the rows on display, top to bottom (``rows`` is insertion order)."""
        return [str(r.key.value) for r in self.ordered_rows]

    def visible_keys(self, margin: int = 2) -> list[str]:
        """Keys of the rows currently in the viewport (plus a small margin)."""
        top = max(0, int(self.scroll_y) - margin)
        height = max(1, self.size.height) + 2 * margin
        keys = (self._row_locations.get_key(i) for i in range(top, top + height))
        return [str(k.value) for k in keys if k is not None]

    # -- bookkeeping -----------------------------------------------------------------------------

    def _matches(self, row: Row) -> bool:
        return not self.filter_text or self.filter_text in row.haystack

    def _forget(self, key: str) -> None:
        entry = (self._order_of.pop(key), key)
        index = bisect.bisect_left(self._sorted, entry)
        del self._sorted[index]
        del self._rows[key]
        self._base_of.pop(key, None)
        self._row_keys.pop(key, None)

    def _upsert(self, row: Row) -> bool:
        """Put one row in place; True if positions must be re-indexed."""
        old = self._rows.get(row.key)
        base = row.order or (self._base_of[row.key] if old else (len(self._sorted),))
        order = self._effective(row, base)
        relocated = False  # a shown row taken out to move: the cursor must be put back on it
        if old is not None and self._order_of[row.key] != order:
            self._forget(row.key)
            relocated = row.key in self._row_locations
            if relocated:
                self.remove_row(row.key)
            old = None
        if old is None:
            self._rows[row.key] = row
            self._order_of[row.key] = order
            self._base_of[row.key] = base
            self._row_keys.setdefault(row.key, RowKey(row.key))
            index = bisect.bisect_left(self._sorted, (order, row.key))
            self._sorted.insert(index, (order, row.key))
            if self.sort_descending and self._sort_index is not None:
                index = len(self._sorted) - 1 - index  # shown bottom to top
            if not self._matches(row):
                return relocated
            self._appending = True
            try:
                self.add_row(*row.cells, key=row.key)
            finally:
                self._appending = False
            # Unfiltered, the sorted index is the display index; filtered, it is only an upper
            # bound, so repaint from the top.
            self._mark_dirty(0 if self.filter_text else index)
            return relocated or index != len(self._sorted) - 1
        self._rows[row.key] = row
        shown, wanted = row.key in self._row_locations, self._matches(row)
        if shown and wanted:
            self._update_cells(row.key, old.cells, row.cells)
            return False
        self._mark_dirty(0)
        if wanted:
            self.add_row(*row.cells, key=row.key)
        elif shown:
            self.remove_row(row.key)
        return shown or wanted

    # -- a load in progress ----------------------------------------------------------------------

    #: Rows a load in progress will bring, as far as the pane knows (0: none expected).
    _expected_rows = 0

    def expect_rows(self, count: int) -> None:
        """Hold the virtual height at ``count`` rows while a load brings them (0: the rows held).

        Textual lays the whole screen out again whenever a widget's virtual size changes, and
        every batch of a first load grew the table's height: 10-20 ms a batch, forty-odd times
        while 2,000 services landed. Held at the count the pane expects, the height changes
        once, and the scrollbar shows the whole list from the first rows. Lines past the rows
        landed so far are blank, and the cursor stays on rows; a filter shows its own rows."""
        if count != self._expected_rows:
            self._expected_rows = count
            self._require_update_dimensions = True
            self.check_idle()

    @property
    def _total_row_height(self) -> int:  # type: ignore[override]
        held = len(self._y_offsets)
        return held if self.filter_text else max(held, self._expected_rows)

    # -- painting --------------------------------------------------------------------------------

    # DataTable keys every render cache on ``_update_count`` and bumps it on each add_row, so a
    # row landing far below the viewport re-renders every visible line (30 ms a frame at 120x36,
    # a frame per batch while 2,000 rows load). A row added below every line rendered so far
    # changes nothing already rendered: the count stands still while rows are added, and
    # ``_invalidate_from`` bumps it only when the change reaches a line that may have been
    # rendered; otherwise it drops just the caches keyed by row position.
    _epoch = 0
    _appending = False
    #: One past the lowest display row ever on screen (grows as the user scrolls).
    _rendered_to = 0

    @property
    def _update_count(self) -> int:  # type: ignore[override]
        return self._epoch

    @_update_count.setter
    def _update_count(self, value: int) -> None:
        if not self._appending:
            self._epoch = value

    def _invalidate_from(self, index: int | None) -> None:
        if index is None:
            return
        self._rendered_to = max(self._rendered_to, int(self.scroll_y) + self.size.height + 2)
        if index < self._rendered_to:
            self._epoch += 1
        else:
            self._offset_cache.clear()
            self._row_renderable_cache.clear()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        self._rendered_to = max(self._rendered_to, int(new_value) + self.size.height + 2)
        super().watch_scroll_y(old_value, new_value)

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Swallow DataTable's whole-widget refreshes (add_row, update_cell): the caller
        repaints only the rows that changed on screen."""
        self._narrow = True
        try:
            yield
        finally:
            self._narrow = False

    def _mark_dirty(self, index: int) -> None:
        if self._dirty_from is None or index < self._dirty_from:
            self._dirty_from = index

    def _repaint_from(self, index: int | None) -> None:
        """Repaint the on-screen rows from display ``index`` down: rows landing below the
        viewport (a big table loading) cost no repaint at all."""
        if index is None:
            return
        top = int(self.scroll_y)
        bottom = top + self.size.height
        for row in range(max(index, top), min(bottom, self.row_count)):
            self.refresh_row(row)

    def _update_cells(self, key: str, old: tuple[Text, ...], new: tuple[Text, ...]) -> None:
        """Write changed cells and repaint just those cells (a task's age ticking rewrites five
        characters over SSH, not its 250-column row); a column only widens, never re-measures
        (DataTable re-measures the whole column when a cell gets narrower)."""
        changed: list[int] = []
        widened = False
        columns = self.columns
        for index, ((col_key, _), before, after) in enumerate(
            zip(self._column_spec, old, new, strict=False)
        ):
            if same_cell(before, after):
                continue
            width = columns[col_key].content_width  # type: ignore[index]
            wider = after.cell_len > width
            widened |= wider
            # It was (one of) the widest and is narrower now: measure the column again on idle.
            self._remeasure |= before.cell_len >= width > after.cell_len
            with self._quiet():
                self.update_cell(key, col_key, after, update_width=wider)
            changed.append(index)
        if not changed:
            return
        row = self.get_row_index(key)
        if widened:
            self.refresh_row(row)
            return
        for index in changed:
            self.refresh_coordinate(Coordinate(row, index))

    def refresh(self, *regions: Any, **kwargs: Any) -> Any:
        if self._narrow and not regions and not kwargs.get("layout"):
            return self
        return super().refresh(*regions, **kwargs)
