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

from aws import convert as cv
from aws.convert import Doc
from aws.models import (
    Cluster,
    Container,
    ContainerInstance,
    Deployment,
    DeploymentConfig,
    LoadBalancerRef,
    ManagedAgent,
    NetworkBinding,
    NetworkConfig,
    PlacementRule,
    Service,
    ServiceEvent,
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

_FULL_TASKDEF_ARN = re.compile(r"^arn:[\w-]+:ecs:[^:]*:\d*:task-definition/[^:/]+:\d+$")
_EPOCH = datetime.min.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- conversion


def cluster_from_dict(d: Doc) -> Cluster:
    """A Cluster with DescribeClusters' own counts: ECS keeps them, and they cost no extra call."""
    arn = cv.s(d, "clusterArn") or ""
    return Cluster(
        arn=arn,
        name=cv.s(d, "clusterName") or arn_tail(arn),
        status=cv.s(d, "status"),
        service_count=cv.i(d, "activeServicesCount"),
        running_tasks=cv.i(d, "runningTasksCount"),
        pending_tasks=cv.i(d, "pendingTasksCount"),
        container_instances=cv.i(d, "registeredContainerInstancesCount"),
        capacity_providers=cv.strs(d, "capacityProviders"),
        default_strategy=cv.strategy(d, "defaultCapacityProviderStrategy"),
    )


def deployment_from_dict(d: Doc) -> Deployment:
    return Deployment(
        id=cv.s(d, "id") or "",
        status=cv.s(d, "status") or "",
        task_definition=cv.s(d, "taskDefinition") or "",
        desired=cv.i0(d, "desiredCount"),
        running=cv.i0(d, "runningCount"),
        pending=cv.i0(d, "pendingCount"),
        failed_tasks=cv.i0(d, "failedTasks"),
        rollout_state=cv.s(d, "rolloutState"),
        rollout_reason=cv.s(d, "rolloutStateReason"),
        launch_type=cv.s(d, "launchType"),
        capacity_provider_strategy=cv.strategy(d, "capacityProviderStrategy"),
        created_at=cv.dt(d, "createdAt"),
        updated_at=cv.dt(d, "updatedAt"),
    )


def _network(d: Doc) -> NetworkConfig | None:
    net = d.get("networkConfiguration")
    vpc = net.get("awsvpcConfiguration") if isinstance(net, dict) else None
    if not isinstance(vpc, dict):
        return None
    return NetworkConfig(
        subnets=cv.strs(vpc, "subnets"),
        security_groups=cv.strs(vpc, "securityGroups"),
        assign_public_ip=cv.s(vpc, "assignPublicIp"),
    )


def deployment_config_from_dict(d: Doc) -> DeploymentConfig | None:
    """deploymentConfiguration: the percentages a rollout keeps to, and what fails it."""
    raw = d.get("deploymentConfiguration")
    if not isinstance(raw, dict):
        return None
    breaker = raw.get("deploymentCircuitBreaker")
    alarms = raw.get("alarms")
    return DeploymentConfig(
        minimum_healthy_percent=cv.i(raw, "minimumHealthyPercent"),
        maximum_percent=cv.i(raw, "maximumPercent"),
        circuit_breaker=bool(cv.b(breaker, "enable")),
        circuit_breaker_rollback=bool(cv.b(breaker, "rollback")),
        alarms=cv.strs(alarms, "alarmNames"),
        alarms_enabled=bool(cv.b(alarms, "enable")),
        alarms_rollback=bool(cv.b(alarms, "rollback")),
        strategy=cv.s(raw, "strategy"),
    )


def service_from_dict(d: Doc) -> Service:
    """A Service; launch type / strategy from the PRIMARY deployment, else the top level."""
    arn = cv.s(d, "serviceArn") or ""
    deployments = tuple(deployment_from_dict(x) for x in cv.dicts(d, "deployments"))
    primary_raw = next(
        (x for x in cv.dicts(d, "deployments") if x.get("status") == "PRIMARY"), None
    )
    if primary_raw is not None and (
        primary_raw.get("launchType") or primary_raw.get("capacityProviderStrategy")
    ):
        launch_type = cv.s(primary_raw, "launchType")
        strategy = cv.strategy(primary_raw, "capacityProviderStrategy")
    else:
        launch_type = cv.s(d, "launchType")
        strategy = cv.strategy(d, "capacityProviderStrategy")
    events = sorted(
        (
            ServiceEvent(
                id=cv.s(e, "id") or "",
                created_at=cv.dt(e, "createdAt"),
                message=cv.s(e, "message") or "",
            )
            for e in cv.dicts(d, "events")
        ),
        key=lambda e: e.created_at or _EPOCH,
        reverse=True,
    )
    controller = d.get("deploymentController")
    return Service(
        arn=arn,
        name=cv.s(d, "serviceName") or arn_tail(arn),
        cluster_arn=cv.s(d, "clusterArn") or "",
        status=cv.s(d, "status"),
        desired=cv.i0(d, "desiredCount"),
        running=cv.i0(d, "runningCount"),
        pending=cv.i0(d, "pendingCount"),
        task_definition=cv.s(d, "taskDefinition"),
        launch_type=launch_type,
        capacity_provider_strategy=strategy,
        deployments=deployments,
        events=tuple(events),
        load_balancers=tuple(
            LoadBalancerRef(
                target_group_arn=cv.s(lb, "targetGroupArn"),
                container_name=cv.s(lb, "containerName"),
                container_port=cv.i(lb, "containerPort"),
                load_balancer_name=cv.s(lb, "loadBalancerName"),
            )
            for lb in cv.dicts(d, "loadBalancers")
        ),
        network=_network(d),
        deployment_controller=cv.s(controller, "type") if isinstance(controller, dict) else None,
        created_at=cv.dt(d, "createdAt"),
        tags=tuple((cv.s(t, "key") or "", cv.s(t, "value") or "") for t in cv.dicts(d, "tags")),
        deployment_config=deployment_config_from_dict(d),
        enable_execute_command=cv.b(d, "enableExecuteCommand"),
        placement_constraints=_placement(d, "placementConstraints", "expression"),
        placement_strategy=_placement(d, "placementStrategy", "field"),
    )


def _placement(d: Doc, key: str, value_key: str) -> tuple[PlacementRule, ...]:
    return tuple(
        PlacementRule(type=kind, value=cv.s(x, value_key))
        for x in cv.dicts(d, key)
        if (kind := cv.s(x, "type"))
    )


def container_from_dict(d: Doc) -> Container:
    return Container(
        name=cv.s(d, "name") or "",
        image=cv.s(d, "image"),
        last_status=cv.s(d, "lastStatus"),
        exit_code=cv.i(d, "exitCode"),
        reason=cv.s(d, "reason"),
        health=cv.s(d, "healthStatus"),
        network_bindings=tuple(
            NetworkBinding(
                container_port=cv.i(nb, "containerPort"),
                host_port=cv.i(nb, "hostPort"),
                protocol=cv.s(nb, "protocol"),
            )
            for nb in cv.dicts(d, "networkBindings")
        ),
        runtime_id=cv.s(d, "runtimeId"),
        managed_agents=tuple(
            ManagedAgent(
                name=cv.s(a, "name") or "",
                last_status=cv.s(a, "lastStatus"),
                reason=cv.s(a, "reason"),
            )
            for a in cv.dicts(d, "managedAgents")
        ),
    )


def _private_ip(d: Doc) -> str | None:
    for att in cv.dicts(d, "attachments"):
        if att.get("type") != "ElasticNetworkInterface":
            continue
        for detail in cv.dicts(att, "details"):
            if detail.get("name") == "privateIPv4Address" and detail.get("value"):
                return str(detail["value"])
    for container in cv.dicts(d, "containers"):
        for ni in cv.dicts(container, "networkInterfaces"):
            ip = cv.s(ni, "privateIpv4Address")
            if ip:
                return ip
    return None


def task_from_dict(d: Doc, *, ec2_instance_id: str | None = None) -> Task:
    return Task(
        arn=cv.s(d, "taskArn") or "",
        cluster_arn=cv.s(d, "clusterArn") or "",
        task_definition=cv.s(d, "taskDefinitionArn"),
        group=cv.s(d, "group"),
        started_by=cv.s(d, "startedBy"),
        last_status=cv.s(d, "lastStatus"),
        desired_status=cv.s(d, "desiredStatus"),
        health=cv.s(d, "healthStatus"),
        launch_type=cv.s(d, "launchType"),
        capacity_provider=cv.s(d, "capacityProviderName"),
        cpu=cv.s(d, "cpu"),
        memory=cv.s(d, "memory"),
        private_ip=_private_ip(d),
        container_instance_arn=cv.s(d, "containerInstanceArn"),
        ec2_instance_id=ec2_instance_id,
        availability_zone=cv.s(d, "availabilityZone"),
        created_at=cv.dt(d, "createdAt"),
        started_at=cv.dt(d, "startedAt"),
        stopping_at=cv.dt(d, "stoppingAt"),
        stopped_at=cv.dt(d, "stoppedAt"),
        stop_code=cv.s(d, "stopCode"),
        stopped_reason=cv.s(d, "stoppedReason"),
        containers=tuple(container_from_dict(x) for x in cv.dicts(d, "containers")),
        enable_execute_command=cv.b(d, "enableExecuteCommand"),
        platform_version=cv.s(d, "platformVersion"),
        platform_family=cv.s(d, "platformFamily"),
    )


def _resource(d: Doc, key: str, name: str) -> int | None:
    """An INTEGER resource (``CPU``, ``MEMORY``) of ``registeredResources``/``remainingResources``."""
    for r in cv.dicts(d, key):
        if r.get("name") == name:
            return cv.i(r, "integerValue")
    return None


def container_instance_from_dict(d: Doc) -> ContainerInstance:
    attributes = {cv.s(a, "name"): cv.s(a, "value") for a in cv.dicts(d, "attributes")}
    version = d.get("versionInfo")
    return ContainerInstance(
        arn=cv.s(d, "containerInstanceArn") or "",
        ec2_instance_id=cv.s(d, "ec2InstanceId"),
        status=cv.s(d, "status"),
        agent_connected=cv.b(d, "agentConnected"),
        running_tasks=cv.i(d, "runningTasksCount"),
        pending_tasks=cv.i(d, "pendingTasksCount"),
        instance_type=attributes.get("ecs.instance-type"),
        availability_zone=attributes.get("ecs.availability-zone"),
        agent_version=cv.s(version, "agentVersion") if isinstance(version, dict) else None,
        cpu_registered=_resource(d, "registeredResources", "CPU"),
        cpu_remaining=_resource(d, "remainingResources", "CPU"),
        memory_registered=_resource(d, "registeredResources", "MEMORY"),
        memory_remaining=_resource(d, "remainingResources", "MEMORY"),
    )


def task_definition_from_response(response: Doc) -> TaskDefinition:
    """From a whole DescribeTaskDefinition response: ``raw`` is ``taskDefinition`` plus ``tags``."""
    body = response.get("taskDefinition")
    raw: dict[str, object] = dict(body) if isinstance(body, dict) else {}
    tags = response.get("tags")
    if tags:
        raw["tags"] = tags
    arn = cv.s(raw, "taskDefinitionArn") or ""
    family = cv.s(raw, "family") or arn_tail(arn).split(":", 1)[0]
    return TaskDefinition(
        arn=arn,
        family=family,
        revision=cv.i0(raw, "revision"),
        network_mode=cv.s(raw, "networkMode"),
        requires_compatibilities=cv.strs(raw, "requiresCompatibilities"),
        cpu=cv.s(raw, "cpu"),
        memory=cv.s(raw, "memory"),
        raw=raw,
    )


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
) -> list[str]:
    """Task ARNs by desired status (sent every time, so a reader says which list it wants),
    of one service or of one container instance when asked."""
    kwargs: ListTasksRequestPaginateTypeDef = {
        "cluster": cluster,
        "desiredStatus": desired_status,
        "PaginationConfig": {"PageSize": LIST_PAGE},
    }
    if service_name:
        kwargs["serviceName"] = service_name
    if container_instance:
        kwargs["containerInstance"] = container_instance
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
