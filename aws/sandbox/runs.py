"""One-off tasks (RunTask) living their short life: provisioned, pulled, run, exited.

moto's RunTask makes a task RUNNING at once and leaves it there; a one-off task on ECS (a
migration, a backfill, a scheduled job) starts, runs its command and stops with the exit code
of its essential container. Here a task started by a client's RunTask (not by a service) walks
PROVISIONING -> PENDING -> RUNNING -> STOPPED by the sandbox clock, measured from its creation,
whenever it is described (a task of group ``service:NAME`` is a service's, placed by seeding or
a test, and runs on): so it moves with ``--no-simulate`` too, and the same requests a few
seconds apart see the same life. Its command decides the exit code: ``exit N`` anywhere in it
exits N (``exit 0`` when it says nothing), as a shell would.

:func:`apply` wraps ``EC2ContainerServiceBackend.run_task`` (to mark the tasks it makes) and
moto's ``Task.advance``, which every DescribeTasks calls; the simulator settles them each tick.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from aws.sandbox import applogs
from aws.sandbox.clock import now
from aws.sandbox.patching import Installed, install, require, uninstall

#: Seconds from creation: PENDING (pulling) from, RUNNING from, and how long the command runs.
PENDING_AT = 2.0
RUNNING_AT = 4.0
RUNS_FOR = 6.0

_EXIT = re.compile(r"\bexit\s+(\d{1,3})\b")

_installed: Installed = []


def apply() -> None:
    """Install the two wrappers (idempotent)."""
    if _installed:
        return
    from moto.ecs.models import EC2ContainerServiceBackend, Task

    run_task = require(EC2ContainerServiceBackend, "run_task")
    advance = require(Task, "advance")

    def patched_run_task(self: Any, *args: Any, **kwargs: Any) -> Any:
        tasks = run_task(self, *args, **kwargs)
        overrides = kwargs.get("overrides", args[3] if len(args) > 3 else None)
        for task in tasks:
            # Seeding and tests start a service's tasks with RunTask and group "service:NAME"
            # (moto has no scheduler of its own): those run on, as a service's tasks do.
            if not str(getattr(task, "group", "") or "").startswith("service:"):
                begin(task, overrides)
        return tasks

    def patched_advance(self: Any) -> None:
        advance(self)
        settle(self)

    install(_installed, EC2ContainerServiceBackend, "run_task", patched_run_task, run_task)
    install(_installed, Task, "advance", patched_advance, advance)


def unapply() -> None:
    uninstall(_installed)


def begin(task: Any, overrides: dict[str, Any] | None) -> None:
    """Mark a task a client's RunTask just made: it starts PROVISIONING."""
    command = _command(task, overrides or {})
    task.ecsdeck_run = {"command": command, "exit": _exit_code(command)}
    task.created_at = now()
    task.last_status = "PROVISIONING"
    task.desired_status = "RUNNING"
    task.started_at = None
    task.containers = _containers(task)


def _containers(task: Any) -> list[dict[str, Any]]:
    try:
        taskdef = task._backend.describe_task_definition(task.task_definition_arn)
    except Exception:
        return []
    return [
        {
            "containerArn": f"{task.task_arn.replace(':task/', ':container/', 1)}/{c.get('name')}",
            "taskArn": task.task_arn,
            "name": c.get("name"),
            "image": c.get("image"),
            "lastStatus": "PENDING",
        }
        for c in taskdef.container_definitions
    ]


def _command(task: Any, overrides: dict[str, Any]) -> list[str]:
    for o in overrides.get("containerOverrides") or []:
        if isinstance(o, dict) and o.get("command"):
            return [str(w) for w in o["command"]]
    return []


def _exit_code(command: list[str]) -> int:
    m = _EXIT.search(" ".join(command))
    return min(int(m.group(1)), 255) if m else 0


def settle(task: Any) -> None:
    """Bring a one-off task to where its life is now (no-op for any other task)."""
    run = getattr(task, "ecsdeck_run", None)
    if run is None or task.last_status == "STOPPED":
        return
    age = (now() - task.created_at).total_seconds()
    if age >= RUNNING_AT and task.last_status in ("PROVISIONING", "PENDING"):
        _start(task, run)
    elif age >= PENDING_AT and task.last_status == "PROVISIONING":
        task.last_status = "PENDING"
        task.pull_started_at = task.created_at + timedelta(seconds=PENDING_AT)
    if age >= RUNNING_AT + RUNS_FOR and task.last_status == "RUNNING":
        _stop(task, run)


def _start(task: Any, run: dict[str, Any]) -> None:
    started = task.created_at + timedelta(seconds=RUNNING_AT)
    task.pull_started_at = task.created_at + timedelta(seconds=PENDING_AT)
    task.pull_stopped_at = started
    task.started_at = started
    task.last_status = "RUNNING"
    for c in task.containers:
        if isinstance(c, dict):
            c["lastStatus"] = "RUNNING"
    words = " ".join(run["command"]) or "the image's command"
    lines = [f"Running: {words}", "Connected to database (pool size 2)"]
    lines += [f"step {i}/3 done" for i in (1, 2, 3)]
    step = RUNS_FOR / (len(lines) + 1)
    applogs.put_lines(
        task, [(started + timedelta(seconds=step * i), m) for i, m in enumerate(lines)]
    )


def _stop(task: Any, run: dict[str, Any]) -> None:
    stopped = task.started_at + timedelta(seconds=RUNS_FOR)
    code = int(run["exit"])
    last = "Finished: all steps done" if code == 0 else f"ERROR: step 3 failed, exiting {code}"
    applogs.put_lines(task, [(stopped - timedelta(milliseconds=200), last)])
    reason = "Essential container in task exited"
    task._backend.stop_task(task.cluster_name, task.task_arn, reason)
    task.stop_code = "EssentialContainerExited"
    task.stopped_reason = reason
    task.stopping_at = stopped
    task.stopped_at = stopped
    task.execution_stopped_at = stopped
    for i, c in enumerate(task.containers):
        if isinstance(c, dict):
            c["lastStatus"] = "STOPPED"
            c["exitCode"] = code if i == 0 else 0
