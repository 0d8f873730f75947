"""How states look: a symbol and a word, coloured, so meaning survives NO_COLOR and colour blindness."""

from __future__ import annotations

from rich.text import Text

from aws.causes import TARGET_REASONS, stop_summary
from aws.models import Service, Target, Task
from tui.text import clean

OK, WARN, BAD, BUSY, IDLE = "✓", "!", "✗", "⟳", "·"


def badge(symbol: str, word: str, style: str) -> Text:
    return Text(f"{symbol} {clean(word, 40)}", style=style, no_wrap=True)


def target_state(target: Target) -> Text:
    state = target.state or "unknown"
    if state == "healthy":
        return badge(OK, state, "green")
    if state in ("initial", "draining"):
        return badge(BUSY, state, "yellow")
    if state in ("unused", "unavailable"):
        return badge(IDLE, state, "dim")
    return badge(BAD, state, "bold red")


def target_reason(target: Target) -> str:
    if not target.reason:
        return ""
    words = TARGET_REASONS.get(target.reason, "")
    return f"{words} ({target.reason})" if words else target.reason


def task_status(task: Task) -> Text:
    status = task.last_status or "?"
    if status == "RUNNING":
        if task.health == "UNHEALTHY":
            return badge(BAD, "RUNNING unhealthy", "bold red")
        return badge(OK, status, "green")
    if status == "STOPPED":
        return badge(BAD, status, "red")
    return badge(BUSY, status, "yellow")


def task_reason(task: Task) -> str:
    """Why a task stopped, every detail on one line (aws.causes.stop_summary)."""
    return stop_summary(task)


def service_health(service: Service) -> Text:
    """One word for the row. A rollout in progress explains a shortfall, so it comes first;
    a shortfall with no rollout is the thing to look at."""
    rollout = service.rollout_state
    if rollout == "FAILED":
        return badge(BAD, "rollout failed", "bold red")
    if rollout == "IN_PROGRESS" or len(service.deployments) > 1:
        return badge(BUSY, "deploying", "yellow")
    if service.running < service.desired:
        return badge(BAD, "short", "bold red")
    if service.running > service.desired or service.pending:
        return badge(BUSY, "settling", "yellow")
    if service.status and service.status != "ACTIVE":
        return badge(IDLE, service.status.lower(), "dim")
    return badge(OK, "steady", "green")


def task_counts(service: Service) -> Text:
    text = f"{service.running}/{service.desired}"
    if service.pending:
        text += f" +{service.pending}p"
    style = "bold red" if service.running < service.desired else ""
    return Text(text, style=style, no_wrap=True)
