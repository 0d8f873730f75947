"""ECS Exec's preflight: each prerequisite ✓/✗ with the fix in words, then Connect.

Connect opens the shell only when nothing fails; pressed while a check fails, it says which
check stops it and its fix (a button that did nothing left the user guessing). A service without
ECS Exec gets an "Enable on the service" button (the usual confirmation follows). With several containers the checks follow
the one picked, since the agent runs per container.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from aws.ecs_exec import DEFAULT_COMMAND, ExecTarget, plan_execute_command
from aws.exec_preflight import Preflight
from tui import keymap
from tui.dialog_parts import DIALOG_CSS, preflight_checks_text
from tui.plan_text import CliTarget
from tui.text import clean
from tui.widgets.in_order import InOrderInput


@dataclass(frozen=True, slots=True)
class ExecChoice:
    """``action``: "connect" (open the shell) or "enable" (turn ECS Exec on for the service)."""

    action: str
    container: str
    command: str


class ExecPreflightScreen(ModalScreen[ExecChoice | None]):
    """Dismiss with an ExecChoice, or None (cancelled)."""

    BINDINGS = keymap.bindings_for("exec_preflight")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ExecPreflightScreen")
        + """
    ExecPreflightScreen #exec-command { margin: 1 0 0 0; }
    ExecPreflightScreen #cli { color: $text-muted; padding: 1 0 0 0; }
    """
    )

    def __init__(
        self,
        target: ExecTarget,
        plugin_path: str | None,
        *,
        container: str | None = None,
        can_enable: bool = False,
        cli: CliTarget | None = None,
    ) -> None:
        super().__init__()
        self.target = target
        self.plugin_path = plugin_path
        names = [c.name for c in target.task.containers]
        self.container = container if container in names else (names[0] if names else "")
        self.can_enable = can_enable
        self.cli = cli or {}
        self.result = self._check()

    def _check(self) -> Preflight:
        return self.target.preflight(self.container, self.plugin_path)

    def compose(self) -> ComposeResult:
        task = self.target.task
        title = Text("ECS Exec · task ") + Text(clean(task.id, 60), style="bold")
        if task.service_name:
            title.append(f" · service {clean(task.service_name, 60)}")
        names = [c.name for c in task.containers]
        with Vertical():
            yield Static(title, classes="title")
            if len(names) > 1:
                yield Select(
                    [(clean(n, 60), n) for n in names],
                    value=self.container,
                    allow_blank=False,
                    id="container",
                )
            with VerticalScroll():
                yield Static(preflight_checks_text(self.result), id="checks")
            yield InOrderInput(value=DEFAULT_COMMAND, placeholder="command", id="exec-command")
            yield Static(id="cli")
            yield Static(id="why", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                if self.can_enable:
                    yield Button("Enable on the service", id="enable", variant="warning")
                yield Button("Connect", id="connect", variant="primary")

    def on_mount(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        self.result = self._check()
        self.query_one("#checks", Static).update(preflight_checks_text(self.result))
        self.query_one("#why", Static).update("")
        connect = self.query_one("#connect", Button)
        (connect if self.result.ok else self.query_one("#cancel", Button)).focus()
        self._show_cli()

    @on(Input.Changed, "#exec-command")
    def _show_cli(self) -> None:
        command = self.query_one("#exec-command", Input).value
        cli = self.query_one("#cli", Static)
        if not command.strip() or not self.container:
            cli.update("")
            return
        plan = plan_execute_command(self.target.task, self.container, command)
        cli.update(Text("$ " + clean(plan.calls[0].cli(**self.cli), 2000)))

    @on(Select.Changed, "#container")
    def _container_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.container:
            self.container = event.value
            self._refresh()

    @on(Input.Submitted, "#exec-command")
    @on(Button.Pressed, "#connect")
    def _connect(self) -> None:
        command = self.query_one("#exec-command", Input).value.strip()
        if not self.result.ok:
            self._say_why()
        elif not command:
            self.query_one("#why", Static).update(Text("Type the command to run first."))
        else:
            self.dismiss(ExecChoice("connect", self.container, command))

    def _say_why(self) -> None:
        """Connect with a check failing: which one (the first), and its fix, here and in a
        notice."""
        failed = self.result.failed
        first = failed[0]
        why = Text(f"Cannot connect: {len(failed)} check{'s' if len(failed) != 1 else ''} ")
        why.append("failed, first ")
        why.append(clean(first.label, 80), style="bold")
        if first.fix:
            why.append(f" → {clean(first.fix, 300)}")
        self.query_one("#why", Static).update(why)
        self.notify(why.plain, title="ECS Exec", severity="warning", markup=False)

    @on(Button.Pressed, "#enable")
    def _enable(self) -> None:
        self.dismiss(ExecChoice("enable", self.container, ""))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
