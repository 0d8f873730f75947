"""One-off tasks: what RunTask is sent (a ``RunSpec``, checked, as a ``Plan``), and what became
of the tasks it started, in words.

A one-off task (a migration, a backfill) usually runs like a service's tasks: same network,
same launch type or capacity providers, same platform version, with another command. So a
spec starts from a service (``spec_from_service``) or from a task definition alone, and the
user edits the command, the environment, the count and the task role. Bad input is refused here
with ``ValidationError`` before anything is built, let alone sent.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aws.models import CapacityProviderItem, NetworkConfig, Service, Task, arn_tail
from aws.plan import ApiCall, Plan, ValidationError, td_label
from aws.triage.causes import exit_code_words, stop_cause
from aws.words import plural

if TYPE_CHECKING:
    from aws.models import TaskDefinition
    from aws.session import Clients

#: RunTask starts at most 10 tasks a call (ECS's limit); ecsdeck sends one call.
MAX_RUN_COUNT = 10
#: startedBy: at most 36 letters, digits, ``-``, ``/`` and ``_`` (the RunTask reference).
STARTED_BY_MAX = 36
STARTED_BY = "ecsdeck"

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
_NOT_STARTED_BY = re.compile(r"[^A-Za-z0-9_/-]")


@dataclass(frozen=True, slots=True)
class RunSpec:
    """Everything one RunTask call says. ``container`` is the container the command and
    environment overrides apply to (None: no overrides)."""

    cluster: str
    task_definition: str
    count: int = 1
    launch_type: str | None = None
    capacity_provider_strategy: tuple[CapacityProviderItem, ...] = ()
    network: NetworkConfig | None = None
    platform_version: str | None = None
    container: str | None = None
    command: tuple[str, ...] | None = None
    environment: tuple[tuple[str, str], ...] = ()
    task_role: str | None = None
    started_by: str = STARTED_BY
    #: Where the prefill came from ("like service web"), for the confirmation.
    origin: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def spec_from_service(service: Service, task_definition: str | None = None) -> RunSpec:
    """Run like this service: its cluster, revision, network, launch type or strategy and
    platform version."""
    if not (task_definition or service.task_definition):
        raise ValidationError(f"{service.name} has no task definition to run.")
    return RunSpec(
        cluster=arn_tail(service.cluster_arn),
        task_definition=task_definition or service.task_definition or "",
        launch_type=None if service.capacity_provider_strategy else service.launch_type,
        capacity_provider_strategy=service.capacity_provider_strategy,
        network=service.network,
        platform_version=service.platform_version,
        origin=f"like service {service.name}",
    )


def started_by(caller_arn: str | None) -> str:
    """``ecsdeck``, then the caller's name when the identity gives one (``ecsdeck/alice``),
    in the characters and length RunTask accepts."""
    name = ""
    if caller_arn and ":" in caller_arn:
        resource = caller_arn.rsplit(":", 1)[-1]  # user/alice, assumed-role/Role/alice
        if "/" in resource and not resource.startswith("root"):
            name = resource.rsplit("/", 1)[-1]
    value = f"{STARTED_BY}/{_NOT_STARTED_BY.sub('_', name)}" if name else STARTED_BY
    return value[:STARTED_BY_MAX]


def parse_run_count(text: str) -> int:
    raw = (text or "").strip()
    if not raw.isdigit() or not raw.isascii():
        raise ValidationError(f"Count {raw!r} is not a whole number from 1 to {MAX_RUN_COUNT}.")
    value = int(raw)
    if not 1 <= value <= MAX_RUN_COUNT:
        raise ValidationError(
            f"Count {value} is out of range: RunTask starts 1 to {MAX_RUN_COUNT} tasks."
        )
    return value


def parse_command(text: str) -> tuple[str, ...] | None:
    """The command override: a JSON array of strings (``["python", "manage.py"]``) or a
    shell-like line split as a shell would (no shell runs it). Blank: the image's own."""
    raw = (text or "").strip()
    if not raw:
        return None
    if raw.startswith(("[", "{")):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"The command is not valid JSON: {exc.msg}.") from None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError('A JSON command is an array of strings, e.g. ["sh", "-c"].')
        words = tuple(value)
    else:
        try:
            words = tuple(shlex.split(raw))
        except ValueError as exc:
            raise ValidationError(f"The command cannot be split into words: {exc}.") from None
    if not words:
        raise ValidationError("The command is empty: leave it blank to keep the image's.")
    return words


def parse_environment(text: str) -> tuple[tuple[str, str], ...]:
    """``KEY=VALUE`` words (shell quoting allowed): the environment overrides."""
    try:
        words = shlex.split(text or "")
    except ValueError as exc:
        raise ValidationError(f"The environment cannot be split into words: {exc}.") from None
    out: dict[str, str] = {}
    for word in words:
        name, eq, value = word.partition("=")
        if not eq or not _ENV_NAME.fullmatch(name):
            raise ValidationError(
                f"Environment {word!r} is not NAME=VALUE (a name is letters, digits and _)."
            )
        out[name] = value
    return tuple(out.items())


def check_task_role(text: str) -> str | None:
    raw = (text or "").strip()
    if raw and not _ROLE_ARN.fullmatch(raw):
        raise ValidationError(
            f"Task role {raw!r} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)."
        )
    return raw or None


def _network_params(net: NetworkConfig) -> dict[str, Any]:
    vpc: dict[str, Any] = {"subnets": list(net.subnets)}
    if net.security_groups:
        vpc["securityGroups"] = list(net.security_groups)
    if net.assign_public_ip:
        vpc["assignPublicIp"] = net.assign_public_ip
    return {"awsvpcConfiguration": vpc}


def _fargate(spec: RunSpec) -> bool:
    if spec.capacity_provider_strategy:
        return any(i.provider.startswith("FARGATE") for i in spec.capacity_provider_strategy)
    return spec.launch_type == "FARGATE"


def run_task_params(spec: RunSpec) -> dict[str, Any]:
    """RunTask's parameters, in the order the CLI line reads best."""
    params: dict[str, Any] = {
        "cluster": spec.cluster,
        "taskDefinition": spec.task_definition,
        "count": spec.count,
        "startedBy": spec.started_by,
    }
    if spec.capacity_provider_strategy:
        params["capacityProviderStrategy"] = [
            {"capacityProvider": i.provider, "weight": i.weight, "base": i.base}
            for i in spec.capacity_provider_strategy
        ]
    elif spec.launch_type:
        params["launchType"] = spec.launch_type
    if spec.platform_version and _fargate(spec):
        params["platformVersion"] = spec.platform_version
    if spec.network is not None and spec.network.subnets:
        params["networkConfiguration"] = _network_params(spec.network)
    overrides: dict[str, Any] = {}
    if spec.container and (spec.command is not None or spec.environment):
        container: dict[str, Any] = {"name": spec.container}
        if spec.command is not None:
            container["command"] = list(spec.command)
        if spec.environment:
            container["environment"] = [{"name": k, "value": v} for k, v in spec.environment]
        overrides["containerOverrides"] = [container]
    if spec.task_role:
        overrides["taskRoleArn"] = spec.task_role
    if overrides:
        params["overrides"] = overrides
    return params


def plan_run_task(spec: RunSpec) -> Plan:
    """RunTask of ``spec`` (checked again here: the count, a container for the overrides)."""
    if isinstance(spec.count, bool) or not 1 <= spec.count <= MAX_RUN_COUNT:
        raise ValidationError(f"Count {spec.count} is out of range: 1 to {MAX_RUN_COUNT}.")
    if not spec.task_definition:
        raise ValidationError("Name a task definition to run (FAMILY or FAMILY:REVISION).")
    if (spec.command is not None or spec.environment) and not spec.container:
        raise ValidationError("Name the container the command and environment apply to.")
    if not spec.started_by or len(spec.started_by) > STARTED_BY_MAX:
        raise ValidationError(f"startedBy must be 1 to {STARTED_BY_MAX} characters.")
    notes = list(spec.notes)
    if spec.command is not None:
        notes.append(f"{spec.container} runs: {shlex.join(spec.command)}")
    where = spec.origin or td_label(spec.task_definition)
    return Plan(
        title="Run task",
        cluster=spec.cluster,
        service=None,
        calls=(ApiCall("ecs", "RunTask", run_task_params(spec)),),
        summary=f"{plural(spec.count, 'task')} of {td_label(spec.task_definition)} in "
        f"{spec.cluster} ({where}), startedBy {spec.started_by}",
        notes=tuple(notes),
        if_failed="No task was started.",
    )


async def resolve_task_definition(c: Clients, name: str) -> TaskDefinition:
    """The revision ``FAMILY[:REV]`` (or an ARN) names; ValidationError when there is none."""
    from aws.ecs import read_task_definition
    from aws.errors import error_code

    name = (name or "").strip()
    if not name:
        raise ValidationError("Name a task definition: :run FAMILY or :run FAMILY:REVISION.")
    try:
        return await read_task_definition(c, name)
    except Exception as exc:
        if error_code(exc) in ("ClientException", "InvalidParameterException"):
            raise ValidationError(f"No task definition {name!r} in this region.") from None
        raise


# --------------------------------------------------------------------------- what happened

#: RunTask ``failures[].reason`` in words (the ECS API reference, "API failure reasons").
FAILURE_WORDS = {
    "AGENT": "the container instance's ECS agent is not connected",
    "ATTRIBUTE": "no container instance has an attribute the task definition requires",
    "MISSING": "nothing to place it on: the cluster or its container instances were not found",
    "RESOURCE:CPU": "no container instance has enough CPU left",
    "RESOURCE:MEMORY": "no container instance has enough memory left",
    "RESOURCE:PORTS": "no container instance has the host port free",
    "RESOURCE:GPU": "no container instance has a free GPU",
    "RESOURCE:ENI": "no container instance has an elastic network interface left",
    "LOCATION": "no container instance in the placement constraints' location",
}


def failure_words(failure: dict[str, Any]) -> str:
    """One RunTask failure: what it means, then AWS's own reason and detail."""
    reason = str(failure.get("reason") or "?")
    words = FAILURE_WORDS.get(reason)
    if words is None and "capacity" in reason.lower():
        words = "no capacity to start it now (try again later, or another zone or provider)"
    detail = failure.get("detail")
    where = arn_tail(str(failure["arn"])) if failure.get("arn") else ""
    text = f"{words} ({reason})" if words else reason
    if detail:
        text += f": {detail}"
    return f"{where}: {text}" if where else text


def run_result(response: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(ARNs of the tasks started, each failure in words) of a RunTask response."""
    started = [str(t["taskArn"]) for t in response.get("tasks") or [] if t.get("taskArn")]
    failures = [failure_words(f) for f in response.get("failures") or [] if isinstance(f, dict)]
    return started, failures


def essential_exit(task: Task) -> tuple[str, int | None] | None:
    """(container, exit code) of the container that ended the task, when one has a code."""
    with_code = [c for c in task.containers if c.exit_code is not None]
    if not with_code:
        return None
    nonzero = [c for c in with_code if c.exit_code not in (0, 143)]
    chosen = (nonzero or with_code)[0]
    return chosen.name, chosen.exit_code


def run_outcome_words(task: Task) -> str:
    """How a one-off task ended, in words: exit 0 is success here (not a service's crash)."""
    if task.last_status != "STOPPED":
        want = " (stopping)" if task.desired_status == "STOPPED" else ""
        return f"{task.last_status or 'unknown'}{want}"
    ended = essential_exit(task)
    reason = task.stopped_reason or ""
    if ended is not None and ended[1] == 0:
        # ECS's "Essential container in task exited" only repeats "exited": said once.
        said = "" if reason.startswith("Essential container in task exited") else reason
        return f"finished: {ended[0]} exited with code 0 (success). {said}".strip()
    cause = stop_cause(task)
    if cause is not None:
        return f"failed: {cause.what}: {cause.why}"
    if ended is not None:
        words = exit_code_words(ended[1])
        return f"{ended[0]} exited with code {ended[1]}" + (f" ({words})" if words else "")
    return f"stopped: {reason or 'no reason given'}" + (
        f" ({task.stop_code})" if task.stop_code else ""
    )
