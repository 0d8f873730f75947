"""The contexts pane's rows: each context of this run (profile x region), marked or not, and how
it stands: ready with its account and clusters, still opening, or why it cannot start."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text

from aws.contexts import ContextState
from tui import app_contexts
from tui.status import BAD, OK, badge
from tui.text import clean, duration, safe
from tui.widgets.live_table import Row

if TYPE_CHECKING:
    from tui.cluster_reads import ContextRead

COLUMNS = [
    ("mark", "✓"),
    ("context", "CONTEXT"),
    ("account", "ACCOUNT"),
    ("state", "STATE"),
    ("clusters", "CLUSTERS"),
    ("calls", "CALLS/MIN"),
    ("refreshed", "REFRESHED"),
]


def context_row(
    state: ContextState, read: ContextRead | None, index: int, *, marked: bool = False
) -> Row:
    """``read``: the context's last clusters read (tui/cluster_reads.py), None before its first."""
    ctx = state.context
    if state.error:
        status = Text(f"{BAD} {clean(state.error, 300)}", style="red", no_wrap=True)
    elif state.clients is None:
        status = Text("opening…", style="italic", no_wrap=True)
    elif read and read.error:
        status = Text(f"{BAD} {clean(read.error, 300)}", style="red", no_wrap=True)
    else:
        status = badge(OK, "ready", "green")
    at = read.read_at if read else None
    cells = (
        Text("✓" if marked else " ", style="bold green"),
        safe(ctx.name, "bold", 60),
        safe(app_contexts.account_label(state), limit=40),
        status,
        Text(str(len(read.clusters)) if read and at else "-"),
        # This context's share of the header's `app N calls/min` (its own buckets).
        Text(str(state.clients.calls.per_minute()) if state.clients else "-"),
        Text(f"{duration(int(time.monotonic() - at))} ago" if at else "-", style="dim"),
    )
    hay = f"{ctx.name} {state.account or ''} {state.error or ''}".lower()
    return Row(ctx.name, cells, hay, (index,))
