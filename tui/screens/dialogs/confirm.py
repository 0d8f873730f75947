"""The one confirmation every mutation goes through: what, the exact API calls, the CLI lines.

Cancel has the focus, so Enter right after a key press cancels. Confirm answers once: a second
press while the screen is closing does nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from aws.plan import Plan
from aws.secrets import REDACTED, mask
from tui import keymap
from tui.json_text import readable_json
from tui.screens.dialogs.frame import Dialog
from tui.text import clean, diff_text
from tui.where import Where, where_of_app

#: The frame of every dialog: the title docked on top, the buttons and the hint docked at the
#: bottom, and the frame itself scrolls what lies between, so the buttons stay on screen at any
#: height (an inner scroll with a fixed max-height pushed them off a 24- or 36-row terminal).
DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 110; max-width: 96%; height: auto; max-height: 94%;
    border: thick $accent; background: $surface; padding: 0 1; overflow-y: auto; }}
{name} > Vertical > .title {{ text-style: bold; padding: 0 0 1 0; dock: top; }}
{name} VerticalScroll {{ height: auto; }}
{name} .buttons {{ height: auto; align-horizontal: right; padding: 1 0 0 0; dock: bottom; }}
{name} .buttons Button {{ margin: 0 0 0 2; }}
{name} .buttons .focus-hint {{ width: 1fr; height: 3; content-align: left middle;
    text-style: bold; }}
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


#: ``--region``/``--profile``/``--endpoint-url`` for the CLI lines (``cli_target`` builds it).
CliTarget = dict[str, str | None]


def cli_target(source: Any) -> CliTarget:
    """Where the calls go, as ``Plan.cli`` keywords (so a pasted line does the same):
    ``source`` is a ``Where`` (the pane's account-region) or the app (its own)."""
    return _where(source).cli()


def _where(source: Any) -> Where:
    return source if isinstance(source, Where) else where_of_app(source)


def where_text(source: Any) -> Text:
    """``account 123456789012 · us-east-1`` (``…`` while STS has not answered); with the
    profile when it is not the default chain (another account's context says whose keys)."""
    where = _where(source)
    region = cli_target(source)["region"]
    out = Text("account ", style="dim")
    out.append(clean(where.account, 40) if where.account else "…", style="bold")
    out.append(" · ", style="dim")
    out.append(clean(region, 40) if region else "region ?", style="bold")
    if where.profile:
        out.append(" · profile ", style="dim")
        out.append(clean(where.profile, 60), style="bold")
    endpoint = cli_target(source)["endpoint_url"]
    if endpoint:
        out.append(" · endpoint ", style="dim")
        out.append(clean(endpoint, 100))
    return out


def masked_plan(plan: Plan) -> Plan:
    """``plan`` with the secrets of its calls' parameters hidden (what the dialog shows)."""
    return replace(plan, calls=tuple(replace(c, params=mask(c.params)) for c in plan.calls))


def calls_text(plan: Plan, target: CliTarget | None = None, *, reveal: bool = False) -> Text:
    """Each call numbered, its parameters as JSON, then the equivalent ``aws`` command line.

    ``target`` (``cli_target(app)``) adds ``--region``/``--profile``/``--endpoint-url``.
    Secrets are shown as placeholders unless ``reveal`` (Ctrl+R in the dialog).
    """
    target = target or {}
    out = Text()
    hidden = False
    masked = plan if reveal else masked_plan(plan)
    snippets = masked.cli_lines(**target)
    for n, planned in enumerate(plan.calls, 1):
        call = masked.calls[n - 1]
        hidden = hidden or call.params != planned.params
        if n > 1:
            out.append("\n\n")
        out.append(f"{n}. {clean(call.service)}.{clean(call.operation)}", style="bold")
        out.append("\n")
        out.append_text(lines(readable_json(call.params), "dim"))
        # Comment lines say where a value from an earlier step comes from (pasteable as is).
        *comments, command = snippets[n - 1].splitlines()
        for comment in comments:
            out.append("\n" + clean(comment, 400), style="dim italic")
        out.append("\n$ ", style="bold cyan")
        out.append(clean(command, 4000), style="cyan")
    if not plan.calls:
        out.append("(no API calls)", style="dim")
    if hidden:
        out.append(
            f"\nValues that look secret are shown as {REDACTED}; the real values are sent "
            "(replace them before pasting a line, or Ctrl+R shows them).",
            style="yellow",
        )
    elif reveal and masked_plan(plan) != plan:
        out.append(
            "\nSecret values are shown (Ctrl+R hides them); c copies them as shown.",
            style="bold yellow",
        )
    return out


def plan_renderable(plan: Plan, target: CliTarget | None = None, *, reveal: bool = False) -> Group:
    parts: list[Text] = [Text(clean(plan.summary, 300), style="bold")]
    for note in plan.notes:
        parts.append(Text("• ") + Text(clean(note, 500), style="yellow"))
    if plan.diff:
        parts.append(Text(f"\n{plan.diff_title}:", style="underline"))
        parts.append(diff_text(plan.diff))
    parts.append(Text("\nAPI calls, in order (nothing sent yet):", style="underline"))
    parts.append(calls_text(plan, target, reveal=reveal))
    return Group(*parts)


def update_focus_hint(screen: Screen[Any], enter: str | None = None, extra: str = "") -> None:
    """Say in words what Enter does now, in the screen's ``#focus-hint`` (not by colour only).

    On a focused button: its label; elsewhere ``enter`` (what Enter does there), if given.
    ``extra`` is one more key to mention.
    """
    hints = screen.query("#focus-hint")
    if not hints:
        return
    focused = screen.focused
    what = str(focused.label) if isinstance(focused, Button) else enter
    text = f"Enter = {what}  ·  " if what else ""
    text += "Esc cancels" + (f"  ·  {extra}" if extra else "")
    hints.first(Static).update(Text(text))


def title_text(plan: Plan, subject: str | None = None) -> Text:
    """``Scale service · payments-api``: the action and the resource it acts on (``subject``,
    else the plan's service), named as captured when the key was pressed."""
    title = Text(clean(plan.title, 100))
    subject = subject or plan.service
    if subject and subject not in plan.title:
        title.append(" · ")
        title.append(clean(subject, 80), style="bold")
    return title


def unchanged_renderable(plan: Plan, unchanged: str) -> Group:
    """A change that changes nothing: what it would have been, and why nothing is sent."""
    return Group(
        Text(clean(plan.summary, 300), style="bold"),
        Text("• ") + Text(clean(unchanged, 500), style="bold yellow"),
        Text("\nNothing to send: Close and nothing is sent or audited.", style="dim"),
    )


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
