"""The rows of the problems view (`!`): columns, cells, the detail line, WHY's width.

Kept apart from the pane (tui/screens/problems.py) so the pane stays about reading and
navigating; with several contexts each row also says its ACCOUNT and REGION.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text

from aws.models import arn_tail
from aws.problem_models import CHAIN, ONSETS, Problem
from tui.text import age, clean, safe, utc_stamp
from tui.widgets.live_table import Row

if TYPE_CHECKING:
    from aws.contexts import ContextState
    from tui.problem_feed import Resolved

COLUMNS = [
    ("kind", "PROBLEM"),
    ("cluster", "CLUSTER"),
    ("service", "SERVICE"),
    ("what", "WHAT"),
    ("why", "WHY"),
    ("since", "SINCE"),
    ("count", "COUNT"),
]

#: Added after PROBLEM when the app reads several contexts.
WHERE_COLUMNS = [("account", "ACCOUNT"), ("region", "REGION")]

#: Kind -> the word in the PROBLEM column (aws.problem_models.PROBLEM_KINDS).
KIND_WORDS = {
    "rollout": "rollout",
    "targets": "targets",
    "stopped": "stopped",
    "short": "short",
    "stuck": "placement",
    "instance": "instance",
}


def subject(p: Problem) -> str:
    """What the problem is about: its service, else the container instance."""
    if p.service_name:
        return p.service_name
    if p.container_instance_arn:
        return f"instance {arn_tail(p.container_instance_arn)[:12]}"
    return "-"


#: Most characters shown of each column but WHY, which takes the rest of the width (the detail
#: line below the table shows it in full).
LIMITS = {
    "kind": 11,
    "account": 24,
    "region": 14,
    "cluster": 16,
    "service": 20,
    "what": 28,
    "since": 10,
    "count": 5,
}

#: (ACCOUNT, REGION) of a problem's context, when the app reads several.
Where = tuple[str, str]


def where_cells(state: ContextState | None) -> Where:
    """``prod (123456789012)``, ``eu-west-1``: the context's profile and account id."""
    if state is None:
        return "?", "?"
    ctx = state.context
    return f"{ctx.profile or 'default'} ({state.account or '…'})", ctx.region


def since_text(p: Problem) -> str:
    """The problem's age from its real onset, or ``seen 15s`` when AWS tells no start time and
    only ecsdeck's first sight of it is known (it began earlier; a restart resets that)."""
    return age(p.since) if p.since_known else f"seen {age(p.since)}"


def why_width(problems: list[Problem], width: int, wheres: Iterable[Where] = ()) -> int:
    """What is left for WHY once the other columns are as wide as their widest cell (and
    DataTable's padding, 1 each side), so the table never needs a horizontal scroll.
    ``wheres`` are the ACCOUNT and REGION cells, when those columns are shown."""
    columns = [*COLUMNS[:1], *WHERE_COLUMNS, *COLUMNS[1:]] if wheres else COLUMNS
    widest = {k: len(label) for k, label in columns}
    for account, region in wheres:
        widest["account"] = max(widest["account"], min(len(account), LIMITS["account"]))
        widest["region"] = max(widest["region"], min(len(region), LIMITS["region"]))
    for p in problems:
        for key, text in (
            ("kind", "✓ resolved"),
            ("cluster", p.cluster_name),
            ("service", subject(p)),
            ("what", p.what),
            ("since", since_text(p)),
            ("count", str(p.count)),
        ):
            widest[key] = max(widest[key], min(len(text), LIMITS[key]))
    others = sum(w for k, w in widest.items() if k != "why")
    return max(12, width - others - 2 * len(columns) - 2)


def problem_row(
    p: Problem, resolved: bool = False, why: int = 40, where: Where | None = None
) -> Row:
    if resolved:
        badge = Text("✓ resolved", style="dim", no_wrap=True)
    elif p.severity == "error":
        badge = Text(f"✗ {KIND_WORDS.get(p.kind, p.kind)}", style="bold red", no_wrap=True)
    else:
        badge = Text(f"! {KIND_WORDS.get(p.kind, p.kind)}", style="yellow", no_wrap=True)
    dim = "dim" if resolved else ""
    cells: tuple[Text, ...] = (
        badge,
        safe(p.cluster_name, dim, LIMITS["cluster"]),
        safe(subject(p), "dim" if resolved else "bold", LIMITS["service"]),
        safe(p.what, dim or ("red" if p.severity == "error" else ""), LIMITS["what"]),
        safe(p.why, dim or "dim", why),
        Text(since_text(p), style=dim or ("" if p.since_known else "dim italic"), no_wrap=True),
        Text(str(p.count), style=dim),
    )
    if where is not None:
        account, region = where
        cells = (
            badge,
            safe(account, dim, LIMITS["account"]),
            safe(region, dim, LIMITS["region"]),
            *cells[1:],
        )
    since = p.since.timestamp() if p.since else 0.0
    hay = f"{p.kind} {p.cluster_name} {p.service_name or ''} {p.what} {p.why}".lower()
    if where is not None:
        hay += f" {where[0]} {where[1]}".lower()
    # Active problems first (newest first), the resolved below them: a problem that cleared a
    # second ago must not push one that is still broken down the list.
    return Row(p.key, cells, hay, (resolved, -since))


def detail_text(
    p: Problem | None, resolved: Resolved | None = None, where: Where | None = None
) -> Text:
    """The highlighted problem in full: WHY is cut in the table, and where Enter goes."""
    t = Text()
    if p is None:
        t.append("No problem selected.", style="dim")
        return t
    if resolved is not None:
        t.append(f"✓ resolved {int(time.monotonic() - resolved.at)}s ago · ", style="green")
    t.append(f"{clean(p.what, 120)}", style="bold")
    t.append(f"  in {clean(p.cluster_name, 60)}")
    if p.service_name:
        t.append(f" › {clean(p.service_name, 80)}")
    if where is not None:
        t.append(f"  ({clean(where[0], 80)} in {clean(where[1], 30)})")
    if p.since and p.since_known:
        t.append(f"  since {utc_stamp(p.since)} ({ONSETS.get(p.onset, p.onset)})", style="dim")
    elif p.since:
        t.append(f"  first seen by ecsdeck {utc_stamp(p.since)}; AWS gives no start", style="dim")
    style = "red" if p.severity == "error" else "yellow"
    first, *links = p.why.split(CHAIN)  # a cause chain: each further link on its own line
    t.append(f"\n{clean(first, 600)}", style=style)
    for link in links:
        t.append(f"\n  → {clean(link, 600)}", style=style)
    culprit = []
    if p.task_arn:
        culprit.append(f"task {arn_tail(p.task_arn)}")
    if p.target_id:
        culprit.append(f"target {p.target_id}")
    if p.container_instance_arn:
        ec2 = f" (EC2 {p.ec2_instance_id})" if p.ec2_instance_id else ""
        culprit.append(f"container instance {arn_tail(p.container_instance_arn)}{ec2}")
    if culprit:
        t.append(f"\nEnter opens {clean(', '.join(culprit), 200)}", style="dim")
    return t
