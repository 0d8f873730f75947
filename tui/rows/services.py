"""The services pane's rows: state, task counts, use, rollout, targets and the last event, and
the columns a narrow pane keeps."""

from __future__ import annotations

from rich.text import Text

from aws.metrics import Utilization
from aws.models import Service
from tui.cost_column import COST_DROPS
from tui.status import failed_deployment, rollout_overdue, service_state, task_counts
from tui.text import age, clean, duration, natural_key, safe, short_arn
from tui.usage import usage_cells
from tui.widgets.live_table import Row

COLUMNS = [
    ("name", "SERVICE"),
    ("state", "STATE"),
    ("tasks", "RUN/DES"),
    ("cpu", "CPU%"),
    ("mem", "MEM%"),
    ("compute", "COMPUTE"),
    ("taskdef", "TASK DEF"),
    ("rollout", "ROLLOUT"),
    ("targets", "TARGETS"),
    # Only when asked for (tui/cost_column.py); after the columns whose sort letters it would
    # take (C, O, S, T): a column name has the same letter on every pane.
    ("cost", "COST/MO"),
    ("event", "LAST EVENT"),
]

#: Columns a narrow pane leaves out, least needed first: (pane width below which, columns).
#: The 80-column set is SERVICE STATE RUN/DES ROLLOUT TARGETS LAST EVENT (the last one takes
#: what is left); CPU%/MEM% are then not read at all.
NARROW_DROPS = ((120, ("cpu", "mem", "compute")), (100, ("taskdef",)))


def columns_for(width: int, cost: bool = False) -> list[tuple[str, str]]:
    """The columns a pane ``width`` wide shows: the table never scrolls sideways."""
    drops = NARROW_DROPS + (COST_DROPS if cost else ())
    dropped = {key for below, keys in drops if width < below for key in keys}
    dropped |= set() if cost else {"cost"}
    return [c for c in COLUMNS if c[0] not in dropped]


def only(row: Row, columns: list[tuple[str, str]]) -> Row:
    """``row`` (one cell per COLUMNS) with the cells of ``columns`` only."""
    index = {key: i for i, (key, _) in enumerate(COLUMNS)}
    return Row(row.key, tuple(row.cells[index[k]] for k, _ in columns), row.haystack, row.order)


def targets_cell(s: Service, counts: dict[str, int] | None) -> Text:
    """ "✓ 3/3", "✗ 1/3", "-" without a load balancer, "…" until first read."""
    if not any(lb.target_group_arn for lb in s.load_balancers):
        return Text("-", style="dim")
    if counts is None:
        return Text("…", style="dim")
    total = sum(counts.values())
    healthy = counts.get("healthy", 0)
    if counts.get("unhealthy", 0) or counts.get("unhealthy.draining", 0):
        return Text(f"✗ {healthy}/{total}", style="bold red")
    if healthy < total:
        return Text(f"⟳ {healthy}/{total}", style="yellow")
    return Text(f"✓ {healthy}/{total}", style="green")


def rollout_cell(s: Service) -> Text:
    """The PRIMARY rollout's state, but FAILED wins (a circuit-breaker rollback is PRIMARY then),
    and an IN_PROGRESS past the threshold says for how long, in red."""
    failed = failed_deployment(s)
    rollout = "FAILED" if failed else clean(s.rollout_state or "-", 30)  # new states as they come
    style = {"FAILED": "bold red", "IN_PROGRESS": "yellow"}.get(rollout, "dim")
    overdue = rollout_overdue(s)
    if overdue is not None:
        rollout, style = f"IN_PROGRESS {duration(overdue)}", "bold red"
    deployments = len(s.deployments)
    return Text(rollout if deployments <= 1 else f"{rollout} ({deployments} deps)", style=style)


def state_cell(s: Service, counts: dict[str, int] | None) -> Text:
    """The service's state (``service_state``, as on its pane), from its target counts."""
    counts = counts or {}
    return service_state(s, counts.get("unhealthy", 0) + counts.get("unhealthy.draining", 0))


def service_row(
    s: Service,
    counts: dict[str, int] | None = None,
    usage: Utilization | None = None,
    *,
    usage_stale: bool = False,
    cost: Text | None = None,
) -> Row:
    last = s.events[0] if s.events else None
    message = last.message.removeprefix(f"(service {s.name}) ") if last else ""
    event = f"{age(last.created_at)} {message}" if last else ""
    cells = (
        safe(s.name, "bold", 60),
        state_cell(s, counts),
        task_counts(s),
        *usage_cells(usage, stale=usage_stale),
        safe(s.compute, limit=24),
        safe(short_arn(s.task_definition), limit=50),
        rollout_cell(s),
        targets_cell(s, counts),
        cost or Text(""),
        safe(event, "dim", 60),
    )
    hay = f"{s.name} {s.compute} {short_arn(s.task_definition)}".lower()
    return Row(s.arn, cells, hay, (natural_key(s.name),))
