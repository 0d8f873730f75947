"""The one confirmation every mutation goes through: what, the exact API calls, the CLI lines.

Cancel has the focus, so Enter right after a key press cancels. Confirm answers once: a second
press while the screen is closing does nothing.
"""

from __future__ import annotations

import json

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from aws.actions import Plan
from tui.text import clean

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 110; max-width: 96%; height: auto; max-height: 94%;
    border: thick $accent; background: $surface; padding: 0 1; }}
{name} .title {{ text-style: bold; padding: 0 0 1 0; }}
{name} VerticalScroll {{ height: auto; max-height: 26; }}
{name} .buttons {{ height: auto; align-horizontal: right; padding: 1 0 0 0; }}
{name} .buttons Button {{ margin: 0 0 0 2; }}
{name} .error {{ color: $error; }}
"""


def lines(text: str, style: str = "", limit: int = 400) -> Text:
    """Multi-line AWS-derived text, each line cleaned (never markup, no control characters)."""
    out = Text(style=style)
    for i, line in enumerate(text.splitlines()):
        if i:
            out.append("\n")
        out.append(clean(line, limit))
    return out


def diff_text(diff: str) -> Text:
    """A unified diff, coloured: additions green, removals red, hunks cyan."""
    out = Text()
    for i, line in enumerate(diff.splitlines()):
        if i:
            out.append("\n")
        style = ""
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        out.append(clean(line, 400), style=style)
    return out


def calls_text(plan: Plan) -> Text:
    """Each call numbered, its parameters as JSON, then the equivalent ``aws`` command line."""
    out = Text()
    for n, call in enumerate(plan.calls, 1):
        if n > 1:
            out.append("\n\n")
        out.append(f"{n}. {clean(call.service)}.{clean(call.operation)}", style="bold")
        out.append("\n")
        params = json.dumps(call.params, indent=2, default=str)
        out.append_text(lines(params, "dim"))
        out.append("\n$ ", style="bold cyan")
        out.append(clean(call.cli(), 4000), style="cyan")
    if not plan.calls:
        out.append("(no API calls)", style="dim")
    return out


def plan_renderable(plan: Plan) -> Group:
    parts: list[Text] = [Text(clean(plan.summary, 300), style="bold")]
    for note in plan.notes:
        parts.append(Text("• ") + Text(clean(note, 500), style="yellow"))
    if plan.diff:
        parts.append(Text("\nTask definition diff:", style="underline"))
        parts.append(diff_text(plan.diff))
    parts.append(Text("\nAPI calls, in order (nothing sent yet):", style="underline"))
    parts.append(calls_text(plan))
    return Group(*parts)


class ConfirmScreen(ModalScreen[bool]):
    """Show a plan; dismiss True on Confirm, False on Cancel/Escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmScreen")

    def __init__(self, plan: Plan, confirm_label: str = "Confirm") -> None:
        super().__init__()
        self.plan = plan
        self.confirm_label = confirm_label
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(clean(self.plan.title, 100)), classes="title")
            with VerticalScroll():
                yield Static(plan_renderable(self.plan), id="plan")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", variant="primary")
                yield Button(self.confirm_label, id="confirm", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

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
