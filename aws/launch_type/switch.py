"""Switch a service between the EC2 launch type and a Fargate capacity provider, and back.

``plan_switch`` only reads (DescribeTaskDefinition, DescribeClusters, DescribeTargetGroups,
ListContainerInstances/DescribeContainerInstances, EC2 DescribeInstances/Subnets/SecurityGroups)
and returns a ``SwitchPlan``: the preflight checks and, unless ``blocked``, the whole plan of
mutating calls, in order:

1. RegisterTaskDefinition of a Fargate- (or EC2-) compatible copy of the current revision, when
   the current one is not; the diff is in ``plan.diff``. The UpdateService below then names the
   placeholder ``REGISTERED`` ("$TASK_DEF_ARN"), which ``execute`` replaces with the new ARN.
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

The phases (task definition, capacity provider, load balancers, network) are in
``aws.launch_type.checks`` and ``aws.launch_type.network``, one function each; the service's placement rules come from the
``Service`` already read, so the switch describes nothing twice.

Back to EC2: an empty capacityProviderStrategy returns the service to the launch type it was
created with (ECS's rule); ecsdeck assumes that is EC2 and says so in the notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws import ecs, taskdef
from aws.launch_type.checks import (
    Blocked,
    Check,
    Draft,
    SecurityGroupChoice,
    SubnetChoice,
    capacity_provider,
    fargate_task_definition,
    load_balancers,
)
from aws.launch_type.network import candidates as _candidates
from aws.launch_type.network import (
    instance_network,
    network,
    security_group_choice,
    subnet_choice,
)
from aws.models import Service, TaskDefinition, arn_tail
from aws.plan import REGISTERED, ApiCall, Plan, ValidationError, td_label
from aws.words import plural

if TYPE_CHECKING:
    from aws.session import Clients

__all__ = [
    "TARGETS",
    "Check",
    "SecurityGroupChoice",
    "SubnetChoice",
    "SwitchPlan",
    "_candidates",
    "instance_network",
    "plan_switch",
    "security_group_choice",
    "subnet_choice",
]

TARGETS = ("FARGATE", "FARGATE_SPOT", "EC2")


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


def _blocked(service: Service, to: str, draft: Draft, reason: str) -> SwitchPlan:
    plan = Plan(
        title=f"Switch to {to}",
        cluster=arn_tail(service.cluster_arn),
        service=service.name,
        calls=(),
        summary=f"{service.name}: {service.compute} -> {to} is blocked",
        notes=(reason,),
    )
    return SwitchPlan(
        plan=plan,
        checks=tuple(draft.checks),
        blocked=reason,
        candidate_subnets=draft.candidate_subnets,
        candidate_security_groups=draft.candidate_security_groups,
    )


def _validate_arguments(
    to: str,
    assign_public_ip: str,
    subnets: Sequence[str] | None,
    security_groups: Sequence[str] | None,
) -> str:
    """The target, upper-cased; bad arguments raise ValidationError."""
    to = (to or "").upper()
    if to not in TARGETS:
        raise ValidationError(f"Switch to what? {to!r} is not one of {', '.join(TARGETS)}.")
    if assign_public_ip not in ("ENABLED", "DISABLED"):
        raise ValidationError("assignPublicIp is ENABLED or DISABLED.")
    if subnets is not None and len(subnets) > 16:
        raise ValidationError(f"At most 16 subnets (got {len(subnets)}).")
    if security_groups is not None and len(security_groups) > 5:
        raise ValidationError(f"At most 5 security groups (got {len(security_groups)}).")
    return to


def _refusal(service: Service, to: str) -> str | None:
    """Phase 0: why this service cannot be switched to ``to`` at all, or None."""
    if service.deployment_controller in ("CODE_DEPLOY", "EXTERNAL"):
        return (
            f"{service.name} uses the {service.deployment_controller} deployment "
            "controller: a switch needs a forced new deployment, which only the ECS "
            "controller allows."
        )
    if not service.task_definition:
        return f"{service.name} has no task definition."
    current = [i.provider for i in service.capacity_provider_strategy]
    if to == "EC2" and not current and service.launch_type == "EC2":
        return f"{service.name} already runs on EC2."
    if to != "EC2" and current == [to]:
        return f"{service.name} already runs on {to}."
    if to == "EC2" and not current and service.launch_type == "FARGATE":
        # An empty strategy returns a service to the launch type it was *created* with, and
        # UpdateService has no launchType: a service created on FARGATE can reach EC2 only
        # through an Auto Scaling group capacity provider (ECS's UpdateService rules for
        # capacity provider strategies).
        return (
            f"{service.name} was created with the FARGATE launch type. UpdateService cannot "
            "change a launch type: from FARGATE it can move to EC2 only through an Auto Scaling "
            "group capacity provider attached to the cluster, or by creating a new service with "
            "launchType EC2. Nothing was changed."
        )
    return None


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
    to = _validate_arguments(to, assign_public_ip, subnets, security_groups)
    draft = Draft(td_ref=service.task_definition or "")
    refusal = _refusal(service, to)
    if refusal:
        return _blocked(service, to, draft, refusal)
    td = task_definition or await ecs.read_task_definition(c, draft.td_ref)
    draft.td_ref = td.arn
    try:
        if to == "EC2":
            await _to_ec2(c, draft, service, td)
            return _ready(service, "EC2", draft, td)
        fargate_task_definition(draft, td)
        await capacity_provider(c, draft, arn_tail(service.cluster_arn), to)
        groups = await load_balancers(c, draft, service)
        chosen = await network(
            c,
            draft,
            service,
            groups,
            subnets=subnets,
            security_groups=security_groups,
            assign_public_ip=assign_public_ip,
        )
    except Blocked as b:
        return _blocked(service, to, draft, b.reason)
    _update_to_fargate(draft, service, to, *chosen, assign_public_ip)
    return _ready(service, to, draft, td, *chosen)


def _update_to_fargate(
    draft: Draft,
    service: Service,
    to: str,
    subnets: list[str],
    groups: list[str],
    assign_public_ip: str,
) -> None:
    """Phase 5: the UpdateService that switches, always the last call."""
    awsvpc: dict[str, Any] = {"subnets": subnets, "assignPublicIp": assign_public_ip}
    if groups:
        awsvpc["securityGroups"] = groups
    update: dict[str, Any] = {
        "cluster": arn_tail(service.cluster_arn),
        "service": service.name,
        "capacityProviderStrategy": [{"capacityProvider": to, "weight": 1, "base": 0}],
        "forceNewDeployment": True,
        "taskDefinition": draft.td_ref,
        "networkConfiguration": {"awsvpcConfiguration": awsvpc},
    }
    if service.placement_strategy or service.placement_constraints:
        update.update({"placementStrategy": [], "placementConstraints": []})
        draft.notes.append("Fargate has no placement strategies or constraints: they are cleared.")
    draft.calls.append(ApiCall("ecs", "UpdateService", update))


def _ready(
    service: Service,
    to: str,
    draft: Draft,
    td: TaskDefinition,
    subnets: Sequence[str] = (),
    groups: Sequence[str] = (),
) -> SwitchPlan:
    new_td = "the new revision" if draft.td_ref == REGISTERED else td_label(td.arn)
    plan = Plan(
        title=f"Switch to {to}",
        cluster=arn_tail(service.cluster_arn),
        service=service.name,
        calls=tuple(draft.calls),
        summary=f"{service.name}: {service.compute} -> {to} ({td_label(td.arn)} -> {new_td})",
        notes=tuple(draft.notes),
        diff=draft.diff,
        if_failed=f"The service still runs {td_label(service.task_definition)} on "
        f"{service.compute}.",
    )
    return SwitchPlan(
        plan=plan,
        checks=tuple(draft.checks),
        blocked=None,
        candidate_subnets=draft.candidate_subnets,
        candidate_security_groups=draft.candidate_security_groups,
        subnets=tuple(subnets),
        security_groups=tuple(groups),
    )


async def _to_ec2(c: Clients, draft: Draft, service: Service, td: TaskDefinition) -> None:
    """Back to EC2: an EC2-compatible revision, capacity to run on, an empty strategy."""
    cluster = arn_tail(service.cluster_arn)
    draft.notes.append(
        "An empty capacity provider strategy returns the service to the launch type it was "
        "created with (EC2 here)."
    )
    if taskdef.is_ec2_compatible(td.raw):
        draft.checks.append(Check("task definition", True, f"{td_label(td.arn)} is EC2-compatible"))
    else:
        body = taskdef.ec2_compatible(td.raw)
        problems = taskdef.validate(body)
        if problems:
            draft.checks.append(Check("task definition", False, "; ".join(problems)))
            raise Blocked(
                f"An EC2 copy of {td_label(td.arn)} would be invalid: " + "; ".join(problems)
            )
        draft.checks.append(
            Check(
                "task definition",
                False,
                f"{td_label(td.arn)} is not EC2-compatible",
                fix=f"register a new revision of {td.family} requiring EC2",
            )
        )
        draft.calls.append(ApiCall("ecs", "RegisterTaskDefinition", body))
        draft.diff = taskdef.diff(dict(td.raw), body)
        draft.td_ref = REGISTERED
    # Only the count matters here: no EC2 DescribeInstances (cluster_instances would send them).
    count = sum(ci.status == "ACTIVE" for ci in await ecs.read_container_instances(c, cluster))
    if count:
        what = plural(count, "ACTIVE container instance")
        draft.checks.append(Check("EC2 capacity", True, what))
    else:
        draft.checks.append(
            Check(
                "EC2 capacity",
                False,
                f"{cluster} has no ACTIVE container instances: the new tasks will "
                "stay PENDING until instances join (the old ones keep running "
                "while the deployment waits).",
            )
        )
    draft.calls.append(
        ApiCall(
            "ecs",
            "UpdateService",
            {
                "cluster": cluster,
                "service": service.name,
                "capacityProviderStrategy": [],
                "forceNewDeployment": True,
                "taskDefinition": draft.td_ref,
            },
        )
    )
