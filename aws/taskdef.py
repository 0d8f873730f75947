"""Task-definition bodies: strip what DescribeTaskDefinition adds, validate, diff, adjust.

Everything here is pure (no I/O): it works on the raw dicts AWS returns, so it can be tested and
used from a script without a client. The accepted keys come from botocore's own model of
RegisterTaskDefinition, so a newer botocore that learns a new key keeps it.
"""

from __future__ import annotations

import copy
import difflib
import json
from functools import cache
from typing import Any

from aws import fargate, json_errors, secrets
from aws.plan import ValidationError

#: Keys DescribeTaskDefinition adds that RegisterTaskDefinition rejects: removed silently.
DESCRIBE_ONLY = frozenset(
    {
        "taskDefinitionArn",
        "revision",
        "status",
        "requiresAttributes",
        "compatibilities",
        "registeredAt",
        "registeredBy",
        "deregisteredAt",
        "deleteRequestedAt",
    }
)

#: Container-definition keys Fargate (or awsvpc) does not accept; fargate_compatible drops them.
FARGATE_DROPPED_CONTAINER_KEYS = (
    "links",
    "privileged",
    "hostname",
    "extraHosts",
    "dockerSecurityOptions",
)


@cache
def _register_shape() -> Any:
    import botocore.session

    model = botocore.session.get_session().get_service_model("ecs")
    return model.operation_model("RegisterTaskDefinition").input_shape


@cache
def register_input_keys() -> frozenset[str]:
    """The top-level keys RegisterTaskDefinition accepts, read from the botocore model."""
    return frozenset(_register_shape().members)


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value if v is not None]
    return value


def strip_for_register(raw: dict[str, Any]) -> dict[str, Any]:
    """A RegisterTaskDefinition body from a DescribeTaskDefinition one (or a user's edit).

    Keeps only the keys the API accepts, drops top-level None/empty values (``tags`` only when
    non-empty), removes None anywhere inside, and writes task-level ``cpu``/``memory`` as the
    strings the API wants. The input is not modified.
    """
    keys = register_input_keys()
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in keys or _empty(value):
            continue
        out[key] = _drop_none(copy.deepcopy(value))
    for key in ("cpu", "memory"):
        if isinstance(out.get(key), int) and not isinstance(out[key], bool):
            out[key] = str(out[key])
    return out


def parse_json(text: str) -> dict[str, Any]:
    """Parse an edited task definition; errors say where: ``line L, column C: msg``."""
    if not text.strip():
        raise ValidationError("The task definition is empty.", ["the text is empty"])
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        where = json_errors.describe(exc)
        raise ValidationError(f"Invalid JSON at {where}", [where]) from exc
    if not isinstance(value, dict):
        problem = f"line 1, column 1: expected a JSON object, got {type(value).__name__}"
        raise ValidationError(f"Invalid task definition at {problem}", [problem])
    # A pasted DescribeTaskDefinition response: take its body (and top-level tags).
    if "taskDefinition" in value and isinstance(value["taskDefinition"], dict):
        body = dict(value["taskDefinition"])
        if value.get("tags") and "tags" not in body:
            body["tags"] = value["tags"]
        return body
    return value


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def requires_fargate(body: dict[str, Any]) -> bool:
    return "FARGATE" in _as_list(body.get("requiresCompatibilities"))


def validate(body: dict[str, Any]) -> list[str]:
    """Problems that would make RegisterTaskDefinition fail (or Fargate reject the tasks).

    Empty list: fine. Keys that DescribeTaskDefinition adds are not problems (they are stripped);
    any other unknown top-level key is. Finally botocore's own parameter validator runs on the
    stripped body, which catches wrong types anywhere (e.g. a container ``memory`` as a string).
    """
    problems = _key_problems(body) + _family_problems(body)
    containers = body.get("containerDefinitions")
    if not isinstance(containers, list) or not containers:
        problems.append("'containerDefinitions' is required and must list at least one container")
        containers = []
    problems += _container_problems(containers)
    problems += _memory_problems(body, containers)
    if requires_fargate(body):
        problems += _fargate_problems(body, containers)
    if body.get("networkMode") == "awsvpc":
        problems += _awsvpc_port_problems(containers)
    if not problems:
        problems.extend(_botocore_problems(strip_for_register(body)))
    return problems


def _key_problems(body: dict[str, Any]) -> list[str]:
    """Top-level keys RegisterTaskDefinition would reject (Describe-only ones get stripped)."""
    keys = register_input_keys()
    unknown = sorted(k for k in body if k not in keys and k not in DESCRIBE_ONLY)
    return [f"unknown top-level key {k!r}" for k in unknown]


def _family_problems(body: dict[str, Any]) -> list[str]:
    family = body.get("family")
    if not isinstance(family, str) or not family.strip():
        return ["'family' is required (a non-empty string)"]
    return []


def _container_problems(containers: list[Any]) -> list[str]:
    """Each container an object with a unique name and an image."""
    problems: list[str] = []
    seen: set[str] = set()
    for i, c in enumerate(containers):
        if not isinstance(c, dict):
            problems.append(f"containerDefinitions[{i}] must be an object")
            continue
        name = c.get("name")
        label = (
            f"container {name!r}"
            if isinstance(name, str) and name
            else f"containerDefinitions[{i}]"
        )
        if not isinstance(name, str) or not name.strip():
            problems.append(f"containerDefinitions[{i}] needs a 'name'")
        elif name in seen:
            problems.append(f"container name {name!r} is used twice")
        else:
            seen.add(name)
        image = c.get("image")
        if not isinstance(image, str) or not image.strip():
            problems.append(f"{label} needs an 'image'")
    return problems


def _fargate_problems(body: dict[str, Any], containers: list[Any]) -> list[str]:
    """What Fargate refuses in a definition that requires it."""
    problems: list[str] = []
    mode = body.get("networkMode")
    if mode != "awsvpc":
        problems.append(f"FARGATE needs networkMode 'awsvpc' ({fargate.got(mode)})")
    cpu, memory = body.get("cpu"), body.get("memory")
    if not fargate.valid(cpu, memory):  # type: ignore[arg-type]
        problems.append("FARGATE size: " + fargate.explain(cpu, memory))  # type: ignore[arg-type]
    if body.get("placementConstraints"):
        problems.append("FARGATE does not support placementConstraints")
    if body.get("pidMode") not in (None, "task"):
        problems.append("FARGATE supports only pidMode 'task'")
    if body.get("ipcMode") is not None:
        problems.append("FARGATE does not support ipcMode")
    for c in containers:
        if not isinstance(c, dict):
            continue
        if c.get("links"):
            problems.append(f"container {c.get('name')!r}: FARGATE does not support 'links'")
        if c.get("privileged"):
            problems.append(f"container {c.get('name')!r}: FARGATE does not support 'privileged'")
    return problems


def _awsvpc_port_problems(containers: list[Any]) -> list[str]:
    """Under awsvpc each task has its own address, so a port mapping cannot remap the port."""
    problems: list[str] = []
    for c in containers:
        if not isinstance(c, dict):
            continue
        for pm in _as_list(c.get("portMappings")):
            if not isinstance(pm, dict):
                continue
            host, cport = pm.get("hostPort"), pm.get("containerPort")
            if host is not None and host != cport:
                problems.append(
                    f"container {c.get('name')!r}: under awsvpc hostPort must be absent or "
                    f"equal to containerPort (hostPort {host}, containerPort {cport})"
                )
    return problems


def _mib(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return fargate.memory_mib(value)


def _memory_problems(body: dict[str, Any], containers: list[Any]) -> list[str]:
    """ECS rejects containers that do not fit the task-level memory (when one is set).

    Each container's hard limit (``memory``) must be at most the task's memory, and so must the
    sum of what the containers reserve (``memoryReservation``, else ``memory``).
    """
    task = _mib(body.get("memory"))
    if task is None:
        return []
    problems: list[str] = []
    reserved = 0
    for c in containers:
        if not isinstance(c, dict):
            continue
        hard, soft = _mib(c.get("memory")), _mib(c.get("memoryReservation"))
        if hard is not None and hard > task:
            problems.append(
                f"container {c.get('name')!r}: memory {hard} MiB is more than the task's "
                f"memory {task} MiB; lower it or raise the task's memory"
            )
        reserved += soft if soft is not None else (hard or 0)
    if reserved > task and not problems:
        problems.append(
            f"the containers reserve {reserved} MiB in all (memoryReservation, else memory), "
            f"more than the task's memory {task} MiB"
        )
    return problems


def _botocore_problems(body: dict[str, Any]) -> list[str]:
    from botocore.validate import ParamValidator

    report = ParamValidator().validate(body, _register_shape())
    if not report.has_errors():
        return []
    lines = [line.strip() for line in report.generate_report().splitlines()]
    return [line for line in lines if line and not line.startswith("Parameter validation failed")]


def _pretty(body: dict[str, Any]) -> list[str]:
    # Text as text (``é``, ``•``), not ``\u`` escapes: a view cleans each line for the terminal.
    text = json.dumps(body, indent=2, sort_keys=True, default=str, ensure_ascii=False)
    return text.splitlines(keepends=True)


def diff(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    reveal: bool = False,
    labels: tuple[str, str] | None = None,
) -> str:
    """Unified diff of both stripped bodies as sorted, pretty JSON ("" when identical).

    Secrets are masked (``aws.secrets.mask_pair``) unless ``reveal``: a hidden value that
    changed shows as ``<redacted: changed>``, so the diff is never empty when only it changed.
    ``labels`` name the two sides (default: ``rev N`` of each, ``new`` for an unregistered body).
    """
    rev, new_rev = old.get("revision"), new.get("revision")
    label = f"rev {rev}" if rev is not None else "current"
    # A body to register has no revision yet ("new"); an existing one (a rollback to an older
    # revision) is named, and called older when it is.
    after = "new" if new_rev is None else f"rev {new_rev}"
    if isinstance(rev, int) and isinstance(new_rev, int) and new_rev < rev:
        after += " (older)"
    before, after = labels or (label, after)
    a, b = strip_for_register(old), strip_for_register(new)
    if not reveal:
        a, b = secrets.mask_pair(a, b)
    lines = difflib.unified_diff(_pretty(a), _pretty(b), before, after, n=3)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def with_image(raw: dict[str, Any], container: str, image: str) -> dict[str, Any]:
    """A stripped body with one container's image replaced (ValidationError if no such one)."""
    body = strip_for_register(raw)
    for c in _as_list(body.get("containerDefinitions")):
        if isinstance(c, dict) and c.get("name") == container:
            c["image"] = image
            return body
    names = ", ".join(str(c.get("name")) for c in _as_list(body.get("containerDefinitions")))
    msg = f"no container named {container!r} (containers: {names or 'none'})"
    raise ValidationError(msg, [msg])


def _reservations(body: dict[str, Any]) -> tuple[int, int]:
    cpu = mem = 0
    for c in _as_list(body.get("containerDefinitions")):
        if not isinstance(c, dict):
            continue
        cpu += int(c.get("cpu") or 0)
        mem += int(c.get("memory") or c.get("memoryReservation") or 0)
    task_cpu = fargate.cpu_units(body.get("cpu")) or 0
    task_mem = fargate.memory_mib(body.get("memory")) or 0
    return max(cpu, task_cpu), max(mem, task_mem)


def fargate_compatible(
    raw: dict[str, Any], *, cpu: str | None = None, memory: str | None = None
) -> dict[str, Any]:
    """A stripped body adjusted to run on Fargate.

    networkMode awsvpc, requiresCompatibilities ["FARGATE"], every hostPort equal to its
    containerPort, no links/privileged/hostname/extraHosts/dockerSecurityOptions, no placement
    constraints or ipcMode, pidMode only "task", volumes without a host sourcePath (they become
    task-scoped bind mounts). cpu/memory: the given ones, else the smallest table size that holds
    the task-level values and the sum of the containers' reservations (ValueError if none does).
    """
    body = strip_for_register(raw)
    body["networkMode"] = "awsvpc"
    body["requiresCompatibilities"] = ["FARGATE"]
    body.pop("placementConstraints", None)
    body.pop("ipcMode", None)
    if body.get("pidMode") != "task":
        body.pop("pidMode", None)
    for c in _as_list(body.get("containerDefinitions")):
        if not isinstance(c, dict):
            continue
        for key in FARGATE_DROPPED_CONTAINER_KEYS:
            c.pop(key, None)
        for pm in _as_list(c.get("portMappings")):
            if isinstance(pm, dict) and pm.get("containerPort") is not None:
                pm["hostPort"] = pm["containerPort"]
    for v in _as_list(body.get("volumes")):
        if isinstance(v, dict) and isinstance(v.get("host"), dict):
            v.pop("host")
    if cpu is None or memory is None:
        need_cpu, need_mem = _reservations(body)
        if cpu is not None:
            need_cpu = max(need_cpu, fargate.cpu_units(cpu) or 0)
        if memory is not None:
            need_mem = max(need_mem, fargate.memory_mib(memory) or 0)
        cpu, memory = fargate.smallest_fitting(need_cpu, need_mem)
    body["cpu"], body["memory"] = str(cpu), str(memory)
    return body


def ec2_compatible(raw: dict[str, Any]) -> dict[str, Any]:
    """A stripped body that may run on EC2 (requiresCompatibilities ["EC2"]); the rest is kept."""
    body = strip_for_register(raw)
    body["requiresCompatibilities"] = ["EC2"]
    return body


def is_fargate_compatible(raw: dict[str, Any]) -> bool:
    """Registered for FARGATE and passing every Fargate rule above."""
    return requires_fargate(raw) and not validate(raw)


def is_ec2_compatible(raw: dict[str, Any]) -> bool:
    """What AWS computed (``compatibilities``), else what the definition requires."""
    computed = raw.get("compatibilities")
    if isinstance(computed, list) and computed:
        return "EC2" in computed
    required = _as_list(raw.get("requiresCompatibilities"))
    return not required or "EC2" in required
