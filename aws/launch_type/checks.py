"""The preflight phases of a launch-type switch, one function each (``aws.launch_type.switch`` runs
them in order).

Each phase reads what it needs, appends its ``Check`` (and, when the plan can fix what it found,
the fixing ``ApiCall``) to a ``Draft``, and raises ``Blocked`` when the switch cannot be done
safely, so the orchestrator stays a list of steps and a refusal can come from any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aws import convert as cv
from aws import elb, taskdef
from aws.elb_models import TargetGroup
from aws.models import Service, TaskDefinition
from aws.paging import call
from aws.plan import REGISTERED, ApiCall, td_label
from aws.words import plural

if TYPE_CHECKING:
    from aws.session import Clients


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


class Blocked(Exception):
    """The switch cannot be done safely; ``reason`` says why (and what to do instead)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Draft:
    """What the phases have found so far: the checks, the calls in order and the notes."""

    td_ref: str
    checks: list[Check] = field(default_factory=list)
    calls: list[ApiCall] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    diff: str | None = None
    candidate_subnets: tuple[SubnetChoice, ...] = ()
    candidate_security_groups: tuple[SecurityGroupChoice, ...] = ()

    def block(self, name: str, reason: str) -> Blocked:
        """A failed check named ``name`` whose detail is the reason the switch stops."""
        self.checks.append(Check(name, False, reason))
        return Blocked(reason)


def needs_execution_role(raw: dict[str, Any]) -> bool:
    """awslogs logging or secrets: on Fargate the agent needs an execution role for either."""
    for cdef in raw.get("containerDefinitions") or []:  # type: ignore[attr-defined]
        if not isinstance(cdef, dict):
            continue
        log = cdef.get("logConfiguration") or {}
        if isinstance(log, dict) and log.get("logDriver") == "awslogs":
            return True
        if cdef.get("secrets"):
            return True
    return False


# --- the phases, in the order the switch to Fargate runs them ------------------------------


def fargate_task_definition(draft: Draft, td: TaskDefinition) -> None:
    """Phase 1: the current revision, or a Fargate-compatible copy registered first."""
    if taskdef.is_fargate_compatible(td.raw):
        draft.checks.append(
            Check("task definition", True, f"{td_label(td.arn)} is Fargate-compatible")
        )
    else:
        why = (
            "; ".join(taskdef.validate({**td.raw, "requiresCompatibilities": ["FARGATE"]}))
            or "it does not require FARGATE"
        )
        try:
            body = taskdef.fargate_compatible(td.raw)
        except ValueError as exc:
            draft.checks.append(Check("task definition", False, str(exc)))
            raise Blocked(f"No Fargate size fits {td_label(td.arn)}: {exc}") from exc
        problems = taskdef.validate(body)
        if problems:
            draft.checks.append(Check("task definition", False, "; ".join(problems)))
            raise Blocked(
                f"A Fargate copy of {td_label(td.arn)} would still be invalid: "
                + "; ".join(problems)
            )
        draft.checks.append(
            Check(
                "task definition",
                False,
                f"{td_label(td.arn)} is not Fargate-compatible: {why}",
                fix=f"register a new revision of {td.family} (awsvpc, FARGATE, cpu {body['cpu']}, "
                f"memory {body['memory']})",
            )
        )
        draft.calls.append(ApiCall("ecs", "RegisterTaskDefinition", body))
        draft.diff = taskdef.diff(dict(td.raw), body)
        draft.td_ref = REGISTERED
    _execution_role(draft, td)


def _execution_role(draft: Draft, td: TaskDefinition) -> None:
    has_role = bool(td.raw.get("executionRoleArn"))
    if needs_execution_role(td.raw) and not has_role:
        raise Blocked(
            f"{td_label(td.arn)} sends logs with awslogs or reads secrets but has no "
            "executionRoleArn, which Fargate needs: add one to the task definition first."
        )
    if any(".dkr.ecr." in img for img in td.container_images.values()) and not has_role:
        draft.notes.append(
            "The images come from ECR but the task definition has no executionRoleArn: "
            "Fargate tasks will fail to pull them."
        )


async def capacity_provider(c: Clients, draft: Draft, cluster: str, to: str) -> None:
    """Phase 2: attach FARGATE / FARGATE_SPOT to the cluster when it is not attached."""
    resp = await call(c, c.ecs.describe_clusters, clusters=[cluster])
    found = cv.dicts(resp, "clusters")
    if not found:
        raise Blocked(f"Cluster {cluster} was not found.")
    providers = list(cv.strs(found[0], "capacityProviders"))
    # Sent back unchanged (PutClusterCapacityProviders replaces it): the items as AWS gave them.
    default = [dict(x) for x in cv.dicts(found[0], "defaultCapacityProviderStrategy")]
    if to in providers:
        draft.checks.append(Check("capacity provider", True, f"{to} is attached to {cluster}"))
        return
    draft.calls.append(
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
    draft.checks.append(
        Check(
            "capacity provider",
            False,
            f"{to} is not attached to {cluster}",
            fix=f"attach {to}, keeping the existing providers ({keep}) and default strategy",
        )
    )


async def load_balancers(c: Clients, draft: Draft, service: Service) -> list[TargetGroup]:
    """Phase 3: Fargate needs ip target groups and no Classic Load Balancer."""
    tg_arns = [lb.target_group_arn for lb in service.load_balancers if lb.target_group_arn]
    classic = [
        lb.load_balancer_name
        for lb in service.load_balancers
        if lb.load_balancer_name and not lb.target_group_arn
    ]
    groups = await elb.read_target_groups(c, tg_arns) if tg_arns else []
    if classic:
        raise draft.block(
            "load balancer",
            f"{service.name} uses the Classic Load Balancer {classic[0]}, which Fargate "
            "does not support: create an Application or Network Load Balancer with an ip "
            "target group and a new service.",
        )
    instance_groups = [g for g in groups if g.target_type == "instance"]
    if instance_groups:
        raise draft.block(
            "load balancer",
            f"Target group {instance_groups[0].name} is type instance; Fargate needs ip targets "
            "and a target group's type can't be changed. Create an ip target group (same port "
            "and health check) and a new Fargate service behind it, move traffic with the "
            "listener rule, then scale this one to 0. Nothing was changed.",
        )
    n = len(groups)
    detail = f"{plural(n, 'target group')}, all type ip" if n else "not load-balanced"
    draft.checks.append(Check("load balancer", True, detail))
    return groups
