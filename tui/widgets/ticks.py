"""Checkboxes that say their state in characters: ``[x]`` ticked, ``[ ]`` not.

Textual draws ``▐X▌`` for both states and tells them apart by colour only, so under NO_COLOR
(or to a colour-blind eye) a ticked box and an unticked one read the same.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets._selection_list import SelectionType
from textual.widgets.option_list import OptionDoesNotExist


def tick(on: bool) -> str:
    return "[x]" if on else "[ ]"


class TickBox(Checkbox):
    @property
    def _button(self) -> Content:
        return Content.assemble((tick(self.value), self.get_visual_style("toggle--button")))


class TickList(SelectionList[SelectionType]):
    def render_line(self, y: int) -> Strip:
        """The list's line with its three button cells replaced by ``[x]`` or ``[ ]``."""
        line = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        segments: list[Any] = list(line)
        if len(segments) < 3:
            return line
        style = segments[1].style
        box = Segment(tick(selection.value in self._selected), style)
        return Strip([box, *segments[3:]], line.cell_length)
