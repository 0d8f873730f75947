"""The changes pane's rows: one change (a deployment, a registration, a call ...), newest first."""

from __future__ import annotations

from rich.text import Text

from aws.changes import Change
from tui.text import age, safe
from tui.widgets.live_table import Row

COLUMNS = [
    ("when", "WHEN"),
    ("what", "WHAT"),
    ("who", "WHO"),
    ("where", "WHERE/DETAIL"),
]
KIND_STYLE = {
    "deployment": "bold",
    "registration": "cyan",
    "scale": "yellow",
    "call": "",
    "drain": "magenta",
    "stops": "red",
}


def change_row(ch: Change) -> Row:
    failed = "failed" in ch.what or "rolled back" in ch.what
    where = ch.where
    if ch.service and ch.kind == "deployment":
        where = f"{ch.service}: {where}"
    cells = (
        Text(age(ch.at), no_wrap=True),
        safe(ch.what, "bold red" if failed else KIND_STYLE.get(ch.kind, ""), 60),
        # `user/alice`, `assumed-role/deploy/ci`: the account is the header's (the full ARN is
        # one `y` or `c` away), and WHERE keeps its room at 120 columns.
        safe(ch.who.split(":", 5)[-1] if ch.who else "-", "" if ch.who else "dim", 48),
        safe(where, "dim", 80),
    )
    hay = f"{ch.what} {ch.who} {ch.where} {ch.cluster} {ch.service}".lower()
    return Row(ch.id, cells, hay, (-ch.at.timestamp(), ch.id))
