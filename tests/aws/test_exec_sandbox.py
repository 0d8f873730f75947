"""ECS Exec against the sandbox over HTTP: what the preflight reads, and ExecuteCommand as ECS
answers it (moto has none: aws.sandbox.exec_agent)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from botocore.exceptions import ClientError

from aws.ecs import read_service_tasks
from aws.ecs_exec import plan_execute_command, read_target
from aws.exec_preflight import preflight
from aws.execute import execute
from aws.models import Task
from aws.session import Clients, SessionSettings


@pytest.fixture
async def clients(sandbox_frozen: str) -> AsyncIterator[Clients]:
    settings = SessionSettings(
        endpoint_url=sandbox_frozen, region="us-east-1", retry_mode="standard", max_attempts=1
    )
    async with Clients.open(settings) as c:
        yield c


async def a_task(c: Clients, cluster: str, service: str) -> Task:
    tasks = await read_service_tasks(c, cluster, service, include_stopped=False)
    return next(t for t in tasks if t.last_status == "RUNNING")


async def test_exec_enabled_service_passes_everything_but_the_plugin(clients: Clients) -> None:
    task = await a_task(clients, "web-fargate", "catalog-api")
    target = await read_target(clients, task)
    assert target.service is not None and target.service.enable_execute_command is True
    assert target.task.enable_execute_command is True and target.task_role_arn
    names = [c.name for c in target.task.containers]
    assert names == ["catalog-api", "datadog-agent"]
    assert len({c.runtime_id for c in target.task.containers}) == 2  # one per container
    for name in names:
        result = preflight(
            target.task,
            name,
            service=target.service,
            task_role_arn=target.task_role_arn,
            plugin_path="/usr/bin/session-manager-plugin",
            agent_version=target.agent_version,
        )
        assert result.ok, result.failed


async def test_service_without_exec_or_role(clients: Clients) -> None:
    target = await read_target(clients, await a_task(clients, "core-ec2", "email-worker"))
    assert target.service is not None and target.service.enable_execute_command is False
    assert target.task.enable_execute_command is False and target.task_role_arn is None
    assert target.agent_version == "1.89.2"  # an EC2 task: its instance's agent
    assert target.task.containers[0].managed_agents == ()


async def test_execute_command_opens_a_session(clients: Clients) -> None:
    task = await a_task(clients, "web-fargate", "catalog-api")
    outcome = await execute(clients, plan_execute_command(task, "datadog-agent"))
    assert outcome.ok, outcome.report()
    response = outcome.results[0]
    assert response["containerName"] == "datadog-agent" and response["interactive"] is True
    assert set(response["session"]) == {"sessionId", "streamUrl", "tokenValue"}
    assert response["session"]["streamUrl"].startswith("wss://ssmmessages.us-east-1.")


@pytest.mark.parametrize(
    ("cluster", "service", "container", "error"),
    [
        ("core-ec2", "email-worker", "email-worker", "execute command was not enabled"),
        ("web-fargate", "catalog-api", None, "multiple containers"),
    ],
)
async def test_execute_command_refuses_as_ecs_does(
    clients: Clients, cluster: str, service: str, container: str | None, error: str
) -> None:
    task = await a_task(clients, cluster, service)
    kwargs = {"container": container} if container else {}
    with pytest.raises(ClientError) as caught:
        await clients.ecs.execute_command(
            cluster=cluster, task=task.arn, command="/bin/sh", interactive=True, **kwargs
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    assert error in caught.value.response["Error"]["Message"]


def test_exec_agent_patches_install_once_and_come_off() -> None:
    """moto 5.2 has no ExecuteCommand: when an upgrade adds one, recheck aws.sandbox.exec_agent."""
    from moto.ecs.models import ContainerInstance, EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    from aws.sandbox import exec_agent

    assert not hasattr(EC2ContainerServiceResponse, "execute_command")
    assert "version_info" in ContainerInstance.__init__.__code__.co_names
    original = EC2ContainerServiceBackend.register_container_instance
    exec_agent.apply()
    exec_agent.apply()
    try:
        assert getattr(EC2ContainerServiceResponse.execute_command, "__ecsdeck_patched__", False)
        patched = EC2ContainerServiceBackend.register_container_instance
        assert patched.__ecsdeck_original__ is original  # type: ignore[attr-defined]
    finally:
        exec_agent.unapply()
    assert not hasattr(EC2ContainerServiceResponse, "execute_command")
    assert EC2ContainerServiceBackend.register_container_instance is original
