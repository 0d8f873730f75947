"""The service pane's parts beside its task rows (tui/rows/tasks.py): the summary, the target
rows and their title."""

from __future__ import annotations

from rich.text import Text

from aws.autoscaling import Scaling
from aws.elb_models import Target
from aws.models import Service, Task
from tui.follow import Follow, follow_line
from tui.status import running_words, service_state, target_reason, target_state
from tui.text import age, clean, plural, safe, short_arn
from tui.usage import scaling_line
from tui.widgets.live_table import Row

TARGET_COLUMNS = [
    ("target", "TARGET"),
    ("state", "STATE"),
    ("task", "TASK"),
    ("group", "TARGET GROUP"),
    ("reason", "REASON"),
]


def tg_name(arn: str) -> str:
    """``...:targetgroup/name/id`` -> ``name``."""
    parts = arn.split("/")
    return parts[-2] if len(parts) >= 3 else arn


def target_row(target: Target, tasks: dict[str, Task]) -> Row:
    task = tasks.get(target.task_arn or "")
    task_cell = safe(task.id[:12], limit=14) if task else Text("(no task)", style="yellow")
    port = f":{target.port}" if target.port else ""
    cells = (
        safe(f"{target.id}{port}", "bold", 40),
        target_state(target),
        task_cell,
        safe(tg_name(target.target_group_arn), limit=40),
        safe(target_reason(target), limit=120),
    )
    # Everything the row shows can be typed in the filter: target, port, task, group, reason.
    hay = " ".join(
        str(part)
        for part in (
            f"{target.id}{port}",
            target.state,
            task.id if task else "",
            tg_name(target.target_group_arn),
            target_reason(target),
        )
        if part
    ).lower()
    return Row(target.key, cells, hay)


def summary(
    s: Service,
    unhealthy_targets: int = 0,
    follow: Follow | None = None,
    *,
    usage: Text | None = None,
    scaling: Scaling | None = None,
    cost: Text | None = None,
) -> Text:
    """The service in a few lines; a steady service with failing targets is not fine. A change
    sent from ecsdeck is followed on its own line until its rollout ends, then says how. Use
    and Auto Scaling come right under the first line, events last: a small terminal cuts the
    oldest news first."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(clean(s.name, 60), style="bold")
    text.append("  ")
    text.append_text(service_state(s, unhealthy_targets))
    if unhealthy_targets:
        text.append(f" ({plural(unhealthy_targets, 'target')} unhealthy)", style="bold red")
    text.append(f"  {running_words(s.running, s.desired, s.pending)}")
    text.append(f" · {clean(s.compute, 30)} · {clean(short_arn(s.task_definition), 50)}")
    for line in (usage, cost):
        if line is not None:
            text.append("\n")
            text.append_text(line)
    if scaling is not None and scaling.registered:
        text.append("\n")
        text.append_text(scaling_line(scaling))
    if follow is not None:
        text.append("\n  ")
        text.append_text(follow_line(follow))
    if s.tags:
        tags = "  ".join(f"{clean(k, 40)}={clean(v, 80)}" for k, v in s.tags)
        text.append(f"\n  tags: {clean(tags, 300)}", style="dim")
    for d in s.deployments:
        state = clean(d.rollout_state or "-", 30)
        text.append(
            f"\n  {clean(d.status, 20):<8} {clean(short_arn(d.task_definition), 40)}  "
            f"{running_words(d.running, d.desired, d.pending)}  {state}",
            style="yellow" if state == "IN_PROGRESS" else ("bold red" if state == "FAILED" else ""),
        )
        if d.failed_tasks:
            text.append(f"  {d.failed_tasks} failed", style="red")
    for e in s.events[:3]:
        text.append(f"\n  {age(e.created_at):>4} {clean(e.message, 200)}", style="dim")
    return text


def targets_title(service: Service, targets: list[Target]) -> str:
    """``Target health · 3 targets · 1 not healthy``; a service without a load balancer has
    no targets to count, and "0 targets" would read as if they were all gone."""
    if not service.load_balancers and not targets:
        return "Target health · not load-balanced (the service has no target group)"
    bad = sum(1 for t in targets if t.state not in ("healthy", None))
    return f"Target health · {plural(len(targets), 'target')}" + (
        f" · {bad} not healthy" if bad else ""
    )
