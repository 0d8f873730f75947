"""Typed snapshots of an ECS account.

Readers convert boto dicts into these once, at the edge, so the UI never indexes a dict and a field
that AWS leaves out is ``None`` here rather than a ``KeyError`` three screens later.
All are frozen: a snapshot is a value, and a refresh produces new ones.
This module holds ECS's own (clusters, services, tasks, instances, task definitions); the other
services' live beside it: elb_models, ecr_models, log_models, problem_models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def arn_tail(arn_or_name: str | None) -> str:
    """What follows the last "/": the name or id in an ARN, and a bare name unchanged.

    ECS accepts either form wherever it takes a cluster, service or task, so code that needs the
    short form takes both.
    """
    return (arn_or_name or "").rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Cluster:
    arn: str
    name: str
    status: str | None
    #: DescribeClusters' counts (ECS keeps them, eventually consistent); None when absent.
    service_count: int | None
    running_tasks: int | None
    pending_tasks: int | None
    container_instances: int | None
    capacity_providers: tuple[str, ...] = ()
    default_strategy: tuple[CapacityProviderItem, ...] = ()


@dataclass(frozen=True, slots=True)
class CapacityProviderItem:
    provider: str
    weight: int = 0
    base: int = 0


@dataclass(frozen=True, slots=True)
class LoadBalancerRef:
    target_group_arn: str | None
    container_name: str | None
    container_port: int | None
    load_balancer_name: str | None = None


@dataclass(frozen=True, slots=True)
class Deployment:
    id: str
    status: str  # PRIMARY / ACTIVE / INACTIVE
    task_definition: str
    desired: int
    running: int
    pending: int
    failed_tasks: int
    rollout_state: str | None  # IN_PROGRESS / COMPLETED / FAILED
    rollout_reason: str | None
    launch_type: str | None
    capacity_provider_strategy: tuple[CapacityProviderItem, ...]
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeploymentConfig:
    """A service's deploymentConfiguration: the rules a rollout runs under."""

    minimum_healthy_percent: int | None = None
    maximum_percent: int | None = None
    #: Deployment circuit breaker: ECS marks the rollout FAILED after repeated task failures.
    circuit_breaker: bool = False
    #: ... and, with rollback, goes back to the last COMPLETED deployment.
    circuit_breaker_rollback: bool = False
    #: CloudWatch alarm names that fail the rollout when they go into ALARM.
    alarms: tuple[str, ...] = ()
    alarms_enabled: bool = False
    alarms_rollback: bool = False
    strategy: str | None = None  # ROLLING / BLUE_GREEN / ... as ECS reports it


@dataclass(frozen=True, slots=True)
class ServiceEvent:
    id: str
    created_at: datetime | None
    message: str


@dataclass(frozen=True, slots=True)
class NetworkConfig:
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]
    assign_public_ip: str | None


@dataclass(frozen=True, slots=True)
class PlacementRule:
    """One placementConstraints item (``type`` distinctInstance / memberOf, ``expression``) or
    placementStrategy item (``type`` spread / binpack / random, ``field``): EC2 only, Fargate
    has neither, so a switch to Fargate clears them."""

    type: str
    #: The constraint's expression or the strategy's field; None when AWS leaves it out.
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Service:
    arn: str
    name: str
    cluster_arn: str
    status: str | None
    desired: int
    running: int
    pending: int
    task_definition: str | None
    #: What runs now, read from the PRIMARY deployment: "EC2", "FARGATE", "EXTERNAL", or None
    #: when a capacity provider strategy is used instead (see ``capacity_provider_strategy``).
    launch_type: str | None
    capacity_provider_strategy: tuple[CapacityProviderItem, ...]
    deployments: tuple[Deployment, ...]
    events: tuple[ServiceEvent, ...]
    load_balancers: tuple[LoadBalancerRef, ...]
    network: NetworkConfig | None
    deployment_controller: str | None
    created_at: datetime | None
    #: (key, value) pairs; AWS returns them only with include=["TAGS"].
    tags: tuple[tuple[str, str], ...] = ()
    #: deploymentConfiguration: how a rollout may proceed and when ECS gives up on it.
    deployment_config: DeploymentConfig | None = None
    #: ECS Exec for tasks started from now on (those running keep what they started with).
    enable_execute_command: bool | None = None
    placement_constraints: tuple[PlacementRule, ...] = ()
    placement_strategy: tuple[PlacementRule, ...] = ()
    #: healthCheckGracePeriodSeconds: how long ECS ignores failing load balancer health checks
    #: of a new task (None when the service has no load balancer or never set it).
    health_check_grace_period: int | None = None
    #: propagateTags: where new tasks take their tags from (TASK_DEFINITION, SERVICE or NONE).
    propagate_tags: str | None = None
    #: availabilityZoneRebalancing: ENABLED or DISABLED (None: never set, which ECS treats as
    #: DISABLED).
    az_rebalancing: str | None = None
    #: Fargate's platform version (``LATEST``, ``1.4.0``); None on EC2 or when not set.
    platform_version: str | None = None

    @property
    def primary(self) -> Deployment | None:
        return next((d for d in self.deployments if d.status == "PRIMARY"), None)

    @property
    def rollout_state(self) -> str | None:
        primary = self.primary
        return primary.rollout_state if primary else None

    @property
    def steady(self) -> bool:
        """The ServicesStable waiter's rule: one deployment and running == desired."""
        return len(self.deployments) <= 1 and self.running == self.desired

    @property
    def in_motion(self) -> bool:
        """Worth re-describing every tick: a rollout, pending tasks or a shortfall."""
        return (
            not self.steady or self.pending > 0 or self.rollout_state in ("IN_PROGRESS", "FAILED")
        )

    @property
    def compute(self) -> str:
        """Short label for what the service runs on: a launch type or its strategy's providers."""
        if self.capacity_provider_strategy:
            return "+".join(i.provider for i in self.capacity_provider_strategy)
        return self.launch_type or "?"


@dataclass(frozen=True, slots=True)
class NetworkBinding:
    container_port: int | None
    host_port: int | None
    protocol: str | None


@dataclass(frozen=True, slots=True)
class ManagedAgent:
    """An agent ECS runs beside a container (``ExecuteCommandAgent`` for ECS Exec)."""

    name: str
    last_status: str | None  # PENDING / RUNNING / STOPPED
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Container:
    name: str
    image: str | None
    last_status: str | None
    exit_code: int | None
    reason: str | None
    health: str | None
    network_bindings: tuple[NetworkBinding, ...] = ()
    #: The Docker id ECS Exec's session target names (``ecs:<cluster>_<task id>_<runtime id>``).
    runtime_id: str | None = None
    managed_agents: tuple[ManagedAgent, ...] = ()


@dataclass(frozen=True, slots=True)
class Task:
    arn: str
    cluster_arn: str
    task_definition: str | None
    group: str | None
    started_by: str | None
    last_status: str | None
    desired_status: str | None
    health: str | None
    launch_type: str | None
    capacity_provider: str | None
    cpu: str | None
    memory: str | None
    private_ip: str | None
    container_instance_arn: str | None
    ec2_instance_id: str | None  # filled by the reader from container instances, when known
    availability_zone: str | None
    created_at: datetime | None
    started_at: datetime | None
    stopping_at: datetime | None
    stopped_at: datetime | None
    stop_code: str | None
    stopped_reason: str | None
    containers: tuple[Container, ...]
    #: Set when the task started: a service change reaches only tasks started after it.
    enable_execute_command: bool | None = None
    platform_version: str | None = None  # Fargate: "1.4.0"; None on EC2
    platform_family: str | None = None  # Fargate: "Linux" / "Windows_Server_..."

    @property
    def id(self) -> str:
        return arn_tail(self.arn)

    @property
    def service_name(self) -> str | None:
        if self.group and self.group.startswith("service:"):
            return self.group.removeprefix("service:")
        return None

    @property
    def host_ports(self) -> tuple[int, ...]:
        return tuple(
            b.host_port for c in self.containers for b in c.network_bindings if b.host_port
        )


@dataclass(frozen=True, slots=True)
class ContainerInstance:
    arn: str
    ec2_instance_id: str | None
    status: str | None
    agent_connected: bool | None
    running_tasks: int | None
    pending_tasks: int | None
    #: The ``ecs.instance-type`` and ``ecs.availability-zone`` attributes the agent registers.
    instance_type: str | None = None
    availability_zone: str | None = None
    agent_version: str | None = None
    #: CPU units and MiB of memory: registered (the instance's capacity for tasks) and
    #: remaining (what placement can still give); None when ECS does not say.
    cpu_registered: int | None = None
    cpu_remaining: int | None = None
    memory_registered: int | None = None
    memory_remaining: int | None = None

    @property
    def id(self) -> str:
        return arn_tail(self.arn) or self.arn


@dataclass(frozen=True, slots=True)
class TaskDefinition:
    arn: str
    family: str
    revision: int
    network_mode: str | None
    requires_compatibilities: tuple[str, ...]
    cpu: str | None
    memory: str | None
    #: The full DescribeTaskDefinition body (``taskDefinition``) plus top-level ``tags``: kept raw
    #: because registering a revision starts from exactly what AWS returned.
    raw: dict[str, object]

    @property
    def container_images(self) -> dict[str, str]:
        out: dict[str, str] = {}
        defs = self.raw.get("containerDefinitions")
        for c in defs if isinstance(defs, list) else []:
            if isinstance(c, dict):
                out[str(c.get("name"))] = str(c.get("image"))
        return out


@dataclass(frozen=True, slots=True)
class TaskDefinitionFamily:
    """A family as one ListTaskDefinitions (ACTIVE) listing names it: its newest ACTIVE
    revision and how many revisions are ACTIVE. What the newest holds is read apart
    (DescribeTaskDefinition, once: a revision never changes)."""

    name: str
    latest_arn: str
    latest_revision: int
    active_revisions: int


@dataclass(frozen=True, slots=True)
class Identity:
    account: str | None
    arn: str | None
    region: str | None
    endpoint: str | None
