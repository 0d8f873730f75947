"""All of a service's events, newest first, with the ones an on-call should see marked."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from aws.models import Service
from tui.hanging_grid import hanging_grid
from tui.text import age, clean, utc_stamp

#: Phrases an on-call should see at a glance (ECS service event messages).
TROUBLE = (
    "unable to place",
    "is unhealthy",
    "unable to consistently start",
    "throttled",
    "failed",
    "error",
)


def render_events(service: Service) -> Group:
    """A heading, then one row per event: age and time in columns of their own, so a long
    message wraps under itself, never back at column 1 under the times."""
    head = Text()
    head.append(f"Events of {clean(service.name, 80)}", style="bold")
    head.append(f" ({len(service.events)}, newest first) · Esc closes\n", style="dim")
    if not service.events:
        return Group(head, Text("No events.", style="dim"))
    rows = hanging_grid(3)
    for e in service.events:
        message = clean(e.message, 500)
        bad = any(p in message.lower() for p in TROUBLE)
        rows.add_row(
            Text(age(e.created_at), style="bold"),
            Text(utc_stamp(e.created_at), style="dim"),
            Text("✗" if bad else " ", style="red"),
            Text(message, style="red" if bad else ""),
        )
    return Group(head, rows)
