"""Port forwarding's dialog: ECS Exec's checks (the same agent carries the session), then the
remote host and port and the local port, each checked before anything is sent.

Defaults: the task itself (``localhost``), the container's first port from the task definition,
and a local port nothing listens on now. A port outside 1-65535, or a local port in use, is
refused here, under the fields; the plan confirmation follows Forward.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from aws import port_forward
from aws.exec_preflight import Preflight
from aws.plan import ValidationError
from aws.port_forward import ForwardTarget
from tui import keymap
from tui.dialog_parts import DIALOG_CSS, preflight_checks_text
from tui.text import clean
from tui.widgets.in_order import InOrderInput


@dataclass(frozen=True, slots=True)
class ForwardChoice:
    container: str
    host: str
    remote_port: int
    local_port: int


class PortForwardScreen(ModalScreen[ForwardChoice | None]):
    """Dismiss with a ForwardChoice (every value checked), or None (cancelled)."""

    BINDINGS = keymap.bindings_for("port_forward")
    DEFAULT_CSS = (
        DIALOG_CSS.format(name="PortForwardScreen")
        + "\nPortForwardScreen Label { padding: 1 0 0 0; }\n"
    )

    def __init__(self, target: ForwardTarget, plugin_path: str | None, local_port: int) -> None:
        super().__init__()
        self.target = target
        self.plugin_path = plugin_path
        self.local_port = local_port
        names = [c.name for c in target.exec.task.containers]
        self.container = next((n for n in names if n in target.ports), names[0] if names else "")
        self.result = self._check()

    def _check(self) -> Preflight:
        return self.target.exec.preflight(self.container, self.plugin_path)

    def compose(self) -> ComposeResult:
        task = self.target.exec.task
        names = [c.name for c in task.containers]
        with Vertical():
            yield Static(Text("Port forward · task ") + Text(clean(task.id, 60)), classes="title")
            if len(names) > 1:
                yield Select(
                    [(clean(n, 60), n) for n in names],
                    value=self.container,
                    allow_blank=False,
                    id="container",
                )
            with VerticalScroll():
                yield Static(preflight_checks_text(self.result), id="checks")
                yield Label("Remote host (localhost: the task itself; or one it can reach)")
                yield InOrderInput(value=port_forward.LOCALHOST, id="host")
                yield Label("Remote port")
                yield InOrderInput(value=self._default_port(), id="remote-port")
                yield Label("Local port (on this machine)")
                yield InOrderInput(value=str(self.local_port), id="local-port")
            yield Static(id="why", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Forward", id="forward", variant="primary")

    def _default_port(self) -> str:
        port = self.target.ports.get(self.container)
        return str(port) if port else ""

    @on(Select.Changed, "#container")
    def _container_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.container:
            self.container = event.value
            self.result = self._check()
            self.query_one("#checks", Static).update(preflight_checks_text(self.result))
            if port := self._default_port():
                self.query_one("#remote-port", Input).value = port

    def choice(self) -> ForwardChoice:
        """The values typed, checked: ValidationError names the first bad one."""
        if not self.result.ok:
            first = self.result.failed[0]
            raise ValidationError(f"Cannot forward: {first.label} → {first.fix or first.found}")
        remote = self.query_one("#remote-port", Input).value
        local = self.query_one("#local-port", Input).value
        host = port_forward.parse_host(self.query_one("#host", Input).value)
        local_port = port_forward.parse_port(local, "Local port")
        choice = ForwardChoice(
            self.container, host, port_forward.parse_port(remote, "Remote port"), local_port
        )
        port_forward.check_local_port(local_port)
        return choice

    @on(Input.Submitted)
    @on(Button.Pressed, "#forward")
    def _forward(self) -> None:
        try:
            choice = self.choice()
        except ValidationError as exc:
            self.query_one("#why", Static).update(Text(clean(exc.message, 500)))
            return
        self.dismiss(choice)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
