"""Run a task: what is prefilled (cluster, revision, launch type or capacity providers, network,
platform version) shown as it will be sent, and what can be edited: the container, its command
and environment, the count (1-10) and the task role.

Each field is checked as typed, with ``aws.run_task``'s checks; Next is refused while one is
bad, and the message says which and why. Nothing is sent from here: the flow shows the plan.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from aws.plan import ValidationError, td_label
from aws.run_task import (
    MAX_RUN_COUNT,
    RunSpec,
    check_task_role,
    parse_command,
    parse_environment,
    parse_run_count,
)
from tui import keymap
from tui.dialog_parts import DIALOG_CSS, prefilled
from tui.text import clean
from tui.widgets.in_order import InOrderInput


class RunTaskScreen(ModalScreen[RunSpec | None]):
    """Dismiss with the spec to plan, or None."""

    BINDINGS = keymap.bindings_for("run_task")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="RunTaskScreen")
        + """
    RunTaskScreen > Vertical { width: 100; }
    RunTaskScreen Label { padding: 1 0 0 0; }
    RunTaskScreen #problem { height: auto; padding: 1 0 0 0; }
    """
    )

    def __init__(self, spec: RunSpec, containers: list[str]) -> None:
        super().__init__()
        self.spec = spec
        self.containers = containers

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text("Run task ") + Text(clean(td_label(self.spec.task_definition), 80)),
                classes="title",
            )
            yield Static(prefilled(self.spec), id="prefilled")
            yield Label(f"Container for the overrides ({', '.join(self.containers)})")
            yield InOrderInput(value=self.containers[0] if self.containers else "", id="container")
            yield Label('Command (blank: the image\'s; JSON ["a","b"] or words as in a shell)')
            yield InOrderInput(placeholder="python manage.py migrate", id="command")
            yield Label("Environment (NAME=VALUE words)")
            yield InOrderInput(placeholder="DRY_RUN=1 BATCH=500", id="environment")
            yield Label(f"Count (1 to {MAX_RUN_COUNT})")
            yield InOrderInput(value=str(self.spec.count), id="count")
            yield Label("Task role ARN (blank: the task definition's)")
            yield InOrderInput(value=self.spec.task_role or "", id="role")
            yield Static(id="problem")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Next", id="next", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#command", Input).focus()

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    def read(self) -> RunSpec:
        """The spec with what was typed; ValidationError names the first bad field."""
        command = parse_command(self._value("command"))
        environment = parse_environment(self._value("environment"))
        container = self._value("container").strip() or None
        if (command is not None or environment) and container not in self.containers:
            names = ", ".join(self.containers) or "none"
            raise ValidationError(
                f"Container {container!r} is not in the task definition ({names})."
            )
        return replace(
            self.spec,
            container=container,
            command=command,
            environment=environment,
            count=parse_run_count(self._value("count")),
            task_role=check_task_role(self._value("role")),
        )

    @on(Input.Changed)
    def _check(self) -> None:
        problem = self.query_one("#problem", Static)
        try:
            self.read()
        except ValidationError as exc:
            problem.update(Text(exc.message, style="bold red"))
            return
        problem.update("")

    @on(Input.Submitted)
    @on(Button.Pressed, "#next")
    def _submit(self) -> None:
        try:
            spec = self.read()
        except ValidationError:
            self._check()
            return
        self.dismiss(spec)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
