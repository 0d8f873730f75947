"""Marks (k9s's ``space``): rows of the services list picked for a bulk action.

The marks are ARNs kept by the pane, not by the table: a refresh re-draws a marked row marked,
a filter hides marked rows without unmarking them, and ``s``/``f`` then act on every marked
service (tui/flows_bulk.py) rather than on the row under the cursor. A marked row's name starts
with ``●`` (not a colour only) and the header counts the marks.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from aws.models import Service
    from tui.widgets.live_table import LiveTable, Row
    from tui.widgets.status_header import StatusHeader

MARK = "● "


def marked_row(row: Row) -> Row:
    """``row`` with its first cell (the name) starting with the mark."""
    first = Text(MARK, style="bold magenta") + row.cells[0]
    return replace(row, cells=(first, *row.cells[1:]))


class Marks:
    """Mixin for the services list: ``services``, ``services_table``, ``header``, ``_row``."""

    services: dict[str, Service]
    header: StatusHeader

    @property
    def marked(self) -> set[str]:
        marks: set[str] | None = self.__dict__.get("_marks")
        if marks is None:
            marks = self.__dict__["_marks"] = set()
        return marks

    @property
    def services_table(self) -> LiveTable:
        raise NotImplementedError

    def _row(self, s: Service) -> Row:
        raise NotImplementedError

    def marked_services(self) -> list[Service]:
        """The marked services still listed, in the table's order."""
        order = {k: i for i, k in enumerate(self.services_table.shown_keys())}
        found = [self.services[a] for a in self.marked if a in self.services]
        return sorted(found, key=lambda s: (order.get(s.arn, len(order)), s.name))

    def action_toggle_mark(self) -> None:
        key = self.services_table.selected_key
        if key is None or key not in self.services:
            return
        self.marked.symmetric_difference_update({key})
        self.services_table.upsert_rows([self._row(self.services[key])])
        self._say_marks()

    def action_clear_marks(self) -> None:
        was = [self.services[a] for a in self.marked if a in self.services]
        self.marked.clear()
        self.services_table.upsert_rows([self._row(s) for s in was])
        self._say_marks()

    def forget_marks(self, gone: set[str]) -> None:
        """Services no longer listed lose their marks (a deleted service cannot be acted on)."""
        if self.marked & gone:
            self.marked.difference_update(gone)
            self._say_marks()

    def _say_marks(self) -> None:
        self.header.marked = len(self.marked)
        self.header.update_lines()
