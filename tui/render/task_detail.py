"""A task in words: its stop cause on top, its fields, containers and last log lines."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from aws.log_models import LogEvent
from aws.models import Task
from aws.triage.causes import cause_severity, exit_code_words, stop_cause
from tui.log_lines import stamp
from tui.status import task_reason
from tui.text import age, clean, plural, utc_stamp


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
