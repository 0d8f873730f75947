"""The one confirmation every mutation goes through: what, the exact API calls, the CLI lines.

Cancel has the focus, so Enter right after a key press cancels. Confirm answers once: a second
press while the screen is closing does nothing.
"""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from aws.plan import Plan
from aws.secrets import REDACTED
from tui import keymap
from tui.dialog_parts import DIALOG_CSS, update_focus_hint
from tui.plan_text import (
    cli_target,
    masked_plan,
    plan_renderable,
    title_text,
    unchanged_renderable,
    where_text,
)
from tui.screens.dialogs.frame import Dialog
from tui.where import Where


class ConfirmScreen(Dialog[bool]):
    """Show a plan; dismiss True on Confirm, False on Cancel/Escape.

    With ``unchanged`` (why the plan would change nothing) it says so and offers only Close.
    ``where`` is the account-region the plan is sent to (None: the app's own)."""

    BINDINGS = keymap.bindings_for("confirm")
    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmScreen")

    def __init__(
        self,
        plan: Plan,
        confirm_label: str = "Confirm",
        *,
        subject: str | None = None,
        unchanged: str | None = None,
        where: Where | None = None,
    ) -> None:
        super().__init__()
        self.plan = plan
        self.where = where
        self.confirm_label = confirm_label
        self.subject = subject
        self.unchanged = unchanged
        self._answered = False
        #: True while Ctrl+R shows the real secret values (then `c` copies them too).
        self.revealed = False

    @property
    def target(self) -> Any:
        """What ``cli_target``/``where_text`` read: the plan's account-region, else the app."""
        return self.where or self.app

    def compose(self) -> ComposeResult:
        with Vertical():
            title = title_text(self.plan, self.subject)
            title.append("   ")
            title.append_text(where_text(self.target))
            yield Static(title, classes="title", id="title")
            with VerticalScroll():
                if self.unchanged:
                    body = unchanged_renderable(self.plan, self.unchanged)
                else:
                    body = plan_renderable(self.plan, cli_target(self.target))
                yield Static(body, id="plan")
            with Horizontal(classes="buttons"):
                yield Static(id="focus-hint", classes="focus-hint")
                if self.unchanged:
                    yield Button("Close", id="cancel", variant="primary")
                else:
                    yield Button("Cancel", id="cancel", variant="primary")
                    yield Button(self.confirm_label, id="confirm", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()
        self._hint()

    @on(events.DescendantFocus)
    def _hint(self) -> None:
        if self.unchanged:
            update_focus_hint(self)
            return
        hidden = masked_plan(self.plan) != self.plan
        update_focus_hint(
            self, extra="c copies the aws lines" + (" · Ctrl+R secrets" if hidden else "")
        )

    def action_toggle_secrets(self) -> None:
        if self.unchanged or masked_plan(self.plan) == self.plan:
            self.notify("No secret values in these calls.", markup=False)
            return
        self.revealed = not self.revealed
        self.query_one("#plan", Static).update(
            plan_renderable(self.plan, cli_target(self.target), reveal=self.revealed)
        )

    def action_copy_cli(self) -> None:
        """The calls as ``aws`` lines, as the dialog shows them after each ``$``: secrets as
        placeholders unless Ctrl+R revealed them (a clipboard may be shared or logged)."""
        if self.unchanged:
            return  # nothing would be sent: there is nothing to copy
        plan = self.plan if self.revealed else masked_plan(self.plan)
        self.app.copy_to_clipboard(plan.cli(**cli_target(self.target)))
        count = len(self.plan.calls)
        said = f"Copied {count} aws CLI line{'s' if count != 1 else ''}"
        if plan != self.plan:
            said += f", secrets as {REDACTED} (Ctrl+R shows them, then c copies them)"
        elif masked_plan(self.plan) != self.plan:
            said += " with the real secret values (shown by Ctrl+R)"
        self.notify(said + ".", markup=False)

    def _answer(self, value: bool) -> None:
        if self._answered:
            return
        self._answered = True
        self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self._answer(False)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self._answer(True)
