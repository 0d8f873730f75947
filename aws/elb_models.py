"""Typed snapshots of ELBv2 target groups and their targets (joined to the tasks they serve)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Target:
    """One registered target of a target group, joined to the task it belongs to."""

    target_group_arn: str
    id: str  # ip address or EC2 instance id
    port: int | None
    state: str | None  # initial / healthy / unhealthy / draining / unused / unavailable ...
    reason: str | None  # e.g. Target.FailedHealthChecks
    description: str | None
    task_arn: str | None  # None when no task of the service matches (orphan target)

    @property
    def key(self) -> str:
        return f"{self.target_group_arn}|{self.id}|{self.port}"


@dataclass(frozen=True, slots=True)
class TargetGroup:
    arn: str
    name: str
    target_type: str | None  # ip / instance / lambda / alb
    port: int | None
    protocol: str | None
    vpc_id: str | None
    health_check_path: str | None
    load_balancer_arns: tuple[str, ...] = ()
    #: The health check, as DescribeTargetGroups reports it (the port is "traffic-port" or a
    #: number; the matcher is an HTTP code list such as "200" or "200-299").
    health_check_protocol: str | None = None
    health_check_port: str | None = None
    health_check_matcher: str | None = None
    health_check_interval: int | None = None
    health_check_timeout: int | None = None
    healthy_threshold: int | None = None
    unhealthy_threshold: int | None = None
