"""A task as one table row, shared by the panes that list tasks (a service's, a cluster's or a
container instance's, with its SERVICE), and how fast a big list of them goes into a table."""

from __future__ import annotations

from rich.text import Text

from aws.ecs import task_order
from aws.models import Task
from tui.status import task_reason, task_status
from tui.text import age, clean, safe, short_arn
from tui.widgets.live_table import Row

#: Task rows added per slice, and the pause between slices, while a big service loads.
ROWS_PER_SLICE = 100
SLICE_PAUSE = 0.005

TASK_COLUMNS = [
    ("id", "TASK"),
    ("status", "STATUS"),
    ("health", "HEALTH"),
    ("rev", "TASK DEF"),
    ("ip", "IP / HOST"),
    ("age", "AGE"),
    ("why", "STOP REASON / EXIT"),
]


def task_row(t: Task) -> Row:
    where = t.private_ip or t.ec2_instance_id or "-"
    if t.host_ports and not t.private_ip:
        where += ":" + ",".join(str(p) for p in t.host_ports)
    when = t.stopped_at if t.last_status == "STOPPED" else (t.started_at or t.created_at)
    # A stopped task has no health left to report: ECS keeps the last one (HEALTHY beside
    # STOPPED read as a contradiction), so it shows "-".
    health = "-" if t.last_status == "STOPPED" else clean(t.health or "-", 20)
    health_style = {"HEALTHY": "green", "UNHEALTHY": "bold red"}.get(health, "dim")
    cells = (
        safe(t.id[:12], "bold", 14),
        task_status(t),
        Text(health, style=health_style),
        safe(short_arn(t.task_definition), limit=40),
        safe(where, limit=40),
        # A stopped task's age counts from its stop, and says so: "stopped 5m", not "5m".
        Text(f"stopped {age(when)}" if t.last_status == "STOPPED" else age(when)),
        safe(task_reason(t), "red" if t.last_status == "STOPPED" else "", 90),
    )
    hay = f"{t.id} {t.last_status} {t.private_ip} {task_reason(t)}".lower()
    return Row(t.arn, cells, hay, task_order(t))


#: A cluster's (or an instance's) tasks: the same columns, and whose service each task is.
CLUSTER_TASK_COLUMNS = [TASK_COLUMNS[0], ("service", "SERVICE"), *TASK_COLUMNS[1:]]


def cluster_task_row(t: Task) -> Row:
    """The service pane's task row with the task's service (``-``: started on its own)."""
    row = task_row(t)
    service = safe(t.service_name, limit=40) if t.service_name else Text("-", style="dim")
    hay = f"{row.haystack} {t.service_name or ''} {t.started_by or ''}".lower()
    return Row(row.key, (row.cells[0], service, *row.cells[1:]), hay, row.order)
