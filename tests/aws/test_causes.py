"""Causes in plain words: stopped tasks, target reason codes and service events, table-driven."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from aws.models import Container, Service, ServiceEvent, Task
from aws.triage.causes import (
    cause_severity,
    event_cause,
    exit_code_words,
    explaining_event,
    stop_cause,
    stop_summary,
    target_reason_words,
    unhealthy_target_group,
)

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:7"


def container(
    name: str = "app", exit_code: int | None = None, reason: str | None = None
) -> Container:
    return Container(name, IMAGE, "STOPPED", exit_code, reason, None)


def task(
    code: str | None,
    reason: str | None,
    *containers: Container,
    status: str = "STOPPED",
) -> Task:
    return Task(
        "arn:aws:ecs:us-east-1:1:task/c/abc", "arn:c", "td:1", "service:web", None,
        status, "STOPPED", None, "FARGATE", None, None, None, None, None, None, None,
        None, None, None, None, code, reason, containers or (container(),),
    )  # fmt: skip


ESSENTIAL = "Essential container in task exited"

STOPS = [
    # (stop code, stopped reason, containers, expected what, words expected in why)
    ("EssentialContainerExited", ESSENTIAL, (container(exit_code=137),), "out of memory",
     ["app exit 137", "memory limit"]),
    ("EssentialContainerExited", ESSENTIAL,
     (container(reason="OutOfMemoryError: Container killed due to memory usage"),),
     "out of memory", ["OutOfMemoryError"]),
    ("TaskFailedToStart",
     "CannotPullContainerError: pull image manifest has been retried 1 time(s): not found",
     (container(),), "image pull failed", [IMAGE, "not found"]),
    ("TaskFailedToStart", "Task failed to start",
     (container(reason="CannotPullContainerError: access denied"),), "image pull failed",
     [IMAGE, "access denied"]),
    ("ServiceSchedulerInitiated", "Task failed ELB health checks in (target-group arn:tg/api/1)",
     (container(exit_code=143),), "failed load balancer health checks", ["arn:tg/api/1"]),
    ("ServiceSchedulerInitiated", "Task failed container health checks", (container(),),
     "failed container health checks", ["container health checks"]),
    ("EssentialContainerExited", ESSENTIAL, (container(exit_code=1),),
     "container exited with code 1", ["app exited with code 1", "application error"]),
    ("EssentialContainerExited", ESSENTIAL, (container(exit_code=139),),
     "container exited with code 139", ["segmentation fault"]),
    ("EssentialContainerExited", ESSENTIAL, (container(exit_code=143),),
     "container exited with code 143", ["SIGTERM"]),
    # The sidecar's 143 is ECS stopping it after the app died: the app's code is the cause.
    ("EssentialContainerExited", ESSENTIAL,
     (container("envoy", exit_code=143), container("app", exit_code=2)),
     "container exited with code 2", ["app exited with code 2"]),
    ("EssentialContainerExited", ESSENTIAL,
     (container("envoy", exit_code=143), container("app", exit_code=0)),
     "container exited", ["app exited with code 0", "keep running"]),
    ("SpotInterruption", "Your Spot Task was interrupted.", (container(),), "spot interruption",
     ["interrupted"]),
    ("TaskFailedToStart",
     "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
     "retrieval failed: unable to retrieve secret from asm", (container(),),
     "could not read secrets", ["retrieve secret"]),
    ("TaskFailedToStart",
     "ResourceInitializationError: failed to validate logger args: The specified log group "
     "does not exist", (container(),), "could not set up logging", ["log group"]),
    ("TaskFailedToStart",
     "ResourceInitializationError: unable to pull registry auth from Amazon ECR: AccessDenied",
     (container(),), "registry authentication failed", ["Amazon ECR"]),
    ("TaskFailedToStart", "Timeout waiting for network interface provisioning to complete.",
     (container(),), "task failed to start", ["network interface"]),
]  # fmt: skip


@pytest.mark.parametrize(("code", "reason", "containers", "what", "words"), STOPS)
def test_stop_causes(
    code: str, reason: str, containers: tuple[Container, ...], what: str, words: list[str]
) -> None:
    cause = stop_cause(task(code, reason, *containers))
    assert cause is not None
    assert cause.what == what
    for word in words:
        assert word in cause.why


NOT_PROBLEMS = [
    ("ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/123)",
     (container(exit_code=143),)),
    ("ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/123)",
     (container(exit_code=137),)),  # killed after the stop timeout: still just scaling in
    (None, "Scaling activity initiated by (deployment ecs-svc/123)", (container(),)),
    ("UserInitiated", "Task stopped by user", (container(exit_code=137),)),
    ("ServiceSchedulerInitiated", "Deployment replaced the task", (container(exit_code=0),)),
    (None, None, (Container("app", IMAGE, "STOPPED", None, None, None),)),
]  # fmt: skip


@pytest.mark.parametrize(("code", "reason", "containers"), NOT_PROBLEMS)
def test_stops_that_are_not_problems(
    code: str | None, reason: str | None, containers: tuple[Container, ...]
) -> None:
    assert stop_cause(task(code, reason, *containers)) is None


def test_a_running_task_has_no_stop_cause() -> None:
    running = replace(task(None, None, container(exit_code=137)), last_status="RUNNING")
    assert stop_cause(replace(running, desired_status="RUNNING")) is None
    assert stop_cause(running) is not None  # desired STOPPED: stopping, and already says why


def test_severity_and_summary() -> None:
    spot = stop_cause(task("SpotInterruption", "Your Spot Task was interrupted."))
    oom = stop_cause(task("EssentialContainerExited", ESSENTIAL, container(exit_code=137)))
    assert spot is not None and oom is not None
    assert (cause_severity(spot), cause_severity(oom)) == ("warning", "error")
    # The one-line summary the task rows show keeps every detail, 137 flagged.
    stopped = task("EssentialContainerExited", ESSENTIAL, container(exit_code=137, reason="OOM"))
    assert (
        stop_summary(stopped)
        == f"EssentialContainerExited · app exit 137 (OOM?) · OOM · {ESSENTIAL}"
    )


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (0, "must keep running"),
        (1, "application error"),
        (127, "command not found"),
        (137, "SIGKILL"),
        (139, "SIGSEGV"),
        (143, "SIGTERM"),
        (134, "signal 6"),
        (42, ""),
        (None, ""),
    ],
)
def test_exit_code_words(code: int | None, words: str) -> None:
    assert words in exit_code_words(code)
    if not words:
        assert exit_code_words(code) == ""


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("Target.FailedHealthChecks", "failing health checks"),
        ("Target.ResponseCodeMismatch", "health check got the wrong HTTP status"),
        ("Target.Timeout", "health check timed out"),
        ("Target.DeregistrationInProgress", "draining connections"),
        ("Target.NotInUse", "target group not used by any load balancer"),
        ("Target.SomethingNew", "Target.SomethingNew"),
        (None, ""),
    ],
)
def test_target_reason_words(code: str | None, words: str) -> None:
    assert target_reason_words(code) == words


EVENTS = [
    ("(service web) was unable to place a task because no container instance met all of its "
     "requirements. The closest matching (container-instance 1) has insufficient memory "
     "available.", "memory", True),
    ("(service web) was unable to place a task because no container instance met all of its "
     "requirements. The closest matching (container-instance 1) has insufficient CPU units "
     "available.", "cpu", True),
    ("(service web) was unable to place a task because no container instance met all of its "
     "requirements. The closest matching (container-instance 1) is already using a port "
     "required by your task.", "port", True),
    ("(service web) was unable to place a task because no container instance met all of its "
     "requirements. Reason: No Container Instances were found in your cluster.",
     "no-instances", True),
    ("(service web) was unable to place a task because no container instance met all of its "
     "requirements.", "placement", True),
    ("(service web) has started 0 tasks: .", "started-none", True),
    ("(service web) (port 80) is unhealthy in (target-group arn:aws:elasticloadbalancing:us-east-1"
     ":1:targetgroup/web/abc) due to (reason Health checks failed).", "unhealthy-target", False),
    ("(service web) is unable to consistently start tasks successfully.", "unstable", False),
    ("(service web) operations are being throttled. Will try again later.", "throttled", False),
    ("(service web) (deployment ecs-svc/1) deployment failed: tasks failed to start.",
     "rollout-failed", False),
    ("(service web) failed to launch a task with (error ECS was unable to assume the role).",
     "launch-failed", False),
]  # fmt: skip


@pytest.mark.parametrize(("message", "code", "placement"), EVENTS)
def test_event_causes(message: str, code: str, placement: bool) -> None:
    cause = event_cause(message)
    assert cause is not None and cause.problem
    assert (cause.code, cause.placement) == (code, placement)


@pytest.mark.parametrize(
    "message",
    [
        "(service web) has started 2 tasks: (task a) (task b).",
        "(service web) has stopped 1 running tasks: (task a).",
        "(service web) registered 1 targets in (target-group arn:tg)",
        "(service web) (deployment ecs-svc/1) deployment completed.",
    ],
)
def test_ordinary_events_are_not_causes(message: str) -> None:
    assert event_cause(message) is None


def test_steady_state_ends_older_trouble() -> None:
    now = datetime.now(UTC)

    def svc(*messages: str) -> Service:
        events = tuple(
            ServiceEvent(str(i), now - timedelta(minutes=i), m) for i, m in enumerate(messages)
        )
        return Service(
            "arn:svc", "web", "arn:c", "ACTIVE", 2, 1, 0, None, None, (), (), events, (), None,
            None, None,
        )  # fmt: skip

    placing = "(service web) was unable to place a task. Reason: Capacity is unavailable."
    assert explaining_event(svc("(service web) has reached a steady state.", placing)) is None
    hit = explaining_event(svc("(service web) has started 1 tasks: (task a).", placing))
    assert hit is not None and hit[1].code == "capacity" and hit[0].message == placing
    tg = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/abc"
    assert unhealthy_target_group(f"(service web) is unhealthy in (target-group {tg}) due") == tg
    assert unhealthy_target_group("(service web) has reached a steady state.") is None
