"""The sessions pane's rows: one port forward this ecsdeck started."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from tui.text import clean, duration
from tui.widgets.live_table import Row

if TYPE_CHECKING:
    from aws.forward_sessions import Forward


COLUMNS = [
    ("task", "TASK"),
    ("container", "CONTAINER"),
    ("ports", "LOCAL -> REMOTE"),
    ("age", "AGE"),
    ("state", "STATE"),
]


def session_row(forward: Forward) -> Row:
    state = forward.state()
    style = "green" if state == "running" else ("dim" if state == "stopped" else "red")
    cells = (
        Text(clean(forward.task_id, 40)),
        Text(clean(forward.container, 40)),
        Text(clean(forward.ports, 120)),
        Text(duration(int(forward.age()))),
        Text(clean(state, 200), style=style),
    )
    hay = f"{forward.task_id} {forward.container} {forward.ports} {state}".lower()
    return Row(str(forward.id), cells, hay, (forward.id,))
