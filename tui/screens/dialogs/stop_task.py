"""Stop a task: the task, what will happen, and a reason (blank -> the default reason)."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from aws.actions import DEFAULT_STOP_REASON, MAX_REASON
from aws.models import Task
from tui import keymap
from tui.dialog_parts import DIALOG_CSS, update_focus_hint
from tui.text import clean, short_arn
from tui.widgets.in_order import InOrderInput


class StopTaskScreen(ModalScreen[str | None]):
    """Dismiss with the reason (possibly blank), or None."""

    BINDINGS = keymap.bindings_for("stop_task")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="StopTaskScreen")
        + """
    StopTaskScreen > Vertical { width: 80; }
    """
    )

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task_ = task

    def compose(self) -> ComposeResult:
        t = self.task_
        with Vertical():
            yield Static(Text("Stop task ") + Text(clean(t.id, 60), style="bold"), classes="title")
            yield Static(
                Text(
                    f"{clean(t.last_status)} · {clean(short_arn(t.task_definition), 60)}"
                    + (f" · service {clean(t.service_name, 60)}" if t.service_name else "")
                )
            )
            yield InOrderInput(
                placeholder=f"reason (blank: {DEFAULT_STOP_REASON})",
                max_length=MAX_REASON,
                id="reason",
            )
            with Horizontal(classes="buttons"):
                yield Static(id="focus-hint", classes="focus-hint")
                yield Button("Cancel", id="cancel")
                yield Button("Next", id="next", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()
        self._hint()

    @on(events.DescendantFocus)
    def _hint(self) -> None:
        """What Enter does here, in words: in the reason box it goes on to the confirmation."""
        update_focus_hint(self, "Next" if isinstance(self.focused, Input) else None)

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#next")
    def _submit(self) -> None:
        self.dismiss(self.query_one("#reason", Input).value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
