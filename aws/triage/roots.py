"""The next link of a cause chain, in words with the fix: pure functions over what was read.

A problem's ``why`` says what AWS reported (a rollout's reason, a placement event, an exit code,
a target's reason code). The on-call engineer's next question is "and why is that?", answered by
something else: the failed tasks' stop reasons, the registry, the task definition, the container
instances, the target group. :mod:`aws.triage.chains` reads those; this module turns them into
one step of text each. Steps are joined to the problem's ``why`` with ``CHAIN`` so a view can
show each on its own line. See docs/causes.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from aws.ecr import parse_image_uri
from aws.ecr_models import Image
from aws.elb_models import TargetGroup
from aws.metrics import MemoryUse
from aws.models import Cluster, ContainerInstance, Service, Task, TaskDefinition
from aws.problem_models import CHAIN
from aws.triage.causes import StopCause, stop_cause
from aws.triage.clues import TaskLog
from aws.words import plural

_ROLE = re.compile(r"assumed-role/([^/\s]+)/")
_ACTION = re.compile(r"not authorized to perform:? ([\w-]+:[\w*]+)")
_SECRET_ARN = re.compile(r"arn:aws[\w-]*:(?:secretsmanager|ssm):[^\s\"',;)]+")
_SSM_NAMES = re.compile(r"invalid ssm parameters?:\s*([^\s\"',;)]+)", re.IGNORECASE)


def chained(why: str, *steps: str) -> str:
    """``why`` with each non-empty step appended after ``CHAIN``."""
    return CHAIN.join([why, *(s for s in steps if s)])


def _has(text: str, *needles: str) -> bool:
    low = text.lower()
    return any(n.lower() in low for n in needles)


# --------------------------------------------------------------------------- failed tasks


def dominant_cause(tasks: Sequence[Task]) -> tuple[StopCause, Task, int] | None:
    """The stop cause most of ``tasks`` share, the newest task with it and how many share it."""
    causes = [(t, c) for t in tasks if (c := stop_cause(t)) is not None]
    if not causes:
        return None
    what, count = Counter(c.what for _, c in causes).most_common(1)[0]
    task, cause = max(
        ((t, c) for t, c in causes if c.what == what),
        key=lambda tc: tc[0].stopped_at.timestamp() if tc[0].stopped_at else 0.0,
    )
    return cause, task, count


def failed_image(task: Task) -> str | None:
    """The image a CannotPullContainerError names (the failing container's, else the first)."""
    failed = next((c for c in task.containers if c.reason and _has(c.reason, "CannotPull")), None)
    return (failed.image if failed else None) or next(
        (c.image for c in task.containers if c.image), None
    )


def access_words(text: str, execution_role: str | None) -> str:
    """AccessDenied in a stop reason: which role may not do what, and the fix."""
    if not _has(text, "AccessDenied", "not authorized"):
        return ""
    role = _ROLE.search(text)
    name = role.group(1) if role else (execution_role or "the task execution role").split("/")[-1]
    action = _ACTION.search(text)
    what = action.group(1) if action else "what the task needs before it starts"
    return (
        f"execution role {name} is not allowed {what}: add it to the role's policy "
        "(AmazonECSTaskExecutionRolePolicy covers ECR pulls and logs; secrets need "
        "secretsmanager:GetSecretValue or ssm:GetParameters, and kms:Decrypt for a customer key)"
    )


def secret_words(text: str) -> str:
    """A secret or parameter a ResourceInitializationError could not read, named by its ARN."""
    names = _SECRET_ARN.findall(text) or _SSM_NAMES.findall(text)
    if not names:
        return ""
    name = names[0].rstrip(".")
    if _has(text, "AccessDenied", "not authorized"):
        return f"secret {name} exists but the execution role cannot read it"
    if _has(text, "ResourceNotFound", "can't find", "invalid ssm", "ParameterNotFound"):
        return f"secret {name} does not exist (check the ARN in the task definition's secrets)"
    return f"secret {name} could not be read"


def image_words(image: str, images: Sequence[Image] | None, missing_repo: bool = False) -> str:
    """Whether ECR holds the image a pull failed on; ``images`` is the repository's newest first,
    or None when it was not read (not an ECR image)."""
    _, repo, ref = parse_image_uri(image)
    if repo is None:
        return ""
    if missing_repo:
        return f"repository {repo} does not exist in this account's ECR"
    if images is None:
        return ""
    ref = ref or "latest"
    kind = "digest" if ref.startswith("sha256:") else "tag"
    held = any(ref == im.digest or ref in im.tags for im in images)
    if held:
        return (
            f"{kind} {ref} is in {repo}: the pull failed on access or the network (the execution "
            "role's ecr:GetAuthorizationToken and ecr:BatchGetImage, and a route to ECR: NAT, "
            "public IP or VPC endpoints)"
        )
    tags = [t for im in images for t in im.tags][:3]
    newest = f"newest tags {', '.join(tags)}" if tags else "the repository has no tagged image"
    return f"{kind} {ref} is not in {repo}; {newest}"


def failed_tasks_words(cause: StopCause, count: int, total: int) -> str:
    """The first link of a rollout's chain: what its own failed tasks said."""
    share = f"{count} of {plural(total, 'failed task')}" if total > 1 else "its failed task"
    return f"{share}: {cause.what}: {cause.why}"


# --------------------------------------------------------------------------- out of memory


def _mib(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def container_def(td: TaskDefinition, name: str) -> dict[str, object]:
    defs = td.raw.get("containerDefinitions")
    for d in defs if isinstance(defs, list) else []:
        if isinstance(d, dict) and d.get("name") == name:
            return d
    return {}


def memory_words(task: Task, td: TaskDefinition) -> str:
    """The killed container's memory limit and reservation beside the exit, and the task's."""
    oom = next(
        (c for c in task.containers if c.exit_code == 137 or _has(c.reason or "", "OutOfMemory")),
        None,
    )
    if oom is None:
        return ""
    d = container_def(td, oom.name)
    hard, soft = _mib(d.get("memory")), _mib(d.get("memoryReservation"))
    parts = [f"memory limit {hard} MiB" if hard else "no container memory limit"]
    parts.append(f"reservation {soft} MiB" if soft else "no reservation")
    task_mem = _mib(task.memory) or _mib(td.memory)
    if task_mem:
        parts.append(f"task memory {task_mem} MiB")
    ceiling = hard or task_mem
    fix = f"it used more than {ceiling} MiB" if ceiling else "it used more than the host had"
    return f"{oom.name}: {', '.join(parts)}; {fix}: raise the limit or find what grew"


# --------------------------------------------------------------------------- placement


def fixed_host_ports(td: TaskDefinition) -> list[int]:
    """Host ports the task claims on its instance (bridge or host networking, hostPort != 0)."""
    if (td.network_mode or "bridge") not in ("bridge", "host"):
        return []
    ports: list[int] = []
    defs = td.raw.get("containerDefinitions")
    for d in defs if isinstance(defs, list) else []:
        maps = d.get("portMappings") if isinstance(d, dict) else None
        for m in maps if isinstance(maps, list) else []:
            host = _mib(m.get("hostPort")) if isinstance(m, dict) else None
            if host is None and td.network_mode == "host" and isinstance(m, dict):
                host = _mib(m.get("containerPort"))
            if host:
                ports.append(host)
    return ports


def task_needs(td: TaskDefinition) -> tuple[int, int]:
    """(CPU units, MiB) placement reserves: the task level, else the containers' sums."""
    defs = td.raw.get("containerDefinitions")
    cdefs = [d for d in defs if isinstance(d, dict)] if isinstance(defs, list) else []
    cpu = _mib(td.cpu) or sum(_mib(d.get("cpu")) or 0 for d in cdefs)
    mem = _mib(td.memory) or sum(
        _mib(d.get("memory")) or _mib(d.get("memoryReservation")) or 0 for d in cdefs
    )
    return cpu, mem


def _usable(instances: Sequence[ContainerInstance]) -> list[ContainerInstance]:
    return [ci for ci in instances if ci.status == "ACTIVE" and ci.agent_connected is not False]


def placement_words(
    message: str,
    service: Service,
    cluster: Cluster,
    td: TaskDefinition | None,
    instances: Sequence[ContainerInstance],
) -> str:
    """A placement-failure event in words with the fix, checked against what was read."""
    active = _usable(instances)
    if _has(message, "capacity provider") or _missing_providers(service, cluster):
        missing = _missing_providers(service, cluster)
        if missing:
            return (
                f"capacity provider {', '.join(missing)} is not associated with cluster "
                f"{cluster.name}: add it (PutClusterCapacityProviders) or change the service's "
                "capacity provider strategy"
            )
    if (
        _has(message, "no container instances were found")
        or cluster.container_instances == 0
        or (instances and not active)
    ):
        return (
            "no ACTIVE container instance with a connected agent is registered in the cluster: "
            "start instances (the Auto Scaling group's desired count) and check they join this "
            "cluster (ECS_CLUSTER in /etc/ecs/ecs.config)"
        )
    if _has(message, "already using a port") and td is not None:
        return _port_words(td, active)
    if _has(message, "insufficient memory", "insufficient cpu") and td is not None:
        return _room_words(td, active, memory=_has(message, "insufficient memory"))
    if _has(message, "attribute", "constraint", "met all of its requirements"):
        rules = [r.value or r.type for r in service.placement_constraints]
        if rules:
            return (
                f"no ACTIVE instance meets the placement constraints {'; '.join(rules)}: check "
                "the instances' attributes (ecs:instance-type, custom attributes) or relax them"
            )
    return ""


def _missing_providers(service: Service, cluster: Cluster) -> list[str]:
    wanted = [i.provider for i in service.capacity_provider_strategy]
    if not wanted or not cluster.capacity_providers:
        return []
    return [p for p in wanted if p not in cluster.capacity_providers]


def _port_words(td: TaskDefinition, active: Sequence[ContainerInstance]) -> str:
    ports = fixed_host_ports(td)
    if not ports:
        return "a host port the task needs is taken on every instance"
    listed = ", ".join(str(p) for p in ports)
    return (
        f"the task claims fixed host port {listed} ({td.network_mode or 'bridge'} networking), so "
        f"each instance fits one such task and there {_are(len(active))}: set hostPort 0 "
        "(dynamic ports, with a load balancer) or use awsvpc networking"
    )


def _are(n: int) -> str:
    return f"is {n} ACTIVE instance" if n == 1 else f"are {n} ACTIVE instances"


def _room_words(td: TaskDefinition, active: Sequence[ContainerInstance], *, memory: bool) -> str:
    cpu, mem = task_needs(td)
    if memory:
        free = max((ci.memory_remaining or 0 for ci in active), default=0)
        need, unit, what = mem, "MiB", "memory"
    else:
        free = max((ci.cpu_remaining or 0 for ci in active), default=0)
        need, unit, what = cpu, "CPU units", "CPU"
    return (
        f"the task needs {need} {unit} of {what}; the most free on any of {_count(active)} is "
        f"{free} {unit}: add or enlarge instances, or lower the task's {what}"
    )


def _count(active: Sequence[ContainerInstance]) -> str:
    return plural(len(active), "ACTIVE instance")


# --------------------------------------------------------------------------- health checks


def health_check_words(tg: TargetGroup, grace: int | None) -> str:
    """The target group's health check and the service's grace period, beside a failing target."""
    port = tg.health_check_port or "traffic-port"
    check = f"health check {tg.health_check_protocol or tg.protocol or '?'} "
    check += f"{tg.health_check_path or '/'} on {port}"
    if tg.health_check_matcher:
        check += f" expecting {tg.health_check_matcher}"
    timing = []
    if tg.health_check_interval:
        timing.append(f"every {tg.health_check_interval} s")
    if tg.health_check_timeout:
        timing.append(f"timeout {tg.health_check_timeout} s")
    if tg.healthy_threshold and tg.unhealthy_threshold:
        timing.append(
            f"healthy after {tg.healthy_threshold}, unhealthy after {tg.unhealthy_threshold} "
            "in a row"
        )
    if timing:
        check += f" ({', '.join(timing)})"
    if not grace:
        return f"{check}; no health check grace period: a slow-starting task fails from its start"
    return f"{check}; grace period {grace} s"


# --------------------------------------------------------------------------- the task's own log

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]+")


def log_text(message: str, limit: int = 120) -> str:
    """A log line as plain, one-line text: colour codes dropped, other control characters
    (and bidi overrides that reorder what a terminal shows) made spaces, cut at ``limit``."""
    text = " ".join(_CONTROL.sub(" ", _ANSI.sub("", message)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def log_words(log: TaskLog) -> str:
    """The task's last log lines (time and text), beside the reason it failed."""
    if log.error:
        return f"{log.container}'s log could not be read: {log.error}"
    if not log.last:
        return f"{log.container} wrote no log line"
    lines = " | ".join(
        f"{e.timestamp:%H:%M:%S} {log_text(e.message)}" if e.timestamp else log_text(e.message)
        for e in log.last
    )
    return f"{log.container}'s last log lines (UTC): {lines}"


def startup_words(log: TaskLog, grace: int | None, tg: TargetGroup | None) -> str:
    """Whether the grace period covers the time the app took to say it was ready."""
    if log.error or not log.searched:
        return ""
    if log.ready is None or log.ready_after is None:
        return (
            f"none of {log.container}'s first {plural(log.searched, 'log line')} says it is "
            "listening or ready: check that it starts and serves the health check path"
        )
    took = max(round(log.ready_after), 0)
    said = f'{log.container} logged "{log_text(log.ready.message, 60)}" {took} s after start'
    settle = (tg.health_check_interval or 0) * (tg.healthy_threshold or 0) if tg else 0
    need = f"at least {took + settle} s" if settle else f"more than {took} s"
    if not grace and took >= 1:
        return f"{said}, and the service has no grace period: set it to {need}"
    if grace and grace < took:
        return f"{said}, longer than the {grace} s grace period: raise it to {need}"
    within = f"the {grace} s grace period" if grace else "a second"
    return f"{said}, within {within}: the check fails on a running app"


def memory_use_words(use: MemoryUse | str | None) -> str:
    """The service's MEM% in the hour before an out-of-memory exit."""
    if isinstance(use, str):
        return f"MEM% not read: {use}"
    if use is None:
        return ""
    if use.peak is None:
        return "no MemoryUtilization datapoint in the hour before (no running task reported)"
    mean = f", average {use.mean:.0f} %" if use.mean is not None else ""
    return (
        f"service memory in the hour before: peak {use.peak:.0f} % of the reservation "
        f"(busiest task){mean}"
    )
