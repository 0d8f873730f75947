"""ELBv2 readers: target groups, and target health joined to the task each target belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aws import convert as cv
from aws.convert import Doc
from aws.elb_models import Target, TargetGroup
from aws.models import Service, Task
from aws.paging import (
    TARGET_GROUPS_PER_DESCRIBE,
    call,
    describe_batched,
    gather_bounded,
    pages,
    unique,
)
from aws.session import Clients

if TYPE_CHECKING:
    from types_aiobotocore_elbv2.type_defs import TargetGroupTypeDef

PAGE_SIZE = 400


def target_group_from_dict(d: Doc) -> TargetGroup:
    arn = cv.s(d, "TargetGroupArn") or ""
    return TargetGroup(
        arn=arn,
        name=cv.s(d, "TargetGroupName") or arn.split("/")[-2 if arn.count("/") >= 2 else -1],
        target_type=cv.s(d, "TargetType"),
        port=cv.i(d, "Port"),
        protocol=cv.s(d, "Protocol"),
        vpc_id=cv.s(d, "VpcId"),
        health_check_path=cv.s(d, "HealthCheckPath"),
        load_balancer_arns=cv.strs(d, "LoadBalancerArns"),
        health_check_protocol=cv.s(d, "HealthCheckProtocol"),
        health_check_port=cv.s(d, "HealthCheckPort"),
        health_check_matcher=_matcher(d.get("Matcher")),
        health_check_interval=cv.i(d, "HealthCheckIntervalSeconds"),
        health_check_timeout=cv.i(d, "HealthCheckTimeoutSeconds"),
        healthy_threshold=cv.i(d, "HealthyThresholdCount"),
        unhealthy_threshold=cv.i(d, "UnhealthyThresholdCount"),
    )


def _matcher(m: object) -> str | None:
    """The codes a health check accepts: HttpCode for HTTP(S), GrpcCode for gRPC."""
    if not isinstance(m, dict):
        return None
    return cv.s(m, "HttpCode") or cv.s(m, "GrpcCode")


async def read_target_groups(c: Clients, arns: Sequence[str]) -> list[TargetGroup]:
    """DescribeTargetGroups by ARN (20 a call, each paged by Marker, PageSize 400); input order."""

    async def describe(batch: list[str]) -> list[TargetGroupTypeDef]:
        pager = c.elbv2.get_paginator("describe_target_groups").paginate(
            TargetGroupArns=batch, PaginationConfig={"PageSize": PAGE_SIZE}
        )
        return [tg async for page in pages(c, pager) for tg in page.get("TargetGroups", [])]

    docs = await describe_batched(
        arns, TARGET_GROUPS_PER_DESCRIBE, describe, lambda d: (d.get("TargetGroupArn"),)
    )
    return [target_group_from_dict(d) for d in docs]


def task_for_target(target_id: str, port: int | None, tasks: Sequence[Task]) -> str | None:
    """The ARN of the task a target is, or None (an orphan target).

    ip target: Id == task ENI private IP. instance target: Id == the task's EC2 instance id and
    Port among the task's host ports.
    """
    for task in tasks:
        if task.private_ip and task.private_ip == target_id:
            return task.arn
        if (
            task.ec2_instance_id
            and task.ec2_instance_id == target_id
            and port is not None
            and port in task.host_ports
        ):
            return task.arn
    return None


def join_target(tg_arn: str, d: Doc, tasks: Sequence[Task]) -> Target:
    """One TargetHealthDescription -> Target, joined to its task (``task_for_target``)."""
    target = d.get("Target") if isinstance(d.get("Target"), dict) else {}
    health = d.get("TargetHealth") if isinstance(d.get("TargetHealth"), dict) else {}
    target_id = cv.s(target, "Id") or ""
    port = cv.i(target, "Port")
    return Target(
        target_group_arn=tg_arn,
        id=target_id,
        port=port,
        state=cv.s(health, "State"),
        reason=cv.s(health, "Reason"),
        description=cv.s(health, "Description"),
        task_arn=task_for_target(target_id, port, tasks),
    )


async def read_target_health(c: Clients, service: Service, tasks: Sequence[Task]) -> list[Target]:
    """One DescribeTargetHealth per target group of the service (concurrent, bounded).

    DescribeTargetHealth has no paging: one call returns every target of the group.
    """
    groups = unique(lb.target_group_arn for lb in service.load_balancers if lb.target_group_arn)
    pages = await gather_bounded(
        call(c, c.elbv2.describe_target_health, TargetGroupArn=arn) for arn in groups
    )
    return [
        join_target(arn, d, tasks)
        for arn, page in zip(groups, pages, strict=True)
        for d in cv.dicts(page, "TargetHealthDescriptions")
    ]


async def target_state_counts(c: Clients, service: Service) -> dict[str, int]:
    """How many of the service's targets are in each state, e.g. {"healthy": 3, "unhealthy": 1}.

    For a list of services, where joining targets to tasks is not needed: same calls as
    ``read_target_health`` (one per target group), no task reads. Empty for services without
    a target group.
    """
    counts: dict[str, int] = {}
    for target in await read_target_health(c, service, ()):
        state = target.state or "unknown"
        counts[state] = counts.get(state, 0) + 1
    return counts
