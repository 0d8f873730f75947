"""The problems view's detail shows a cause chain one link a line, AWS's words first."""

from __future__ import annotations

from aws.problem_models import CHAIN, Problem
from tui.rows.problems import detail_text


def test_each_link_of_a_cause_chain_is_on_its_own_line() -> None:
    why = CHAIN.join(
        [
            "ECS deployment circuit breaker: tasks failed to start.",
            "3 of 3 failed tasks: image pull failed: tr-app:9.9.9: not found",
            "tag 9.9.9 is not in tr-app; newest tags 2.1, 2.0",
        ]
    )
    problem = Problem("k", "rollout", "arn:c", "c", "rollout failed", why, service_name="app")
    lines = detail_text(problem).plain.splitlines()
    assert lines[1] == "ECS deployment circuit breaker: tasks failed to start."
    assert lines[2] == "  → 3 of 3 failed tasks: image pull failed: tr-app:9.9.9: not found"
    assert lines[3] == "  → tag 9.9.9 is not in tr-app; newest tags 2.1, 2.0"
