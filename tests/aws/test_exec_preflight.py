"""The ECS Exec preflight: each prerequisite, alone missing, is reported with its fix."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from aws.ecs_exec import plan_enable_exec, plan_execute_command, plugin_argv, session_target
from aws.exec_preflight import AGENT, KEYS, preflight, version
from aws.models import Container, ManagedAgent, Service, Task
from tests.aws.models import fargate_task

CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/web"
TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task/web/0123abcd"


def task(**changes: Any) -> Task:
    container = Container(
        name="app",
        image="nginx",
        last_status="RUNNING",
        exit_code=None,
        reason=None,
        health=None,
        runtime_id="0123abcd-1234567890",
        managed_agents=(ManagedAgent(AGENT, "RUNNING"),),
    )
    base = fargate_task(
        TASK_ARN,
        CLUSTER,
        "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1",
        group="service:app",
        containers=(container,),
        enable_execute_command=True,
        platform_version="1.4.0",
    )
    return replace(base, **changes)


def service(enabled: bool) -> Service:
    return Service(
        arn="arn:aws:ecs:us-east-1:123456789012:service/web/app",
        name="app",
        cluster_arn=CLUSTER,
        status="ACTIVE",
        desired=1,
        running=1,
        pending=0,
        task_definition=None,
        launch_type="FARGATE",
        capacity_provider_strategy=(),
        deployments=(),
        events=(),
        load_balancers=(),
        network=None,
        deployment_controller="ECS",
        created_at=None,
        enable_execute_command=enabled,
    )


def run(
    t: Task, *, svc: Service | None = None, role: str | None = "arn:role/x", plugin="/p", agent=None
):
    return preflight(
        t,
        "app",
        service=svc or service(True),
        task_role_arn=role,
        plugin_path=plugin,
        agent_version=agent,
    )


def failed(result: Any) -> dict[str, str]:
    return {c.key: c.fix for c in result.failed}


def test_all_present_passes_in_order() -> None:
    result = run(task())
    assert result.ok and [c.key for c in result.checks] == list(KEYS)
    assert all(c.ok for c in result.checks)


def test_exec_not_enabled_on_the_service_says_to_enable_it() -> None:
    t = task(
        enable_execute_command=False, containers=(replace(task().containers[0], managed_agents=()),)
    )
    result = run(t, svc=service(False))
    fixes = failed(result)
    assert set(fixes) == {"enabled", "agent"} and not result.ok
    assert "--enable-execute-command" in fixes["enabled"]
    assert "started with enableExecuteCommand" in fixes["agent"]


def test_enabled_after_the_task_started_says_to_redeploy() -> None:
    t = task(enable_execute_command=False)
    assert "force a new deployment" in failed(run(t, svc=service(True)))["enabled"]


def test_no_task_role_names_the_ssmmessages_permissions() -> None:
    fix = failed(run(task(), role=None))["role"]
    assert "taskRoleArn" in fix and "ssmmessages:CreateControlChannel" in fix


def test_plugin_missing_says_how_to_install_it() -> None:
    fix = failed(run(task(), plugin=None))["plugin"]
    assert "session-manager-plugin on PATH" in fix


def test_task_not_running() -> None:
    assert "running" in failed(run(task(last_status="PENDING")))


@pytest.mark.parametrize(("status", "words"), [("PENDING", "Wait"), ("STOPPED", "new task")])
def test_agent_not_running(status: str, words: str) -> None:
    t = task(
        containers=(
            replace(task().containers[0], managed_agents=(ManagedAgent(AGENT, status, "x"),)),
        )
    )
    assert words in failed(run(t))["agent"]


def test_platform_versions() -> None:
    assert "1.4.0" in failed(run(task(platform_version="1.3.0")))["platform"]
    assert run(task(platform_version="LATEST")).check("platform").ok is None  # unknown
    ec2 = task(launch_type="EC2", platform_version=None)
    assert run(ec2, agent=None).check("platform").ok is None
    assert run(ec2, agent="1.50.2").check("platform").ok is True
    assert "1.50.2" in failed(run(ec2, agent="1.49.0"))["platform"]
    assert version("1.10.0") > version("1.4.0")


def test_plugin_argv_matches_the_aws_cli() -> None:
    response = {"session": {"sessionId": "s", "streamUrl": "wss://x", "tokenValue": "t"}}
    argv = plugin_argv(
        "smp",
        response,
        target=session_target(task(), "rt"),
        region="eu-west-1",
        profile=None,
        endpoint_url="https://ecs.eu-west-1.amazonaws.com",
    )
    assert argv == [
        "smp",
        '{"sessionId": "s", "streamUrl": "wss://x", "tokenValue": "t"}',
        "eu-west-1",
        "StartSession",
        "",
        '{"Target": "ecs:web_0123abcd_rt"}',
        "https://ecs.eu-west-1.amazonaws.com",
    ]


def test_plans_show_the_cli_lines() -> None:
    line = plan_execute_command(task(), "app").cli()
    assert (
        line.startswith("aws ecs execute-command --cluster web --task ") and "--interactive" in line
    )
    line = plan_enable_exec(service(False)).cli()
    assert "--enable-execute-command" in line and "--force-new-deployment" in line
