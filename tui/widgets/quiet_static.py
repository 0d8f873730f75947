"""A Static that ignores an update to what it already shows.

``Static.update`` always re-lays out and repaints, even with the same text; a pane that rebuilds
its summary every tick would then rewrite those lines to the terminal every tick.
"""

from __future__ import annotations

from rich.text import Text
from textual.visual import VisualType
from textual.widgets import Static


class QuietStatic(Static):
    _shown: object = None

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        key = (
            (content.plain, content.style, repr(content.spans))
            if isinstance(content, Text)
            else content
        )
        if key == self._shown:
            return
        self._shown = key
        super().update(content, layout=layout)
