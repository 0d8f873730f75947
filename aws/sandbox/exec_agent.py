"""ECS Exec in the sandbox: what moto 5.2 leaves out, answered as ECS answers it.

moto has no ExecuteCommand (an unknown action), drops ``enableExecuteCommand`` on CreateService,
reports no ``managedAgents`` and no container ``runtimeId`` outside awsvpc, and says every
container instance runs ECS agent 1.0.0. ECS instead:

* copies the service's ``enableExecuteCommand`` onto each task it starts (``task_started``), and
  gives each container of such a task an ``ExecuteCommandAgent`` managed agent, PENDING while the
  task starts and RUNNING once it runs (``agent_pending`` / ``agent_running``, called by
  :mod:`.tasks`);
* answers ExecuteCommand for a RUNNING task with the agent RUNNING in the container: a Systems
  Manager session ``{sessionId, streamUrl, tokenValue}``. It refuses a task started without exec
  (InvalidParameterException), names no container on a task with several
  (InvalidParameterException), and a container whose agent is not RUNNING
  (TargetNotConnectedException);
* reports a current agent on container instances (``versionInfo.agentVersion``).

The session points at nothing: a plugin started with it would fail to connect, as it would with
an expired token. Tests stand a fake ``session-manager-plugin`` in for the real one.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any

from aws.sandbox.patching import Installed, install, require, uninstall

AGENT = "ExecuteCommandAgent"
#: What a container instance reports: a recent ECS agent (ECS Exec needs 1.50.2 or later).
AGENT_VERSION = "1.89.2"
NOT_ENABLED = (
    "The execute command failed because execute command was not enabled when the task was run "
    "or the execute command agent isn't running. Wait and try again or run a new task with "
    "execute command enabled and try again."
)

_installed: Installed = []


def apply() -> None:
    """Install ExecuteCommand and the agent version (idempotent)."""
    if _installed:
        return
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    register = require(EC2ContainerServiceBackend, "register_container_instance")

    def patched_register(self: Any, cluster_str: str, ec2_instance_id: str) -> Any:
        instance = register(self, cluster_str, ec2_instance_id)
        instance.version_info = {**instance.version_info, "agentVersion": AGENT_VERSION}
        return instance

    install(_installed, EC2ContainerServiceResponse, "execute_command", _execute_command)
    install(
        _installed,
        EC2ContainerServiceBackend,
        "register_container_instance",
        patched_register,
        register,
    )


def unapply() -> None:
    uninstall(_installed)


# ------------------------------------------------------------------ tasks (called by .tasks)


def task_started(service: Any, task: Any) -> None:
    """The task inherits the service's setting as it is when the task starts."""
    task.enable_execute_command = bool(getattr(service, "enable_execute_command", False))


def agent_pending(task: Any, container: dict[str, Any]) -> None:
    if getattr(task, "enable_execute_command", False):
        container["managedAgents"] = [{"name": AGENT, "lastStatus": "PENDING"}]


def agent_running(task: Any, container: dict[str, Any], started: datetime) -> None:
    for agent in container.get("managedAgents") or []:
        if agent.get("name") == AGENT:
            agent.update(lastStatus="RUNNING", lastStartedAt=started)


# ------------------------------------------------------------------ ExecuteCommand


def _error(code: str, message: str) -> Exception:
    from moto.ecs.exceptions import ECSException, InvalidParameterException

    if code == "InvalidParameterException":
        return InvalidParameterException(message)
    return ECSException(code, message)


def _execute_command(self: Any) -> Any:
    from moto.core.responses import ActionResult

    backend = self.ecs_backend
    cluster = backend._get_cluster(self._get_param("cluster", "default"))
    ref = str(self._get_param("task") or "")
    task = next(
        (t for arn, t in backend.tasks.get(cluster.name, {}).items() if arn.endswith("/" + ref)),
        None,
    ) or backend.tasks.get(cluster.name, {}).get(ref)
    if task is None:
        raise _error("InvalidParameterException", "The specified task was not found.")
    if not self._get_param("interactive"):
        raise _error("InvalidParameterException", "Interactive is the only mode supported.")
    containers = [c for c in task.containers if isinstance(c, dict)]
    name = self._get_param("container")
    if not name and len(containers) > 1:
        raise _error(
            "InvalidParameterException",
            "Task has multiple containers: the container name must be specified.",
        )
    container = next((c for c in containers if not name or c.get("name") == name), None)
    if container is None:
        raise _error("InvalidParameterException", f"The container {name} was not found.")
    if not getattr(task, "enable_execute_command", False):
        raise _error("InvalidParameterException", NOT_ENABLED)
    agents = [a for a in container.get("managedAgents") or [] if a.get("name") == AGENT]
    if task.last_status != "RUNNING" or not agents or agents[0].get("lastStatus") != "RUNNING":
        raise _error(
            "TargetNotConnectedException",
            "The execute command cannot run: the agent is not connected, or the container "
            "is not running.",
        )
    return ActionResult(
        {
            "clusterArn": cluster.arn,
            "containerArn": container.get("containerArn"),
            "containerName": container.get("name"),
            "interactive": True,
            "session": _session(backend.region_name, task.id, str(container.get("name"))),
            "taskArn": task.task_arn,
        }
    )


def _session(region: str, task_id: str, container: str) -> dict[str, str]:
    """A session shaped like Systems Manager's (ids from the task, so seeds repeat)."""
    digest = hashlib.sha256(f"{task_id}/{container}".encode()).hexdigest()
    session_id = f"ecs-execute-command-{digest[:17]}"
    return {
        "sessionId": session_id,
        "streamUrl": f"wss://ssmmessages.{region}.amazonaws.com/v1/data-channel/{session_id}"
        "?role=publish_subscribe&cell-number=AAEAAQ",
        "tokenValue": base64.b64encode(hashlib.sha512(digest.encode()).digest()).decode(),
    }
