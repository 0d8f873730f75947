"""What counts as a problem, judged from snapshots already read: no requests here.

Each rule takes models (a service, its targets, a cluster's stopped tasks or container
instances) and returns ``Problem`` values with stable keys, so the reader decides what to read
and these decide what is wrong. Kept pure so they are tested without a server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from aws.elb_models import Target
from aws.models import Cluster, ContainerInstance, Service, Task, arn_tail
from aws.problem_models import PROBLEM_KINDS, Problem
from aws.triage.causes import (
    cause_severity,
    explaining_event,
    stop_cause,
    target_reason_words,
    trouble_events,
    unhealthy_target_group,
)
from aws.words import plural

#: Target states worth a row, with the words and severity of each.
TARGET_STATES = {
    "unhealthy": ("unhealthy", "error"),
    "unhealthy.draining": ("unhealthy and draining", "warning"),
    "draining": ("draining", "warning"),
    "unused": ("unused", "warning"),
}

_SEVERITY_ORDER = {"error": 0, "warning": 1}


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"


def rollout_problems(
    service: Service, cluster: Cluster, now: datetime, slow_after: timedelta
) -> list[Problem]:
    """A FAILED deployment (any of them: after a circuit-breaker rollback the failed one is ACTIVE
    while it drains), and a PRIMARY rollout still IN_PROGRESS after ``slow_after``."""
    out: list[Problem] = []
    for d in service.deployments:
        if d.rollout_state != "FAILED":
            continue
        parts = [d.rollout_reason or "no reason given"]
        if d.failed_tasks:
            parts.append(f"{plural(d.failed_tasks, 'task')} failed to start")
        parts.append(f"task definition {arn_tail(d.task_definition)}")
        out.append(_rollout(service, cluster, f"{d.id}|failed", "rollout failed", "; ".join(parts)))
        # The breaker marks the deployment FAILED when it trips: updatedAt is that moment.
        onset = "deployment updated" if d.updated_at else "deployment created"
        out[-1] = replace(out[-1], since=d.updated_at or d.created_at, onset=onset)
    primary = service.primary
    if (
        primary is not None
        and primary.rollout_state == "IN_PROGRESS"
        and primary.created_at is not None
        and now - primary.created_at >= slow_after
    ):
        hit = explaining_event(service)
        latest = hit[0].message if hit else (service.events[0].message if service.events else "")
        why = f"started {_minutes(now - primary.created_at)} ago"
        why = f"{why}; latest event: {latest}" if latest else why
        slow = _rollout(service, cluster, f"{primary.id}|slow", "rollout not finishing", why)
        severity = "error" if hit else "warning"
        out.append(
            replace(slow, since=primary.created_at, onset="deployment created", severity=severity)
        )
    return out


def _rollout(service: Service, cluster: Cluster, suffix: str, what: str, why: str) -> Problem:
    return Problem(
        key=f"rollout|{service.arn}|{suffix}",
        kind="rollout",
        cluster_arn=cluster.arn,
        cluster_name=cluster.name,
        what=what,
        why=why,
        service_arn=service.arn,
        service_name=service.name,
    )


def short_since(service: Service, first_seen: datetime) -> tuple[datetime, str]:
    """Since when a service has been running fewer tasks than desired, and where that time
    comes from (a ``Problem.onset``): the earliest of the PRIMARY deployment's last update
    (counts change it, so an older update means the shortfall is at least that old), the
    oldest trouble event since the last steady state, and when the reader first saw it short
    ("seen": neither tells an earlier time)."""
    candidates = [(first_seen, "seen")]
    if service.primary is not None and service.primary.updated_at is not None:
        candidates.append((service.primary.updated_at, "deployment updated"))
    trouble = trouble_events(service)
    if trouble and trouble[-1][0].created_at is not None:
        candidates.append((trouble[-1][0].created_at, "event"))
    return min(candidates, key=lambda c: c[0])


def capacity_problem(
    service: Service,
    cluster: Cluster,
    since: datetime | None,
    now: datetime,
    after: timedelta,
    onset: str = "seen",
) -> Problem | None:
    """Running < desired for ``after`` or longer: "stuck" when the latest trouble event says the
    scheduler cannot place tasks, else "short"; the event is the evidence."""
    if service.running >= service.desired or since is None or now - since < after:
        return None
    hit = explaining_event(service)
    if hit is not None:
        event, cause = hit
        why = f"{cause.what}: {event.message}"
    else:
        why = f"no service event explains it (short for {_minutes(now - since)})"
    return Problem(
        key=f"short|{service.arn}",
        kind="stuck" if hit is not None and hit[1].placement else "short",
        cluster_arn=cluster.arn,
        cluster_name=cluster.name,
        what=f"{service.running} of {plural(service.desired, 'task')} running",
        why=why,
        service_arn=service.arn,
        service_name=service.name,
        since=since,
        onset=onset,
    )


def _target_label(t: Target) -> str:
    where = f"{t.id}:{t.port}" if t.port else t.id
    return f"{where} (task {arn_tail(t.task_arn)})" if t.task_arn else f"{where} (no task)"


def target_problems(service: Service, cluster: Cluster, targets: Sequence[Target]) -> list[Problem]:
    """Targets not healthy, one row per (target group, state) with the count, the reasons in
    words and the targets with their tasks; the culprit is a target joined to a task. Not one
    row per reason: two targets failing for two reasons read as "1 of 120" twice."""
    groups: dict[tuple[str, str], list[Target]] = {}
    totals: dict[str, int] = {}
    for t in targets:
        totals[t.target_group_arn] = totals.get(t.target_group_arn, 0) + 1
        if (t.state or "") in TARGET_STATES:
            groups.setdefault((t.target_group_arn, t.state or ""), []).append(t)
    out: list[Problem] = []
    for (tg, state), members in groups.items():
        words, severity = TARGET_STATES[state]
        culprit = next((t for t in members if t.task_arn), members[0])
        shown = ", ".join(_target_label(t) for t in members[:3])
        more = f" +{len(members) - 3} more" if len(members) > 3 else ""
        detail = culprit.description
        why = f"{_reasons(members)}{': ' + detail if detail else ''}; {shown}{more}"
        since = unhealthy_onset(service, tg) if state.startswith("unhealthy") else None
        out.append(
            Problem(
                key=f"targets|{service.arn}|{tg}|{state}",
                kind="targets",
                cluster_arn=cluster.arn,
                cluster_name=cluster.name,
                what=f"{len(members)} of {plural(totals[tg], 'target')} {words}",
                why=f"{why} in {_tg_name(tg)}",
                service_arn=service.arn,
                service_name=service.name,
                task_arn=culprit.task_arn,
                target_id=culprit.id,
                since=since,
                onset="event" if since else "seen",
                count=len(members),
                severity=severity,
            )
        )
    return out


def _reasons(members: Sequence[Target]) -> str:
    """The reason codes in words, the commonest first, each with its count when they differ."""
    counts: dict[str, int] = {}
    for t in members:
        counts[t.reason or ""] = counts.get(t.reason or "", 0) + 1
    words = [
        f"{target_reason_words(code)} ({code})" if code else "no reason given"
        for code in sorted(counts, key=lambda code: -counts[code])
    ]
    if len(words) == 1:
        return words[0]
    ranked = sorted(counts.values(), reverse=True)
    return ", ".join(f"{n} {w}" for n, w in zip(ranked, words, strict=True))


def unhealthy_onset(service: Service, target_group_arn: str) -> datetime | None:
    """When this episode of unhealthy targets began: the oldest "is unhealthy in (target-group
    ...)" event for the group since the service last reached a steady state; None when the
    events do not tell (ECS keeps only the latest 100, and draining or unused has no event)."""
    times = [
        event.created_at
        for event, _ in trouble_events(service)
        if event.created_at is not None
        and unhealthy_target_group(event.message) == target_group_arn
    ]
    return min(times) if times else None


def _tg_name(arn: str) -> str:
    parts = arn.split("/")
    return parts[-2] if len(parts) >= 3 else arn


def stopped_problems(
    cluster: Cluster,
    tasks: Iterable[Task],
    service_arns: Mapping[str, str],
    now: datetime,
    window: timedelta,
) -> list[Problem]:
    """Tasks stopped within ``window`` for a reason that is a problem, grouped by (service or
    task group, cause); the newest task is the culprit and its stoppedAt the row's time."""
    groups: dict[tuple[str, str], list[tuple[Task, str, str]]] = {}
    for task in tasks:
        if task.stopped_at is None or now - task.stopped_at > window:
            continue
        cause = stop_cause(task)
        if cause is None:
            continue
        group = task.group or arn_tail(task.task_definition)
        groups.setdefault((group, cause.what), []).append((task, cause.why, cause_severity(cause)))
    out: list[Problem] = []
    for (group, what), members in groups.items():
        members.sort(key=lambda m: m[0].stopped_at or now, reverse=True)
        newest, why, severity = members[0]
        name = newest.service_name
        out.append(
            Problem(
                key=f"stopped|{cluster.arn}|{group}|{what}",
                kind="stopped",
                cluster_arn=cluster.arn,
                cluster_name=cluster.name,
                what=what,
                why=why if name else f"{why} (group {group})",
                service_arn=service_arns.get(name) if name else None,
                service_name=name,
                task_arn=newest.arn,
                since=newest.stopped_at,
                onset="stopped",
                count=len(members),
                severity=severity,
            )
        )
    return out


def instance_problems(cluster: Cluster, instances: Iterable[ContainerInstance]) -> list[Problem]:
    """Container instances whose ECS agent is disconnected, or DRAINING with tasks still on them."""
    out: list[Problem] = []
    for ci in instances:
        host = ci.ec2_instance_id or arn_tail(ci.arn)
        tasks = ci.running_tasks or 0
        found: list[tuple[str, str, str, str]] = []
        if ci.agent_connected is False and ci.status in ("ACTIVE", "DRAINING"):
            why = f"{host}: ECS cannot start or stop tasks there; {plural(tasks, 'task')} on it"
            found.append(("agent", "ECS agent disconnected", why, "error"))
        if ci.status == "DRAINING" and tasks > 0:
            why = f"{host}: {plural(tasks, 'task')} still running while ECS moves them elsewhere"
            found.append(("draining", "instance draining", why, "warning"))
        out.extend(
            Problem(
                key=f"instance|{ci.arn}|{suffix}",
                kind="instance",
                cluster_arn=cluster.arn,
                cluster_name=cluster.name,
                what=what,
                why=why,
                container_instance_arn=ci.arn,
                ec2_instance_id=ci.ec2_instance_id,
                count=max(tasks, 1),
                severity=severity,
            )
            for suffix, what, why, severity in found
        )
    return out


def newest_first(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Newest first (unknown times last); errors before warnings at the same time; then key."""
    order = {k: i for i, k in enumerate(PROBLEM_KINDS)}
    return tuple(
        sorted(
            problems,
            key=lambda p: (
                -(p.since.timestamp() if p.since else float("-inf")),
                _SEVERITY_ORDER.get(p.severity, 2),
                order.get(p.kind, len(order)),
                p.key,
            ),
        )
    )


def count_by_cluster(
    clusters: Iterable[Cluster], problems: Iterable[Problem], severity: str = "error"
) -> dict[str, int]:
    """Problems of ``severity`` per cluster ARN, 0 for every cluster without any."""
    counts = {c.arn: 0 for c in clusters}
    for p in problems:
        if p.severity == severity:
            counts[p.cluster_arn] = counts.get(p.cluster_arn, 0) + 1
    return counts
