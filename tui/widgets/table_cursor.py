"""Keeping a live table's cursor on its row, by key, through refreshes that add, move or drop
rows; when the row leaves, the cursor goes to the nearest one and the pane says so."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from textual._two_way_dict import TwoWayDict
from textual.widgets.data_table import RowKey

from tui.widgets.table_sort import Order, SortedTable


@dataclass(frozen=True, slots=True)
class _Anchor:
    """The row under the cursor before a change: its key, where it sorted, and its name."""

    key: str
    entry: tuple[Order, str]
    label: str


class CursorKeeping(SortedTable):
    """A mixin of LiveTable: where the cursor was, and putting it back."""

    #: While set (the pane's first load), Enter is remembered rather than acted on.
    hold_selection = False
    #: One RowKey per key, made once: re-indexing 2,000 rows should not build 2,000 keys.
    _row_keys: dict[str, RowKey]

    @property
    def selected_key(self) -> str | None:
        if self.row_count == 0 or not self.is_valid_row_index(self.cursor_row):
            return None
        value = self._row_locations.get_key(self.cursor_row)
        return str(value.value) if value is not None and value.value is not None else None

    def _anchor(self) -> _Anchor | None:
        """Where the cursor is, to keep it on the same row through a change. None only while
        the pane's first load is on and the cursor sits at the top: a loading table keeps
        reading from its first row. After that the cursor follows its row's key, even at the
        top: an action key must act on the row the user saw under it."""
        key = self.selected_key
        if key is None or key not in self._rows:
            return None
        if self.hold_selection and self.cursor_row == 0 and self.scroll_y == 0:
            return None
        return _Anchor(key, (self._order_of[key], key), self._rows[key].cells[0].plain)

    def _nearest(self, anchor: _Anchor) -> str | None:
        """The shown row nearest to where the anchor's row sorted: the next one, else the one
        before (in sorted order, so rows that left above it do not shift the choice)."""
        index = bisect.bisect_left(self._sorted, anchor.entry)
        after = (k for _, k in self._sorted[index:] if k in self._row_locations)
        before = (k for _, k in reversed(self._sorted[:index]) if k in self._row_locations)
        if self.sort_descending and self._sort_index is not None:
            after, before = before, after  # shown bottom to top: "next" is above
        return next(after, None) or next(before, None)

    def _place_rows(self, anchor: _Anchor | None) -> None:
        """Give each shown row its sorted position, keeping the cursor on the anchor's row, or
        on the nearest row (and saying so) when that row is no longer shown.

        This is what ``DataTable.sort`` does to ``_row_locations``, without its key-by-cells
        sort: our order is already known."""
        keys = self._row_keys
        self._row_locations = TwoWayDict({keys[k]: i for i, k in enumerate(self._shown())})
        if anchor is None:
            return
        keep_key: str | None = anchor.key
        if keep_key not in self._row_locations:
            keep_key = self._nearest(anchor)
            self._say_lost(anchor, keep_key)
        if keep_key is not None and keep_key in self._row_locations:
            index = self.get_row_index(keep_key)
            if index != self.cursor_row:
                offset = index - self.cursor_row
                self.move_cursor(row=index, animate=False, scroll=False)
                self.scroll_to(y=self.scroll_y + offset, animate=False, immediate=True)

    def _say_lost(self, anchor: _Anchor, now: str | None) -> None:
        """The row under the cursor left: say which, and where the cursor went."""
        why = "is gone" if anchor.key not in self._rows else "no longer matches the filter"
        where = f": the cursor is on {self._rows[now].cells[0].plain} now" if now else ""
        self.notify(f"{anchor.label} {why}{where}.", severity="warning", markup=False)
