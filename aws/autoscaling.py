"""Application Auto Scaling of an ECS service: its range, its policies, what it did lately.

A service scales on its desired count: resource id ``service/<cluster>/<service>``, scalable
dimension ``ecs:service:DesiredCount``. Auto Scaling keeps the desired count within the scalable
target's min/max (a desired count set outside it is moved back at the next scaling action) and
a target-tracking or step policy changes it as its metric moves, so a manual scale is only a
suggestion while one is attached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from aws import convert as cv
from aws.convert import Doc
from aws.paging import call, pages
from aws.session import Clients

if TYPE_CHECKING:
    from types_aiobotocore_application_autoscaling.type_defs import (
        ScalableTargetTypeDef,
        ScalingActivityTypeDef,
        ScalingPolicyTypeDef,
    )

NAMESPACE: Literal["ecs"] = "ecs"
DIMENSION: Literal["ecs:service:DesiredCount"] = "ecs:service:DesiredCount"
#: Scaling activities shown (DescribeScalingActivities returns the newest first).
ACTIVITIES = 5


@dataclass(frozen=True, slots=True)
class ScalingPolicy:
    name: str
    #: "TargetTrackingScaling", "StepScaling" or "PredictiveScaling".
    policy_type: str
    #: Target tracking: the value the metric is held at, and the metric (a predefined type such
    #: as ECSServiceAverageCPUUtilization, or the custom metric's name).
    target_value: float | None = None
    metric: str | None = None


@dataclass(frozen=True, slots=True)
class ScalingActivity:
    description: str
    status: str | None
    cause: str | None
    started_at: datetime | None


@dataclass(frozen=True, slots=True)
class Scaling:
    """None of min/max: the service has no scalable target (Auto Scaling leaves it alone)."""

    min_capacity: int | None = None
    max_capacity: int | None = None
    suspended: bool = False
    policies: tuple[ScalingPolicy, ...] = ()
    activities: tuple[ScalingActivity, ...] = ()

    @property
    def registered(self) -> bool:
        return self.min_capacity is not None and self.max_capacity is not None

    @property
    def tracking(self) -> bool:
        """A policy that moves the desired count by itself is attached."""
        return any(p.policy_type in ("TargetTrackingScaling", "StepScaling") for p in self.policies)

    def clamp(self, desired: int) -> int | None:
        """Where Auto Scaling moves ``desired`` back to, or None when it is within range."""
        if not self.registered or self.suspended:
            return None
        assert self.min_capacity is not None and self.max_capacity is not None
        if desired < self.min_capacity:
            return self.min_capacity
        if desired > self.max_capacity:
            return self.max_capacity
        return None


def resource_id(cluster: str, service: str) -> str:
    """``service/<cluster name>/<service name>``, the id Auto Scaling knows a service by."""
    return f"service/{cluster}/{service}"


def policy_from_dict(d: Doc) -> ScalingPolicy:
    tracking = d.get("TargetTrackingScalingPolicyConfiguration") or {}
    predefined = tracking.get("PredefinedMetricSpecification") or {}
    custom = tracking.get("CustomizedMetricSpecification") or {}
    metric = cv.s(predefined, "PredefinedMetricType") or cv.s(custom, "MetricName")
    target = tracking.get("TargetValue")
    return ScalingPolicy(
        name=cv.s(d, "PolicyName") or "",
        policy_type=cv.s(d, "PolicyType") or "",
        target_value=float(target) if isinstance(target, int | float) else None,
        metric=metric,
    )


def activity_from_dict(d: Doc) -> ScalingActivity:
    started = d.get("StartTime")
    return ScalingActivity(
        description=cv.s(d, "Description") or "",
        status=cv.s(d, "StatusCode"),
        cause=cv.s(d, "Cause"),
        started_at=started if isinstance(started, datetime) else None,
    )


def _target(docs: list[ScalableTargetTypeDef]) -> dict[str, Any]:
    found = next((t for t in docs if t.get("ScalableDimension") == DIMENSION), None)
    return dict(found) if found else {}


async def read_scaling(
    c: Clients, cluster: str, service: str, *, activities: bool = True
) -> Scaling:
    """The service's scalable target, policies and last activities (cluster and service by
    name): DescribeScalableTargets, then DescribeScalingPolicies and, with ``activities``,
    one DescribeScalingActivities page; neither is asked for when no target is registered."""
    rid = resource_id(cluster, service)
    found = await call(
        c,
        c.autoscaling.describe_scalable_targets,
        ServiceNamespace=NAMESPACE,
        ResourceIds=[rid],
        ScalableDimension=DIMENSION,
    )
    target = _target(found.get("ScalableTargets", []))
    if not target:
        return Scaling()
    pager = c.autoscaling.get_paginator("describe_scaling_policies").paginate(
        ServiceNamespace=NAMESPACE, ResourceId=rid, ScalableDimension=DIMENSION
    )
    policies: list[ScalingPolicyTypeDef] = [
        p async for page in pages(c, pager) for p in page.get("ScalingPolicies", [])
    ]
    recent: list[ScalingActivityTypeDef] = []
    if activities:
        answer = await call(
            c,
            c.autoscaling.describe_scaling_activities,
            ServiceNamespace=NAMESPACE,
            ResourceId=rid,
            ScalableDimension=DIMENSION,
            MaxResults=ACTIVITIES,
        )
        recent = list(answer.get("ScalingActivities", []))[:ACTIVITIES]
    suspended = target.get("SuspendedState") or {}
    return Scaling(
        min_capacity=cv.i(target, "MinCapacity"),
        max_capacity=cv.i(target, "MaxCapacity"),
        suspended=bool(suspended.get("DynamicScalingInSuspended"))
        and bool(suspended.get("DynamicScalingOutSuspended")),
        policies=tuple(policy_from_dict(dict(p)) for p in policies),
        activities=tuple(activity_from_dict(dict(a)) for a in recent),
    )
