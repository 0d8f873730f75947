"""ECS readers: paginate -> batch describe -> convert to frozen models.

Batch and page sizes are AWS's (the ECS API reference): every List* call sends maxResults=100,
DescribeServices takes 10 names, DescribeClusters/DescribeTasks/DescribeContainerInstances 100.
Describe batches run concurrently; each request holds one slot of ``c.limit`` while in flight.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aws.models import (
    Cluster,
    ContainerInstance,
    Service,
    Task,
    TaskDefinition,
    arn_tail,
)
from aws.paging import (
    CLUSTERS_PER_DESCRIBE,
    CONTAINER_INSTANCES_PER_DESCRIBE,
    LIST_PAGE,
    SERVICES_PER_DESCRIBE,
    TASKS_PER_DESCRIBE,
    OnBatch,
    call,
    describe_batched,
    pages,
    unique,
)
from aws.session import Clients

if TYPE_CHECKING:
    from types_aiobotocore_ecs.literals import DesiredStatusType, TaskDefinitionStatusType
    from types_aiobotocore_ecs.type_defs import (
        ClusterTypeDef,
        ContainerInstanceTypeDef,
        ListTasksRequestPaginateTypeDef,
        TaskTypeDef,
    )

from aws.ecs_convert import (
    cluster_from_dict,
    container_instance_from_dict,
    service_from_dict,
    task_definition_from_response,
    task_from_dict,
)

_FULL_TASKDEF_ARN = re.compile(r"^arn:[\w-]+:ecs:[^:]*:\d*:task-definition/[^:/]+:\d+$")
_EPOCH = datetime.min.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- clusters


async def list_cluster_arns(c: Clients) -> list[str]:
    pager = c.ecs.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": LIST_PAGE})
    return [a async for page in pages(c, pager) for a in page.get("clusterArns", [])]


async def read_clusters(c: Clients, arns: Sequence[str] | None = None) -> list[Cluster]:
    """Clusters in ``arns`` order (all of them when None), names accepted, MISSING ones dropped.

    ceil(N/100) ListClusters (when listing) + ceil(N/100) DescribeClusters, counts included.
    """
    if arns is None:
        arns = await list_cluster_arns(c)

    async def describe(batch: list[str]) -> list[ClusterTypeDef]:
        page = await call(c, c.ecs.describe_clusters, clusters=batch)
        return page.get("clusters", [])

    docs = await describe_batched(
        arns,
        CLUSTERS_PER_DESCRIBE,
        describe,
        lambda d: (d.get("clusterArn"), d.get("clusterName")),
    )
    return [cluster_from_dict(d) for d in docs]


# --------------------------------------------------------------------------- services


async def list_service_arns(c: Clients, cluster: str) -> list[str]:
    """Every service ARN (ListServices defaults to 10 a page: always ask for 100)."""
    pager = c.ecs.get_paginator("list_services").paginate(
        cluster=cluster, PaginationConfig={"PageSize": LIST_PAGE}
    )
    return [a async for page in pages(c, pager) for a in page.get("serviceArns", [])]


async def describe_services(
    c: Clients,
    cluster: str,
    arns: Sequence[str],
    *,
    on_batch: OnBatch[Service] | None = None,
) -> list[Service]:
    """DescribeServices 10 at a time, concurrently; results in input order (failures dropped).

    ``on_batch`` (sync or async) is called with each batch's services as it arrives, for progressive
    loading; batches may arrive out of order.
    """

    async def describe(batch: list[str]) -> list[Service]:
        page = await call(
            c, c.ecs.describe_services, cluster=cluster, services=batch, include=["TAGS"]
        )
        return [service_from_dict(d) for d in page.get("services", [])]

    return await describe_batched(
        arns, SERVICES_PER_DESCRIBE, describe, lambda s: (s.arn, s.name), on_batch=on_batch
    )


async def read_services(
    c: Clients,
    cluster: str,
    *,
    on_batch: OnBatch[Service] | None = None,
    on_listed: Callable[[int], None] | None = None,
) -> tuple[list[str], list[Service]]:
    """Every service ARN of a cluster and every service, in ListServices order.

    Each ListServices page's services are described while the next page is read, so the first
    rows come after two round trips rather than after the whole list (20 sequential pages for
    2,000 services). Costs ceil(S/100) ListServices + ceil(S/10) DescribeServices, as a list then
    describe would. ``on_listed`` gets the count of ARNs listed so far after each page.
    """
    pager = c.ecs.get_paginator("list_services").paginate(
        cluster=cluster, PaginationConfig={"PageSize": LIST_PAGE}
    )
    arns: list[str] = []
    describing: list[asyncio.Task[list[Service]]] = []
    try:
        async for page in pages(c, pager):
            listed = list(page.get("serviceArns", []))
            arns.extend(listed)
            if on_listed is not None:
                on_listed(len(arns))
            describing.append(
                asyncio.create_task(describe_services(c, cluster, listed, on_batch=on_batch))
            )
        described = await asyncio.gather(*describing)
    finally:
        for task in describing:
            task.cancel()
    return arns, [s for batch in described for s in batch]


# --------------------------------------------------------------------------- tasks


async def list_task_arns(
    c: Clients,
    cluster: str,
    *,
    service_name: str | None = None,
    desired_status: DesiredStatusType = "RUNNING",
    container_instance: str | None = None,
    family: str | None = None,
) -> list[str]:
    """Task ARNs by desired status (sent every time, so a reader says which list it wants),
    of one service, one container instance or one task-definition family when asked."""
    kwargs: ListTasksRequestPaginateTypeDef = {
        "cluster": cluster,
        "desiredStatus": desired_status,
        "PaginationConfig": {"PageSize": LIST_PAGE},
    }
    if service_name:
        kwargs["serviceName"] = service_name
    if container_instance:
        kwargs["containerInstance"] = container_instance
    if family:
        kwargs["family"] = family
    pager = c.ecs.get_paginator("list_tasks").paginate(**kwargs)
    return [a async for page in pages(c, pager) for a in page.get("taskArns", [])]


async def _describe_task_docs(c: Clients, cluster: str, arns: Sequence[str]) -> list[TaskTypeDef]:
    async def describe(batch: list[str]) -> list[TaskTypeDef]:
        page = await call(c, c.ecs.describe_tasks, cluster=cluster, tasks=batch)
        return page.get("tasks", [])

    return await describe_batched(
        arns, TASKS_PER_DESCRIBE, describe, lambda d: (d.get("taskArn"), _id(d.get("taskArn")))
    )


def _id(arn: str | None) -> str | None:
    return arn_tail(arn) if arn else None


async def describe_tasks(c: Clients, cluster: str, arns: Sequence[str]) -> list[Task]:
    """DescribeTasks 100 at a time, concurrently; input order; unknown ARNs dropped."""
    return [task_from_dict(d) for d in await _describe_task_docs(c, cluster, arns)]


async def _describe_instance_docs(
    c: Clients, cluster: str, arns: Sequence[str]
) -> list[ContainerInstanceTypeDef]:
    async def describe(batch: list[str]) -> list[ContainerInstanceTypeDef]:
        page = await call(
            c, c.ecs.describe_container_instances, cluster=cluster, containerInstances=batch
        )
        return page.get("containerInstances", [])

    def keys(d: ContainerInstanceTypeDef) -> tuple[str | None, str | None]:
        return d.get("containerInstanceArn"), _id(d.get("containerInstanceArn"))

    return await describe_batched(arns, CONTAINER_INSTANCES_PER_DESCRIBE, describe, keys)


async def _instance_ids(c: Clients, cluster: str, arns: Sequence[str]) -> dict[str, str]:
    """EC2 instance id by container-instance ARN (none asked for: no call)."""
    return {
        arn: ec2_id
        for d in await _describe_instance_docs(c, cluster, arns)
        if (arn := d.get("containerInstanceArn")) and (ec2_id := d.get("ec2InstanceId"))
    }


def task_order(t: Task) -> tuple[int, float, str]:
    stopped = t.last_status == "STOPPED"
    when = (t.stopped_at if stopped else None) or t.started_at or t.created_at or _EPOCH
    return (1 if stopped else 0, -when.timestamp(), t.arn)


async def read_service_tasks(
    c: Clients, cluster: str, service_name: str, *, include_stopped: bool = True
) -> list[Task]:
    """A service's RUNNING and (optionally) recently STOPPED tasks, all pages of each.

    ListTasks' serviceName does the filtering (ECS answers only the service's tasks). EC2 tasks
    get ``ec2_instance_id`` from one DescribeContainerInstances per 100 distinct instances. Order:
    not yet stopped first, then stopped; each newest first.
    """
    statuses: list[DesiredStatusType] = ["RUNNING", "STOPPED"] if include_stopped else ["RUNNING"]
    lists = await asyncio.gather(
        *(list_task_arns(c, cluster, service_name=service_name, desired_status=s) for s in statuses)
    )
    docs = await _describe_task_docs(c, cluster, [a for arns in lists for a in arns])
    ids = await _instance_ids(c, cluster, [d.get("containerInstanceArn") or "" for d in docs])
    tasks = [
        task_from_dict(d, ec2_instance_id=ids.get(d.get("containerInstanceArn") or ""))
        for d in docs
    ]
    return sorted(tasks, key=task_order)


async def fill_instance_ids(c: Clients, cluster: str, tasks: Sequence[Task]) -> list[Task]:
    """Tasks with ``ec2_instance_id`` set from their container instance (one describe per 100)."""
    ids = await _instance_ids(c, cluster, [t.container_instance_arn or "" for t in tasks])
    return [
        dataclasses.replace(t, ec2_instance_id=ids.get(t.container_instance_arn or ""))
        if t.container_instance_arn and not t.ec2_instance_id
        else t
        for t in tasks
    ]


# --------------------------------------------------------------------------- container instances


async def read_container_instances(c: Clients, cluster: str) -> list[ContainerInstance]:
    """Every container instance: ceil(N/100) ListContainerInstances + as many describes."""
    pager = c.ecs.get_paginator("list_container_instances").paginate(
        cluster=cluster, PaginationConfig={"PageSize": LIST_PAGE}
    )
    arns = [a async for page in pages(c, pager) for a in page.get("containerInstanceArns", [])]
    return await describe_container_instances(c, cluster, arns)


async def describe_container_instances(
    c: Clients, cluster: str, arns: Sequence[str]
) -> list[ContainerInstance]:
    """DescribeContainerInstances 100 at a time, concurrently; input order; unknown ARNs dropped."""
    return [
        container_instance_from_dict(d) for d in await _describe_instance_docs(c, cluster, arns)
    ]


# --------------------------------------------------------------------------- task definitions


def is_full_task_definition_arn(arn: str) -> bool:
    return bool(_FULL_TASKDEF_ARN.match(arn))


async def read_task_definition(c: Clients, arn: str) -> TaskDefinition:
    """One revision, cached in ``c.taskdef_cache`` by full ARN (revisions are immutable).

    A family or ``family:revision`` is always asked for (its result is cached under its full ARN).
    """
    cached = c.taskdef_cache.get(arn)
    if isinstance(cached, TaskDefinition):
        return cached
    response = await call(c, c.ecs.describe_task_definition, taskDefinition=arn, include=["TAGS"])
    td = task_definition_from_response(response)
    if is_full_task_definition_arn(td.arn):
        c.taskdef_cache[td.arn] = td
    if is_full_task_definition_arn(arn):
        c.taskdef_cache[arn] = td
    return td


async def list_task_definition_families(c: Clients) -> list[str]:
    """Families with at least one ACTIVE revision, sorted (ceil(F/100) calls)."""
    pager = c.ecs.get_paginator("list_task_definition_families").paginate(
        status="ACTIVE", PaginationConfig={"PageSize": LIST_PAGE}
    )
    return sorted(unique([f async for page in pages(c, pager) for f in page.get("families", [])]))


def _revision(arn: str) -> int:
    tail = arn.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else -1


async def list_task_definition_revisions(
    c: Clients, family: str, status: TaskDefinitionStatusType = "ACTIVE"
) -> list[str]:
    """Revision ARNs of exactly ``family`` in ``status`` (familyPrefix is a prefix match),
    newest first."""
    pager = c.ecs.get_paginator("list_task_definitions").paginate(
        familyPrefix=family, status=status, sort="DESC", PaginationConfig={"PageSize": LIST_PAGE}
    )
    arns = [
        a
        async for page in pages(c, pager)
        for a in page.get("taskDefinitionArns", [])
        if arn_tail(a).rsplit(":", 1)[0] == family
    ]
    return sorted(unique(arns), key=_revision, reverse=True)
