"""ECS readers: paginate -> batch describe -> convert to frozen models.

Batch and page sizes are AWS's (aws-facts.md section 1): every List* call sends maxResults=100,
DescribeServices takes 10 names, DescribeClusters/DescribeTasks/DescribeContainerInstances 100.
Describe batches run concurrently; each request holds one slot of ``c.limit`` while in flight.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from aws import convert as cv
from aws.convert import Doc
from aws.models import (
    Cluster,
    Container,
    ContainerInstance,
    Deployment,
    LoadBalancerRef,
    NetworkBinding,
    NetworkConfig,
    Service,
    ServiceEvent,
    Task,
    TaskDefinition,
)
from aws.paging import (
    CLUSTERS_PER_DESCRIBE,
    CONTAINER_INSTANCES_PER_DESCRIBE,
    LIST_PAGE,
    SERVICES_PER_DESCRIBE,
    TASKS_PER_DESCRIBE,
    call,
    chunks,
    gather_bounded,
    paged,
    unique,
)
from aws.session import Clients

OnBatch = Callable[[list[Service]], Awaitable[None] | None]

_FULL_TASKDEF_ARN = re.compile(r"^arn:[\w-]+:ecs:[^:]*:\d*:task-definition/[^:/]+:\d+$")
_EPOCH = datetime.min.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- conversion


def cluster_from_dict(
    d: Doc,
    *,
    service_count: int | None = None,
    running_tasks: int | None = None,
    pending_tasks: int | None = None,
    container_instances: int | None = None,
) -> Cluster:
    """A Cluster; counts come from the caller (computed), never from DescribeClusters."""
    arn = cv.s(d, "clusterArn") or ""
    return Cluster(
        arn=arn,
        name=cv.s(d, "clusterName") or arn.rsplit("/", 1)[-1],
        status=cv.s(d, "status"),
        service_count=service_count,
        running_tasks=running_tasks,
        pending_tasks=pending_tasks,
        container_instances=container_instances,
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
        name=cv.s(d, "serviceName") or arn.rsplit("/", 1)[-1],
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
    )


def container_instance_from_dict(d: Doc) -> ContainerInstance:
    return ContainerInstance(
        arn=cv.s(d, "containerInstanceArn") or "",
        ec2_instance_id=cv.s(d, "ec2InstanceId"),
        status=cv.s(d, "status"),
        agent_connected=cv.b(d, "agentConnected"),
        running_tasks=cv.i(d, "runningTasksCount"),
        pending_tasks=cv.i(d, "pendingTasksCount"),
    )


def task_definition_from_response(response: Doc) -> TaskDefinition:
    """From a whole DescribeTaskDefinition response: ``raw`` is ``taskDefinition`` plus ``tags``."""
    body = response.get("taskDefinition")
    raw: dict[str, object] = dict(body) if isinstance(body, dict) else {}
    tags = response.get("tags")
    if tags:
        raw["tags"] = tags
    arn = cv.s(raw, "taskDefinitionArn") or ""
    family = cv.s(raw, "family") or arn.rsplit("/", 1)[-1].split(":", 1)[0]
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
    return [
        str(a) for a in await paged(c, c.ecs.list_clusters, "clusterArns", maxResults=LIST_PAGE)
    ]


async def _cluster_counts(c: Clients, arn: str) -> tuple[int, int, int]:
    services, tasks, instances = await asyncio.gather(
        list_service_arns(c, arn),
        list_task_arns(c, arn, desired_status="RUNNING"),
        paged(
            c,
            c.ecs.list_container_instances,
            "containerInstanceArns",
            cluster=arn,
            maxResults=LIST_PAGE,
        ),
    )
    return len(services), len(tasks), len(instances)


async def read_clusters(
    c: Clients, arns: list[str] | None = None, *, with_counts: bool = True
) -> list[Cluster]:
    """Clusters in ``arns`` order (all of them when None), MISSING ones dropped.

    With ``with_counts``, service_count / running_tasks / container_instances are computed from
    ListServices / ListTasks(desiredStatus=RUNNING) / ListContainerInstances (1+ call each per
    cluster); pending_tasks stays None (it would need DescribeTasks). Without, all counts are None.
    """
    if arns is None:
        arns = await list_cluster_arns(c)
    arns = unique(arns)
    pages = await gather_bounded(
        call(c, c.ecs.describe_clusters, clusters=batch)
        for batch in chunks(arns, CLUSTERS_PER_DESCRIBE)
    )
    found: dict[str, Doc] = {}
    for page in pages:
        for d in cv.dicts(page, "clusters"):
            found[cv.s(d, "clusterArn") or ""] = d
            found.setdefault(cv.s(d, "clusterName") or "", d)
    docs: list[Doc] = []
    seen: set[str] = set()
    for arn in arns:
        doc = found.get(arn)
        if doc is not None and (cv.s(doc, "clusterArn") or "") not in seen:
            seen.add(cv.s(doc, "clusterArn") or "")
            docs.append(doc)
    if not with_counts:
        return [cluster_from_dict(d) for d in docs]
    counts = await gather_bounded(_cluster_counts(c, cv.s(d, "clusterArn") or "") for d in docs)
    return [
        cluster_from_dict(
            d, service_count=n_s, running_tasks=n_t, pending_tasks=None, container_instances=n_i
        )
        for d, (n_s, n_t, n_i) in zip(docs, counts, strict=True)
    ]


# --------------------------------------------------------------------------- services


async def list_service_arns(c: Clients, cluster: str) -> list[str]:
    """Every service ARN (ListServices defaults to 10 a page: always ask for 100)."""
    items = await paged(
        c, c.ecs.list_services, "serviceArns", cluster=cluster, maxResults=LIST_PAGE
    )
    return [str(a) for a in items]


async def describe_services(
    c: Clients,
    cluster: str,
    arns: Sequence[str],
    *,
    on_batch: OnBatch | None = None,
) -> list[Service]:
    """DescribeServices 10 at a time, concurrently; results in input order (failures dropped).

    ``on_batch`` (sync or async) is called with each batch's services as it arrives, for progressive
    loading; batches may arrive out of order.
    """

    async def one(batch: list[str]) -> list[Service]:
        page = await call(
            c, c.ecs.describe_services, cluster=cluster, services=batch, include=["TAGS"]
        )
        services = [service_from_dict(d) for d in cv.dicts(page, "services")]
        if on_batch is not None:
            result = on_batch(services)
            if inspect.isawaitable(result):
                await result
        return services

    wanted = unique(arns)
    batches = await gather_bounded(one(b) for b in chunks(wanted, SERVICES_PER_DESCRIBE))
    by_key: dict[str, Service] = {}
    for batch in batches:
        for item in batch:
            by_key[item.arn] = item
            by_key.setdefault(item.name, item)
    out: list[Service] = []
    seen: set[str] = set()
    for key in wanted:
        found = by_key.get(key)
        if found is not None and found.arn not in seen:
            seen.add(found.arn)
            out.append(found)
    return out


async def read_services(
    c: Clients, cluster: str, *, on_batch: OnBatch | None = None
) -> list[Service]:
    """All services of a cluster: ceil(S/100) ListServices + ceil(S/10) DescribeServices."""
    return await describe_services(
        c, cluster, await list_service_arns(c, cluster), on_batch=on_batch
    )


# --------------------------------------------------------------------------- tasks


async def list_task_arns(
    c: Clients,
    cluster: str,
    *,
    service_name: str | None = None,
    desired_status: str = "RUNNING",
) -> list[str]:
    """Task ARNs by desired status (always sent: moto returns STOPPED tasks without it)."""
    kwargs: dict[str, Any] = {
        "cluster": cluster,
        "desiredStatus": desired_status,
        "maxResults": LIST_PAGE,
    }
    if service_name:
        kwargs["serviceName"] = service_name
    return [str(a) for a in await paged(c, c.ecs.list_tasks, "taskArns", **kwargs)]


async def _describe_task_docs(c: Clients, cluster: str, arns: Sequence[str]) -> list[Doc]:
    wanted = unique(arns)
    pages = await gather_bounded(
        call(c, c.ecs.describe_tasks, cluster=cluster, tasks=batch)
        for batch in chunks(wanted, TASKS_PER_DESCRIBE)
    )
    by_arn = {cv.s(d, "taskArn"): d for page in pages for d in cv.dicts(page, "tasks")}
    return [by_arn[a] for a in wanted if a in by_arn]


async def describe_tasks(c: Clients, cluster: str, arns: Sequence[str]) -> list[Task]:
    """DescribeTasks 100 at a time, concurrently; input order; unknown ARNs dropped."""
    return [task_from_dict(d) for d in await _describe_task_docs(c, cluster, arns)]


async def _instance_ids(c: Clients, cluster: str, arns: Sequence[str]) -> dict[str, str]:
    wanted = unique(a for a in arns if a)
    if not wanted:
        return {}
    pages = await gather_bounded(
        call(c, c.ecs.describe_container_instances, cluster=cluster, containerInstances=batch)
        for batch in chunks(wanted, CONTAINER_INSTANCES_PER_DESCRIBE)
    )
    out: dict[str, str] = {}
    for page in pages:
        for d in cv.dicts(page, "containerInstances"):
            arn, ec2_id = cv.s(d, "containerInstanceArn"), cv.s(d, "ec2InstanceId")
            if arn and ec2_id:
                out[arn] = ec2_id
    return out


def task_order(t: Task) -> tuple[int, float, str]:
    stopped = t.last_status == "STOPPED"
    when = (t.stopped_at if stopped else None) or t.started_at or t.created_at or _EPOCH
    return (1 if stopped else 0, -when.timestamp(), t.arn)


async def read_service_tasks(
    c: Clients, cluster: str, service_name: str, *, include_stopped: bool = True
) -> list[Task]:
    """A service's RUNNING and (optionally) recently STOPPED tasks, all pages of each.

    Filtered by ``group == "service:<name>"`` (moto ignores serviceName). EC2 tasks get
    ``ec2_instance_id`` from one DescribeContainerInstances per 100 distinct instances. Order: not
    yet stopped first, then stopped; each newest first.
    """
    statuses = ["RUNNING", "STOPPED"] if include_stopped else ["RUNNING"]
    lists = await asyncio.gather(
        *(list_task_arns(c, cluster, service_name=service_name, desired_status=s) for s in statuses)
    )
    docs = await _describe_task_docs(c, cluster, [a for arns in lists for a in arns])
    group = f"service:{service_name}"
    docs = [d for d in docs if d.get("group") == group]
    ids = await _instance_ids(c, cluster, [cv.s(d, "containerInstanceArn") or "" for d in docs])
    tasks = [
        task_from_dict(d, ec2_instance_id=ids.get(cv.s(d, "containerInstanceArn") or ""))
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
    arns = await paged(
        c,
        c.ecs.list_container_instances,
        "containerInstanceArns",
        cluster=cluster,
        maxResults=LIST_PAGE,
    )
    wanted = unique(str(a) for a in arns)
    pages = await gather_bounded(
        call(c, c.ecs.describe_container_instances, cluster=cluster, containerInstances=batch)
        for batch in chunks(wanted, CONTAINER_INSTANCES_PER_DESCRIBE)
    )
    by_arn = {
        cv.s(d, "containerInstanceArn"): d
        for page in pages
        for d in cv.dicts(page, "containerInstances")
    }
    return [container_instance_from_dict(by_arn[a]) for a in wanted if a in by_arn]


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


def _revision(arn: str) -> int:
    tail = arn.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else -1


async def list_task_definition_revisions(c: Clients, family: str) -> list[str]:
    """ACTIVE revision ARNs of exactly ``family`` (familyPrefix is a prefix match), newest first."""
    items = await paged(
        c,
        c.ecs.list_task_definitions,
        "taskDefinitionArns",
        familyPrefix=family,
        sort="DESC",
        maxResults=LIST_PAGE,
    )
    arns = [str(a) for a in items if str(a).rsplit("/", 1)[-1].rsplit(":", 1)[0] == family]
    return sorted(unique(arns), key=_revision, reverse=True)
