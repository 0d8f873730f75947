"""The CLI lines of a plan whose later call needs the ARN an earlier call registers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from aws.plan import REGISTERED, ApiCall, Plan

ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:8"


def switch_plan() -> Plan:
    return Plan(
        title="Switch to FARGATE",
        cluster="prod",
        service="web",
        calls=(
            ApiCall("ecs", "RegisterTaskDefinition", {"family": "web", "cpu": "256"}),
            ApiCall("ecs", "PutClusterCapacityProviders", {"cluster": "prod"}),
            ApiCall(
                "ecs",
                "UpdateService",
                {"cluster": "prod", "service": "web", "taskDefinition": REGISTERED},
            ),
        ),
        summary="s",
    )


def test_lines_say_in_words_where_the_arn_comes_from() -> None:
    register, put, update = switch_plan().cli_lines(region="us-east-1")
    assert register.startswith("# step 1 prints the new task definition ARN")
    assert "for step 3" in register
    assert "--query taskDefinition.taskDefinitionArn --output text" in register
    assert put == "aws ecs put-cluster-capacity-providers --cluster prod --region us-east-1"
    comment, command = update.splitlines()
    assert comment == "# $TASK_DEF_ARN is the ARN step 1 printed: run step 1 first"
    assert '--task-definition "$TASK_DEF_ARN"' in command
    assert "'$" not in command  # never a single-quoted placeholder the shell leaves as is


def test_pasted_lines_hand_the_registered_arn_to_the_update(tmp_path: Path) -> None:
    """Pasted into bash (with a stand-in ``aws`` that answers like the real one), step 3
    receives the ARN step 1 printed."""
    bash = shutil.which("bash")
    assert bash
    log = tmp_path / "calls"
    fake = (
        f'aws() {{ echo "$*" >> {log}; '
        f'if [ "$2" = register-task-definition ]; then echo {ARN}; fi; }}\n'
    )
    script = fake + switch_plan().cli() + "\n"
    run = subprocess.run([bash, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ARN  # step 1 prints the new ARN
    update = log.read_text().splitlines()[-1]
    assert update.startswith("ecs update-service")
    assert update.endswith(f"--task-definition {ARN}")


def test_a_plan_without_a_placeholder_is_unchanged() -> None:
    plan = Plan("t", "prod", "web", (ApiCall("ecs", "StopTask", {"task": "t1"}),), "s")
    assert plan.cli_lines() == ["aws ecs stop-task --task t1"]
