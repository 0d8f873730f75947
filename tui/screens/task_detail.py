"""A task's containers, exit codes and reasons: what an on-call reads when a task died."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from aws.models import Task
from tui.status import task_reason
from tui.text import clean


def describe(task: Task) -> Text:
    t = Text()
    t.append(f"Task {clean(task.id)}\n", style="bold")
    rows = [
        ("status", f"{task.last_status} (desired {task.desired_status})"),
        ("health", task.health),
        ("task definition", task.task_definition),
        ("launch", task.launch_type or task.capacity_provider),
        ("cpu / memory", f"{task.cpu} / {task.memory}"),
        ("private ip", task.private_ip),
        ("instance", task.ec2_instance_id),
        ("zone", task.availability_zone),
        ("started by", task.started_by),
        ("started", task.started_at),
        ("stopped", task.stopped_at),
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
            if c.exit_code == 137:
                t.append(" (killed: usually out of memory)", style="red")
        t.append("\n")
        if c.image:
            t.append(f"    image  {clean(c.image, 300)}\n", style="dim")
        if c.reason:
            t.append(f"    reason {clean(c.reason, 400)}\n", style="red")
    return t


class TaskDetail(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close")]
    DEFAULT_CSS = """
    TaskDetail { align: center middle; }
    TaskDetail > VerticalScroll { width: 90%; height: 80%; border: thick $accent; padding: 1 2;
        background: $surface; }
    """

    def __init__(self, task: Task) -> None:
        super().__init__()
        self.ecs_task = task

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(describe(self.ecs_task))
