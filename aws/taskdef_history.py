"""A task-definition family's history: every revision with its status, the services that use
its revisions, and the plan that deregisters one.

A revision's status changes (ACTIVE -> INACTIVE -> DELETE_IN_PROGRESS), so it comes from
ListTaskDefinitions, once per status filter, read again on each relist. Its body never changes,
so it is read once through the immutable cache (``ecs.read_task_definition``).

ECS lets you deregister a revision a service still runs (the tasks keep running, and the
service can still scale), but the next deployment or a replacement task of another service
could then not start from it, and the revision is easy to pick by mistake in a list of
numbers. ecsdeck refuses it and names the services: deploy another revision to them first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from aws import ecs
from aws.models import Service, TaskDefinition, arn_tail
from aws.plan import ApiCall, Plan, ValidationError, family_revision, td_label
from aws.session import Clients

if TYPE_CHECKING:
    from types_aiobotocore_ecs.literals import TaskDefinitionStatusType

#: Every status ListTaskDefinitions filters by, in the order a revision moves through them.
STATUSES: tuple[TaskDefinitionStatusType, ...] = ("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS")


@dataclass(frozen=True, slots=True)
class RevisionRef:
    """One revision as ListTaskDefinitions names it: its ARN, number and current status."""

    arn: str
    revision: int
    status: str


async def list_revisions(c: Clients, family: str) -> list[RevisionRef]:
    """Every revision of exactly ``family``, newest first, with its status.

    3 x ceil(N/100) ListTaskDefinitions (one listing per status). A revision that changes
    status between two of the listings keeps the first status read.
    """
    listed = await asyncio.gather(
        *(ecs.list_task_definition_revisions(c, family, status) for status in STATUSES)
    )
    found: dict[str, RevisionRef] = {}
    for status, arns in zip(STATUSES, listed, strict=True):
        for arn in arns:
            revision = family_revision(arn)[1]
            found.setdefault(arn, RevisionRef(arn, -1 if revision is None else revision, status))
    return sorted(found.values(), key=lambda r: r.revision, reverse=True)


async def describe_each(
    c: Clients, arns: Iterable[str]
) -> tuple[dict[str, TaskDefinition], BaseException | None]:
    """The bodies of ``arns`` (through the immutable cache), and the first failure if any: the
    others still land, and the caller raises it after showing them."""
    arns = list(arns)
    read = await asyncio.gather(
        *(ecs.read_task_definition(c, arn) for arn in arns), return_exceptions=True
    )
    found = {arn: td for arn, td in zip(arns, read, strict=True) if isinstance(td, TaskDefinition)}
    failed = next((r for r in read if isinstance(r, BaseException)), None)
    return found, failed


def previous(revisions: Sequence[RevisionRef], arn: str) -> RevisionRef | None:
    """The revision listed just before ``arn`` (the next older one, whatever its status)."""
    older = sorted((r for r in revisions if r.arn != arn), key=lambda r: r.revision, reverse=True)
    number = family_revision(arn)[1] or 0
    return next((r for r in older if r.revision < number), None)


def registered_at(td: TaskDefinition) -> datetime | None:
    value = td.raw.get("registeredAt")
    return value if isinstance(value, datetime) else None


def image_tag(image: str) -> str:
    """``registry/repo:1.4.0`` -> ``1.4.0``; a digest -> ``@sha256:0123456789ab``; none ->
    ``latest`` (what Docker pulls when the reference names no tag)."""
    name, at, digest = image.partition("@")
    if at:
        return "@" + digest[:19]
    last = name.rsplit("/", 1)[-1]
    return last.rpartition(":")[2] if ":" in last else "latest"


def image_tags(td: TaskDefinition) -> list[str]:
    """Each container's image tag, in container order, without repeats."""
    return list(dict.fromkeys(image_tag(i) for i in td.container_images.values()))


def container_tags(td: TaskDefinition) -> list[str]:
    """``app 1.4.1``, ``datadog-agent 7``: each container's tag after its name, since bare tags
    (``1.4.1, 7``) do not say which image is which."""
    return [f"{name} {image_tag(image)}" for name, image in td.container_images.items()]


def size(td: TaskDefinition) -> str:
    """Task-level ``cpu / memory``; ``-`` for a value the revision leaves to its containers."""
    return f"{td.cpu or '-'} / {td.memory or '-'}"


def revisions_in_use(service: Service) -> set[str]:
    """The revisions a service runs now: its task definition and each deployment's."""
    used = {service.task_definition, *(d.task_definition for d in service.deployments)}
    return {arn for arn in used if arn}


def in_family(service: Service, family: str) -> bool:
    return any(family_revision(arn)[0] == family for arn in revisions_in_use(service))


def users_of(services: Iterable[Service], arn: str) -> list[Service]:
    """The services that run ``arn`` now (in any deployment)."""
    return [s for s in services if arn in revisions_in_use(s)]


async def services_in_family(c: Clients, family: str) -> list[Service]:
    """Every service of the region that runs a revision of ``family``.

    ceil(C/100) ListClusters, then per cluster ceil(S/100) ListServices + ceil(S/10)
    DescribeServices: read when an action needs it (deploy picker, deregister check), never
    on a tick.
    """
    clusters = await ecs.list_cluster_arns(c)
    read = await asyncio.gather(*(ecs.read_services(c, cluster) for cluster in clusters))
    return [
        s
        for _, services in read
        for s in services
        if s.status != "INACTIVE" and in_family(s, family)
    ]


def _where(service: Service) -> str:
    return f"{service.name} (cluster {arn_tail(service.cluster_arn)})"


def plan_deregister(revision: RevisionRef, users: Sequence[Service]) -> Plan:
    """DeregisterTaskDefinition of one ACTIVE revision that no service runs."""
    label = td_label(revision.arn)
    if revision.status != "ACTIVE":
        raise ValidationError(f"{label} is already {revision.status}: nothing to deregister.")
    if users:
        names = ", ".join(_where(s) for s in users[:5])
        more = f" and {len(users) - 5} more" if len(users) > 5 else ""
        raise ValidationError(
            f"{label} is in use by {names}{more}: deploy another revision to "
            f"{'it' if len(users) == 1 else 'them'} first, then deregister {label}."
        )
    return Plan(
        title="Deregister revision",
        cluster="",
        service=None,
        calls=(ApiCall("ecs", "DeregisterTaskDefinition", {"taskDefinition": revision.arn}),),
        summary=f"{label}: ACTIVE -> INACTIVE",
        notes=(
            "An INACTIVE revision cannot start new services or be deployed; tasks already "
            "running from it are not affected. It stays readable, and is not re-activated.",
        ),
        if_failed=f"{label} is still ACTIVE.",
    )
