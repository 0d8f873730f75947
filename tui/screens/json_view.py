"""`y`: the selected resource as highlighted JSON, read-only (and already on the clipboard)."""

from __future__ import annotations

import dataclasses
import json

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.text import clean


def to_json(resource: object) -> str:
    """The model as JSON: every field ecsdeck read, datetimes as ISO text. ASCII-escaped, so a
    hostile value can never reach the terminal as a control sequence."""
    data = (
        dataclasses.asdict(resource)  # type: ignore[call-overload]
        if dataclasses.is_dataclass(resource) and not isinstance(resource, type)
        else resource
    )
    return json.dumps(data, indent=2, default=str)


class JsonScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,y", "dismiss", "Close"),
        Binding("c", "copy", "Copy", tooltip="Copy the JSON again"),
    ]
    DEFAULT_CSS = """
    JsonScreen { align: center middle; }
    JsonScreen > VerticalScroll { width: 110; max-width: 96%; height: 90%;
        border: thick $accent; padding: 0 1; background: $surface; }
    JsonScreen .title { text-style: bold; }
    """

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(
                f"{clean(self.title_text, 100)}  (copied; Esc closes, c copies again)",
                classes="title",
                markup=False,
            )
            yield Static(Syntax(self.text, "json", theme="ansi_dark", word_wrap=True), id="json")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify("Copied the JSON.", markup=False)
