"""What the confirmation dialog says about a plan whose later call needs an earlier call's ARN."""

from __future__ import annotations

from tests.aws.test_plan_cli import switch_plan
from tui.screens.dialogs.confirm import calls_text


def test_the_dialog_says_where_the_arn_comes_from_and_shows_pasteable_lines() -> None:
    text = calls_text(switch_plan(), {"region": "us-east-1"}).plain
    assert "$registered" not in text and "'$TASK_DEF_ARN'" not in text
    assert "# step 1 prints the new task definition ARN and keeps it in $TASK_DEF_ARN" in text
    assert "$ TASK_DEF_ARN=$(aws ecs register-task-definition" in text
    assert "# $TASK_DEF_ARN is the ARN step 1 printed: run step 1 first" in text
    assert '--task-definition "$TASK_DEF_ARN" --region us-east-1' in text
