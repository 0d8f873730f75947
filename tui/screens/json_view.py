"""The `y` view: a resource's JSON, read-only and already on the clipboard, secrets masked
until `u` (tui/show_json.py reads it and opens this view through the router)."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui import keymap
from tui.text import clean


class JsonScreen(ModalScreen[None]):
    BINDINGS = keymap.bindings_for("json")
    DEFAULT_CSS = """
    JsonScreen { align: center middle; }
    JsonScreen > VerticalScroll { width: 110; max-width: 96%; height: 90%;
        border: thick $accent; padding: 0 1; background: $surface; }
    JsonScreen .title { text-style: bold; }
    """

    def __init__(self, title: str, text: str, revealed: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        #: The unmasked text, when ``text`` has masked values (`u` shows and copies it).
        self.revealed = revealed

    def compose(self) -> ComposeResult:
        copied = "copied, secrets masked" if self.revealed else "copied"
        reveal = ", u shows the secret values" if self.revealed else ""
        with VerticalScroll():
            yield Static(
                f"{clean(self.title_text, 400)}  ({copied}; Esc closes, c copies again{reveal})",
                classes="title",
                markup=False,
            )
            yield Static(Syntax(self.text, "json", theme="ansi_dark", word_wrap=True), id="json")

    def action_reveal(self) -> None:
        if self.revealed is None:
            return
        self.text, self.revealed = self.revealed, None
        self.query_one("#json", Static).update(
            Syntax(self.text, "json", theme="ansi_dark", word_wrap=True)
        )
        self.app.copy_to_clipboard(self.text)
        self.notify("Secret values shown and copied.", markup=False)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        masked = self.revealed is not None
        self.notify(
            "Copied the JSON" + (", secrets masked (u shows them)." if masked else "."),
            markup=False,
        )
