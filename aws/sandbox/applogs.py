"""What the applications write to CloudWatch Logs, stamped inside each task's life.

The awslogs driver names a task's stream ``<awslogs-stream-prefix>/<container>/<task id>`` in
the group its task definition gives, and every line is written while the container runs:
after ``startedAt``, before ``stoppedAt``. A task that never started (an image that could not be
pulled) has no stream at all. The sandbox keeps to that: start-up lines at ``startedAt``,
request lines at the tick they happen (only for running tasks), and for a task killed out of
memory its last warnings just before ``stoppedAt``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aws.sandbox import moto_patches
from aws.sandbox.world import World, main_container


def _where(task: Any) -> tuple[Any, str] | None:
    """(log group, stream name) of the task's essential container, from its task definition's
    awslogs options; None when it logs elsewhere or the group does not exist."""
    ecs = World.ecs()
    try:
        taskdef = ecs.describe_task_definition(task.task_definition_arn)
    except Exception:  # deregistered and gone: nothing to write to
        return None
    name = main_container(task).get("name")
    cdef = next((c for c in taskdef.container_definitions if c.get("name") == name), None)
    config = (cdef or {}).get("logConfiguration") or {}
    options = config.get("options") or {}
    prefix = options.get("awslogs-stream-prefix")
    if config.get("logDriver") != "awslogs" or not prefix:
        return None
    group = moto_patches.backends()["logs"].groups.get(options.get("awslogs-group"))
    if group is None:
        return None
    return group, f"{prefix}/{name}/{task.id}"


def _put(task: Any, lines: list[tuple[datetime, str]]) -> None:
    where = _where(task)
    if where is None or not lines:
        return
    group, stream = where
    if stream not in group.streams:
        group.create_log_stream(stream)
    group.put_log_events(
        stream,
        [{"timestamp": int(when.timestamp() * 1000), "message": text} for when, text in lines],
    )


def put_lines(task: Any, lines: list[tuple[datetime, str]]) -> None:
    """Write ``lines`` (time, text) to the task's stream (a one-off task's, :mod:`.runs`)."""
    _put(task, lines)


def start(task: Any) -> None:
    """The start-up lines, from ``startedAt`` on."""
    started: datetime = task.started_at
    image = str(main_container(task).get("image", ""))
    version = image.rsplit(":", 1)[-1] if ":" in image else "unknown"
    lines = [
        "Starting application",
        f"Loaded configuration for env=prod version={version}",
        "Connected to database pool (size=10)",
        "Listening on 0.0.0.0:8080",
    ]
    _put(task, [(started + timedelta(milliseconds=350 * i), m) for i, m in enumerate(lines)])


def forget(task: Any) -> None:
    """Drop the task's stream (a task that never started has none)."""
    where = _where(task)
    if where is not None and where[1] in where[0].streams:
        where[0].delete_log_stream(where[1])


def rewrite(task: Any) -> None:
    """Write the task's start-up again (its ``startedAt`` moved)."""
    forget(task)
    start(task)


def request(world: World, task: Any, when: datetime) -> None:
    """One access-log line of a running task."""
    path = world.rng.choice(("/health", "/api/v1/orders", "/api/v1/items", "/api/v1/session"))
    status = world.rng.choice((200, 200, 200, 201, 204, 404, 500))
    ms = world.rng.randint(2, 900)
    level = "ERROR" if status >= 500 else "INFO"
    _put(task, [(when, f"{level} request method=GET path={path} status={status} duration_ms={ms}")])


def out_of_memory(task: Any, stopped_at: datetime) -> None:
    """The last lines before the kernel's OOM killer ends the container (it writes none)."""
    memory = int(str(task.memory or "512"))
    started: datetime = task.started_at or stopped_at
    lines = [
        (stopped_at - timedelta(seconds=95), "INFO processing batch size=4812331"),
        (stopped_at - timedelta(seconds=41), f"WARN memory high rss_mb={memory * 9 // 10}"),
        (stopped_at - timedelta(seconds=9), f"WARN memory high rss_mb={memory * 98 // 100}"),
    ]
    _put(task, [(when, text) for when, text in lines if when > started])


def health_failing(task: Any, since: datetime, until: datetime) -> None:
    """What the app says while its health checks fail: /health answers 503 because the cache
    it checks does not answer (a line pair a minute from ``since``, the last before ``until``)."""
    started: datetime = task.started_at or since
    lines: list[tuple[datetime, str]] = []
    when = since
    while when < until:
        lines.append((when, "WARN cache ping to redis:6379 timed out after 2000 ms"))
        lines.append(
            (
                when + timedelta(seconds=2),
                "ERROR request method=GET path=/health status=503 duration_ms=2004",
            )
        )
        when += timedelta(minutes=1)
    _put(task, [(w, text) for w, text in lines if started < w < until])
