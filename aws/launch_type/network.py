"""Where a switched service's Fargate tasks will run: the awsvpc subnets and security groups
(phase 4 of ``aws.launch_type.switch``), and the EC2 reads that find and offer them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from aws import convert as cv
from aws import ecs
from aws.convert import Doc
from aws.elb_models import TargetGroup
from aws.launch_type.checks import Blocked, Check, Draft, SecurityGroupChoice, SubnetChoice
from aws.models import Service, arn_tail
from aws.paging import call, describe_batched, pages

if TYPE_CHECKING:
    from types_aiobotocore_ec2.type_defs import (
        FilterTypeDef,
        InstanceTypeDef,
        PaginatorConfigTypeDef,
    )

    from aws.session import Clients

#: EC2 DescribeInstances: instance ids per request (one filter takes at most 200 values);
#: DescribeInstances / DescribeSubnets / DescribeSecurityGroups: items per page (at most 1000).
INSTANCES_PER_DESCRIBE = 100
EC2_PAGE = 1000
#: awsvpcConfiguration takes at most 16 subnets and 5 security groups.
MAX_SUBNETS = 16
MAX_SECURITY_GROUPS = 5


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


async def cluster_instances(c: Clients, cluster: str) -> list[Doc]:
    """EC2 instances behind the cluster's ACTIVE container instances."""
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
    return list(found)


async def candidates(
    c: Clients, vpc_id: str
) -> tuple[tuple[SubnetChoice, ...], tuple[SecurityGroupChoice, ...]]:
    """Every subnet (by zone) and security group of ``vpc_id``, for the user to pick from."""
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


@dataclass
class _Network:
    subnets: list[str]
    groups: list[str]
    vpc_id: str | None
    source: str


async def _choose_network(
    c: Clients,
    service: Service,
    cluster: str,
    groups: Sequence[TargetGroup],
    subnets: Sequence[str] | None,
    security_groups: Sequence[str] | None,
) -> _Network:
    """The subnets and groups to use, first found of: the arguments, the service's awsvpc
    configuration, the cluster's container instances; and the VPC they are in."""
    net = _Network(list(subnets or []), list(security_groups or []), None, "given")
    instances: list[Doc] = []
    if not net.subnets and service.network and service.network.subnets:
        net.subnets = list(service.network.subnets)
        net.groups = net.groups or list(service.network.security_groups)
        net.source = "the service's current awsvpc configuration"
    net.vpc_id = next((g.vpc_id for g in groups if g.vpc_id), None)
    if not net.subnets or net.vpc_id is None:
        instances = await cluster_instances(c, cluster)
        if net.vpc_id is None:
            net.vpc_id = next((v for i in instances if (v := cv.s(i, "VpcId"))), None)
    if not net.subnets and instances:
        derived_subnets, derived_groups = instance_network(instances, net.vpc_id)
        net.subnets = derived_subnets
        net.groups = net.groups or derived_groups
        net.source = "the subnets and security groups of the cluster's container instances"
    if net.vpc_id is None and net.subnets:
        sub = await call(c, c.ec2.describe_subnets, SubnetIds=net.subnets[:1])
        net.vpc_id = next((v for d in cv.dicts(sub, "Subnets") if (v := cv.s(d, "VpcId"))), None)
    return net


async def network(
    c: Clients,
    draft: Draft,
    service: Service,
    groups: Sequence[TargetGroup],
    *,
    subnets: Sequence[str] | None,
    security_groups: Sequence[str] | None,
    assign_public_ip: str,
) -> tuple[list[str], list[str]]:
    """Phase 4: the awsvpc subnets and security groups, all in the service's VPC."""
    cluster = arn_tail(service.cluster_arn)
    net = await _choose_network(c, service, cluster, groups, subnets, security_groups)
    if net.vpc_id:
        draft.candidate_subnets, draft.candidate_security_groups = await candidates(c, net.vpc_id)
    if not net.subnets:
        reason = (
            "Pick the subnets (and security groups) for the Fargate tasks: the service has "
            "no awsvpc configuration and none could be derived"
            + (f"; candidates are from {net.vpc_id}." if net.vpc_id else ".")
        )
        draft.checks.append(Check("network", False, reason, fix="choose subnets"))
        raise Blocked(reason)
    if not net.groups:
        default_sg = [g.id for g in draft.candidate_security_groups if g.name == "default"]
        net.groups = default_sg[:1]
        if net.groups:
            draft.notes.append(f"Security group: the VPC's default group {net.groups[0]}.")
    chosen_subnets = net.subnets[:MAX_SUBNETS]
    chosen_groups = net.groups[:MAX_SECURITY_GROUPS]
    if net.vpc_id and draft.candidate_subnets:
        known = {s.id for s in draft.candidate_subnets}
        foreign = [s for s in chosen_subnets if s not in known]
        if foreign:
            reason = f"Subnets {', '.join(foreign)} are not in the service's VPC {net.vpc_id}."
            draft.checks.append(Check("network", False, reason, fix="choose subnets"))
            raise Blocked(reason)
    draft.checks.append(
        Check(
            "network",
            True,
            f"subnets {', '.join(chosen_subnets)}; security groups "
            f"{', '.join(chosen_groups) or 'VPC default'}; public IP {assign_public_ip} "
            f"({net.source})",
        )
    )
    return chosen_subnets, chosen_groups
