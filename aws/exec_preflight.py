"""Can ECS Exec reach this container? Each prerequisite as a check, with the fix in words.

ECS Exec fails late and vaguely (ExecuteCommand says the agent "isn't running", or the plugin
opens and closes at once), so ecsdeck checks everything it can see first and names what to
change. The prerequisites, as AWS documents them for ECS Exec:

* the task is RUNNING;
* ``enableExecuteCommand`` was on when the task started (a service change reaches only tasks
  started after it: it needs a new deployment);
* ECS started the ``ExecuteCommandAgent`` managed agent in the container, and it is RUNNING
  (``containers[].managedAgents`` of DescribeTasks);
* the task definition has a task role (``taskRoleArn``): the agent reaches Systems Manager
  through it, and it must allow ``ssmmessages:CreateControlChannel``, ``CreateDataChannel``,
  ``OpenControlChannel`` and ``OpenDataChannel`` (ecsdeck cannot see the policy, only the role);
* on Fargate, platform version 1.4.0 or later (Linux); on EC2, ECS container agent 1.50.2 or
  later (when the container instance says which it runs);
* ``session-manager-plugin`` on the PATH of the machine running ecsdeck: it carries the session.

Pure: the caller reads the task, task definition and agent version, and looks up the plugin.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws.models import Service, Task

AGENT = "ExecuteCommandAgent"
PLUGIN = "session-manager-plugin"
MIN_FARGATE = (1, 4, 0)
MIN_EC2_AGENT = (1, 50, 2)
PLUGIN_DOCS = "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"

#: The order checks are shown in; also their stable keys.
KEYS = ("running", "enabled", "agent", "role", "platform", "plugin")


@dataclass(frozen=True, slots=True)
class Check:
    """One prerequisite. ``ok`` is None when it cannot be known (then it does not block)."""

    key: str
    label: str
    ok: bool | None
    found: str
    fix: str | None = None


@dataclass(frozen=True, slots=True)
class Preflight:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok is not False for c in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.ok is False)

    def check(self, key: str) -> Check | None:
        return next((c for c in self.checks if c.key == key), None)


def version(text: str | None) -> tuple[int, ...] | None:
    """``"1.4.0"`` -> (1, 4, 0); ``"LATEST"``, ``"v1.x"`` or nothing -> None (unknown)."""
    parts = (text or "").strip().removeprefix("v").split(".")
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def _is_fargate(task: Task) -> bool:
    return task.launch_type == "FARGATE" or (task.capacity_provider or "").startswith("FARGATE")


def check_running(task: Task) -> Check:
    ok = task.last_status == "RUNNING"
    return Check(
        "running",
        "Task RUNNING",
        ok,
        f"last status {task.last_status or '?'}",
        None if ok else "ECS Exec reaches running tasks only: pick a RUNNING task.",
    )


def check_enabled(task: Task, service: Service | None) -> Check:
    if task.enable_execute_command:
        return Check("enabled", "enableExecuteCommand", True, "on for this task")
    if service is not None and service.enable_execute_command:
        fix = (
            f"{service.name} has it on, but this task started before: force a new deployment "
            "(key f) so its tasks are replaced by ones started with it."
        )
    elif service is not None:
        fix = (
            f"Turn it on for {service.name} (UpdateService --enable-execute-command with a new "
            "deployment: ecsdeck offers it below); only tasks started afterwards get it."
        )
    else:
        fix = "Run the task again with --enable-execute-command (RunTask)."
    return Check("enabled", "enableExecuteCommand", False, "off when this task started", fix)


def check_agent(task: Task, container: str | None) -> Check:
    found = next((c for c in task.containers if c.name == container), None)
    label = f"{AGENT} RUNNING in {container or '?'}"
    if found is None:
        return Check("agent", label, False, "no such container", "Pick a container of the task.")
    agent = next((a for a in found.managed_agents if a.name == AGENT), None)
    if agent is None:
        fix = (
            "ECS adds the agent only to tasks started with enableExecuteCommand: start a new "
            "task once it is on."
        )
        return Check("agent", label, False, "no managed agent in the container", fix)
    if agent.last_status == "RUNNING":
        return Check("agent", label, True, "RUNNING")
    why = f" ({agent.reason})" if agent.reason else ""
    fix = (
        "Wait a few seconds while it starts."
        if agent.last_status == "PENDING"
        else "Start a new task; if it stops again, check the task role can reach ssmmessages "
        "(and the task has a route to it: NAT, public IP or a VPC endpoint)."
    )
    return Check("agent", label, False, f"{agent.last_status or 'unknown'}{why}", fix)


def check_role(task_role_arn: str | None) -> Check:
    if task_role_arn:
        return Check("role", "Task role", True, task_role_arn.rsplit("/", 1)[-1])
    fix = (
        "Give the task definition a task role (taskRoleArn) allowing ssmmessages:"
        "CreateControlChannel, CreateDataChannel, OpenControlChannel and OpenDataChannel, "
        "then deploy that revision."
    )
    return Check("role", "Task role", False, "no taskRoleArn in the task definition", fix)


def check_platform(task: Task, agent_version: str | None) -> Check:
    if _is_fargate(task):
        if (task.platform_family or "").upper().startswith("WINDOWS"):
            return Check("platform", "Fargate platform", True, "Windows (any version)")
        have = version(task.platform_version)
        if have is None:
            return Check("platform", "Fargate platform", None, "version not reported")
        ok = have >= MIN_FARGATE
        fix = None if ok else "Run on platform version 1.4.0 or LATEST (UpdateService, new tasks)."
        return Check("platform", "Fargate platform >= 1.4.0", ok, str(task.platform_version), fix)
    have = version(agent_version)
    if have is None:
        return Check("platform", "ECS agent >= 1.50.2", None, "agent version not known")
    ok = have >= MIN_EC2_AGENT
    fix = None if ok else "Update the ECS container agent on the instance to 1.50.2 or later."
    return Check("platform", "ECS agent >= 1.50.2", ok, str(agent_version), fix)


def check_plugin(plugin_path: str | None) -> Check:
    if plugin_path:
        return Check("plugin", f"{PLUGIN} on PATH", True, plugin_path)
    fix = f"Install the Session Manager plugin and put {PLUGIN} on PATH ({PLUGIN_DOCS})."
    return Check("plugin", f"{PLUGIN} on PATH", False, "not found", fix)


def preflight(
    task: Task,
    container: str | None,
    *,
    service: Service | None,
    task_role_arn: str | None,
    plugin_path: str | None,
    agent_version: str | None = None,
) -> Preflight:
    """Every check, in ``KEYS`` order. ``agent_version``: the EC2 instance's ECS agent."""
    return Preflight(
        (
            check_running(task),
            check_enabled(task, service),
            check_agent(task, container),
            check_role(task_role_arn),
            check_platform(task, agent_version),
            check_plugin(plugin_path),
        )
    )
