"""A task's containers, exit codes, reasons and last log lines: what an on-call reads first.

A stopped task opens with its cause in one line, in the same words as the problems view
(aws.triage.causes), so "out of memory" there is "out of memory" here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from aws.ecs import read_task_definition
from aws.errors import explain
from aws.log_models import LogEvent
from aws.logs import task_logs
from aws.models import Task
from aws.triage.causes import cause_severity, exit_code_words, stop_cause
from tui import keymap
from tui.deck import clients_of
from tui.log_lines import stamp
from tui.status import task_reason
from tui.text import age, clean, plural, utc_stamp
from tui.widgets.fit_footer import FitFooter

if TYPE_CHECKING:
    from tui.deck import DeckApp


def cause_line(task: Task) -> Text:
    """The stop cause on top; nothing for a running task. Styles go on the appended spans,
    never on the Text itself: ``describe`` appends the rest of the detail to it."""
    t = Text()
    if task.last_status != "STOPPED":
        return t
    cause = stop_cause(task)
    if cause is None:
        why = clean(task.stopped_reason or "stopped", 300)
        t.append(f"· Stopped, not a problem: {why}\n\n", style="dim")
        return t
    warning = cause_severity(cause) == "warning"
    t.append(f"✗ {clean(cause.what, 100)}", style="bold yellow" if warning else "bold red")
    t.append(f"  {clean(cause.why, 400)}\n\n", style="yellow" if warning else "red")
    return t


def when(at: datetime | None) -> str | None:
    """``2026-11-27 00:57:20 UTC (5m ago)``: the one timestamp format, and how long ago."""
    return f"{utc_stamp(at)} ({age(at)} ago)" if at else None


def cpu_words(cpu: str | None) -> str:
    """``256 CPU units (0.25 vCPU)``; ``-`` when the task has no task-level size (an EC2 task
    whose containers carry their own)."""
    if not cpu:
        return "-"
    if not cpu.isdigit():
        return cpu  # "1 vCPU", as some callers register it
    return f"{int(cpu)} CPU units ({int(cpu) / 1024:g} vCPU)"


def memory_words(memory: str | None) -> str:
    if not memory:
        return "-"
    return f"{int(memory)} MiB" if memory.isdigit() else memory


def describe(task: Task) -> Text:
    t = cause_line(task)
    t.append(f"Task {clean(task.id)}\n", style="bold")
    rows = [
        ("status", f"{task.last_status} (desired {task.desired_status})"),
        ("health", task.health),
        ("task definition", task.task_definition),
        ("launch", task.launch_type or task.capacity_provider),
        ("cpu / memory", f"{cpu_words(task.cpu)} / {memory_words(task.memory)}"),
        ("private ip", task.private_ip),
        ("instance", task.ec2_instance_id),
        ("zone", task.availability_zone),
        ("started by", task.started_by),
        ("started", when(task.started_at)),
        ("stopped", when(task.stopped_at)),
        ("stop", task_reason(task)),
    ]
    for label, value in rows:
        if value:
            t.append(f"{label:>16}  ", style="dim")
            t.append(clean(value, 400) + "\n")
    t.append("\nContainers\n", style="bold")
    for c in task.containers:
        t.append(f"  {clean(c.name, 60)}", style="bold")
        t.append(f"  {clean(c.last_status)}  health {clean(c.health or '-')}")
        if c.exit_code is not None:
            t.append(f"  exit {c.exit_code}", style="red" if c.exit_code else "")
            if words := exit_code_words(c.exit_code):
                t.append(f" ({words})", style="red" if c.exit_code else "dim")
        t.append("\n")
        if c.image:
            t.append(f"    image  {clean(c.image, 300)}\n", style="dim")
        if c.reason:
            t.append(f"    reason {clean(c.reason, 400)}\n", style="red")
        for agent in c.managed_agents:  # ExecuteCommandAgent: ECS Exec (key E) can reach it
            t.append(
                f"    agent  {clean(agent.name, 60)} {clean(agent.last_status)}\n", style="dim"
            )
    return t


def render_logs(logs: dict[str, list[LogEvent]]) -> Text:
    """Log lines are AWS text like any other: characters only, never markup or escapes."""
    t = Text()
    if not logs:
        t.append("No awslogs configuration with a stream prefix: no per-task log stream.", "dim")
    for container, events in logs.items():
        t.append(
            f"\nLogs · {clean(container, 60)} (last {plural(len(events), 'line')})\n", style="bold"
        )
        if not events:
            t.append("  (no lines in this task's stream)\n", style="dim")
        for e in events:
            when = stamp(e.timestamp)  # UTC, as in the logs view and every other time shown
            style = "red" if "ERROR" in e.message or "Exception" in e.message else ""
            t.append(f"  {when} ", style="dim")
            t.append(clean(e.message, 400) + "\n", style=style)
    return t


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
