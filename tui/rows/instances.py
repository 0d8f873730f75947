"""The container instances pane's rows: type, zone, agent, status and what placement can still
give."""

from __future__ import annotations

from rich.text import Text

from aws.models import ContainerInstance
from tui.status import BAD, OK, badge
from tui.text import clean, natural_key, safe
from tui.widgets.live_table import Row

COLUMNS = [
    ("id", "INSTANCE"),
    ("ec2", "EC2 ID"),
    ("type", "TYPE"),
    ("az", "ZONE"),
    ("status", "STATUS"),
    ("agent", "AGENT"),
    ("cpu", "CPU LEFT"),
    ("memory", "MEM LEFT"),
    ("running", "RUNNING"),
    ("pending", "PENDING"),
]


def _count(value: int | None) -> Text:
    return Text("-" if value is None else str(value))


def left_cell(remaining: int | None, registered: int | None, unit: str = "") -> Text:
    """``3264/4096`` (left of registered); yellow under a tenth left, ``-`` when not reported."""
    if registered is None:
        return Text("-", style="dim")
    left = "?" if remaining is None else str(remaining)
    low = remaining is not None and registered > 0 and remaining < registered / 10
    return Text(f"{left}/{registered}{unit}", style="yellow" if low else "")


def agent_cell(i: ContainerInstance) -> Text:
    """``✓ 1.87.0`` connected (its version), ``✗ disconnected`` in red (the version would widen
    the column past 120 columns, and matters less than the agent being gone)."""
    version = clean(i.agent_version or "", 16)
    if i.agent_connected is None:
        return Text(f"? {version}".rstrip(), style="dim")
    if i.agent_connected:
        return Text(f"{OK} {version or 'connected'}", style="green")
    return badge(BAD, "disconnected", "bold red")


def instance_row(i: ContainerInstance) -> Row:
    status = i.status or "?"
    cells = (
        safe(i.id, "bold", 13),  # the full id is in the ARN (`c` copies it) and the filter
        safe(i.ec2_instance_id or "-", limit=24),
        safe(i.instance_type or "-", limit=16),
        safe(i.availability_zone or "-", limit=16),
        safe(status, "" if status == "ACTIVE" else "yellow", 20),
        agent_cell(i),
        left_cell(i.cpu_remaining, i.cpu_registered),
        left_cell(i.memory_remaining, i.memory_registered),
        _count(i.running_tasks),
        _count(i.pending_tasks),
    )
    hay = " ".join(
        x or "" for x in (i.id, i.ec2_instance_id, i.instance_type, i.availability_zone, status)
    ).lower()
    return Row(i.arn, cells, hay, (status != "ACTIVE", natural_key(i.ec2_instance_id or "")))
