"""A list to pick one name from (`:profile` and `:region` without a name, a service to deploy
to): typing filters it (letters in the box above; Up/Down move in the list, Enter picks)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui import keymap
from tui.text import clean
from tui.widgets.in_order import InOrderInput


class PickerScreen(ModalScreen[str | None]):
    """Enter picks the highlighted name, Esc picks nothing; typed text keeps the names that
    contain it (case-insensitively)."""

    BINDINGS = keymap.bindings_for("picker")
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
            yield Static(
                f"{clean(self.title_text, 50)}  (type to filter, Enter picks, Esc cancels)",
                markup=False,
            )
            yield InOrderInput(placeholder="filter", id="filter")
            yield OptionList(*self._options(""))

    def _options(self, typed: str) -> list[Option]:
        return [
            Option(
                Text(clean(n, 60) + ("  (current)" if n == self.current else ""))
                + self.notes.get(n, Text()),
                id=n,
            )
            for n in self.names
            if typed.lower() in n.lower()
        ]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.names:
            options.highlighted = self.names.index(self.current)
        elif self.names:
            options.highlighted = 0
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            now = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(options.option_count - 1, now + step))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
