"""A service's Auto Scaling in full (range, policies, activities with their causes), for `a` on
the service pane."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from aws.autoscaling import Scaling
from aws.models import Service
from tui.hanging_grid import hanging_grid
from tui.text import age, clean
from tui.usage import policy_words


def render_scaling(service: Service, scaling: Scaling | None, error: str | None = None) -> Group:
    """Range and policies, then the activities with their causes, each wrapping within its own
    column (never back at column 1)."""
    t = Text()
    t.append(f"Auto Scaling of {clean(service.name, 80)}", style="bold")
    t.append(" · Esc closes\n\n", style="dim")
    if error:
        t.append(f"✗ not refreshed: {clean(error, 300)}\n\n", style="bold red")
    if scaling is None:
        t.append("Not read yet.", style="dim")
        return Group(t)
    if not scaling.registered:
        t.append(
            "No scalable target: Application Auto Scaling does not change this service's "
            "desired count.",
            style="dim",
        )
        return Group(t)
    fields = Table.grid(padding=(0, 2, 0, 0))
    fields.add_column(style="bold", no_wrap=True)
    fields.add_column(ratio=1, overflow="fold")
    span = Text(
        f"{scaling.min_capacity} to {scaling.max_capacity} tasks (desired {service.desired})"
    )
    if scaling.suspended:
        span.append("  dynamic scaling suspended", style="yellow")
    fields.add_row("range", span)
    fields.add_row("policies", Text("\n".join(policy_words(p) for p in scaling.policies) or "none"))
    heading = Text("\nlast activities, newest first", style="bold")
    if not scaling.activities:
        return Group(t, fields, heading, Text("none", style="dim"))
    rows = hanging_grid(2)
    for a in scaling.activities:
        status = clean(a.status or "-", 20)
        style = "red" if status in ("Failed", "Unfulfilled") else ""
        what = Text(clean(a.description, 200), style=style)
        if a.cause:
            what.append("\n" + clean(a.cause, 300), style="dim")
        rows.add_row(Text(age(a.started_at), style="bold"), Text(status, style=style), what)
    return Group(t, fields, heading, rows)
