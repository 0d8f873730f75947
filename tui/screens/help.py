"""`?`: every key of the pane underneath, and the global ones, in one list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui import keymap
from tui.render.help import commands_table, key_table


class HelpScreen(ModalScreen[None]):
    BINDINGS = keymap.bindings_for("help")
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 76; max-width: 100%; height: auto; max-height: 90%;
        border: thick $accent; padding: 1 2; background: $surface; }
    """

    #: Its name in the router: `?` over help does not open a second one.
    pane_name = "help"

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("[b]Keys[/b]  (Esc closes)")
            yield Static(key_table(self.under))
            yield Static("\n[b]Commands[/b]  (: then Enter; Tab completes, ↑/↓ history)")
            yield Static(commands_table())
