"""Fitting a live table's columns to what they hold and to the pane: a column narrows again when
its widest cell leaves, and the last (free text) column takes the width the others leave."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import events
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from tui.widgets.table_sort import Row


class ColumnFitting(DataTable[Text]):
    """A mixin of LiveTable: column widths."""

    _rows: dict[str, Row]
    _widths: tuple[int, ...] = ()

    #: A cell got narrower, or rows left: the column may be wider than anything it still holds.
    _remeasure = False

    def _narrow_columns(self) -> None:
        """Measure each column again from the rows it holds: a STATUS once widened by a
        transient ``… DEPROVISIONING`` goes back to ``✓ RUNNING``'s width, giving the room back
        to STOP REASON (DataTable only ever widens a column it is told about cell by cell)."""
        self._remeasure = False
        rows = list(self._rows.values())
        for index, column in enumerate(self.columns.values()):
            widest = max((r.cells[index].cell_len for r in rows if index < len(r.cells)), default=0)
            column.content_width = max(widest, column.label.cell_len)
        self._require_update_dimensions = True

    def _fit_last_column(self) -> None:
        """The last column (a reason, an event, capacity providers: free text) takes the width
        the other columns leave and ends in "…", so the table scrolls sideways only when the
        other columns alone are wider than the pane."""
        columns = list(self.columns.values())
        if not columns or not self.scrollable_content_region.width:
            return
        last = columns[-1]
        padding = 2 * self.cell_padding
        others = sum(c.get_render_width(self) for c in columns[:-1])
        room = self.scrollable_content_region.width - others - padding  # less a scrollbar
        fits = last.content_width <= room
        width = 0 if fits else max(room, last.label.cell_len)
        if last.auto_width != fits or last.width != width:
            last.auto_width, last.width = fits, width
            self._update_dimensions(())  # the virtual width, for the scrollbars

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Widen the columns for rows just added, then let DataTable size the table.

        DataTable renders every new cell and measures it through the console (about 15 µs a
        cell); with 2,000 services of ten columns landing, that was the longest work between
        two frames, 10-25 ms a batch. A LiveTable row is one line of ``Text`` cells, whose
        width is their ``cell_len``: what the console's measure gives for one line. Rows of any
        other shape (a label, a height, a multi-line or non-Text cell) go to DataTable as
        before; it then sets the virtual size from the widths, for these rows too."""
        others: list[RowKey] = []
        columns = self.ordered_columns
        for key in new_rows:
            row, cells = self.rows.get(key), self._data.get(key)
            if row is None or cells is None or key not in self._row_locations:
                continue  # removed before the idle that measures it
            texts = [cells.get(column.key) for column in columns]
            if (
                row.label is not None
                or row.height != 1
                or not all(isinstance(t, Text) and "\n" not in t.plain for t in texts)
            ):
                others.append(key)
                continue
            for column, text in zip(columns, texts, strict=True):
                width = text.cell_len  # type: ignore[union-attr]
                if width > column.content_width:
                    column.content_width = width
        super()._update_dimensions(others)

    async def _on_idle(self, event: events.Idle) -> None:
        if self._remeasure:
            self._narrow_columns()
        await super()._on_idle(event)  # measures the rows added since
        self._fit_last_column()
        widths = tuple(c.get_render_width(self) for c in self.columns.values())
        if widths != self._widths:
            # Rows rendered before a column widened were cached at the old width.
            self._widths = widths
            self._update_count += 1
            self.refresh()
