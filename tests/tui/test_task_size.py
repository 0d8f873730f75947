"""The task detail's ``cpu / memory`` line: units always, ``-`` for a task without a
task-level size (an EC2 task), never ``None / None``."""

from __future__ import annotations

from dataclasses import replace

from tests.aws.models import fargate_task
from tui.render.task_detail import describe

ARN = "arn:aws:ecs:us-east-1:123456789012:task/web/0123abcd"
CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/web"


def size_line(cpu: str | None, memory: str | None) -> str:
    task = replace(fargate_task(ARN, CLUSTER, "td:1"), cpu=cpu, memory=memory)
    line = next(ln for ln in describe(task).plain.splitlines() if "cpu / memory" in ln)
    return line.split("cpu / memory", 1)[1].strip()


def test_a_task_without_a_task_level_size_shows_dashes() -> None:
    assert size_line(None, None) == "- / -"


def test_the_size_has_units() -> None:
    assert size_line("256", "512") == "256 CPU units (0.25 vCPU) / 512 MiB"
    assert size_line("1024", None) == "1024 CPU units (1 vCPU) / -"
