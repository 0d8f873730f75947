"""Service settings (``u``): the deployment settings and the ones a service keeps for its new
tasks, each checked as it is typed against the ranges ECS accepts (aws/service_settings.py).

Every bad field has its own message in red under the fields, and Next does nothing while one is
there; what would change shows as a diff. The dialog dismisses with the new ``Settings``.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static

from aws import service_settings as ss
from aws.models import Service
from aws.plan import ValidationError
from tui import keymap
from tui.dialog_parts import DIALOG_CSS, update_focus_hint
from tui.text import clean, diff_text
from tui.widgets.in_order import InOrderInput
from tui.widgets.ticks import TickBox

#: (input id, label, placeholder) of the typed fields.
_INPUTS = (
    ("grace", "Health-check grace period (s)", f"0 to {ss.MAX_GRACE}"),
    ("minimum", "Minimum healthy percent", "0 to 100"),
    ("maximum", "Maximum percent", "100 to 200"),
    ("alarms", "CloudWatch alarm names", "name, name, …"),
)
#: (checkbox id, label) of the switches.
_TICKS = (
    ("breaker", "Deployment circuit breaker"),
    ("breaker_rollback", "… and roll back when it trips"),
    ("alarms_enabled", "Fail the rollout when an alarm goes off"),
    ("alarms_rollback", "… and roll back then"),
    ("execute_command", "ECS Exec (enableExecuteCommand)"),
)
#: (select id, label, choices).
_CHOICES = (
    ("propagate_tags", "Propagate tags from", ss.PROPAGATE_TAGS),
    ("az_rebalancing", "Availability-zone rebalancing", ss.AZ_REBALANCING),
)


class SettingsScreen(ModalScreen[ss.Settings | None]):
    """Dismiss with the settings asked for (valid), or None."""

    BINDINGS = keymap.bindings_for("settings")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="SettingsScreen")
        + """
    SettingsScreen > Vertical { width: 86; }
    SettingsScreen .row { height: auto; margin: 0 0 1 0; }
    SettingsScreen .row > .label { width: 32; padding: 0 1 0 0; }
    SettingsScreen .row > Input, SettingsScreen .row > Select { width: 1fr; }
    SettingsScreen #problems, SettingsScreen #preview { height: auto; padding: 1 0 0 0; }
    """
    )

    def __init__(self, service: Service) -> None:
        super().__init__()
        self.service = service
        self.start = ss.form_of(ss.current(service))

    def compose(self) -> ComposeResult:
        start = self.start
        with Vertical():
            title = Text("Settings of ") + Text(clean(self.service.name, 60), style="bold")
            yield Static(title, classes="title")
            for name, label, hint in _INPUTS:
                with Horizontal(classes="row"):
                    yield Static(label, classes="label")
                    yield InOrderInput(
                        getattr(start, name), placeholder=hint, id=name, compact=True
                    )
            # Compact fields: eleven bordered ones (33 lines) scrolled off a 36-row terminal.
            for name, label in _TICKS:
                yield TickBox(label, getattr(start, name), id=name, compact=True)
            for name, label, choices in _CHOICES:
                with Horizontal(classes="row"):
                    yield Static(label, classes="label")
                    options = [(c, c) for c in choices]
                    yield Select(
                        options,
                        value=getattr(start, name),
                        allow_blank=False,
                        id=name,
                        compact=True,
                    )
            yield Static(id="problems", classes="error")
            yield Static(id="preview")
            with Horizontal(classes="buttons"):
                yield Static(id="focus-hint", classes="focus-hint")
                yield Button("Cancel", id="cancel")
                yield Button("Next", id="next", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#grace", Input).focus()
        self._check()

    @on(events.DescendantFocus)
    def _hint(self) -> None:
        focused = self.focused
        enter = "Next" if isinstance(focused, Input) else None
        if isinstance(focused, Checkbox):
            enter = "tick/untick"
        update_focus_hint(self, enter)

    def form(self) -> ss.Form:
        """The fields as they are now."""
        typed = {name: self.query_one(f"#{name}", Input).value for name, _, _ in _INPUTS}
        ticked = {name: self.query_one(f"#{name}", Checkbox).value for name, _ in _TICKS}
        picked = {name: str(self.query_one(f"#{name}", Select).value) for name, _, _ in _CHOICES}
        return ss.Form(**typed, **ticked, **picked)  # type: ignore[arg-type]

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _check(self) -> ss.Settings | None:
        """Each bad field's message, or what would change; the settings when valid."""
        problems = self.query_one("#problems", Static)
        preview = self.query_one("#preview", Static)
        try:
            new = ss.parse(self.form(), self.service)
        except ValidationError as exc:
            problems.update(Text("\n".join(f"✗ {clean(p, 200)}" for p in exc.problems)))
            preview.update("")
            return None
        problems.update("")
        changes = ss.diff(ss.current(self.service), new)
        shown = diff_text(changes) if changes else Text("No change yet.", style="dim")
        for warning in ss.warnings(self.service, new):
            shown.append("\n• " + clean(warning, 300), style="yellow")
        preview.update(shown)
        return new

    @on(Input.Submitted)
    @on(Button.Pressed, "#next")
    def _submit(self) -> None:
        new = self._check()
        if new is not None:
            self.dismiss(new)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
