"""What every dialog shares so it fits any terminal from 80x24 up.

The dialog frame (``DIALOG_CSS`` in tui/dialog_parts.py) keeps its title and its buttons docked
and scrolls what lies between. The body keys (PageUp, PageDown, Home, End: the keymap's
``dialog`` scope, priority bindings) scroll that middle part whatever has the focus: the focus
usually sits on Cancel, and a button has no use for PageDown, so without them a long plan could
only be read after Shift+Tab.
"""

from __future__ import annotations

from textual.screen import ModalScreen, ScreenResultType
from textual.widget import Widget

from tui import keymap


class Dialog(ModalScreen[ScreenResultType]):
    """A modal whose first child is the frame to scroll (no text input inside: Home/End are
    taken for the frame)."""

    #: PageUp, PageDown, Home, End scroll the frame (the keymap's ``dialog`` scope).
    BINDINGS = keymap.bindings_for("dialog")

    @property
    def frame(self) -> Widget:
        """The dialog's own first child (Textual mounts its toasts on the screen too)."""
        return next(w for w in self.children if not w.has_class("-textual-system"))

    def action_body(self, how: str) -> None:
        frame = self.frame
        if how == "page_up":
            frame.scroll_page_up(animate=False)
        elif how == "page_down":
            frame.scroll_page_down(animate=False)
        elif how == "home":
            frame.scroll_home(animate=False)
        else:
            frame.scroll_end(animate=False)
