"""A short list to pick one name from (`:profile` and `:region` without a name)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.text import clean


class PickerScreen(ModalScreen[str | None]):
    """Enter picks the highlighted name, Esc picks nothing."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]
    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 60; max-width: 96%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1; }
    PickerScreen OptionList { height: auto; max-height: 60vh; }
    """

    def __init__(
        self,
        title: str,
        names: list[str],
        current: str | None = None,
        notes: dict[str, Text] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.names = names
        self.current = current
        #: A dim line of detail after some names (which image a service uses now).
        self.notes = notes or {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"{clean(self.title_text, 50)}  (Enter picks, Esc cancels)", markup=False)
            options = [
                Option(
                    Text(clean(n, 60) + ("  (current)" if n == self.current else ""))
                    + self.notes.get(n, Text()),
                    id=n,
                )
                for n in self.names
            ]
            yield OptionList(*options)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.names:
            options.highlighted = self.names.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
