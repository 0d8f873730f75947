"""A DataTable that is updated by key, so a refresh never moves the cursor or the scroll.

Rows come in as ``(key, cells)``; ``set_rows`` removes rows that left, updates cells that changed and
adds new ones, inside one ``batch_update``. The full row set is kept aside so the ``/`` filter can
hide and show rows without another API call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    cells: tuple[Text, ...]
    #: Lower-cased text the filter matches against.
    haystack: str


class LiveTable(DataTable[Text]):
    """Keyed, filterable, refresh-stable table."""

    def __init__(self, columns: Sequence[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._column_spec = list(columns)
        self._rows: dict[str, Row] = {}
        self._order: list[str] = []
        self.filter_text = ""
        self._widths_rendered: tuple[int, ...] = ()

    def on_mount(self) -> None:
        for key, label in self._column_spec:
            self.add_column(label, key=key)

    # -- data in -------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replace the whole row set (keeps cursor and scroll by key)."""
        self._rows = {r.key: r for r in rows}
        self._order = [r.key for r in rows]
        self._render_rows()

    def upsert_rows(self, rows: Sequence[Row]) -> None:
        """Update some rows in place, appending unknown ones: used for partial refreshes."""
        for r in rows:
            if r.key not in self._rows:
                self._order.append(r.key)
            self._rows[r.key] = r
        self._render_rows()

    def set_filter(self, text: str) -> None:
        self.filter_text = text.strip().lower()
        self._render_rows()

    @property
    def row_count_total(self) -> int:
        return len(self._order)

    @property
    def selected_key(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return str(key.value) if key.value is not None else None

    def visible_keys(self, margin: int = 2) -> list[str]:
        """Keys of the rows currently in the viewport (plus a small margin)."""
        shown = self._shown()
        if not shown:
            return []
        top = max(0, int(self.scroll_y) - margin)
        height = max(1, self.size.height) + 2 * margin
        return shown[top : top + height]

    # -- rendering -----------------------------------------------------------------------------

    def _shown(self) -> list[str]:
        if not self.filter_text:
            return list(self._order)
        needle = self.filter_text
        return [k for k in self._order if needle in self._rows[k].haystack]

    def _render_rows(self) -> None:
        wanted = self._shown()
        current = [str(k.value) for k in self.rows]
        keep_key = self.selected_key
        keep_offset = self.cursor_row - int(self.scroll_y) if self.row_count else 0
        with self.app.batch_update():
            wanted_set = set(wanted)
            for key in current:
                if key not in wanted_set:
                    self.remove_row(key)
            remaining = [k for k in current if k in wanted_set]
            # Rows that stay keep their order; new ones go at the end. If that is not the wanted
            # order (a sort or filter change), rebuild: the cursor is restored by key below.
            present = set(remaining)
            if remaining != [k for k in wanted if k in present]:
                self.clear()
                remaining = []
                present = set()
            changed = False
            for key in remaining:
                changed = self._update_row(key) or changed
            for key in wanted:
                if key not in present:
                    self.add_row(*self._rows[key].cells, key=key)
                    changed = True
            if keep_key is not None and keep_key in wanted_set:
                index = self.get_row_index(keep_key)
                if index != self.cursor_row:
                    self.move_cursor(row=index, animate=False, scroll=False)
                    self.scroll_to(y=max(0, index - keep_offset), animate=False, immediate=True)
        if changed:
            self.call_after_refresh(self._forget_rendered_rows)

    def _forget_rendered_rows(self) -> None:
        """New or changed cells can widen a column after a row was already rendered, and
        DataTable's render cache is not keyed by column width: drop it, once the widths have
        settled, only when a width actually changed (not on every refresh tick)."""
        widths = tuple(c.content_width for c in self.columns.values())
        if widths == self._widths_rendered:
            return
        self._widths_rendered = widths
        clear = getattr(self, "_clear_caches", None)
        if clear is not None:
            clear()
        self.refresh()

    def _update_row(self, key: str) -> bool:
        """Update the cells of ``key`` that changed; True if any did."""
        try:
            old = self.get_row(key)
        except RowDoesNotExist:
            return False
        new = self._rows[key].cells
        changed = False
        for (col_key, _), old_cell, new_cell in zip(self._column_spec, old, new, strict=False):
            if old_cell != new_cell:
                self.update_cell(key, col_key, new_cell, update_width=True)
                changed = True
        return changed
