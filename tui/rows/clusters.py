"""The clusters pane's rows: one cluster's counts, its PROBLEMS cell (and where it sorts), and
ACCOUNT and REGION across contexts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from aws.models import Cluster
from tui import app_contexts
from tui.status import BAD, IDLE, OK, WARN, badge
from tui.text import natural_key, safe
from tui.widgets.live_table import Row

if TYPE_CHECKING:
    from aws.contexts import ContextState


COLUMNS = [
    ("name", "CLUSTER"),
    ("status", "STATUS"),
    ("problems", "PROBLEMS"),
    ("services", "SERVICES"),
    ("running", "TASKS"),
    # Short names, so the table fits 80 columns with PROBLEMS in it (providers end in "…").
    ("instances", "INSTANCES"),
    ("providers", "PROVIDERS"),
]
#: Across contexts: whose cluster it is, after its name.
CONTEXT_COLUMNS = [COLUMNS[0], ("account", "ACCOUNT"), ("region", "REGION"), *COLUMNS[1:]]


def problems_cell(counts: tuple[int, int] | None) -> Text:
    """``✗ 2`` red (broken now), ``! 1`` yellow (only degraded or at risk), ``✓`` green, ``…``
    until the reader has looked at the cluster."""
    if counts is None:
        return Text("…", style="dim", no_wrap=True)
    errors, warnings = counts
    if errors:
        return Text(f"{BAD} {errors}", style="bold red", no_wrap=True)
    if warnings:
        return Text(f"{WARN} {warnings}", style="yellow", no_wrap=True)
    return Text(OK, style="green", no_wrap=True)


def problems_rank(counts: tuple[int, int] | None) -> tuple[int, int, int]:
    """Where PROBLEMS sorts: worst first on the first press (most ``✗``, then most ``!``,
    then ``✓``), clusters not read yet (``…``) last."""
    if counts is None:
        return (1, 0, 0)
    errors, warnings = counts
    return (0, -errors, -warnings)


def cluster_row(
    cluster: Cluster, problems: tuple[int, int] | None = None, where: ContextState | None = None
) -> Row:
    status = cluster.status or "?"
    status_cell = (
        badge(OK, status, "green")
        if status == "ACTIVE"
        else badge(IDLE if status == "INACTIVE" else BAD, status, "dim")
    )

    def count(value: int | None) -> Text:
        return Text("-" if value is None else str(value), no_wrap=True)

    cells: tuple[Text, ...] = (
        safe(cluster.name, "bold", 60),
        status_cell,
        problems_cell(problems),
        count(cluster.service_count),
        count(cluster.running_tasks),
        count(cluster.container_instances),
        safe(", ".join(cluster.capacity_providers) or "-", limit=60),
    )
    order: tuple[Any, ...] = (status != "ACTIVE", natural_key(cluster.name))
    hay = f"{cluster.name} {status}".lower()
    if where is not None:  # across contexts: ACCOUNT and REGION, and worst first
        account = app_contexts.account_label(where)
        region = where.context.region
        cells = (cells[0], safe(account, limit=40), safe(region, limit=20), *cells[1:])
        order = (problems_rank(problems), *order, account, region)
        hay = f"{hay} {account} {region}".lower()
    return Row(cluster.arn, cells, hay, order, {"problems": problems_rank(problems)})
