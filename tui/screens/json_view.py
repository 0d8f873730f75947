"""`y`: the selected resource as highlighted JSON, read-only (and already on the clipboard)."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.text import clean, utc_stamp


def to_json(resource: object) -> str:
    """The model as JSON: every field ecsdeck read, datetimes as ISO text. ASCII-escaped, so a
    hostile value can never reach the terminal as a control sequence."""
    data = (
        dataclasses.asdict(resource)  # type: ignore[call-overload]
        if dataclasses.is_dataclass(resource) and not isinstance(resource, type)
        else resource
    )
    return json.dumps(data, indent=2, default=_plain)


def _plain(value: object) -> str:
    """Datetimes in the one format the app shows times in; anything else as its text."""
    return utc_stamp(value) if isinstance(value, datetime) else str(value)


MASK = "•••• (u reveals)"


def masked_taskdef(raw: dict[str, object]) -> dict[str, object]:
    """A task definition with every container ``environment`` value masked (names kept):
    they often hold secrets, and a screen may be shared or recorded."""
    containers = []
    for c in raw.get("containerDefinitions") or []:  # type: ignore[attr-defined]
        if isinstance(c, dict) and isinstance(c.get("environment"), list):
            env = [
                {**e, "value": MASK} if isinstance(e, dict) and "value" in e else e
                for e in c["environment"]
            ]
            c = {**c, "environment": env}
        containers.append(c)
    return {**raw, "containerDefinitions": containers} if containers else dict(raw)


class JsonScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,y", "dismiss", "Close"),
        Binding("c", "copy", "Copy", tooltip="Copy the JSON again"),
        Binding("u", "reveal", "Unmask", tooltip="Show (and copy) the masked values"),
    ]
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
        reveal = ", u reveals masked values" if self.revealed else ""
        with VerticalScroll():
            yield Static(
                f"{clean(self.title_text, 100)}  (copied; Esc closes, c copies again{reveal})",
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
        self.notify("Values revealed and copied.", markup=False)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify("Copied the JSON.", markup=False)
