"""Systems Manager StartSession in the sandbox: moto 5.2 has none (the server answers HTTP 500,
"The start_session action has not been implemented", which botocore retries four times).

Systems Manager answers StartSession on an ECS target (``ecs:<cluster>_<task id>_<runtime
id>``, what ECS Exec and port forwarding use) with ``{SessionId, StreamUrl, TokenValue}`` when
the container's ExecuteCommandAgent is connected, and ``TargetNotConnected`` ("<target> is not
connected.") otherwise: a task started without exec, a stopped task, an unknown runtime id. A
document other than the Session Manager ones is ``InvalidDocument``.

As with ExecuteCommand (:mod:`.exec_agent`), the session points at nothing: tests stand a fake
``session-manager-plugin`` in for the real one.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from typing import Any

from aws.sandbox.exec_agent import AGENT
from aws.sandbox.patching import Installed, install, uninstall

DOCUMENTS = frozenset(
    {
        "AWS-StartPortForwardingSession",
        "AWS-StartPortForwardingSessionToRemoteHost",
        "AWS-StartInteractiveCommand",
        "AWS-StartSSHSession",
        "SSM-SessionManagerRunShell",
    }
)

_installed: Installed = []
_counter = itertools.count(1)


def apply() -> None:
    """Install StartSession (idempotent)."""
    if _installed:
        return
    from moto.ssm.responses import SimpleSystemManagerResponse

    install(_installed, SimpleSystemManagerResponse, "start_session", _start_session)


def unapply() -> None:
    uninstall(_installed)


def _error(code: str, message: str) -> Exception:
    from moto.ssm.exceptions import SSMException

    return SSMException(code, message)


def _connected(account: str, region: str, target: str) -> bool:
    """The target names a RUNNING task's container whose exec agent is RUNNING."""
    from moto.ecs.models import ecs_backends

    cluster, _, rest = target.removeprefix("ecs:").partition("_")
    task_id, _, runtime = rest.partition("_")
    backend = ecs_backends[account][region]
    task = next(
        (t for arn, t in backend.tasks.get(cluster, {}).items() if arn.endswith("/" + task_id)),
        None,
    )
    if task is None or task.last_status != "RUNNING":
        return False
    if not getattr(task, "enable_execute_command", False):
        return False
    for container in task.containers:
        if isinstance(container, dict) and container.get("runtimeId") == runtime:
            agents = [a for a in container.get("managedAgents") or [] if a.get("name") == AGENT]
            return bool(agents) and agents[0].get("lastStatus") == "RUNNING"
    return False


def _start_session(self: Any) -> Any:
    from moto.core.responses import ActionResult

    target = str(self._get_param("Target") or "")
    document = self._get_param("DocumentName")
    if document and document not in DOCUMENTS:
        raise _error("InvalidDocument", f"Document {document} does not exist in your account.")
    if not target.startswith("ecs:") or not _connected(self.current_account, self.region, target):
        raise _error("TargetNotConnected", f"{target} is not connected.")
    n = next(_counter)
    digest = hashlib.sha256(f"{target}/{document}/{n}".encode()).hexdigest()
    session_id = f"ecsdeck-{digest[:17]}"
    return ActionResult(
        {
            "SessionId": session_id,
            "StreamUrl": f"wss://ssmmessages.{self.region}.amazonaws.com/v1/data-channel/"
            f"{session_id}?role=publish_subscribe&cell-number=AAEAAQ",
            "TokenValue": base64.b64encode(hashlib.sha512(digest.encode()).digest()).decode(),
        }
    )
