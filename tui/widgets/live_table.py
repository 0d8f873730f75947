"""A DataTable updated by key, so a refresh never moves the cursor, the scroll or the whole screen.

Rows come in as ``(key, cells, order)``. The table keeps them sorted by ``order`` and places each
new row at its position as it arrives (no append-then-rebuild), so a 2,000-row first load costs
work per batch proportional to the batch, apart from one re-indexing of row positions.

What reaches the terminal matters over SSH: a changed cell repaints its row, never the table, and
an unchanged row is not touched at all. The full row set is kept aside so the ``/`` filter can
hide and show rows without another API call.

Sorting by a column (Shift+letter, k9s style) is a user action on top of ``order``: the table
re-places its rows once when the key is pressed, then keeps new and changed rows in that order
on every refresh (names sort naturally: ``svc-2`` before ``svc-10``; ages by their length). A
column name has the same letter on every pane (``SORT_LETTERS``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events
from textual._two_way_dict import TwoWayDict
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from tui import keymap
from tui.text import AGE_UNITS, natural_key

#: A sort position: compared element by element; screens build it from what they sort by.
Order = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    cells: tuple[Text, ...]
    #: Lower-cased text the filter matches against.
    haystack: str
    #: Where the row sorts (ties broken by key). Empty: the position in ``set_rows``' list.
    order: Order = ()


#: An age ("1m45s", "2d3h"), or a stopped task's "stopped 5m" (its time since the stop), sorts by
#: its seconds.
_AGE = re.compile(r"^(?:stopped )?((?:\d+[dhms])+)$")
_AGE_PART = re.compile(r"(\d+)([dhms])")
_SECONDS = dict(AGE_UNITS)


def sort_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """How a column sorts by its text: naturally (svc-2 before svc-10), an age ("42s", "1m45s",
    "3h") by its length in seconds."""
    age = _AGE.match(text)
    if age:
        parts = _AGE_PART.findall(age.group(1))
        return ((0, sum(int(n) * _SECONDS[unit] for n, unit in parts)),)
    return natural_key(text)


#: Shift+letters no column sorts on: g/G go to the first and last row, E is ECS Exec, L a task's
#: logs, X deregisters a revision.
RESERVED = "EGLX"

#: Each column name's sort letter, the same on every pane (help lists them). The rule: the
#: name's first letter that no other column sharing a pane with it has, and none of RESERVED or
#: a pane's own Shift+letter actions (M merged logs on services, D/A drain/activate on
#: instances, R new revision on images). MEM% has none: its only letter is services' M.
SORT_LETTERS = {
    "AGE": "A",
    "AGENT": "N",
    "CLUSTER": "C",
    "COMPUTE": "P",
    "COUNT": "O",
    "CPU%": "C",
    "CPU / MEMORY": "C",
    "CPU LEFT": "F",
    "CREATED": "C",
    "DEPLOYMENT": "P",
    "DES/RUN/PEND": "S",
    "DIGEST": "D",
    "EC2 ID": "C",
    "FAILED": "F",
    "FAMILY": "F",
    "HEALTH": "H",
    "IMAGES": "I",
    "INSTANCE": "I",
    "INSTANCES": "I",
    "IP / HOST": "I",
    "LAST EVENT": "V",
    "MARK": "M",
    "MEM LEFT": "M",
    "NAME": "N",
    "PENDING": "P",
    "PROBLEM": "P",
    "PROBLEMS": "P",
    "PROVIDERS": "R",
    "PUSHED": "P",
    "REASON": "R",
    "REGISTERED": "S",
    "REPOSITORY": "R",
    "REVISION": "R",
    "ROLLOUT": "O",
    "RUN/DES": "R",
    "RUNNING": "R",
    "SCAN": "C",
    "SERVICE": "S",
    "SERVICES": "S",
    "SINCE": "I",
    "SIZE": "S",
    "STATE": "A",
    "STATUS": "U",
    "STOP REASON / EXIT": "T",
    "TAGS": "T",
    "TARGET": "T",
    "TARGET GROUP": "O",
    "TARGETS": "T",
    "TASK": "K",
    "TASK DEF": "D",
    "TASKS": "K",
    "TYPE": "T",
    "UPDATED": "U",
    "URI": "U",
    "USED BY": "U",
    "WHAT": "W",
    "WHY": "H",
    "ZONE": "Z",
}


def sort_letters(labels: Sequence[str], reserved: str = "") -> list[str]:
    """One Shift+letter per column, from ``SORT_LETTERS`` (a name not in it: its first letter
    free on this pane); "" where the letter is taken (a pane's own action, or another column)."""
    taken = set(RESERVED + reserved.upper())
    out = []
    for label in labels:
        letter = SORT_LETTERS.get(label) or next(
            (c for c in label.upper() if c.isalpha() and c not in taken), ""
        )
        letter = "" if letter in taken else letter
        taken.add(letter)
        out.append(letter)
    return out


@dataclass(frozen=True, slots=True)
class _Anchor:
    """The row under the cursor before a change: its key, where it sorted, and its name."""

    key: str
    entry: tuple[Order, str]
    label: str


def same_cell(a: Text, b: Text) -> bool:
    """Text's own ``==`` ignores the base style, so ``✓ 3/3`` turning red would go unseen."""
    return a.plain == b.plain and a.style == b.style and a.spans == b.spans


class LiveTable(DataTable[Text]):
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

    def action_sort(self, column: str) -> None:
        """Sort by ``column`` ascending; the same key again flips to descending and back."""
        if self.sort_column == column:
            self.sort_descending = not self.sort_descending
        else:
            self.sort_column, self.sort_descending = column, False
        self._sort_index = [k for k, _ in self._column_spec].index(column)
        self._resort()

    def _effective(self, row: Row, base: Order) -> Order:
        if self._sort_index is None:
            return base
        return (sort_key(row.cells[self._sort_index].plain), base)

    def _resort(self) -> None:
        """Re-place every row once (a user action: the one time the whole table repaints)."""
        keep = self.selected_key
        self._sorted = sorted(
            (self._effective(r, self._base_of[k]), k) for k, r in self._rows.items()
        )
        self._order_of = {k: o for o, k in self._sorted}
        with self.app.batch_update():
            self._place_rows(None)
            self._label_columns()
            if keep is not None and keep in self._row_locations:
                self.move_cursor(row=self.get_row_index(keep), animate=False)
            self._epoch += 1
            self._require_update_dimensions = True
            self.refresh()

    def _label_columns(self) -> None:
        """The sorted column's header carries ▲ (ascending) or ▼ (descending)."""
        for key, label in self._column_spec:
            column = self.columns[key]  # type: ignore[index]
            if key == self.sort_column:
                label = f"{label} {'▼' if self.sort_descending else '▲'}"
            column.label = Text(label)
            column.content_width = max(column.content_width, column.label.cell_len)

    # -- data in -------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Make the table hold exactly ``rows``: rows that left go, the rest are upserted."""
        wanted = {r.key for r in rows}
        self.remove_rows([k for k in self._rows if k not in wanted])
        self.upsert_rows(
            [r if r.order else Row(r.key, r.cells, r.haystack, (i,)) for i, r in enumerate(rows)]
        )

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

    @property
    def selected_key(self) -> str | None:
        if self.row_count == 0 or not self.is_valid_row_index(self.cursor_row):
            return None
        value = self._row_locations.get_key(self.cursor_row)
        return str(value.value) if value is not None and value.value is not None else None

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

    def _shown(self) -> list[str]:
        ordered = self._sorted
        if self.sort_descending and self._sort_index is not None:
            ordered = ordered[::-1]
        return [k for _, k in ordered if self._matches(self._rows[k])]

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
        """Write changed cells and repaint that one row; a column only widens, never re-measures
        (DataTable re-measures the whole column when a cell gets narrower)."""
        changed = False
        columns = self.columns
        for (col_key, _), before, after in zip(self._column_spec, old, new, strict=False):
            if same_cell(before, after):
                continue
            width = columns[col_key].content_width  # type: ignore[index]
            wider = after.cell_len > width
            # It was (one of) the widest and is narrower now: measure the column again on idle.
            self._remeasure |= before.cell_len >= width > after.cell_len
            with self._quiet():
                self.update_cell(key, col_key, after, update_width=wider)
            changed = True
        if changed:
            self.refresh_row(self.get_row_index(key))

    def refresh(self, *regions: Any, **kwargs: Any) -> Any:
        if self._narrow and not regions and not kwargs.get("layout"):
            return self
        return super().refresh(*regions, **kwargs)

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
