"""One-off tasks (aws/run_task.py): input checks and plans as plain unit tests; RunTask, its
failures and the executor's audit against the moto server."""

from __future__ import annotations

import json

import pytest

from aws.audit import AuditLog
from aws.execute import execute
from aws.models import CapacityProviderItem, Container, NetworkConfig
from aws.plan import ValidationError
from aws.run_task import (
    MAX_RUN_COUNT,
    RunSpec,
    check_task_role,
    parse_command,
    parse_environment,
    parse_run_count,
    plan_run_task,
    resolve_task_definition,
    run_outcome_words,
    run_result,
    started_by,
)
from tests.aws.models import fargate_task
from tests.aws.test_actions import boto, open_clients

NET = NetworkConfig(("subnet-1", "subnet-2"), ("sg-1",), "DISABLED")


@pytest.mark.parametrize("text", ["0", "11", "-1", "2.5", "", "abc", "٣"])
def test_count_outside_1_to_10_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_run_count(text)


def test_count_accepts_1_to_10() -> None:
    assert [parse_run_count(str(n)) for n in (1, MAX_RUN_COUNT)] == [1, MAX_RUN_COUNT]


def test_command_json_or_shell_words() -> None:
    assert parse_command('["python", "manage.py", "migrate"]') == (
        "python",
        "manage.py",
        "migrate",
    )
    assert parse_command("sh -c 'echo $HOME; exit 3'") == ("sh", "-c", "echo $HOME; exit 3")
    assert parse_command("   ") is None
    for bad, why in (
        ('["python", ', "not valid JSON"),
        ('["python", 3]', "array of strings"),
        ('{"a": 1}', "array of strings"),
        ("echo 'unclosed", "cannot be split"),
    ):
        with pytest.raises(ValidationError, match=why):
            parse_command(bad)


def test_environment_and_task_role() -> None:
    assert parse_environment("A=1 B='two words' C=") == (("A", "1"), ("B", "two words"), ("C", ""))
    with pytest.raises(ValidationError, match="NAME=VALUE"):
        parse_environment("1A=x")
    with pytest.raises(ValidationError, match="NAME=VALUE"):
        parse_environment("JUSTANAME")
    assert check_task_role(" ") is None
    assert check_task_role("arn:aws:iam::123456789012:role/migrator") == (
        "arn:aws:iam::123456789012:role/migrator"
    )
    with pytest.raises(ValidationError, match="IAM role ARN"):
        check_task_role("migrator")


def test_started_by_names_the_user_within_36_characters() -> None:
    assert started_by(None) == "ecsdeck"
    assert started_by("arn:aws:iam::123456789012:user/alice") == "ecsdeck/alice"
    assert started_by("arn:aws:iam::123456789012:root") == "ecsdeck"
    long = "arn:aws:sts::123456789012:assumed-role/Admin/alice.smith@example.com-session"
    value = started_by(long)
    assert value.startswith("ecsdeck/alice_smith_example_com") and len(value) == 36
    assert set(value) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/_")


def test_plan_carries_network_strategy_platform_and_overrides() -> None:
    spec = RunSpec(
        cluster="prod",
        task_definition="web:7",
        count=2,
        capacity_provider_strategy=(CapacityProviderItem("FARGATE_SPOT", 3, 1),),
        network=NET,
        platform_version="1.4.0",
        container="app",
        command=("python", "manage.py", "migrate"),
        environment=(("DRY_RUN", "1"),),
        task_role="arn:aws:iam::123456789012:role/migrator",
        started_by="ecsdeck/alice",
    )
    plan = plan_run_task(spec)
    (call,) = plan.calls
    assert call.operation == "RunTask"
    assert call.params == {
        "cluster": "prod",
        "taskDefinition": "web:7",
        "count": 2,
        "startedBy": "ecsdeck/alice",
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 1}],
        "platformVersion": "1.4.0",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": ["subnet-1", "subnet-2"],
                "securityGroups": ["sg-1"],
                "assignPublicIp": "DISABLED",
            }
        },
        "overrides": {
            "containerOverrides": [
                {
                    "name": "app",
                    "command": ["python", "manage.py", "migrate"],
                    "environment": [{"name": "DRY_RUN", "value": "1"}],
                }
            ],
            "taskRoleArn": "arn:aws:iam::123456789012:role/migrator",
        },
    }
    line = plan.cli(region="eu-west-1")
    assert line.startswith("aws ecs run-task --cluster prod --task-definition web:7 --count 2")
    assert "--started-by ecsdeck/alice" in line and "--region eu-west-1" in line
    with pytest.raises(ValidationError):
        plan_run_task(RunSpec(cluster="prod", task_definition="web:7", count=11))
    with pytest.raises(ValidationError, match="container"):
        plan_run_task(RunSpec(cluster="prod", task_definition="web:7", command=("true",)))


def test_outcome_words() -> None:
    def stopped(code: int | None, reason: str = "Essential container in task exited") -> str:
        container = Container("app", None, "STOPPED", code, None, None)
        task = fargate_task(
            "arn:aws:ecs:us-east-1:1:task/prod/abc",
            "arn:aws:ecs:us-east-1:1:cluster/prod",
            "web:7",
            last_status="STOPPED",
            desired_status="STOPPED",
            stop_code="EssentialContainerExited",
            stopped_reason=reason,
            containers=(container,),
        )
        return run_outcome_words(task)

    assert stopped(0) == "finished: app exited with code 0 (success)."  # the reason said it again
    assert stopped(0, "Stopped by ops").endswith("(success). Stopped by ops")
    assert "code 1" in stopped(1) and "application error" in stopped(1)
    assert "out of memory" in stopped(137)
    failures = {
        "failures": [{"arn": "arn:x:container-instance/prod/i1", "reason": "RESOURCE:MEMORY"}]
    }
    assert run_result(failures) == (
        [],
        ["i1: no container instance has enough memory left (RESOURCE:MEMORY)"],
    )


def _seed(url: str) -> str:
    ecs = boto(url, "ecs")
    ecs.create_cluster(clusterName="runs")
    td = {
        "family": "migrate",
        "networkMode": "bridge",
        "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [{"name": "app", "image": "busybox", "memory": 128}],
    }
    return str(ecs.register_task_definition(**td)["taskDefinition"]["taskDefinitionArn"])


async def test_run_task_starts_tasks_and_reports_failures(moto_url: str, tmp_path) -> None:
    _seed(moto_url)
    audit = AuditLog(tmp_path / "audit.jsonl")
    async with open_clients(moto_url) as c:
        td = await resolve_task_definition(c, "migrate")
        assert td.family == "migrate"
        with pytest.raises(ValidationError, match="No task definition 'nope:3'"):
            await resolve_task_definition(c, "nope:3")
        spec = RunSpec(cluster="runs", task_definition="migrate:1", count=2, launch_type="FARGATE")
        outcome = await execute(c, plan_run_task(spec), audit=audit)
        assert outcome.ok, outcome.report()
        started, failures = run_result(outcome.results[0])
        assert len(started) == 2 and failures == []
        # EC2 on a cluster without container instances: refused, in ECS's words.
        spec = RunSpec(cluster="runs", task_definition="migrate:1", launch_type="EC2")
        outcome = await execute(c, plan_run_task(spec), audit=audit)
        assert not outcome.ok and "No Container Instances were found" in outcome.report()
    lines = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [(x["call"], x["result"]) for x in lines] == [
        ("RunTask", "intent"),
        ("RunTask", "ok"),
        ("RunTask", "intent"),
        ("RunTask", "error"),
    ]


def test_the_simulator_settles_a_one_off_task_moto_made_without_health() -> None:
    """moto's RunTask makes a Task with no ``health_status``: the sandbox simulator's tick raised
    AttributeError on it while a one-off task ran, and --demo printed the traceback over the
    TUI every tick."""
    from types import SimpleNamespace

    from aws.sandbox import targets

    task = SimpleNamespace(desired_status="RUNNING", last_status="PENDING", containers=[])
    targets.sync_health(task)  # not running yet: left alone
    assert not hasattr(task, "health_status")
    task.last_status = "RUNNING"
    targets.sync_health(task)
    assert task.health_status == "HEALTHY"  # no target group: ELB's word is healthy
