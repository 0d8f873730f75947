"""What changed: one timeline, newest first, for the account-Region, a cluster or a service.

ECS tells what happened (deployments started, completed, failed, rolled back; task-definition
revisions registered and deregistered; container instances draining; tasks stopped, grouped by
cause (:mod:`aws.change_sources`); Application Auto Scaling's activities); CloudTrail tells who asked for it
and from where (:mod:`aws.cloudtrail`). The first needs no extra permission, so without
``cloudtrail:LookupEvents`` the timeline keeps it and says in one note what is missing.

ListTaskDefinitions carries no time, so registrations are read from DescribeTaskDefinition's
``registeredAt`` for the revisions the services' deployments use, through the bundle's
immutable-revision cache (each revision is described once per session).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from aws.autoscaling import read_scaling
from aws.change_models import Change as Change
from aws.change_models import Scope as Scope
from aws.change_models import Timeline as Timeline
from aws.change_sources import (
    ACCOUNT_SERVICES_EVERY,
    LIST_EVERY,
    attribute,
    ecs_cache_for,
    ecs_changes,
)
from aws.cloudtrail import DENIED_NOTE, TrailEvent, trail_for
from aws.ecs import describe_services, list_cluster_arns, read_services, read_task_definition
from aws.errors import ACCESS_DENIED, error_code
from aws.models import Service, arn_tail
from aws.session import Clients
from aws.taskdef_history import registered_at

DEFAULT_HOURS = 24.0
#: How far before a problem's onset its timeline looks.
BEFORE_ONSET = timedelta(hours=1)
#: Service events that are changes (the rest, "has started 2 tasks", are their consequences).
_EVENT_KINDS = (
    ("deployment completed", "deployment completed"),
    ("deployment failed", "deployment failed"),
    ("rolling back", "rolled back"),
)
_DEPLOYMENT_ID = re.compile(r"\(deployment ([^)\s]+)\)")
#: Parameters that say which resource a call is about, not what it changed.
_WHERE_KEYS = frozenset(
    {"cluster", "service", "resourceId", "ResourceId", "ServiceNamespace", "ScalableDimension"}
)


async def read_changes(
    c: Clients,
    scope: Scope,
    *,
    hours: float = DEFAULT_HOURS,
    now: datetime | None = None,
    since: datetime | None = None,
) -> Timeline:
    """The timeline of ``scope`` from ``since`` (default: ``hours`` ago) to now: ECS's own
    record, then CloudTrail's write calls (paced and cached per bundle)."""
    now = now or datetime.now(UTC)
    since = since or now - timedelta(hours=hours)
    services = await _services(c, scope)
    found: dict[str, Change] = {}
    for service in services:
        for change in service_changes(service):
            found[change.id] = change
    for change in await _registrations(c, services):
        found[change.id] = change
    if scope.service and services:
        for change in await _scaling(c, services[0]):
            found[change.id] = change
    families = {_family(d.task_definition) for s in services for d in s.deployments}
    extra = await ecs_changes(c, scope, families, since, now)
    notes: list[str] = []
    events = await trail_for(c).read(c, since, now)
    if events is None:
        notes.append(DENIED_NOTE)
        events = []
    extra, used = attribute(extra, events)
    for event in events:
        if event.id not in used and in_scope(event, scope, families):
            change = call_change(event)
            found[change.id] = change
    for change in extra:
        found[change.id] = change
    kept = [ch for ch in found.values() if ch.at >= since]
    kept.sort(key=lambda ch: (ch.at, ch.id), reverse=True)
    return Timeline(tuple(kept), tuple(notes))


def before_onset(onset: datetime | None, now: datetime | None = None) -> datetime:
    """Where "what changed in the hour before this began" starts: an hour before the onset,
    which is taken as an hour ago when it is not known."""
    now = now or datetime.now(UTC)
    return (onset or now - BEFORE_ONSET) - BEFORE_ONSET


async def _services(c: Clients, scope: Scope) -> list[Service]:
    if scope.cluster and scope.service:
        return await describe_services(c, scope.cluster, [scope.service])
    cache = ecs_cache_for(c)  # beyond one service, deployments are read once a minute
    clusters = [scope.cluster] if scope.cluster else await list_cluster_arns(c)
    every = LIST_EVERY if scope.cluster else ACCOUNT_SERVICES_EVERY  # the account: every 2 min
    read = await asyncio.gather(
        *(cache.listing(("services", cl), partial(read_services, c, cl), every) for cl in clusters)
    )
    return [s for _, services in read for s in services]


def service_changes(service: Service) -> list[Change]:
    """Deployments started (and failed, by their rollout state) and the service events that
    complete, fail or roll back one."""
    cluster = arn_tail(service.cluster_arn)
    out: list[Change] = []
    for d in service.deployments:
        revision = arn_tail(d.task_definition)
        if d.created_at is not None:
            out.append(
                Change(
                    f"deploy:{d.id}:started",
                    d.created_at,
                    "deployment",
                    f"deployment started: {revision}",
                    None,
                    f"{d.status} {d.id}",
                    cluster,
                    service.name,
                )
            )
        if d.rollout_state == "FAILED" and d.updated_at is not None:
            out.append(
                Change(
                    f"deploy:{d.id}:deployment failed",
                    d.updated_at,
                    "deployment",
                    f"deployment failed: {revision}",
                    None,
                    d.rollout_reason or "",
                    cluster,
                    service.name,
                )
            )
    for event in service.events:
        out.extend(_event_change(event.id, event.created_at, event.message, cluster, service.name))
    return out


def _event_change(
    event_id: str, at: datetime | None, message: str, cluster: str, service: str
) -> list[Change]:
    kind = next((k for pattern, k in _EVENT_KINDS if pattern in message), None)
    if kind is None or at is None:
        return []
    match = _DEPLOYMENT_ID.search(message)
    key = f"deploy:{match.group(1)}:{kind}" if match and kind != "rolled back" else event_id
    return [Change(key, at, "deployment", kind, None, message, cluster, service)]


async def _registrations(c: Clients, services: Sequence[Service]) -> list[Change]:
    arns = sorted({d.task_definition for s in services for d in s.deployments})
    described = await asyncio.gather(*(read_task_definition(c, arn) for arn in arns))
    out = []
    for td in described:
        at = registered_at(td)
        if at is None:
            continue
        by = td.raw.get("registeredBy")
        out.append(
            Change(
                f"register:{td.arn}",
                at,
                "registration",
                f"registered {td.family}:{td.revision}",
                str(by) if by else None,
                ", ".join(sorted(set(td.container_images.values()))),
            )
        )
    return out


async def _scaling(c: Clients, service: Service) -> list[Change]:
    """Application Auto Scaling's activities for the service (none when not readable), read
    once a minute like the other listings: a timeline refreshing every 3 s sent 20 a minute."""
    cluster = arn_tail(service.cluster_arn)
    try:
        scaling = await ecs_cache_for(c).listing(
            ("scaling", cluster, service.name), lambda: read_scaling(c, cluster, service.name)
        )
    except Exception as exc:
        if error_code(exc) in ACCESS_DENIED:
            return []
        raise
    return [
        Change(
            f"scale:{a.started_at.isoformat()}:{a.description}",
            a.started_at,
            "scale",
            a.description,
            "application-autoscaling",
            a.cause or "",
            cluster,
            service.name,
        )
        for a in scaling.activities
        if a.started_at is not None
    ]


def _family(task_definition: str) -> str:
    return arn_tail(task_definition).split(":", 1)[0]


def _named(value: Any, name: str | None) -> bool:
    return name is not None and isinstance(value, str) and arn_tail(value) == arn_tail(name)


def in_scope(event: TrailEvent, scope: Scope, families: Iterable[str]) -> bool:
    """Whether a write call is about the scope: its cluster and service, the service's scalable
    target, or a family its deployments use."""
    if scope.cluster is None:
        return True
    params = event.params
    family = params.get("family") or params.get("taskDefinition")
    if family is not None and "service" not in params and _family(str(family)) in set(families):
        return True
    resource = str(params.get("ResourceId") or params.get("resourceId") or "")
    if resource.startswith("service/"):
        _, cluster, service = [*resource.split("/", 2), "", ""][:3]
        return cluster == arn_tail(scope.cluster) and (
            scope.service is None or service == arn_tail(scope.service)
        )
    if not _named(params.get("cluster", "default"), scope.cluster):
        return False
    return scope.service is None or _named(params.get("service"), scope.service)


def call_change(event: TrailEvent) -> Change:
    """A CloudTrail write event as a timeline row: WHAT names the call and what it set."""
    params = event.params
    cluster = params.get("cluster")
    service = params.get("service")
    kind = "scale" if "desiredCount" in params or "MinCapacity" in params else "call"
    agent = event.user_agent.split(" ", 1)[0]
    return Change(
        event.id,
        event.at,
        kind,
        f"{event.name} {_settings(params)}".strip(),
        event.who,
        f"{event.source_ip} {agent}".strip(),
        arn_tail(cluster) if isinstance(cluster, str) else None,
        arn_tail(service) if isinstance(service, str) else None,
    )


def _settings(params: dict[str, Any]) -> str:
    """The scalar parameters a call set, ``key=value``, short."""
    parts = []
    for key, value in params.items():
        if key in _WHERE_KEYS or isinstance(value, dict | list):
            continue
        shown = arn_tail(value) if isinstance(value, str) else value
        parts.append(f"{key}={shown}")
    text = " ".join(parts)
    return text if len(text) <= 80 else text[:79] + "…"
