"""Sorting a live table by a column (Shift+letter, k9s style), on top of the screen's own order.

The table re-places its rows once when the key is pressed, then keeps new and changed rows in that
order on every refresh (names sort naturally: ``svc-2`` before ``svc-10``; ages by their length).
A column name has the same letter on every pane (``SORT_LETTERS``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

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
    #: Column key -> where the row sorts by that column, for a cell whose text sorts wrong
    #: (PROBLEMS: ``✗ 2`` is worse than ``! 5``, which the symbols' code points do not say).
    #: A column not in it sorts by its text (``sort_key``).
    sort_values: dict[str, Order] = field(default_factory=dict)


#: An age ("1m45s", "2d3h"), a stopped task's "stopped 5m" or a problem's "seen 15s", sorts by
#: its seconds.
_AGE = re.compile(r"^(?:stopped |seen )?((?:\d+[dhms])+)$")
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
#: logs, X deregisters a revision. (F, port forwarding, is reserved by the task tables only:
#: FAMILY, FAILED and CPU LEFT sort on it elsewhere.)
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
    "REASON": "S",  # R is RUN/DES, beside it on deployments
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


class SortedTable(DataTable[Text]):
    """The rows kept in sorted order, and the user's sort on top (a mixin of LiveTable)."""

    _column_spec: list[tuple[str, str]]
    _rows: dict[str, Row]
    #: (order, key) of every row, sorted: the filter picks from it without re-sorting.
    _sorted: list[tuple[Order, str]]
    _order_of: dict[str, Order]
    #: Each row's own order (Row.order, or its position in ``set_rows``) before any sort.
    _base_of: dict[str, Order]
    #: The column the user sorted by (None: the screen's own order), and which way.
    sort_column: str | None = None
    sort_descending = False
    _sort_index: int | None = None
    filter_text = ""
    _epoch = 0

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
        own = row.sort_values.get(self.sort_column or "")
        if own is not None:
            return (own, base)
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

    def _matches(self, row: Row) -> bool:
        return not self.filter_text or self.filter_text in row.haystack

    def _shown(self) -> list[str]:
        ordered = self._sorted
        if self.sort_descending and self._sort_index is not None:
            ordered = ordered[::-1]
        return [k for _, k in ordered if self._matches(self._rows[k])]

    @property
    def selected_key(self) -> str | None:
        raise NotImplementedError

    def _place_rows(self, anchor: Any) -> None:
        raise NotImplementedError
