"""A service's settings (``u``): what UpdateService can change without a new deployment, the
ranges ECS accepts for each, and the plan that sends only what changed.

The ranges are ECS's (written down in docs/usage.md, "Service settings"): the input is refused
here, field by field, before any request is built, so a typo never reaches AWS as an
InvalidParameterException. Every problem is listed at once, one message per bad field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aws.models import Service, arn_tail
from aws.plan import ApiCall, Plan, ValidationError

#: healthCheckGracePeriodSeconds: ECS takes 0 up to the largest 32-bit signed integer.
MAX_GRACE = 2_147_483_647
#: minimumHealthyPercent (rolling update): 0 to 100.
MIN_HEALTHY = (0, 100)
#: maximumPercent (rolling update, REPLICA services): 100 to 200.
MAX_PERCENT = (100, 200)
#: A CloudWatch alarm name is 1 to 255 characters.
MAX_ALARM_NAME = 255
PROPAGATE_TAGS = ("NONE", "SERVICE", "TASK_DEFINITION")
AZ_REBALANCING = ("ENABLED", "DISABLED")

_DIGITS = re.compile(r"[0-9]+", re.ASCII)


@dataclass(frozen=True)
class Settings:
    """The settings ``u`` edits, as ECS describes them (None: the service never set it)."""

    grace: int | None
    minimum: int | None
    maximum: int | None
    breaker: bool
    breaker_rollback: bool
    alarms: tuple[str, ...]
    alarms_enabled: bool
    alarms_rollback: bool
    execute_command: bool
    propagate_tags: str
    az_rebalancing: str


@dataclass(frozen=True)
class Form:
    """What the dialog holds: numbers as typed, alarm names comma-separated, the rest picked."""

    grace: str
    minimum: str
    maximum: str
    alarms: str
    breaker: bool
    breaker_rollback: bool
    alarms_enabled: bool
    alarms_rollback: bool
    execute_command: bool
    propagate_tags: str
    az_rebalancing: str


#: (field, label) in the order the dialog and the diff show them.
LABELS: tuple[tuple[str, str], ...] = (
    ("grace", "health-check grace period"),
    ("minimum", "minimum healthy percent"),
    ("maximum", "maximum percent"),
    ("breaker", "circuit breaker"),
    ("breaker_rollback", "circuit breaker rollback"),
    ("alarms_enabled", "CloudWatch alarms"),
    ("alarms", "alarm names"),
    ("alarms_rollback", "alarms rollback"),
    ("execute_command", "ECS Exec (enableExecuteCommand)"),
    ("propagate_tags", "propagate tags"),
    ("az_rebalancing", "AZ rebalancing"),
)


def current(service: Service) -> Settings:
    """The service's settings as DescribeServices gave them (ECS's defaults where unset)."""
    dc = service.deployment_config
    return Settings(
        grace=service.health_check_grace_period,
        minimum=dc.minimum_healthy_percent if dc else None,
        maximum=dc.maximum_percent if dc else None,
        breaker=bool(dc and dc.circuit_breaker),
        breaker_rollback=bool(dc and dc.circuit_breaker_rollback),
        alarms=dc.alarms if dc else (),
        alarms_enabled=bool(dc and dc.alarms_enabled),
        alarms_rollback=bool(dc and dc.alarms_rollback),
        execute_command=bool(service.enable_execute_command),
        propagate_tags=service.propagate_tags or "NONE",
        az_rebalancing=service.az_rebalancing or "DISABLED",
    )


def form_of(s: Settings) -> Form:
    """The dialog's starting values: the service's settings as they are."""
    return Form(
        grace="" if s.grace is None else str(s.grace),
        minimum="" if s.minimum is None else str(s.minimum),
        maximum="" if s.maximum is None else str(s.maximum),
        alarms=", ".join(s.alarms),
        breaker=s.breaker,
        breaker_rollback=s.breaker_rollback,
        alarms_enabled=s.alarms_enabled,
        alarms_rollback=s.alarms_rollback,
        execute_command=s.execute_command,
        propagate_tags=s.propagate_tags,
        az_rebalancing=s.az_rebalancing,
    )


def _number(
    raw: str, label: str, low: int, high: int, keep: int | None, problems: list[str]
) -> int | None:
    """A whole number in low..high; blank keeps ``keep`` (ECS has no way to unset these)."""
    text = raw.strip()
    if not text:
        if keep is None:
            return None
        problems.append(f"{label}: enter a whole number from {low} to {high}.")
        return keep
    if not _DIGITS.fullmatch(text):
        problems.append(f"{label}: {text!r} is not a whole number from {low} to {high}.")
        return keep
    if len(text.lstrip("0")) > len(str(high)) or not low <= int(text) <= high:
        problems.append(f"{label}: {text} is outside {low} to {high}.")
        return keep
    return int(text)


def parse(form: Form, service: Service) -> Settings:
    """The settings the form asks for; ValidationError lists every bad field (nothing sent)."""
    was = current(service)
    problems: list[str] = []
    grace = _number(form.grace, "Health-check grace period", 0, MAX_GRACE, was.grace, problems)
    minimum = _number(form.minimum, "Minimum healthy percent", *MIN_HEALTHY, was.minimum, problems)
    maximum = _number(form.maximum, "Maximum percent", *MAX_PERCENT, was.maximum, problems)
    if minimum is not None and maximum is not None and maximum < minimum:
        problems.append(f"Maximum percent ({maximum}) is below the minimum ({minimum}).")
    alarms = tuple(dict.fromkeys(n.strip() for n in form.alarms.split(",") if n.strip()))
    for name in alarms:
        if len(name) > MAX_ALARM_NAME:
            problems.append(f"Alarm name {name[:40]!r}…: at most {MAX_ALARM_NAME} characters.")
    if form.alarms_enabled and not alarms:
        problems.append("CloudWatch alarms: name at least one alarm to enable them.")
    if form.propagate_tags not in PROPAGATE_TAGS:
        problems.append(f"Propagate tags: one of {', '.join(PROPAGATE_TAGS)}.")
    if form.az_rebalancing not in AZ_REBALANCING:
        problems.append(f"AZ rebalancing: one of {', '.join(AZ_REBALANCING)}.")
    new = Settings(
        grace=grace,
        minimum=minimum,
        maximum=maximum,
        breaker=form.breaker,
        breaker_rollback=form.breaker_rollback,
        alarms=alarms,
        alarms_enabled=form.alarms_enabled,
        alarms_rollback=form.alarms_rollback,
        execute_command=form.execute_command,
        propagate_tags=form.propagate_tags,
        az_rebalancing=form.az_rebalancing,
    )
    controller = service.deployment_controller
    if controller in ("CODE_DEPLOY", "EXTERNAL") and _deployment(new) != _deployment(was):
        problems.append(
            f"{service.name} uses the {controller} deployment controller: ECS takes the "
            "percentages, circuit breaker and alarms only under the ECS controller."
        )
    if problems:
        raise ValidationError(problems[0], problems)
    return new


def _deployment(s: Settings) -> tuple[Any, ...]:
    """The members of deploymentConfiguration ``u`` edits."""
    return (
        s.minimum,
        s.maximum,
        s.breaker,
        s.breaker_rollback,
        s.alarms,
        s.alarms_enabled,
        s.alarms_rollback,
    )


def _shown(value: Any, name: str) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "on" if value else "off"
    if name == "grace":
        return f"{value} s"
    if name in ("minimum", "maximum"):
        return f"{value}%"
    if isinstance(value, tuple):
        return ", ".join(value) or "none"
    return str(value)


def diff(old: Settings, new: Settings) -> str:
    """``-label: old`` / ``+label: new`` for each setting that changes (a diff the dialog
    colours as it colours a task-definition diff)."""
    out: list[str] = []
    for name, label in LABELS:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out += [f"-{label}: {_shown(a, name)}", f"+{label}: {_shown(b, name)}"]
    return "\n".join(out)


def params(old: Settings, new: Settings) -> dict[str, Any]:
    """The UpdateService parameters for what changed, and nothing else. A changed member of
    deploymentConfiguration sends the whole structure, the other members as they are, so no
    member falls back to ECS's default."""
    out: dict[str, Any] = {}
    if new.grace != old.grace and new.grace is not None:
        out["healthCheckGracePeriodSeconds"] = new.grace
    if _deployment(new) != _deployment(old):
        config: dict[str, Any] = {}
        if new.minimum is not None:
            config["minimumHealthyPercent"] = new.minimum
        if new.maximum is not None:
            config["maximumPercent"] = new.maximum
        config["deploymentCircuitBreaker"] = {
            "enable": new.breaker,
            "rollback": new.breaker_rollback,
        }
        if new.alarms or new.alarms_enabled or old.alarms_enabled:
            config["alarms"] = {
                "alarmNames": list(new.alarms),
                "enable": new.alarms_enabled,
                "rollback": new.alarms_rollback,
            }
        out["deploymentConfiguration"] = config
    if new.execute_command != old.execute_command:
        out["enableExecuteCommand"] = new.execute_command
    if new.propagate_tags != old.propagate_tags:
        out["propagateTags"] = new.propagate_tags
    if new.az_rebalancing != old.az_rebalancing:
        out["availabilityZoneRebalancing"] = new.az_rebalancing
    return out


def warnings(service: Service, new: Settings) -> list[str]:
    """What is allowed but likely not meant, said before Confirm."""
    out: list[str] = []
    if new.breaker_rollback and not new.breaker:
        out.append("Circuit breaker rollback is on but the breaker is off: nothing rolls back.")
    if new.alarms_rollback and not new.alarms_enabled:
        out.append("Alarms rollback is on but alarm monitoring is off: nothing rolls back.")
    if new.minimum == 100 and new.maximum == 100:
        out.append(
            "Minimum 100% and maximum 100%: a rollout can neither stop an old task first nor "
            "start a new one first, so deployments cannot make progress."
        )
    if new.grace and not any(lb.target_group_arn for lb in service.load_balancers):
        out.append(
            f"{service.name} has no load balancer: the grace period applies to container "
            "health checks only."
        )
    if new.az_rebalancing == "ENABLED" and new.maximum == 100:
        out.append("AZ rebalancing starts a task before stopping one: it needs maximum > 100%.")
    return out


def plan_settings(service: Service, new: Settings) -> Plan:
    """One UpdateService with the changed settings (none of them starts a deployment)."""
    old = current(service)
    changed = params(old, new)
    notes = warnings(service, new)
    if "enableExecuteCommand" in changed or "propagateTags" in changed:
        notes.append(
            "ECS Exec and tag propagation apply to tasks started from now on: "
            "force a new deployment (f) to apply them to the running tasks."
        )
    count = len(diff(old, new).splitlines()) // 2
    return Plan(
        title="Service settings",
        cluster=arn_tail(service.cluster_arn),
        service=service.name,
        calls=(
            ApiCall(
                "ecs",
                "UpdateService",
                {"cluster": arn_tail(service.cluster_arn), "service": service.name, **changed},
            ),
        ),
        summary=f"{service.name}: {count} setting{'s' if count != 1 else ''} changed",
        notes=tuple(notes),
        diff=diff(old, new) or None,
        diff_title="Settings",
        if_failed=f"{service.name}'s settings are unchanged.",
    )


def unchanged(service: Service, new: Settings) -> str | None:
    """Why sending ``new`` would change nothing, or None."""
    if params(current(service), new):
        return None
    return f"{service.name}'s settings are already these: nothing would change."
