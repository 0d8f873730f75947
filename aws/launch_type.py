"""Switch a service between the EC2 launch type and a Fargate capacity provider, and back.

``plan_switch`` only reads (DescribeTaskDefinition, DescribeClusters, DescribeTargetGroups,
ListContainerInstances/DescribeContainerInstances, EC2 DescribeInstances/Subnets/SecurityGroups)
and returns a ``SwitchPlan``: the preflight checks and, unless ``blocked``, the whole plan of
mutating calls, in order:

1. RegisterTaskDefinition of a Fargate- (or EC2-) compatible copy of the current revision, when
   the current one is not; the diff is in ``plan.diff``. The UpdateService below then names the
   placeholder ``REGISTERED`` ("$registered"), which ``execute`` replaces with the new ARN.
2. PutClusterCapacityProviders, when FARGATE / FARGATE_SPOT is not attached to the cluster. The
   call replaces the whole list, so it sends the existing providers plus the new one and the
   existing default strategy unchanged (an empty default stays empty: other services keep
   their launch types).
3. UpdateService with capacityProviderStrategy, forceNewDeployment=True, the task definition
   and (to Fargate) networkConfiguration.awsvpcConfiguration.

Load balancers: a service behind an ``instance`` target group (or a Classic Load Balancer) is
**blocked** with an explanation; ecsdeck does not create replacement target groups. A target
group's type cannot be changed and Fargate needs ``ip`` targets, so the safe path (create an ip
target group, a listener rule and a new service, then move traffic) is the user's decision; a
half-done automatic version would be worse than none. Every failure of step k leaves the service
as it was, because UpdateService is always the last call.

Back to EC2: an empty capacityProviderStrategy returns the service to the launch type it was
created with (ECS's rule); ecsdeck assumes that is EC2 and says so in the notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from aws import convert as cv
from aws import ecs, elb, taskdef
from aws.convert import Doc
from aws.models import Service, TaskDefinition, arn_tail
from aws.paging import call, describe_batched, pages
from aws.plan import (
    REGISTERED,
    ApiCall,
    Plan,
    ValidationError,
    td_label,
)

if TYPE_CHECKING:
    from types_aiobotocore_ec2.type_defs import (
        FilterTypeDef,
        InstanceTypeDef,
        PaginatorConfigTypeDef,
    )

    from aws.session import Clients

TARGETS = ("FARGATE", "FARGATE_SPOT", "EC2")

#: EC2 DescribeInstances: instance ids per request (one filter takes at most 200 values);
#: DescribeInstances / DescribeSubnets / DescribeSecurityGroups: items per page (at most 1000).
INSTANCES_PER_DESCRIBE = 100
EC2_PAGE = 1000


@dataclass(frozen=True)
class Check:
    """One preflight check. ``ok`` False with a ``fix``: the plan includes that fix."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None


@dataclass(frozen=True)
class SubnetChoice:
    id: str
    vpc_id: str | None
    availability_zone: str | None
    cidr: str | None
    name: str | None
    #: True when the subnet gives instances a public IP by default (a hint for assignPublicIp).
    public: bool | None


@dataclass(frozen=True)
class SecurityGroupChoice:
    id: str
    name: str | None
    vpc_id: str | None
    description: str | None


@dataclass(frozen=True)
class SwitchPlan:
    plan: Plan
    checks: tuple[Check, ...]
    #: Why the switch cannot be done (plan.calls is then empty); None when it can.
    blocked: str | None
    candidate_subnets: tuple[SubnetChoice, ...] = ()
    candidate_security_groups: tuple[SecurityGroupChoice, ...] = ()
    #: The subnets / security groups the plan uses (from arguments, the service, or derived).
    subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.blocked is None


def _tag_name(d: Doc) -> str | None:
    for t in cv.dicts(d, "Tags"):
        if t.get("Key") == "Name":
            return cv.s(t, "Value")
    return None


def subnet_choice(d: Doc) -> SubnetChoice | None:
    """One DescribeSubnets item; None when it has no SubnetId."""
    subnet_id = cv.s(d, "SubnetId")
    if not subnet_id:
        return None
    return SubnetChoice(
        id=subnet_id,
        vpc_id=cv.s(d, "VpcId"),
        availability_zone=cv.s(d, "AvailabilityZone"),
        cidr=cv.s(d, "CidrBlock"),
        name=_tag_name(d),
        public=cv.b(d, "MapPublicIpOnLaunch"),
    )


def security_group_choice(d: Doc) -> SecurityGroupChoice | None:
    """One DescribeSecurityGroups item; None when it has no GroupId."""
    group_id = cv.s(d, "GroupId")
    if not group_id:
        return None
    return SecurityGroupChoice(
        id=group_id,
        name=cv.s(d, "GroupName"),
        vpc_id=cv.s(d, "VpcId"),
        description=cv.s(d, "Description"),
    )


def instance_network(instances: Sequence[Doc], vpc_id: str | None) -> tuple[list[str], list[str]]:
    """Sorted distinct subnet and security group ids of the instances in ``vpc_id`` (any VPC
    when None); instances and groups without an id are skipped."""
    same_vpc = [i for i in instances if vpc_id is None or cv.s(i, "VpcId") == vpc_id]
    subnets = {sid for i in same_vpc if (sid := cv.s(i, "SubnetId"))}
    groups = {
        gid for i in same_vpc for g in cv.dicts(i, "SecurityGroups") if (gid := cv.s(g, "GroupId"))
    }
    return sorted(subnets), sorted(groups)


async def _instance_network(c: Clients, cluster: str) -> tuple[list[Doc], int]:
    """EC2 instances behind the cluster's ACTIVE container instances (and how many there are)."""
    active = [ci for ci in await ecs.read_container_instances(c, cluster) if ci.status == "ACTIVE"]

    async def describe(batch: list[str]) -> list[InstanceTypeDef]:
        # A filter, not InstanceIds: an id that no longer exists is left out instead of failing
        # the whole batch, and MaxResults (not allowed with InstanceIds) bounds each page.
        pager = c.ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "instance-id", "Values": batch}],
            PaginationConfig={"PageSize": EC2_PAGE},
        )
        try:
            return [
                i
                async for page in pages(c, pager)
                for r in page.get("Reservations", [])
                for i in r.get("Instances", [])
            ]
        except ClientError:
            return []  # e.g. no ec2:DescribeInstances: nothing is derived, the user picks

    ids = [ci.ec2_instance_id or "" for ci in active]
    found = await describe_batched(
        ids, INSTANCES_PER_DESCRIBE, describe, lambda i: (i.get("InstanceId"),)
    )
    instances: list[Doc] = list(found)
    return instances, len(active)


async def _candidates(
    c: Clients, vpc_id: str
) -> tuple[tuple[SubnetChoice, ...], tuple[SecurityGroupChoice, ...]]:
    flt: list[FilterTypeDef] = [{"Name": "vpc-id", "Values": [vpc_id]}]
    config: PaginatorConfigTypeDef = {"PageSize": EC2_PAGE}
    subnet_pager = c.ec2.get_paginator("describe_subnets").paginate(
        Filters=flt, PaginationConfig=config
    )
    subnets = [
        sc
        async for page in pages(c, subnet_pager)
        for d in page.get("Subnets", [])
        if (sc := subnet_choice(d))
    ]
    group_pager = c.ec2.get_paginator("describe_security_groups").paginate(
        Filters=flt, PaginationConfig=config
    )
    groups = [
        gc
        async for page in pages(c, group_pager)
        for d in page.get("SecurityGroups", [])
        if (gc := security_group_choice(d))
    ]
    subnets.sort(key=lambda sc: (sc.availability_zone or "", sc.id))
    return tuple(subnets), tuple(groups)


def _blocked(
    service: Service, to: str, checks: list[Check], reason: str, **extra: Any
) -> SwitchPlan:
    plan = Plan(
        title=f"Switch to {to}",
        cluster=arn_tail(service.cluster_arn),
        service=service.name,
        calls=(),
        summary=f"{service.name}: {service.compute} -> {to} is blocked",
        notes=(reason,),
    )
    return SwitchPlan(plan=plan, checks=tuple(checks), blocked=reason, **extra)


async def plan_switch(
    c: Clients,
    service: Service,
    *,
    to: str,
    subnets: Sequence[str] | None = None,
    security_groups: Sequence[str] | None = None,
    assign_public_ip: str = "DISABLED",
    task_definition: TaskDefinition | None = None,
) -> SwitchPlan:
    """Preflight and plan a launch-type switch (see the module docstring). Sends no mutation.

    ``to`` is "FARGATE", "FARGATE_SPOT" or "EC2". Bad arguments raise ValidationError; a switch
    that cannot be done safely returns ``blocked`` with the reason and no calls.
    """
    to = (to or "").upper()
    if to not in TARGETS:
        raise ValidationError(f"Switch to what? {to!r} is not one of {', '.join(TARGETS)}.")
    if assign_public_ip not in ("ENABLED", "DISABLED"):
        raise ValidationError("assignPublicIp is ENABLED or DISABLED.")
    if subnets is not None and len(subnets) > 16:
        raise ValidationError(f"At most 16 subnets (got {len(subnets)}).")
    if security_groups is not None and len(security_groups) > 5:
        raise ValidationError(f"At most 5 security groups (got {len(security_groups)}).")
    cluster = arn_tail(service.cluster_arn)
    checks: list[Check] = []

    # 0. Can this service be switched at all?
    if service.deployment_controller in ("CODE_DEPLOY", "EXTERNAL"):
        return _blocked(
            service,
            to,
            checks,
            f"{service.name} uses the {service.deployment_controller} deployment "
            "controller: a switch needs a forced new deployment, which only the ECS "
            "controller allows.",
        )
    if not service.task_definition:
        return _blocked(service, to, checks, f"{service.name} has no task definition.")
    current = [i.provider for i in service.capacity_provider_strategy]
    if to == "EC2" and not current and service.launch_type == "EC2":
        return _blocked(service, to, checks, f"{service.name} already runs on EC2.")
    if to != "EC2" and current == [to]:
        return _blocked(service, to, checks, f"{service.name} already runs on {to}.")
    if to == "EC2" and not current and service.launch_type == "FARGATE":
        # An empty strategy returns a service to the launch type it was *created* with, and
        # UpdateService has no launchType: a service created on FARGATE can reach EC2 only
        # through an Auto Scaling group capacity provider (ECS's UpdateService rules for capacity provider strategies).
        return _blocked(
            service,
            to,
            checks,
            f"{service.name} was created with the FARGATE launch type. UpdateService cannot "
            "change a launch type: from FARGATE it can move to EC2 only through an Auto Scaling "
            "group capacity provider attached to the cluster, or by creating a new service with "
            "launchType EC2. Nothing was changed.",
        )

    td = task_definition or await ecs.read_task_definition(c, service.task_definition)
    if to == "EC2":
        return await _plan_to_ec2(c, service, td, checks)

    calls: list[ApiCall] = []
    notes: list[str] = []
    diff: str | None = None

    # 1. Task definition.
    td_ref = td.arn
    if taskdef.is_fargate_compatible(td.raw):
        checks.append(Check("task definition", True, f"{td_label(td.arn)} is Fargate-compatible"))
    else:
        why = (
            "; ".join(taskdef.validate({**td.raw, "requiresCompatibilities": ["FARGATE"]}))
            or "it does not require FARGATE"
        )
        try:
            body = taskdef.fargate_compatible(td.raw)
        except ValueError as exc:
            checks.append(Check("task definition", False, str(exc)))
            return _blocked(service, to, checks, f"No Fargate size fits {td_label(td.arn)}: {exc}")
        problems = taskdef.validate(body)
        if problems:
            checks.append(Check("task definition", False, "; ".join(problems)))
            return _blocked(
                service,
                to,
                checks,
                f"A Fargate copy of {td_label(td.arn)} would still be invalid: "
                + "; ".join(problems),
            )
        checks.append(
            Check(
                "task definition",
                False,
                f"{td_label(td.arn)} is not Fargate-compatible: {why}",
                fix=f"register a new revision of {td.family} (awsvpc, FARGATE, cpu {body['cpu']}, "
                f"memory {body['memory']})",
            )
        )
        calls.append(ApiCall("ecs", "RegisterTaskDefinition", body))
        diff = taskdef.diff(dict(td.raw), body)
        td_ref = REGISTERED
    if _needs_execution_role(td.raw) and not td.raw.get("executionRoleArn"):
        return _blocked(
            service,
            to,
            checks,
            f"{td_label(td.arn)} sends logs with awslogs or reads secrets but has no "
            "executionRoleArn, which Fargate needs: add one to the task definition "
            "first.",
        )
    if any(".dkr.ecr." in img for img in td.container_images.values()) and not td.raw.get(
        "executionRoleArn"
    ):
        notes.append(
            "The images come from ECR but the task definition has no executionRoleArn: "
            "Fargate tasks will fail to pull them."
        )

    # 2. Capacity provider on the cluster.
    resp = await call(c, c.ecs.describe_clusters, clusters=[cluster])
    found = cv.dicts(resp, "clusters")
    if not found:
        return _blocked(service, to, checks, f"Cluster {cluster} was not found.")
    providers = list(cv.strs(found[0], "capacityProviders"))
    # Sent back unchanged (PutClusterCapacityProviders replaces it): the items as AWS gave them.
    default = [dict(x) for x in cv.dicts(found[0], "defaultCapacityProviderStrategy")]
    if to in providers:
        checks.append(Check("capacity provider", True, f"{to} is attached to {cluster}"))
    else:
        calls.append(
            ApiCall(
                "ecs",
                "PutClusterCapacityProviders",
                {
                    "cluster": cluster,
                    "capacityProviders": [*providers, to],
                    "defaultCapacityProviderStrategy": default,
                },
            )
        )
        keep = ", ".join(providers) or "none"
        checks.append(
            Check(
                "capacity provider",
                False,
                f"{to} is not attached to {cluster}",
                fix=f"attach {to}, keeping the existing providers ({keep}) and default strategy",
            )
        )

    # 3. Load balancers.
    tg_arns = [lb.target_group_arn for lb in service.load_balancers if lb.target_group_arn]
    classic = [
        lb.load_balancer_name
        for lb in service.load_balancers
        if lb.load_balancer_name and not lb.target_group_arn
    ]
    groups = await elb.read_target_groups(c, tg_arns) if tg_arns else []
    if classic:
        reason = (
            f"{service.name} uses the Classic Load Balancer {classic[0]}, which Fargate "
            "does not support: create an Application or Network Load Balancer with an ip "
            "target group and a new service."
        )
        checks.append(Check("load balancer", False, reason))
        return _blocked(service, to, checks, reason)
    instance_groups = [g for g in groups if g.target_type == "instance"]
    if instance_groups:
        g = instance_groups[0]
        reason = (
            f"Target group {g.name} is type instance; Fargate needs ip targets "
            "and a target group's type can't be changed. Create an ip target group (same port "
            "and health check) and a new Fargate service behind it, move traffic with the "
            "listener rule, then scale this one to 0. Nothing was changed."
        )
        checks.append(Check("load balancer", False, reason))
        return _blocked(service, to, checks, reason)
    checks.append(
        Check(
            "load balancer",
            True,
            f"{len(groups)} target group(s), all type ip" if groups else "not load-balanced",
        )
    )

    # 4. Network configuration.
    vpc_id: str | None = None
    chosen_subnets = list(subnets or [])
    chosen_groups = list(security_groups or [])
    source = "given"
    instances: list[Doc] = []
    if not chosen_subnets and service.network and service.network.subnets:
        chosen_subnets = list(service.network.subnets)
        chosen_groups = chosen_groups or list(service.network.security_groups)
        source = "the service's current awsvpc configuration"
    vpc_id = next((g.vpc_id for g in groups if g.vpc_id), None)
    if not chosen_subnets or vpc_id is None:
        instances, _count = await _instance_network(c, cluster)
        if vpc_id is None:
            vpc_id = next((v for i in instances if (v := cv.s(i, "VpcId"))), None)
    if not chosen_subnets and instances:
        derived_subnets, derived_groups = instance_network(instances, vpc_id)
        chosen_subnets = derived_subnets
        chosen_groups = chosen_groups or derived_groups
        source = "the subnets and security groups of the cluster's container instances"
    if vpc_id is None and chosen_subnets:
        sub = await call(c, c.ec2.describe_subnets, SubnetIds=chosen_subnets[:1])
        vpc_id = next((v for d in cv.dicts(sub, "Subnets") if (v := cv.s(d, "VpcId"))), None)
    cand_subnets: tuple[SubnetChoice, ...] = ()
    cand_groups: tuple[SecurityGroupChoice, ...] = ()
    if vpc_id:
        cand_subnets, cand_groups = await _candidates(c, vpc_id)
    extra: dict[str, Any] = {
        "candidate_subnets": cand_subnets,
        "candidate_security_groups": cand_groups,
    }
    if not chosen_subnets:
        reason = (
            "Pick the subnets (and security groups) for the Fargate tasks: the service has "
            "no awsvpc configuration and none could be derived"
            + (f"; candidates are from {vpc_id}." if vpc_id else ".")
        )
        checks.append(Check("network", False, reason, fix="choose subnets"))
        return _blocked(service, to, checks, reason, **extra)
    if not chosen_groups:
        default_sg = [g.id for g in cand_groups if g.name == "default"]
        chosen_groups = default_sg[:1]
        if chosen_groups:
            notes.append(f"Security group: the VPC's default group {chosen_groups[0]}.")
    if len(chosen_subnets) > 16:
        chosen_subnets = chosen_subnets[:16]
    if len(chosen_groups) > 5:
        chosen_groups = chosen_groups[:5]
    if vpc_id and cand_subnets:
        known = {s.id for s in cand_subnets}
        foreign = [s for s in chosen_subnets if s not in known]
        if foreign:
            reason = f"Subnets {', '.join(foreign)} are not in the service's VPC {vpc_id}."
            checks.append(Check("network", False, reason, fix="choose subnets"))
            return _blocked(service, to, checks, reason, **extra)
    checks.append(
        Check(
            "network",
            True,
            f"subnets {', '.join(chosen_subnets)}; security groups "
            f"{', '.join(chosen_groups) or 'VPC default'}; public IP {assign_public_ip} ({source})",
        )
    )
    awsvpc: dict[str, Any] = {"subnets": chosen_subnets, "assignPublicIp": assign_public_ip}
    if chosen_groups:
        awsvpc["securityGroups"] = chosen_groups

    # 5. The switch itself.
    update: dict[str, Any] = {
        "cluster": cluster,
        "service": service.name,
        "capacityProviderStrategy": [{"capacityProvider": to, "weight": 1, "base": 0}],
        "forceNewDeployment": True,
        "taskDefinition": td_ref,
        "networkConfiguration": {"awsvpcConfiguration": awsvpc},
    }
    placement = await _placement(c, cluster, service.name)
    if placement:
        update.update({"placementStrategy": [], "placementConstraints": []})
        notes.append("Fargate has no placement strategies or constraints: they are cleared.")
    calls.append(ApiCall("ecs", "UpdateService", update))
    new_td = "the new revision" if td_ref == REGISTERED else td_label(td.arn)
    plan = Plan(
        title=f"Switch to {to}",
        cluster=cluster,
        service=service.name,
        calls=tuple(calls),
        summary=f"{service.name}: {service.compute} -> {to} ({td_label(td.arn)} -> {new_td})",
        notes=tuple(notes),
        diff=diff,
        if_failed=f"The service still runs {td_label(service.task_definition)} on "
        f"{service.compute}.",
    )
    return SwitchPlan(
        plan=plan,
        checks=tuple(checks),
        blocked=None,
        subnets=tuple(chosen_subnets),
        security_groups=tuple(chosen_groups),
        **extra,
    )


def _needs_execution_role(raw: dict[str, Any]) -> bool:
    for cdef in raw.get("containerDefinitions") or []:  # type: ignore[attr-defined]
        if not isinstance(cdef, dict):
            continue
        log = cdef.get("logConfiguration") or {}
        if isinstance(log, dict) and log.get("logDriver") == "awslogs":
            return True
        if cdef.get("secrets"):
            return True
    return False


async def _placement(c: Clients, cluster: str, service: str) -> bool:
    resp = await call(c, c.ecs.describe_services, cluster=cluster, services=[service])
    return any(
        cv.lst(s, "placementStrategy") or cv.lst(s, "placementConstraints")
        for s in cv.dicts(resp, "services")
    )


async def _plan_to_ec2(
    c: Clients, service: Service, td: TaskDefinition, checks: list[Check]
) -> SwitchPlan:
    cluster = arn_tail(service.cluster_arn)
    calls: list[ApiCall] = []
    notes = [
        "An empty capacity provider strategy returns the service to the launch type it was "
        "created with (EC2 here)."
    ]
    diff: str | None = None
    td_ref = td.arn
    if taskdef.is_ec2_compatible(td.raw):
        checks.append(Check("task definition", True, f"{td_label(td.arn)} is EC2-compatible"))
    else:
        body = taskdef.ec2_compatible(td.raw)
        problems = taskdef.validate(body)
        if problems:
            checks.append(Check("task definition", False, "; ".join(problems)))
            return _blocked(
                service,
                "EC2",
                checks,
                f"An EC2 copy of {td_label(td.arn)} would be invalid: " + "; ".join(problems),
            )
        checks.append(
            Check(
                "task definition",
                False,
                f"{td_label(td.arn)} is not EC2-compatible",
                fix=f"register a new revision of {td.family} requiring EC2",
            )
        )
        calls.append(ApiCall("ecs", "RegisterTaskDefinition", body))
        diff = taskdef.diff(dict(td.raw), body)
        td_ref = REGISTERED
    _instances, count = await _instance_network(c, cluster)
    if count:
        checks.append(Check("EC2 capacity", True, f"{count} ACTIVE container instance(s)"))
    else:
        checks.append(
            Check(
                "EC2 capacity",
                False,
                f"{cluster} has no ACTIVE container instances: the new tasks will "
                "stay PENDING until instances join (the old ones keep running "
                "while the deployment waits).",
            )
        )
    calls.append(
        ApiCall(
            "ecs",
            "UpdateService",
            {
                "cluster": cluster,
                "service": service.name,
                "capacityProviderStrategy": [],
                "forceNewDeployment": True,
                "taskDefinition": td_ref,
            },
        )
    )
    new_td = "the new revision" if td_ref == REGISTERED else td_label(td.arn)
    plan = Plan(
        title="Switch to EC2",
        cluster=cluster,
        service=service.name,
        calls=tuple(calls),
        summary=f"{service.name}: {service.compute} -> EC2 ({td_label(td.arn)} -> {new_td})",
        notes=tuple(notes),
        diff=diff,
        if_failed=f"The service still runs {td_label(service.task_definition)} on "
        f"{service.compute}.",
    )
    return SwitchPlan(plan=plan, checks=tuple(checks), blocked=None)
