"""What the confirmation dialog says about a plan whose later call needs an earlier call's ARN."""

from __future__ import annotations

from tests.aws.test_plan_cli import switch_plan
from tui.plan_text import calls_text


def test_the_dialog_says_where_the_arn_comes_from_and_shows_pasteable_lines() -> None:
    text = calls_text(switch_plan(), {"region": "us-east-1"}).plain
    assert "$registered" not in text and "'$TASK_DEF_ARN'" not in text
    assert "# step 1 prints the new task definition ARN and keeps it in $TASK_DEF_ARN" in text
    assert "$ TASK_DEF_ARN=$(aws ecs register-task-definition" in text
    assert "# $TASK_DEF_ARN is the ARN step 1 printed: run step 1 first" in text
    assert '--task-definition "$TASK_DEF_ARN" --region us-east-1' in text


def test_preflight_shows_a_fix_to_come_as_an_arrow_not_a_cross() -> None:
    from aws.launch_type.switch import Check, SwitchPlan
    from tui.dialog_parts import switch_checks_text

    checks = (
        Check("task definition", False, "web:1 is not Fargate-compatible", fix="register web:2"),
        Check("load balancer", True, "not load-balanced"),
    )
    ready = switch_checks_text(SwitchPlan(plan=switch_plan(), checks=checks, blocked=None)).plain
    assert "→ task definition" in ready and "will be fixed by this plan: register web:2" in ready
    assert "✗" not in ready and "✓ load balancer" in ready
    blocked = switch_checks_text(SwitchPlan(plan=switch_plan(), checks=checks, blocked="no")).plain
    assert "✗ task definition" in blocked and "to fix: register web:2" in blocked


def test_preflight_says_not_set_instead_of_none() -> None:
    from aws import taskdef

    problems = taskdef.validate(
        {
            "family": "web",
            "requiresCompatibilities": ["FARGATE"],
            "containerDefinitions": [{"name": "app", "image": "nginx"}],
        }
    )
    said = "; ".join(problems)
    assert "None" not in said, said
    assert "networkMode 'awsvpc' (not set)" in said
