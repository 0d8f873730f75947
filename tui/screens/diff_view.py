"""`=` on the revision history: the diff of two task-definition revisions, read-only.

The same coloured unified diff the confirmation dialog shows for a register or a deploy, with
the same masking: a secret-looking value never appears, a changed one reads
``<redacted: changed>``.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui import keymap
from tui.text import clean, diff_text


class DiffScreen(ModalScreen[None]):
    BINDINGS = keymap.bindings_for("diff")
    DEFAULT_CSS = """
    DiffScreen { align: center middle; }
    DiffScreen > VerticalScroll { width: 110; max-width: 96%; height: 90%;
        border: thick $accent; padding: 0 1; background: $surface; }
    DiffScreen .title { text-style: bold; padding: 0 0 1 0; }
    """

    def __init__(self, title: str, diff: str) -> None:
        super().__init__()
        self.title_text = title
        #: The unified diff shown ("" when the two revisions are the same).
        self.diff = diff

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                f"{clean(self.title_text, 100)}  (Esc closes)", classes="title", markup=False
            )
            body = (
                diff_text(self.diff)
                if self.diff
                else "No differences: the two revisions register the same definition."
            )
            yield Static(body, id="diff", markup=False)
