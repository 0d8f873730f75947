"""Counts agree with their nouns in every message."""

from __future__ import annotations

from dataclasses import replace

from aws.actions import plan_scale
from aws.words import noun, plural
from tests.aws.test_actions import seed_service, service


def test_plural() -> None:
    assert [plural(n, "row") for n in (0, 1, 2)] == ["0 rows", "1 row", "2 rows"]
    assert plural(1, "target") == "1 target" and plural(3, "match", "matches") == "3 matches"
    assert noun(1, "task") == "task" and noun(5, "task") == "tasks"


def test_a_service_of_one_task_is_said_in_the_singular(moto_url: str) -> None:
    seed_service(moto_url)
    svc = service(moto_url)
    one = plan_scale(replace(svc, desired=1), 3)
    assert one.if_failed == "web still wants 1 task."
