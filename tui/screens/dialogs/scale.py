"""Scale: the task counts (RUN/DES, as on every pane), a count from 0 to the maximum, and
``3 -> 5`` as you type.

Above the maximum (the ``max_desired`` setting) the box "go above the maximum" must be ticked
(its label ends in ``yes`` / ``no``: the state is not a colour only);
bad input (``-1``, ``abc``, ``1e9``, blank) shows ``parse_count``'s message and nothing is sent.
When Application Auto Scaling manages the service, the preview says so before Next: a count
outside its range is moved back, and an attached policy may change any count. Once the service's
price is known the preview says what the new count costs (``3 -> 10: +$509/month``) and where
the price came from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from aws.autoscaling import Scaling
from aws.models import Service
from aws.plan import ValidationError, parse_count
from aws.service_cost import ServiceCost
from tui import keymap
from tui.costs import change_words, source_words
from tui.dialog_parts import DIALOG_CSS, update_focus_hint
from tui.scale_checks import scale_warnings
from tui.status import running_words
from tui.text import clean
from tui.widgets.in_order import InOrderInput
from tui.widgets.ticks import TickBox


class ScaleScreen(ModalScreen[int | None]):
    """Dismiss with the new desired count, or None."""

    BINDINGS = keymap.bindings_for("scale")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ScaleScreen")
        + """
    ScaleScreen > Vertical { width: 64; }
    ScaleScreen #preview { padding: 1 0 0 0; height: auto; }
    """
    )

    def __init__(
        self,
        service: Service,
        maximum: int,
        scaling: Scaling | None = None,
        load_scaling: Callable[[], Awaitable[Scaling | None]] | None = None,
        load_cost: Callable[[], Awaitable[ServiceCost | None]] | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        self.maximum = maximum
        #: The service's Auto Scaling (None: none, not read yet, or it could not be read).
        self.scaling = scaling
        #: Reads it when the opening pane did not know it: the dialog opens at once (keys typed
        #: after ``s`` land in it) and the warnings show when the answer comes.
        self._load_scaling = load_scaling
        #: The service's price (None until read, or when it cannot be priced).
        self.cost: ServiceCost | None = None
        self._load_cost = load_cost

    def compose(self) -> ComposeResult:
        s = self.service
        with Vertical():
            yield Static(Text("Scale ") + Text(clean(s.name, 60), style="bold"), classes="title")
            yield Static(running_words(s.running, s.desired, s.pending), id="counts")
            yield InOrderInput(
                value=str(s.desired),
                placeholder=f"0 to {self.maximum}",
                id="count",
                select_on_focus=True,
            )
            yield TickBox(self._over_label(False), id="over")
            yield Static(id="preview")
            with Horizontal(classes="buttons"):
                yield Static(id="focus-hint", classes="focus-hint")
                yield Button("Cancel", id="cancel")
                yield Button("Next", id="next", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#count", Input).focus()
        self._preview()
        self._hint()
        if self.scaling is None and self._load_scaling is not None:
            self._read_scaling()
        if self._load_cost is not None:
            self._read_cost()

    @work(exit_on_error=False)
    async def _read_scaling(self) -> None:
        assert self._load_scaling is not None
        self.scaling = await self._load_scaling()
        self._preview()

    @work(exit_on_error=False, group="cost")
    async def _read_cost(self) -> None:
        assert self._load_cost is not None
        self.cost = await self._load_cost()
        self._preview()

    def _over_label(self, ticked: bool) -> Text:
        """The state in words too (``...: yes`` / ``...: no``): the box alone is only a colour."""
        label = Text(f"Allow more than {self.maximum} tasks: ")
        label.append("yes" if ticked else "no", style="bold")
        return label

    @on(Checkbox.Changed, "#over")
    def _over_changed(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = self._over_label(event.value)

    @on(events.DescendantFocus)
    def _hint(self) -> None:
        focused = self.focused
        enter = "Next" if isinstance(focused, Input) else None
        if isinstance(focused, Checkbox):
            enter = "tick/untick"
        update_focus_hint(self, enter)

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
            value = self._parse()
        except ValidationError as exc:
            preview.update(Text(exc.message, style="bold red"))
            preview.add_class("error")
            return
        preview.remove_class("error")
        old = self.service.desired
        if self.cost is None:
            text = Text(f"{old} -> {value}", style="bold")
        else:
            text = Text(change_words(self.cost, old, value), style="bold")
            text.append("\n" + source_words(self.cost), style="dim")
        for warning in scale_warnings(self.scaling, value):
            text.append("\n" + warning, style="yellow")
        preview.update(text)

    @on(Input.Submitted, "#count")
    @on(Button.Pressed, "#next")
    def _submit(self) -> None:
        try:
            value = self._parse()
        except ValidationError:
            self._preview()
            return
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
