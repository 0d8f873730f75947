"""What ECS itself tells of a change beyond deployments: revisions deregistered, container
instances set draining, and bursts of task stops grouped by cause.

None of it needs CloudTrail; where CloudTrail has the call behind an entry (DeregisterTaskDefinition,
UpdateContainerInstancesState), :func:`attribute` gives the entry the caller and the call's time
and the call's own row is dropped, so one change reads as one row.

Budget: every listing here (INACTIVE revisions of a family in use, a cluster's container
instances, its stopped tasks, the clusters) is read at most once per :data:`LIST_EVERY` per client
bundle, whatever the pane's refresh; what never changes again (an INACTIVE revision's
``deregisteredAt``, a STOPPED task) is described once per session. Stops are classed with the
problems reader's own words (:func:`aws.triage.causes.stop_cause`). ECS keeps a stopped task for
about an hour, so older bursts are gone from ECS's record.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from aws import ecs
from aws.change_models import Change, Scope
from aws.cloudtrail import TrailEvent
from aws.ecs_convert import task_definition_from_response
from aws.models import ContainerInstance, Task, TaskDefinition, arn_tail
from aws.paging import call
from aws.session import Clients
from aws.triage.causes import stop_cause

#: Seconds between two reads of the same listing.
LIST_EVERY = 60.0
#: The newest INACTIVE revisions of a family that are described (older ones are older news).
REVISIONS_PER_FAMILY = 5
#: INACTIVE listings a minute at most (one per family): an account-wide timeline of 2,000
#: families covers them in turn instead of sending 2,000 requests a minute.
FAMILY_LISTS_PER_MINUTE = 30
#: Seconds between two reads of the services of every cluster (an account-wide timeline): at
#: 2,000 services, once a minute was 300 service reads a minute, a quarter of ECS's bucket on
#: top of the problems reader's share; every two minutes is an eighth.
ACCOUNT_SERVICES_EVERY = 120.0
USER_STOP = "stopped by a user (StopTask)"
T = TypeVar("T")


class EcsCache:
    """One bundle's listings (with when each was read) and its final objects."""

    def __init__(self) -> None:
        self.listed: dict[tuple[str, ...], tuple[float, Any]] = {}
        #: INACTIVE revisions by ARN: deregisteredAt never changes.
        self.inactive: dict[str, TaskDefinition] = {}
        #: STOPPED tasks by ARN: they never change again.
        self.stopped: dict[str, Task] = {}
        #: When this session first saw each instance DRAINING (ECS does not say when it began).
        self.drain_seen: dict[str, datetime] = {}
        self.clock: Callable[[], float] = time.monotonic
        #: When each of the last minute's INACTIVE listings was sent.
        self.family_lists: list[float] = []

    def fresh(self, key: tuple[str, ...]) -> bool:
        hit = self.listed.get(key)
        return hit is not None and self.clock() - hit[0] < LIST_EVERY

    def families_due(self, families: Iterable[str]) -> list[str]:
        """The families whose INACTIVE listing is stale, never listed first, within the
        minute's allowance."""
        now = self.clock()
        self.family_lists = [t for t in self.family_lists if now - t < LIST_EVERY]
        stale = [f for f in families if not self.fresh(("inactive", f))]
        stale.sort(key=lambda f: self.listed.get(("inactive", f), (-1.0,))[0])
        due = stale[: max(FAMILY_LISTS_PER_MINUTE - len(self.family_lists), 0)]
        self.family_lists += [now] * len(due)
        return due

    async def listing(
        self, key: tuple[str, ...], read: Callable[[], Awaitable[T]], every: float = LIST_EVERY
    ) -> T:
        """``read()``'s answer, read again only when the last one is ``every`` seconds old."""
        hit = self.listed.get(key)
        if hit is not None and self.clock() - hit[0] < every:
            value: T = hit[1]
            return value
        fresh = await read()
        self.listed[key] = (self.clock(), fresh)
        return fresh


_CACHES: weakref.WeakKeyDictionary[Clients, EcsCache] = weakref.WeakKeyDictionary()


def ecs_cache_for(c: Clients) -> EcsCache:
    cache = _CACHES.get(c)
    if cache is None:
        cache = _CACHES[c] = EcsCache()
    return cache


async def ecs_changes(
    c: Clients, scope: Scope, families: Iterable[str], since: datetime, now: datetime
) -> list[Change]:
    """Deregistrations of the families in use, drains and stop bursts of the scope."""
    clusters = await _clusters(c, scope)
    read = await asyncio.gather(
        deregistrations(c, families, since),
        *(drains(c, arn, now) for arn, with_instances in clusters if with_instances),
        *(stop_bursts(c, arn, scope.service, since) for arn, _ in clusters),
    )
    return [change for changes in read for change in changes]


async def _clusters(c: Clients, scope: Scope) -> list[tuple[str, bool]]:
    """The scope's clusters, each with whether it has container instances (a Fargate-only
    cluster needs no ListContainerInstances)."""
    cache = ecs_cache_for(c)
    if scope.cluster is not None:
        found = await cache.listing(
            ("cluster", scope.cluster), lambda: ecs.read_clusters(c, [scope.cluster or ""])
        )
    else:
        found = await cache.listing(("clusters",), lambda: ecs.read_clusters(c))
    return [(cl.arn, bool(cl.container_instances)) for cl in found]


# --------------------------------------------------------------------------- deregistrations


async def deregistrations(c: Clients, families: Iterable[str], since: datetime) -> list[Change]:
    cache = ecs_cache_for(c)
    wanted = sorted(families)
    due = set(cache.families_due(wanted))
    listed = [f for f in wanted if f in due or cache.fresh(("inactive", f))]
    read = await asyncio.gather(*(_family_deregistrations(c, f, since) for f in listed))
    return [change for changes in read for change in changes]


async def _family_deregistrations(c: Clients, family: str, since: datetime) -> list[Change]:
    cache = ecs_cache_for(c)
    arns: list[str] = await cache.listing(
        ("inactive", family),
        lambda: ecs.list_task_definition_revisions(c, family, "INACTIVE"),
    )
    newest = arns[:REVISIONS_PER_FAMILY]
    unread = [arn for arn in newest if arn not in cache.inactive]
    for arn, td in zip(
        unread, await asyncio.gather(*(_describe(c, a) for a in unread)), strict=True
    ):
        cache.inactive[arn] = td
    out = []
    for arn in newest:
        td = cache.inactive[arn]
        at = td.raw.get("deregisteredAt")
        if isinstance(at, datetime) and at >= since:
            label = f"{td.family}:{td.revision}"
            status = str(td.raw.get("status") or "INACTIVE")
            out.append(
                Change(
                    f"deregister:{arn}", at, "registration", f"deregistered {label}", None, status
                )
            )
    return out


async def _describe(c: Clients, arn: str) -> TaskDefinition:
    """Read afresh, not through the immutable-revision cache: that may hold the revision as it
    was while ACTIVE, without deregisteredAt."""
    return task_definition_from_response(
        await call(c, c.ecs.describe_task_definition, taskDefinition=arn)
    )


# --------------------------------------------------------------------------- drains


async def drains(c: Clients, cluster: str, now: datetime) -> list[Change]:
    cache = ecs_cache_for(c)
    instances: list[ContainerInstance] = await cache.listing(
        ("instances", cluster), lambda: ecs.read_container_instances(c, cluster)
    )
    out = []
    for ci in instances:
        if ci.status != "DRAINING":
            cache.drain_seen.pop(ci.arn, None)
            continue
        seen = cache.drain_seen.setdefault(ci.arn, now)
        name = ci.ec2_instance_id or ci.id
        where = f"{ci.running_tasks or 0} tasks still on it · first seen draining (CloudTrail says when)"
        out.append(
            Change(
                f"drain:{ci.arn}",
                seen,
                "drain",
                f"instance {name} draining",
                None,
                where,
                arn_tail(cluster),
            )
        )
    return out


# --------------------------------------------------------------------------- stop bursts


async def stop_bursts(
    c: Clients, cluster: str, service: str | None, since: datetime
) -> list[Change]:
    """The scope's tasks stopped since ``since``, one entry per service and cause."""
    cache = ecs_cache_for(c)
    name = arn_tail(service) if service else None
    arns: list[str] = await cache.listing(
        ("stopped", cluster, name or ""),
        lambda: ecs.list_task_arns(c, cluster, service_name=name, desired_status="STOPPED"),
    )
    unread = [a for a in arns if a not in cache.stopped]
    for task in await ecs.describe_tasks(c, cluster, unread) if unread else []:
        if task.last_status == "STOPPED":
            cache.stopped[task.arn] = task
    tasks = [cache.stopped[a] for a in arns if a in cache.stopped]
    return burst_changes(
        arn_tail(cluster), [t for t in tasks if t.stopped_at and t.stopped_at >= since]
    )


def stop_class(task: Task) -> tuple[str, str] | None:
    """(cause, evidence) as the problems reader words it; a user's StopTask is a change too;
    the scheduler's own stops (scaling in, a deployment replacing tasks) are not."""
    cause = stop_cause(task)
    if cause is not None:
        return cause.what, cause.why
    if task.stop_code == "UserInitiated":
        return USER_STOP, task.stopped_reason or ""
    return None


def burst_changes(cluster: str, tasks: Sequence[Task]) -> list[Change]:
    groups: dict[tuple[str, str], list[tuple[Task, str]]] = defaultdict(list)
    for task in tasks:
        classed = stop_class(task)
        if classed is not None:
            groups[(task.service_name or "", classed[0])].append((task, classed[1]))
    out = []
    for (service, cause), members in groups.items():
        members.sort(key=lambda m: m[0].stopped_at or datetime.min, reverse=True)
        newest, why = members[0]
        n = len(members)
        what = f"{n} task{'s' if n != 1 else ''} stopped: {cause}"
        at = newest.stopped_at or datetime.min
        out.append(
            Change(
                f"stops:{cluster}:{service}:{cause}",
                at,
                "stops",
                what,
                None,
                why,
                cluster,
                service or None,
            )
        )
    return out


# --------------------------------------------------------------------------- who, from CloudTrail


def _call_targets(event: TrailEvent) -> list[str]:
    """The entry ids a call is behind: the revision it deregistered, the instances it drained."""
    params = event.params
    if event.name == "DeregisterTaskDefinition":
        return [f"deregister:{arn_tail(str(params.get('taskDefinition') or ''))}"]
    if event.name == "UpdateContainerInstancesState" and params.get("status") == "DRAINING":
        listed = params.get("containerInstances") or []
        return [f"drain:{arn_tail(str(ci))}" for ci in listed]
    return []


def attribute(changes: list[Change], events: Iterable[TrailEvent]) -> tuple[list[Change], set[str]]:
    """``changes`` with the caller of the call behind each (newest call wins), and the ids of
    the calls so used (their own rows are then left out)."""
    behind: dict[str, TrailEvent] = {}
    for event in sorted(events, key=lambda e: e.at):
        for target in _call_targets(event):
            behind[target] = event
    used: set[str] = set()
    out = []
    for ch in changes:
        kind, _, ref = ch.id.partition(":")
        call_behind = behind.get(f"{kind}:{arn_tail(ref)}")
        if call_behind is None:
            out.append(ch)
            continue
        event = call_behind
        used.add(event.id)
        agent = event.user_agent.split(" ", 1)[0]
        at = event.at if kind == "drain" else ch.at
        where = f"{event.source_ip} {agent}".strip()
        if kind == "drain":
            where = ch.where.split(" · ", 1)[0] + f" · {where}"
        out.append(Change(ch.id, at, ch.kind, ch.what, event.who, where, ch.cluster, ch.service))
    return out, used
