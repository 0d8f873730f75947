"""Port forwarding to a task: a local port carried to a port the task can reach, as e1s does.

Systems Manager's ``AWS-StartPortForwardingSessionToRemoteHost`` document, started on the
container's ECS Exec target (``ecs:<cluster>_<task id>_<runtime id>``): the ECS Exec agent in
the container opens the remote connection, so the task reaches ``host`` (itself by default, or
a database it can reach) and ``session-manager-plugin`` listens on the local port. The plugin is
started exactly as the AWS CLI v2 starts it for ``aws ssm start-session``
(``awscli/customizations/sessionmanager.py``)::

    session-manager-plugin <StartSession response JSON> <region> StartSession <profile or ''>
        <StartSession request JSON> <SSM endpoint URL>

It needs what ECS Exec needs (aws.exec_preflight): exec enabled on the task, the agent running,
a task role allowed ``ssmmessages:*``, the plugin on PATH. StartSession goes through a ``Plan``
and ``aws.execute`` (audited, refused in read-only mode); bad ports are refused before it.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws.ecs import read_task_definition
from aws.ecs_exec import ExecTarget, read_target, session_plugin_argv, session_target
from aws.models import Task, arn_tail
from aws.plan import ApiCall, Plan, ValidationError

if TYPE_CHECKING:
    from aws.session import Clients

DOCUMENT = "AWS-StartPortForwardingSessionToRemoteHost"
#: The remote host when none is given: the task itself (its network namespace).
LOCALHOST = "localhost"


@dataclass(frozen=True, slots=True)
class ForwardTarget:
    """The exec target, and each container's first port from the task definition."""

    exec: ExecTarget
    ports: dict[str, int]


async def read_forward_target(c: Clients, task: Task) -> ForwardTarget:
    """``read_target`` (the preflight's reads) and the container ports (the task definition is
    cached by ARN, so this costs no request more)."""
    target = await read_target(c, task)
    ports: dict[str, int] = {}
    if target.task.task_definition:
        td = await read_task_definition(c, target.task.task_definition)
        definitions: Any = td.raw.get("containerDefinitions") or []
        for container in definitions:
            mappings = container.get("portMappings") or []
            port = mappings[0].get("containerPort") if mappings else None
            if isinstance(port, int):
                ports[str(container.get("name"))] = port
    return ForwardTarget(target, ports)


def parse_port(text: str | int, what: str) -> int:
    """A TCP port typed by the user: a whole number from 1 to 65535."""
    raw = str(text).strip()
    if not raw.isascii() or not raw.isdigit():
        raise ValidationError(f"{what} {raw!r} is not a port: a whole number from 1 to 65535.")
    value = int(raw)
    if not 1 <= value <= 65535:
        raise ValidationError(f"{what} {value} is out of range: a port is 1 to 65535.")
    return value


def parse_host(text: str) -> str:
    """The remote host: a name or address, no spaces (blank: the task itself)."""
    host = text.strip() or LOCALHOST
    if any(ch.isspace() for ch in host) or len(host) > 253:
        raise ValidationError(f"{host!r} is not a host name or address.")
    return host


def port_in_use(port: int) -> bool:
    """Something on this machine already listens on ``port`` (the plugin could not bind it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def free_port() -> int:
    """A local port nothing listens on now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def check_local_port(port: int) -> None:
    if port_in_use(port):
        raise ValidationError(
            f"Local port {port} is in use on this machine: pick another (or leave the "
            "suggested free one)."
        )


def plan_port_forward(
    task: Task, container: str, runtime_id: str, *, host: str, remote_port: int, local_port: int
) -> Plan:
    """StartSession with the port-forwarding document on the container's target."""
    params = {
        "Target": session_target(task, runtime_id),
        "DocumentName": DOCUMENT,
        "Parameters": {
            "host": [host],
            "portNumber": [str(remote_port)],
            "localPortNumber": [str(local_port)],
        },
    }
    where = "the task" if host == LOCALHOST else host
    return Plan(
        title="Port forward",
        cluster=arn_tail(task.cluster_arn),
        service=None,  # a session changes nothing of the service: no per-service guard
        calls=(ApiCall("ssm", "StartSession", params),),
        summary=f"localhost:{local_port} -> {where}:{remote_port} via {container} of {task.id}",
        notes=(
            "session-manager-plugin runs in the background until stopped in :sessions "
            "or ecsdeck quits.",
        ),
    )


def plugin_argv(
    plugin: str,
    response: dict[str, Any],
    request: dict[str, Any],
    *,
    region: str,
    profile: str | None,
    endpoint_url: str,
) -> list[str]:
    """The plugin's command line, in the AWS CLI's order (``ssm start-session``)."""
    return session_plugin_argv(
        plugin, response, request, region=region, profile=profile, endpoint_url=endpoint_url
    )
