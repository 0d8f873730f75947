"""Model builders shared by the aws/ tests: only the fields a test cares about, the rest empty."""

from __future__ import annotations

from typing import Any

from aws.models import Task

_FARGATE_TASK: dict[str, Any] = {
    "started_by": None,
    "last_status": "RUNNING",
    "desired_status": "RUNNING",
    "health": None,
    "launch_type": "FARGATE",
    "capacity_provider": None,
    "cpu": None,
    "memory": None,
    "private_ip": None,
    "container_instance_arn": None,
    "ec2_instance_id": None,
    "availability_zone": None,
    "created_at": None,
    "started_at": None,
    "stopping_at": None,
    "stopped_at": None,
    "stop_code": None,
    "stopped_reason": None,
    "containers": (),
}


def fargate_task(arn: str, cluster_arn: str, task_definition: str, **fields: Any) -> Task:
    """A RUNNING Fargate task with nothing else known but ``fields``."""
    return Task(
        arn=arn,
        cluster_arn=cluster_arn,
        task_definition=task_definition,
        **{"group": None, **_FARGATE_TASK, **fields},
    )
