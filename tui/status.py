"""How states look: a symbol and a word, coloured, so meaning survives NO_COLOR and colour blindness."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

from aws.elb_models import Target
from aws.errors import error_code, explain
from aws.models import Deployment, Service, Task
from aws.triage.causes import TARGET_REASONS, stop_summary
from tui.text import clean, duration

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
    """Why a task stopped, every detail on one line (aws.triage.causes.stop_summary)."""
    return stop_summary(task)


#: A rollout still IN_PROGRESS after this many seconds is a problem, not news (seen hands-on:
#: a deploy stuck for over 10 minutes on "unable to place a task" while the row said deploying).
#: The same as aws.triage.problems.ProblemWatch's rollout_after default, so both say it at once.
ROLLOUT_SLOW_AFTER = 10 * 60


def failed_deployment(service: Service) -> Deployment | None:
    """The deployment the circuit breaker (or an alarm) failed, even once a rollback is PRIMARY."""
    return next((d for d in service.deployments if d.rollout_state == "FAILED"), None)


def rollout_overdue(service: Service, now: datetime | None = None) -> int | None:
    """Seconds the PRIMARY rollout has been IN_PROGRESS, when that is past the threshold."""
    primary = service.primary
    if primary is None or primary.rollout_state != "IN_PROGRESS" or primary.created_at is None:
        return None
    seconds = int(((now or datetime.now(UTC)) - primary.created_at).total_seconds())
    return seconds if seconds > ROLLOUT_SLOW_AFTER else None


def service_health(service: Service) -> Text:
    """One word for the row. A rollout in progress explains a shortfall, so it comes first;
    a shortfall with no rollout is the thing to look at. A failed rollout, and one that has
    been in progress too long, are problems and read as such."""
    failed = failed_deployment(service)
    if failed is not None:
        rolling_back = failed.status != "PRIMARY"
        return badge(BAD, "rollout failed" + (", rolling back" if rolling_back else ""), "bold red")
    if (overdue := rollout_overdue(service)) is not None:
        return badge(BAD, f"deploying for {duration(overdue)}", "bold red")
    if service.rollout_state == "IN_PROGRESS" or len(service.deployments) > 1:
        return badge(BUSY, "deploying", "yellow")
    if service.running < service.desired:
        return badge(BAD, "short", "bold red")
    if service.running > service.desired or service.pending:
        return badge(BUSY, "settling", "yellow")
    if service.status and service.status != "ACTIVE":
        return badge(IDLE, service.status.lower(), "dim")
    return badge(OK, "steady", "green")


def service_state(service: Service, failing_targets: int = 0) -> Text:
    """The service's state, the same words in the services list and on its pane. ECS calls a
    service steady when its counts match, even while its targets fail their health checks;
    ``✓ steady`` beside them would read as fine, so it says ``✗ targets failing``."""
    health = service_health(service)
    if failing_targets and health.plain == f"{OK} steady":
        return badge(BAD, "targets failing", "bold red")
    return health


def run_des(running: int, desired: int, pending: int = 0) -> Text:
    """Task counts as RUN/DES (``2/3 +1p``: one more pending), the one order ecsdeck writes
    them in on every pane; red while short."""
    text = f"{running}/{desired}" + (f" +{pending}p" if pending else "")
    return Text(text, style="bold red" if running < desired else "", no_wrap=True)


def running_words(running: int, desired: int, pending: int = 0) -> str:
    """The same counts in a sentence: ``2/3 running · 1 pending`` (RUN/DES, as the columns)."""
    return f"{running}/{desired} running" + (f" · {pending} pending" if pending else "")


def task_counts(service: Service) -> Text:
    return run_des(service.running, service.desired, service.pending)


def not_refreshed(exc: BaseException, api: str, seconds: float | None) -> Text:
    """A part's title mark when its read failed: ``✗ not refreshed for 40s: AccessDenied
    elasticloadbalancing:DescribeTargetHealth``, on the part itself (the header's copy of it
    is cut off first). ``api`` is the IAM prefix of the part's calls; ``seconds`` the age of
    what it still shows (None: never read)."""
    code = error_code(exc)
    operation = getattr(exc, "operation_name", None)
    why = f"{code} {api}:{operation}" if code and operation else explain(exc)
    return stale_mark(why, seconds)


def stale_mark(why: str, seconds: float | None) -> Text:
    """``✗ not refreshed for 40s: <why>``: what is shown is ``seconds`` old (None: never read)."""
    when = "not read yet" if seconds is None else f"not refreshed for {int(seconds)}s"
    return Text(f"✗ {when}: {clean(why, 120)}", style="bold red", no_wrap=True)


def aged_cells(cells: tuple[Text, ...], seconds: float, column: int = 1) -> tuple[Text, ...]:
    """A row still shown from an older read: dimmed, its ``column`` saying how old."""
    out = []
    for i, cell in enumerate(cells):
        cell = cell.copy()
        if i == column:
            cell.append(f" ({int(seconds)}s old)")
        cell.stylize("dim")
        out.append(cell)
    return tuple(out)
