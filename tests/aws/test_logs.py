"""Which log stream belongs to which container of a task, and reading each stream's tail."""

from __future__ import annotations

import time
from typing import Any

import boto3

from aws.logs import (
    MergedFollow,
    StreamFollow,
    awslogs_streams,
    lines_before,
    logs_elsewhere,
    task_logs,
)
from aws.session import Clients

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


def _put(logs: Any, stream: str, lines: list[tuple[int, str]], group: str = "/ecs/web") -> None:
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": ts, "message": m} for ts, m in lines],
    )


async def test_stream_follow_tails_then_reads_every_new_line_once(
    moto_url: str, clients: Clients
) -> None:
    logs = boto3.client("logs", endpoint_url=moto_url, region_name=REGION)
    logs.create_log_group(logGroupName="/ecs/web")
    logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/app/t1")
    base = int(time.time() * 1000) - 60_000
    _put(logs, "ecs/app/t1", [(base + n, f"line {n}") for n in range(1, 2001)])

    follow = StreamFollow("/ecs/web", "ecs/app/t1")
    clients.calls.mark()
    tail = await follow.tail(clients, limit=100)
    assert len(tail) == 100
    assert (tail[0].message, tail[-1].message) == ("line 1901", "line 2000")
    assert dict(clients.calls.mark()) == {"cloudwatch-logs.GetLogEvents": 1}
    assert await follow.more(clients) == []  # nothing new yet

    # written after the follow started, in bursts bigger and smaller than a page
    _put(logs, "ecs/app/t1", [(base + 2000 + n, f"line {2000 + n}") for n in range(1, 4)])
    got = [e.message for e in await follow.more(clients, max_pages=2)]
    _put(logs, "ecs/app/t1", [(base + 3000 + n, f"burst {n}") for n in range(1, 301)])
    got += [e.message for e in await follow.more(clients)]
    got += [e.message for e in await follow.more(clients)]
    assert got == ["line 2001", "line 2002", "line 2003"] + [f"burst {n}" for n in range(1, 301)]


async def test_stream_follow_of_a_stream_not_created_yet_reads_it_from_the_head(
    moto_url: str, clients: Clients
) -> None:
    logs = boto3.client("logs", endpoint_url=moto_url, region_name=REGION)
    logs.create_log_group(logGroupName="/ecs/web")
    follow = StreamFollow("/ecs/web", "ecs/app/t2")
    assert await follow.tail(clients, limit=50) == []
    logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/app/t2")
    now = int(time.time() * 1000)
    _put(logs, "ecs/app/t2", [(now, "first"), (now + 1, "second")])
    assert [e.message for e in await follow.more(clients)] == ["first", "second"]
    assert await follow.more(clients) == []


async def test_merged_follow_tags_tasks_and_reads_each_line_once(
    moto_url: str, clients: Clients
) -> None:
    logs = boto3.client("logs", endpoint_url=moto_url, region_name=REGION)
    logs.create_log_group(logGroupName="/ecs/web")
    mine = ["ecs/app/aaa111", "ecs/app/bbb222"]
    for stream in [*mine, "ecs/app/other9"]:
        logs.create_log_stream(logGroupName="/ecs/web", logStreamName=stream)
    now = int(time.time() * 1000)
    _put(logs, mine[0], [(now - 3000, "a1"), (now - 1000, "a2")])
    _put(logs, mine[1], [(now - 2000, "b1")])
    _put(logs, "ecs/app/other9", [(now - 1500, "not this service")])

    merged = MergedFollow("/ecs/web", mine, start_ms=now - 3_600_000)
    clients.calls.mark()
    first = await merged.read(clients)
    assert [(e.task_id, e.message) for e in first] == [
        ("aaa111", "a1"),
        ("bbb222", "b1"),
        ("aaa111", "a2"),
    ]
    assert dict(clients.calls.mark()) == {"cloudwatch-logs.FilterLogEvents": 1}
    assert await merged.read(clients) == []

    # new lines, and one shipped late by the other task (older than the newest read)
    _put(logs, mine[0], [(now + 10, "a3")])
    _put(logs, mine[1], [(now - 500, "b2 late")])
    again = await merged.read(clients)
    assert sorted(e.message for e in again) == ["a3", "b2 late"]
    assert await merged.read(clients) == []


async def test_merged_follow_sends_the_filter_pattern(moto_url: str, clients: Clients) -> None:
    logs = boto3.client("logs", endpoint_url=moto_url, region_name=REGION)
    logs.create_log_group(logGroupName="/ecs/web")
    logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/app/t1")
    now = int(time.time() * 1000)
    _put(logs, "ecs/app/t1", [(now, "INFO ok"), (now + 1, "ERROR boom"), (now + 2, "INFO ok")])
    sent: list[dict[str, Any]] = []
    clients.logs.meta.events.register(
        "provide-client-params.cloudwatch-logs.FilterLogEvents",
        lambda params, **_: sent.append(dict(params)),
    )
    merged = MergedFollow("/ecs/web", ["ecs/app/t1"], start_ms=now - 60_000, pattern="ERROR")
    assert [e.message for e in await merged.read(clients)] == ["ERROR boom"]
    assert sent[-1]["filterPattern"] == "ERROR"
    assert sent[-1]["logStreamNames"] == ["ecs/app/t1"]


def test_logs_elsewhere_names_the_driver_and_destination() -> None:
    td = {
        "containerDefinitions": [
            _container("app"),
            {
                "name": "web",
                "logConfiguration": {
                    "logDriver": "awsfirelens",
                    "options": {"Name": "firehose", "region": "eu-west-1", "delivery_stream": "d"},
                },
            },
            {
                "name": "legacy",
                "logConfiguration": {
                    "logDriver": "splunk",
                    "options": {"splunk-url": "https://splunk:8088", "splunk-index": "main"},
                    "secretOptions": [{"name": "splunk-token", "valueFrom": "arn:secret"}],
                },
            },
            {"name": "quiet"},
        ]
    }
    where = {e.container: (e.driver, e.where) for e in logs_elsewhere(td)}
    assert "app" not in where
    assert where["web"] == (
        "awsfirelens",
        "FireLens output Name=firehose region=eu-west-1 delivery_stream=d",
    )
    assert where["legacy"] == ("splunk", "splunk-url=https://splunk:8088 splunk-index=main")
    assert where["quiet"][0] == "none"


async def test_lines_before_fill_a_quiet_merged_view_without_overlap(
    moto_url: str, clients: Clients
) -> None:
    logs = boto3.client("logs", endpoint_url=moto_url, region_name=REGION)
    logs.create_log_group(logGroupName="/ecs/web")
    for stream in ("ecs/app/t1", "ecs/app/t2"):
        logs.create_log_stream(logGroupName="/ecs/web", logStreamName=stream)
    edge = int(time.time() * 1000) - 3_600_000  # where the merged window starts
    _put(logs, "ecs/app/t1", [(edge - 7_200_000, "t1 old"), (edge - 1, "t1 last before")])
    _put(logs, "ecs/app/t2", [(edge - 5_000_000, "t2 old"), (edge, "t2 in the window")])
    clients.calls.mark()
    got = await lines_before(
        clients,
        [("/ecs/web", "ecs/app/t1"), ("/ecs/web", "ecs/app/t2"), ("/ecs/web", "ecs/app/t3")],
        edge,
        limit=2,
    )
    assert [e.message for e in got] == ["t2 old", "t1 last before"]  # the last 2, in time order
    assert dict(clients.calls.mark()) == {"cloudwatch-logs.GetLogEvents": 3}
    merged = MergedFollow("/ecs/web", ["ecs/app/t1", "ecs/app/t2"], start_ms=edge)
    assert [e.message for e in await merged.read(clients)] == ["t2 in the window"]


class _Refused:
    status_code = 400
    headers: dict[str, str] = {}


async def test_merged_follow_asks_by_prefix_when_a_named_stream_does_not_exist(
    moto_url: str, clients: Clients
) -> None:
    """CloudWatch refuses logStreamNames naming a missing stream (a task that never logged);
    moto does not, so the refusal is played here, as AWS answers it."""
    logs = boto3.client("logs", endpoint_url=moto_url, region_name=REGION)
    logs.create_log_group(logGroupName="/ecs/web")
    logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/app/t1")
    logs.create_log_stream(logGroupName="/ecs/web", logStreamName="ecs/app/other")
    now = int(time.time() * 1000)
    _put(logs, "ecs/app/t1", [(now, "mine")])
    _put(logs, "ecs/app/other", [(now, "another service's task")])
    sent: list[dict[str, Any]] = []

    def refuse_names(params: dict[str, Any], **_: Any) -> Any:
        body = params.get("body", b"")
        if b"logStreamNames" in (body if isinstance(body, bytes) else str(body).encode()):
            error = {
                "Code": "ResourceNotFoundException",
                "Message": "The specified log stream does not exist.",
            }
            return _Refused(), {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}
        return None

    clients.logs.meta.events.register(
        "provide-client-params.cloudwatch-logs.FilterLogEvents",
        lambda params, **_: sent.append(dict(params)),
    )
    clients.logs.meta.events.register("before-call.cloudwatch-logs.FilterLogEvents", refuse_names)
    merged = MergedFollow("/ecs/web", ["ecs/app/t1", "ecs/app/never"], start_ms=now - 60_000)
    assert [e.message for e in await merged.read(clients)] == ["mine"]
    assert "logStreamNames" in sent[0]  # refused: ecs/app/never does not exist
    assert merged.by_prefix and sent[-1].get("logStreamNamePrefix") == "ecs/app/"
    assert await merged.read(clients) == []
