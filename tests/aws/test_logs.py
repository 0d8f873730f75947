"""Which log stream belongs to which container of a task, and reading each stream's tail."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import boto3
import pytest

from aws.logs import awslogs_streams, task_logs
from aws.session import Clients, SessionSettings

REGION = "us-east-1"


def test_awslogs_streams_follow_the_prefix_rule() -> None:
    td = {
        "containerDefinitions": [
            {
                "name": "app",
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": "/ecs/web", "awslogs-stream-prefix": "ecs"},
                },
            },
            {"name": "no-logs"},
            {"name": "no-prefix", "logConfiguration": {"logDriver": "awslogs", "options": {}}},
            {"name": "splunk", "logConfiguration": {"logDriver": "splunk"}},
        ]
    }
    assert awslogs_streams(td, "abc123") == [("app", "/ecs/web", "ecs/app/abc123")]
    assert awslogs_streams({}, "abc123") == []


@pytest.fixture
async def clients(moto_url: str) -> AsyncIterator[Clients]:
    settings = SessionSettings(
        endpoint_url=moto_url, region=REGION, retry_mode="standard", max_attempts=1
    )
    async with Clients.open(settings) as c:
        yield c


def _container(name: str) -> dict[str, object]:
    options = {"awslogs-group": "/ecs/web", "awslogs-stream-prefix": "ecs"}
    return {"name": name, "logConfiguration": {"logDriver": "awslogs", "options": options}}


async def test_task_logs_read_the_true_last_lines_with_one_call_per_stream(
    moto_url: str, clients: Clients
) -> None:
    logs = boto3.client("logs", endpoint_url=moto_url, region_name=REGION)
    logs.create_log_group(logGroupName="/ecs/web")
    logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/app/t1")
    base = int(time.time() * 1000) - 60_000
    logs.put_log_events(
        logGroupName="/ecs/web",
        logStreamName="ecs/app/t1",
        logEvents=[{"timestamp": base + n, "message": f"line {n}\n"} for n in range(1, 2001)],
    )
    # another task's stream in the same group, newer: never mixed in
    logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/app/t10")
    logs.put_log_events(
        logGroupName="/ecs/web",
        logStreamName="ecs/app/t10",
        logEvents=[{"timestamp": base + 5000, "message": "not mine"}],
    )
    td = {"containerDefinitions": [_container("app"), _container("sidecar")]}

    clients.calls.mark()
    tails = await task_logs(clients, td, "t1", limit=40)
    assert [e.message for e in tails["app"]] == [f"line {n}" for n in range(1961, 2001)]
    assert all(e.stream == "ecs/app/t1" for e in tails["app"])
    assert tails["sidecar"] == []  # its stream does not exist (never logged)
    assert dict(clients.calls.mark()) == {"cloudwatch-logs.GetLogEvents": 2}
