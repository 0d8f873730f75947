"""Which log stream belongs to which container of a task."""

from __future__ import annotations

from aws.logs import awslogs_streams


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
