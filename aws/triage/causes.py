"""Why something is wrong, in the words an on-call engineer would use at 3 a.m.

AWS reports causes as codes and free text spread over several fields (a task's stopCode,
stoppedReason and each container's exitCode and reason; a target's reason code; a service
event's message). These tables turn them into one short phrase (``what``) and the evidence behind
it (``why``). The problems reader and the views share them, so a cause reads the same in the
problems list, the services pane and task detail. See docs/causes.md for the facts behind them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from aws.models import Container, Service, ServiceEvent, Task

#: ELBv2 target-health reason codes in plain words.
TARGET_REASONS = {
    "Elb.RegistrationInProgress": "registering",
    "Elb.InitialHealthChecking": "first health checks running",
    "Elb.InternalError": "load balancer internal error",
    "Target.ResponseCodeMismatch": "health check got the wrong HTTP status",
    "Target.Timeout": "health check timed out",
    "Target.FailedHealthChecks": "failing health checks",
    "Target.NotRegistered": "not registered",
    "Target.NotInUse": "target group not used by any load balancer",
    "Target.InvalidState": "instance stopped or terminated",
    "Target.IpUnusable": "IP address unusable",
    "Target.DeregistrationInProgress": "draining connections",
    "Target.HealthCheckDisabled": "health checks disabled",
}

#: Container exit codes that mean something on their own (128 + n is "killed by signal n").
EXIT_CODES = {
    0: "finished normally, but a service's essential container must keep running",
    1: "application error",
    2: "misused shell command or bad arguments",
    126: "command cannot be executed (permissions or not a binary)",
    127: "command not found in the image",
    137: "killed with SIGKILL, usually for going over its memory limit",
    139: "crashed with a segmentation fault (SIGSEGV)",
    143: "stopped with SIGTERM: ECS asked it to stop (a deployment, scale-in or StopTask) and "
    "it shut down gracefully, not a crash",
    255: "exit status out of range (often a crash in the entrypoint)",
}

#: The exit codes a one-line stop summary flags, in a word or two (EXIT_CODES says more).
EXIT_HINTS = {137: "OOM?", 139: "segfault", 143: "SIGTERM, graceful stop"}

#: Stop causes that are worth showing but are not the service's fault.
WARNING_CAUSES = frozenset({"spot interruption", "host terminated", "container exited"})


class StopCause(NamedTuple):
    """Why a task stopped: ``what`` is the group a problems list shows, ``why`` the evidence."""

    what: str
    why: str


def target_reason_words(code: str | None) -> str:
    """A target-health reason code in plain words ("" for no code, the code if unknown)."""
    if not code:
        return ""
    return TARGET_REASONS.get(code, code)


def exit_code_words(code: int | None) -> str:
    """What a container exit code usually means ("" when nothing general can be said)."""
    if code is None:
        return ""
    if code in EXIT_CODES:
        return EXIT_CODES[code]
    if 128 < code < 160:
        return f"killed by signal {code - 128}"
    return ""


def cause_severity(cause: StopCause) -> str:
    """ "warning" for causes outside the service (spot, host going away), else "error"."""
    return "warning" if cause.what in WARNING_CAUSES else "error"


def _has(text: str | None, *needles: str) -> bool:
    low = (text or "").lower()
    return any(n.lower() in low for n in needles)


def _texts(task: Task) -> list[str]:
    return [t for t in (task.stopped_reason, *(c.reason for c in task.containers)) if t]


def _first(texts: Iterable[str], *needles: str) -> str | None:
    return next((t for t in texts if _has(t, *needles)), None)


def _exited(task: Task) -> Container | None:
    """The container that most likely ended the task.

    When an essential container exits, ECS stops the others with SIGTERM (exit 143), so a code
    other than 0 and 143 is the cause, then a clean exit 0 (an essential container that finished),
    then 143 (the whole task was asked to stop).
    """
    with_code = [c for c in task.containers if c.exit_code is not None]
    rank = {0: 1, 143: 2}
    return min(with_code, key=lambda c: rank.get(c.exit_code or 0, 0), default=None)


def _oom(task: Task) -> Container | None:
    return next(
        (c for c in task.containers if c.exit_code == 137 or _has(c.reason, "OutOfMemory")), None
    )


def _init_error(text: str) -> str:
    """ResourceInitializationError: which of the things ECS sets up before the task failed."""
    if _has(text, "secret", "ssm", "parameter", "kms"):
        return "could not read secrets"
    if _has(text, "log"):
        return "could not set up logging"
    if _has(text, "registry", "ecr", "authorization", "auth"):
        return "registry authentication failed"
    return "task resources could not be set up"


def _image_pull(task: Task, text: str) -> StopCause:
    failed = next((c for c in task.containers if _has(c.reason, "CannotPull")), None)
    image = (failed.image if failed else None) or next(
        (c.image for c in task.containers if c.image), None
    )
    return StopCause("image pull failed", f"{image or 'image'}: {text}")


def stop_cause(task: Task) -> StopCause | None:
    """Why a task stopped, or None when it is still running or stopping was not a problem.

    Stops that are not problems: UserInitiated (someone asked) and the scheduler's own stops
    (scaling in, replacing tasks during a deployment). The scheduler also stops tasks that failed
    load balancer or container health checks; those are problems and are checked first.
    """
    if task.last_status != "STOPPED" and task.desired_status != "STOPPED":
        return None
    texts = _texts(task)
    reason = task.stopped_reason or ""
    if hit := _first(texts, "ELB health checks"):
        return StopCause("failed load balancer health checks", hit)
    if hit := _first(texts, "container health checks"):
        return StopCause("failed container health checks", hit)
    if task.stop_code == "UserInitiated":
        return None
    if hit := _first(texts, "CannotPullContainerError", "pull image", "CannotPull"):
        return _image_pull(task, hit)
    if hit := _first(texts, "ResourceInitializationError"):
        return StopCause(_init_error(hit), hit)
    if task.stop_code == "ServiceSchedulerInitiated" or _has(reason, "Scaling activity"):
        return None  # scaling activity or a deployment replacing the task
    if task.stop_code == "SpotInterruption" or _has(reason, "spot"):
        return StopCause(
            "spot interruption", reason or "Fargate Spot or EC2 Spot took the capacity"
        )
    if task.stop_code == "TerminationNotice":
        return StopCause(
            "host terminated", reason or "the task's host received a termination notice"
        )
    return _exit_cause(task, texts)


def _exit_cause(task: Task, texts: list[str]) -> StopCause | None:
    oom = _oom(task)
    if oom is not None or _first(texts, "OutOfMemory"):
        name = oom.name if oom else "a container"
        how = f"exit {oom.exit_code}" if oom and oom.exit_code else "killed"
        evidence = (oom.reason if oom else None) or _first(texts, "OutOfMemory")
        return StopCause("out of memory", f"{name} {how}: {evidence or exit_code_words(137)}")
    container = _exited(task)
    if container is not None and container.exit_code is not None:
        code = container.exit_code
        words = exit_code_words(code)
        detail = f"{container.name} exited with code {code}" + (f" ({words})" if words else "")
        extra = container.reason or task.stopped_reason
        what = "container exited" if code == 0 else f"container exited with code {code}"
        return StopCause(what, f"{detail}: {extra}" if extra else detail)
    if task.stop_code == "TaskFailedToStart":
        return StopCause("task failed to start", texts[0] if texts else "no reason given")
    return StopCause("task stopped", texts[0]) if texts else None


def stop_summary(task: Task) -> str:
    """Every stop detail on one line: stop code, non-zero exits (137/139/143 flagged), reasons."""
    parts: list[str] = []
    if task.stop_code:
        parts.append(task.stop_code)
    for c in task.containers:
        if c.exit_code not in (None, 0):
            hint = f" ({EXIT_HINTS[c.exit_code]})" if c.exit_code in EXIT_HINTS else ""
            if c.exit_code == 137 and _has(c.reason, "OutOfMemory"):
                hint = " (out of memory)"  # the reason says so: no question mark
            parts.append(f"{c.name} exit {c.exit_code}{hint}")
        if c.reason:
            parts.append(c.reason)
    if task.stopped_reason:
        parts.append(task.stopped_reason)
    return " · ".join(dict.fromkeys(parts))


# --------------------------------------------------------------------------- service events


@dataclass(frozen=True, slots=True)
class EventCause:
    """What a service event says, when it says something is wrong (or that all is well)."""

    code: str
    what: str
    #: False only for "has reached a steady state": the point after which older trouble is over.
    problem: bool = True

    @property
    def placement(self) -> bool:
        """The scheduler could not find room for a task (the service cannot reach desired)."""
        return self.code in PLACEMENT_CODES


PLACEMENT_CODES = frozenset(
    {"memory", "cpu", "port", "no-instances", "placement", "started-none", "capacity"}
)

#: (code, plain words, phrases that identify it): first match wins, so specific before general.
_EVENT_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("steady", "steady state reached", ("has reached a steady state",)),
    ("memory", "no instance has enough free memory", ("insufficient memory",)),
    ("cpu", "no instance has enough free CPU", ("insufficient cpu",)),
    ("port", "the host port is already in use on every instance", ("already using a port",)),
    ("no-instances", "no container instances in the cluster", ("no container instances",)),
    ("capacity", "no capacity available", ("capacity is unavailable", "insufficient capacity")),
    ("placement", "no instance meets the task's requirements", ("unable to place a task",)),
    ("started-none", "could not start any task", ("has started 0 tasks",)),
    ("unhealthy-target", "target failing load balancer health checks", ("is unhealthy in",)),
    ("unstable", "tasks keep failing to start", ("unable to consistently start tasks",)),
    ("rollout-failed", "deployment failed", ("deployment failed", "rolling back to")),
    ("launch-failed", "could not launch a task", ("failed to launch a task",)),
    ("register-failed", "could not register targets", ("failed to register targets",)),
    ("throttled", "ECS is throttling the service's operations", ("are being throttled",)),
)

_UNHEALTHY_TG = re.compile(r"\(target-group ([^)]+)\)")


def event_cause(message: str) -> EventCause | None:
    """Classify a service event; None for ordinary news (tasks started or stopped, targets
    registered, deployment completed)."""
    low = message.lower()
    for code, what, phrases in _EVENT_RULES:
        if any(p in low for p in phrases):
            return EventCause(code, what, problem=code != "steady")
    return None


def unhealthy_target_group(message: str) -> str | None:
    """The target group ARN an "is unhealthy in (target-group ...)" event names, if any."""
    if "is unhealthy in" not in message.lower():
        return None
    match = _UNHEALTHY_TG.search(message)
    return match.group(1) if match else None


def trouble_events(service: Service) -> list[tuple[ServiceEvent, EventCause]]:
    """Problem events newer than the last steady state, newest first (events come newest first)."""
    found: list[tuple[ServiceEvent, EventCause]] = []
    for event in service.events:
        cause = event_cause(event.message)
        if cause is None:
            continue
        if not cause.problem:
            break
        found.append((event, cause))
    return found


def explaining_event(service: Service) -> tuple[ServiceEvent, EventCause] | None:
    """The newest event since the last steady state that says what is wrong, if any."""
    trouble = trouble_events(service)
    return trouble[0] if trouble else None
