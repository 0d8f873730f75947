"""A task's containers, exit codes, reasons and last log lines: what an on-call reads first.

A stopped task opens with its cause in one line, in the same words as the problems view
(aws.triage.causes), so "out of memory" there is "out of memory" here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from aws.ecs import read_task_definition
from aws.errors import explain
from aws.logs import task_logs
from aws.models import Task
from tui import keymap
from tui.deck import clients_of
from tui.render.task_detail import describe, render_logs
from tui.widgets.fit_footer import FitFooter

if TYPE_CHECKING:
    from tui.deck import DeckApp


class TaskDetail(ModalScreen[None]):
    BINDINGS = keymap.bindings_for("task_detail")
    DEFAULT_CSS = """
    TaskDetail { align: center middle; }
    TaskDetail > VerticalScroll { width: 90%; height: 80%; border: thick $accent; padding: 1 2;
        background: $surface; }
    """

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.ecs_task = task
        self.logs = Static(Text("Logs: loading…", style="dim"), id="logs")

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(describe(self.ecs_task))
            yield self.logs
        # Its own keys: the pane's footer underneath lists none while this is on top.
        yield FitFooter()

    def on_mount(self) -> None:
        self.action_load_logs()

    def action_open_logs(self) -> None:
        cast("DeckApp", self.app).open("task_logs", task=self.ecs_task)

    def action_exec(self) -> None:
        """From the pane under this overlay, which the flow refreshes afterwards."""
        from tui.flows_exec import start_exec
        from tui.screens.base import PollingScreen

        pane = next(
            (s for s in reversed(self.app.screen_stack) if isinstance(s, PollingScreen)), None
        )
        if pane is not None:
            start_exec(pane, self.ecs_task)

    def action_port_forward(self) -> None:
        """As ``E``: from the pane under this overlay."""
        from tui.flows_forward import start_forward
        from tui.screens.base import PollingScreen

        pane = next(
            (s for s in reversed(self.app.screen_stack) if isinstance(s, PollingScreen)), None
        )
        if pane is not None:
            start_forward(pane, self.ecs_task)

    def action_console_url(self) -> None:
        from aws.console import task_url

        task = self.ecs_task
        region = clients_of(self).region or "us-east-1"
        url = task_url(task.arn, task.cluster_arn, region)
        self.app.copy_to_clipboard(url)
        self.notify(url, title="Copied the AWS console URL", markup=False, timeout=10)

    @work(exclusive=True, group="logs", exit_on_error=False)
    async def action_load_logs(self) -> None:
        clients = clients_of(self)
        task = self.ecs_task
        try:
            if not task.task_definition:
                raise ValueError("the task has no task definition")
            td = await read_task_definition(clients, task.task_definition)
            logs = await task_logs(clients, td.raw, task.id)
        except Exception as exc:
            self.logs.update(Text(f"Logs unavailable: {explain(exc)}", style="red"))
            return
        self.logs.update(render_logs(logs))
