"""The deployments view's rows, the rules its rollouts run under, and the highlighted
deployment's detail."""

from __future__ import annotations

from rich.text import Text

from aws.models import Deployment, DeploymentConfig, Service
from tui.status import run_des
from tui.text import age, clean, safe, short_arn, utc_stamp
from tui.widgets.live_table import Row

COLUMNS = [
    ("status", "DEPLOYMENT"),
    ("taskdef", "TASK DEF"),
    ("tasks", "RUN/DES"),
    ("failed", "FAILED"),
    ("rollout", "ROLLOUT"),
    ("created", "CREATED"),
    ("updated", "UPDATED"),
    ("reason", "REASON"),
]

#: Where each status sorts: what runs now first, then what is draining, then history.
STATUS_ORDER = {"PRIMARY": 0, "ACTIVE": 1, "INACTIVE": 2}
ROLLOUT_STYLE = {"FAILED": "bold red", "IN_PROGRESS": "yellow", "COMPLETED": "green"}
ROLLOUT_SYMBOL = {"FAILED": "✗", "IN_PROGRESS": "⟳", "COMPLETED": "✓"}


def rollout_cell(d: Deployment) -> Text:
    state = d.rollout_state or "-"
    symbol = ROLLOUT_SYMBOL.get(state, "·")
    return Text(f"{symbol} {state}", style=ROLLOUT_STYLE.get(state, "dim"), no_wrap=True)


def short_reason(d: Deployment) -> str:
    """The reason without ECS's "ECS deployment <id>" preamble, which every reason repeats:
    "circuit breaker: tasks failed to start." fits the cell (the detail line has it all)."""
    reason = (d.rollout_reason or "").removeprefix("ECS deployment ")
    return reason.removeprefix(f"{d.id} ")


def deployment_row(d: Deployment, *, gone: bool = False) -> Row:
    status = "gone" if gone else d.status
    status_style = {"PRIMARY": "bold", "ACTIVE": "yellow"}.get(status, "dim")
    cells: tuple[Text, ...] = (
        safe(status, status_style, 12),
        safe(short_arn(d.task_definition), limit=32),
        run_des(d.running, d.desired, d.pending),
        Text(str(d.failed_tasks), style="bold red" if d.failed_tasks else "dim"),
        rollout_cell(d),
        Text(age(d.created_at)),
        Text(age(d.updated_at)),
        safe(short_reason(d), "red" if d.rollout_state == "FAILED" else "dim", 30),
    )
    if gone:
        cells = tuple(Text(c.plain, style="dim", no_wrap=True) for c in cells)
    created = d.created_at.timestamp() if d.created_at else 0.0
    order = (3 if gone else STATUS_ORDER.get(d.status, 2), -created)
    hay = f"{d.id} {d.status} {d.task_definition} {d.rollout_state} {d.rollout_reason}".lower()
    return Row(d.id, cells, hay, order)


def config_text(service: Service) -> Text:
    """The rules of a rollout, in one or two lines: what makes ECS give up and roll back."""
    cfg: DeploymentConfig | None = service.deployment_config
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append(clean(service.name, 60), style="bold")
    controller = service.deployment_controller or "ECS"
    strategy = cfg.strategy if cfg and cfg.strategy else "ROLLING"
    t.append(f"  {clean(controller, 20)} controller · {clean(strategy, 20)}")
    if cfg is None:
        t.append("  · deployment configuration not read", style="dim")
        return t
    if cfg.minimum_healthy_percent is not None or cfg.maximum_percent is not None:
        low, high = cfg.minimum_healthy_percent, cfg.maximum_percent
        t.append(
            f" · healthy ≥ {'-' if low is None else low}% · max {'-' if high is None else high}%"
        )
    t.append("\n")
    if cfg.circuit_breaker:
        rollback = "rolls back" if cfg.circuit_breaker_rollback else "no rollback"
        t.append(f"✓ circuit breaker on ({rollback})", style="green")
    else:
        t.append("! circuit breaker off: a failing rollout retries for ever", style="yellow")
    t.append("   ")
    names = clean(", ".join(cfg.alarms), 200)
    if cfg.alarms and cfg.alarms_enabled:
        rollback = "rolls back" if cfg.alarms_rollback else "no rollback"
        t.append(f"✓ alarms ({rollback}): {names}", style="green")
    elif cfg.alarms:
        t.append(f"· alarms configured but off: {names}", "dim")
    else:
        t.append("· no CloudWatch alarms", style="dim")
    return t


def detail_text(service: Service, d: Deployment | None) -> Text:
    """The highlighted deployment's full reason, then the service's latest events."""
    t = Text()
    if d is not None:
        t.append(f"{clean(d.status, 12)} {clean(d.id, 80)}", style="bold")
        t.append(f"  {clean(d.task_definition, 200)}\n", style="dim")
        if d.rollout_reason:
            style = "red" if d.rollout_state == "FAILED" else ""
            t.append(f"  {clean(d.rollout_reason, 600)}\n", style=style)
        where = d.launch_type or "+".join(i.provider for i in d.capacity_provider_strategy) or "-"
        when = utc_stamp(d.created_at)
        t.append(f"  created {when} · on {clean(where, 40)}\n", style="dim")
    for e in service.events[:4]:
        t.append(f"  {age(e.created_at):>4} {clean(e.message, 200)}\n", style="dim")
    return t
