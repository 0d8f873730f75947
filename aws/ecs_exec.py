"""ECS Exec: read what the preflight needs, ask ECS for a session, hand it to the plugin.

ExecuteCommand only opens a Systems Manager session; the terminal traffic is carried by
``session-manager-plugin``, started exactly as the AWS CLI v2 starts it for
``aws ecs execute-command`` (``awscli/customizations/ecs/executecommand.py``)::

    session-manager-plugin <session JSON> <region> StartSession <profile or ''>
        <{"Target": "ecs:<cluster>_<task id>_<container runtime id>"}> <ECS endpoint URL>

The session JSON is the response's ``session`` object (sessionId, streamUrl, tokenValue). The
CLI ignores Ctrl-C, Ctrl-\\ and Ctrl-Z in its own process while the plugin runs, so those keys
reach the remote shell instead of killing the local side; ``run_plugin`` does the same.

Opening a shell in a container is not a read: ExecuteCommand goes through a ``Plan`` and
``aws.execute`` (audited, refused in read-only mode) like every other change.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws.ecs import (
    describe_container_instances,
    describe_services,
    describe_tasks,
    read_task_definition,
)
from aws.exec_preflight import Preflight, preflight
from aws.models import Service, Task, arn_tail
from aws.plan import ActionError, ApiCall, Plan, ValidationError

if TYPE_CHECKING:
    from aws.session import Clients

DEFAULT_COMMAND = "/bin/sh"


@dataclass(frozen=True, slots=True)
class ExecTarget:
    """A task as it is now, and what the preflight needs to know about it."""

    task: Task
    service: Service | None
    task_role_arn: str | None
    #: The ECS agent of the task's EC2 instance (None on Fargate, or when not reported).
    agent_version: str | None

    def preflight(self, container: str | None, plugin_path: str | None) -> Preflight:
        """Every check of ECS Exec (and of a port forward, which needs the same) on this task."""
        return preflight(
            self.task,
            container,
            service=self.service,
            task_role_arn=self.task_role_arn,
            plugin_path=plugin_path,
            agent_version=self.agent_version,
        )


async def read_target(c: Clients, task: Task) -> ExecTarget:
    """Describe the task again (the preflight must not judge a poll-old copy), its task
    definition (cached), its service and, on EC2, its instance's agent version."""
    cluster = task.cluster_arn
    found = await describe_tasks(c, cluster, [task.arn])
    if not found:
        raise ActionError(f"Task {task.id} is no longer known to ECS.")
    fresh = found[0]
    role = None
    if fresh.task_definition:
        td = await read_task_definition(c, fresh.task_definition)
        raw_role = td.raw.get("taskRoleArn")
        role = raw_role if isinstance(raw_role, str) and raw_role else None
    service = None
    if fresh.service_name:
        services = await describe_services(c, cluster, [fresh.service_name])
        service = services[0] if services else None
    return ExecTarget(fresh, service, role, await _agent_version(c, fresh))


async def _agent_version(c: Clients, task: Task) -> str | None:
    if not task.container_instance_arn:
        return None
    found = await describe_container_instances(c, task.cluster_arn, [task.container_instance_arn])
    return found[0].agent_version if found else None


def plan_execute_command(task: Task, container: str, command: str = DEFAULT_COMMAND) -> Plan:
    """ExecuteCommand, interactive (the only mode ECS offers)."""
    if not command.strip():
        raise ValidationError("Type a command to run, e.g. /bin/sh.")
    return Plan(
        title="ECS Exec",
        cluster=arn_tail(task.cluster_arn),
        service=task.service_name,
        calls=(
            ApiCall(
                "ecs",
                "ExecuteCommand",
                {
                    "cluster": arn_tail(task.cluster_arn),
                    "task": task.arn,
                    "container": container,
                    "command": command,
                    "interactive": True,
                },
            ),
        ),
        summary=f"{command} in {container} of task {task.id}",
    )


def plan_enable_exec(service: Service) -> Plan:
    """UpdateService enableExecuteCommand with a new deployment: running tasks keep what they
    started with, so only the replacements can be reached."""
    if service.deployment_controller in ("CODE_DEPLOY", "EXTERNAL"):
        raise ValidationError(
            f"{service.name} uses the {service.deployment_controller} deployment controller: "
            "UpdateService cannot start a new deployment of it."
        )
    return Plan(
        title="Enable ECS Exec",
        cluster=arn_tail(service.cluster_arn),
        service=service.name,
        calls=(
            ApiCall(
                "ecs",
                "UpdateService",
                {
                    "cluster": arn_tail(service.cluster_arn),
                    "service": service.name,
                    "enableExecuteCommand": True,
                    "forceNewDeployment": True,
                },
            ),
        ),
        summary=f"{service.name}: turn on ECS Exec and replace all tasks",
        notes=("Every task is replaced: the new ones start with ECS Exec on.",),
        if_failed=f"{service.name} is unchanged.",
    )


def session_target(task: Task, runtime_id: str) -> str:
    """``ecs:<cluster name>_<task id>_<runtime id>``: the Systems Manager target of a container."""
    return f"ecs:{arn_tail(task.cluster_arn)}_{task.id}_{runtime_id}"


def plugin_argv(
    plugin: str,
    response: dict[str, Any],
    *,
    target: str,
    region: str,
    profile: str | None,
    endpoint_url: str,
) -> list[str]:
    """The plugin's command line for an ExecuteCommand session."""
    return session_plugin_argv(
        plugin,
        response["session"],
        {"Target": target},
        region=region,
        profile=profile,
        endpoint_url=endpoint_url,
    )


def session_plugin_argv(
    plugin: str,
    session: dict[str, Any],
    request: dict[str, Any],
    *,
    region: str,
    profile: str | None,
    endpoint_url: str,
) -> list[str]:
    """session-manager-plugin's command line, in the AWS CLI's order: the session AWS
    answered (SessionId, StreamUrl, TokenValue), then the request that made it."""
    return [
        plugin,
        json.dumps(session),
        region,
        "StartSession",
        profile or "",
        json.dumps(request),
        endpoint_url,
    ]


def runtime_id(task: Task, container: str) -> str:
    found = next((c for c in task.containers if c.name == container), None)
    if found is None or not found.runtime_id:
        raise ActionError(f"ECS reports no runtime id for {container}: it is not running.")
    return found.runtime_id


@contextlib.contextmanager
def _keys_to_the_session() -> Iterator[None]:
    """Ignore SIGINT/SIGQUIT/SIGTSTP here while the plugin runs (it reads them as keys)."""
    names = ("SIGINT", "SIGQUIT", "SIGTSTP")
    saved: list[tuple[int, Any]] = []
    try:
        for name in names:
            number = getattr(signal, name, None)
            if number is not None:
                saved.append((number, signal.signal(number, signal.SIG_IGN)))
    except ValueError:  # not the main thread: leave the handlers alone
        pass
    try:
        yield
    finally:
        for number, handler in reversed(saved):
            signal.signal(number, handler)


def run_plugin(argv: Sequence[str]) -> int:
    """Run the plugin in the foreground; its exit status (127 when it cannot be started)."""
    with _keys_to_the_session():
        try:
            return subprocess.run(list(argv), check=False).returncode
        except OSError:
            return 127
