"""ECS responses -> frozen models (aws.models): the one place that knows ECS's field names.

Every field is read defensively (``aws.convert``): a field missing, null or of an unexpected
type becomes None or empty rather than an exception, and an enum value this code does not know
(a new launch type, deployment strategy or status) is kept as the string AWS sent, so a newer
ECS feature shows as it comes instead of crashing a pane.
"""

from __future__ import annotations

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

if TYPE_CHECKING:
    pass

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


def _primary(d: Doc) -> Doc | None:
    return next((x for x in cv.dicts(d, "deployments") if x.get("status") == "PRIMARY"), None)


def service_from_dict(d: Doc) -> Service:
    """A Service; launch type / strategy from the PRIMARY deployment, else the top level."""
    arn = cv.s(d, "serviceArn") or ""
    deployments = tuple(deployment_from_dict(x) for x in cv.dicts(d, "deployments"))
    primary_raw = _primary(d)
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
        load_balancers=_load_balancers(d),
        network=_network(d),
        deployment_controller=cv.s(controller, "type") if isinstance(controller, dict) else None,
        created_at=cv.dt(d, "createdAt"),
        tags=tuple((cv.s(t, "key") or "", cv.s(t, "value") or "") for t in cv.dicts(d, "tags")),
        deployment_config=deployment_config_from_dict(d),
        enable_execute_command=cv.b(d, "enableExecuteCommand"),
        placement_constraints=_placement(d, "placementConstraints", "expression"),
        placement_strategy=_placement(d, "placementStrategy", "field"),
        health_check_grace_period=cv.i(d, "healthCheckGracePeriodSeconds"),
        propagate_tags=cv.s(d, "propagateTags"),
        az_rebalancing=cv.s(d, "availabilityZoneRebalancing"),
        platform_version=cv.s(primary_raw or {}, "platformVersion") or cv.s(d, "platformVersion"),
    )


def _load_balancers(d: Doc) -> tuple[LoadBalancerRef, ...]:
    return tuple(
        LoadBalancerRef(
            target_group_arn=cv.s(lb, "targetGroupArn"),
            container_name=cv.s(lb, "containerName"),
            container_port=cv.i(lb, "containerPort"),
            load_balancer_name=cv.s(lb, "loadBalancerName"),
        )
        for lb in cv.dicts(d, "loadBalancers")
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
