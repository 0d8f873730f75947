"""Scale the marked services to one count: each service's ``3 -> 5`` as you type.

The count is checked by ``parse_count`` as in the one-service dialog (above the ``max_desired``
setting the box must be ticked); nothing is sent from here: the confirmation lists every call.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from aws.models import Service
from aws.plan import ValidationError, parse_count
from tui import keymap
from tui.dialog_parts import DIALOG_CSS, update_focus_hint
from tui.text import clean
from tui.widgets.in_order import InOrderInput
from tui.widgets.ticks import TickBox


class BulkScaleScreen(ModalScreen[int | None]):
    """Dismiss with the count for every marked service, or None."""

    BINDINGS = keymap.bindings_for("bulk_scale")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="BulkScaleScreen")
        + """
    BulkScaleScreen > Vertical { width: 72; }
    BulkScaleScreen #preview { padding: 1 0 0 0; height: auto; }
    """
    )

    def __init__(self, services: Sequence[Service], maximum: int) -> None:
        super().__init__()
        self.services = list(services)
        self.maximum = maximum

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Scale {len(self.services)} marked services"), classes="title")
            yield InOrderInput(placeholder=f"0 to {self.maximum}", id="count")
            yield TickBox(f"Allow more than {self.maximum} tasks", id="over")
            with VerticalScroll():
                yield Static(id="preview")
            with Horizontal(classes="buttons"):
                yield Static(id="focus-hint", classes="focus-hint")
                yield Button("Cancel", id="cancel")
                yield Button("Next", id="next", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#count", Input).focus()
        update_focus_hint(self, "Next")
        self._preview()

    def _parse(self) -> int:
        return parse_count(
            self.query_one("#count", Input).value,
            maximum=self.maximum,
            allow_over_max=self.query_one("#over", Checkbox).value,
        )

    @on(Input.Changed, "#count")
    @on(Checkbox.Changed, "#over")
    def _preview(self) -> None:
        preview = self.query_one("#preview", Static)
        try:
            value: int | None = self._parse()
        except ValidationError as exc:
            if self.query_one("#count", Input).value.strip():
                preview.update(Text(exc.message, style="bold red"))
                return
            value = None
        text = Text()
        for s in self.services:
            text.append(clean(s.name, 50), style="bold")
            text.append(f"  {s.desired} -> {'?' if value is None else value}")
            if value == s.desired:
                text.append("  (already)", style="dim")
            text.append("\n")
        preview.update(text)

    @on(Input.Submitted, "#count")
    @on(Button.Pressed, "#next")
    def _submit(self) -> None:
        try:
            value = self._parse()
        except ValidationError as exc:
            self.query_one("#preview", Static).update(Text(exc.message, style="bold red"))
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
