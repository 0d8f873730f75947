"""A yes/no question about something that is not an AWS call (stopping a local plugin process,
running a configured plugin command): what will happen, shown as data, then Cancel or OK.

Cancel has the focus, as in the plan confirmation, so an Enter right after the key cancels.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from tui import keymap
from tui.dialog_parts import DIALOG_CSS
from tui.screens.dialogs.frame import Dialog
from tui.text import clean


class AskScreen(Dialog[bool]):
    """Dismiss with True (OK) or False (Cancel, Esc)."""

    BINDINGS = keymap.bindings_for("ask")
    DEFAULT_CSS = DIALOG_CSS.format(name="AskScreen")

    def __init__(self, title: str, body: Text, ok: str = "OK") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.ok_label = ok

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean(self.title_text, 200)), classes="title")
            with VerticalScroll():
                yield Static(self.body, id="body")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.ok_label, id="ok", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
