"""Triage rules on plain values: following a rollout to its end, how failed and slow rollouts
and failing targets read in the services list, and the stop cause on top of task detail."""

from __future__ import annotations

from dataclasses import replace

from aws.models import Deployment, Service
from tui.follow import COMPLETED, FAILED, IN_PROGRESS, REPLACED, Follow, Follows, judge
from tui.status import service_health


def dep(
    id_: str, status: str, rollout: str | None, running: int = 2, desired: int = 2
) -> Deployment:
    return Deployment(
        id_, status, f"td:{id_}", desired, running, 0, 0, rollout, None, "EC2", (), None, None
    )


def svc(*deployments: Deployment, running: int = 2, desired: int = 2) -> Service:
    return Service(
        "arn:svc", "web", "arn:cluster", "ACTIVE", desired, running, 0, "td:1", "EC2", (),
        deployments, (), (), None, "ECS", None,
    )  # fmt: skip


def follow(deployment_id: str | None = "new") -> Follow:
    return Follow("arn:cluster/web", "Deploy revision", deployment_id, started=0.0)


def test_deploy_ends_completed_once_primary_and_steady() -> None:
    f = judge(follow(), svc(dep("old", "PRIMARY", "COMPLETED")), now=1.0)  # a read from before
    assert f.state == IN_PROGRESS and not f.seen
    going = svc(dep("new", "PRIMARY", "IN_PROGRESS", 1), dep("old", "ACTIVE", "COMPLETED"))
    f = judge(f, going, now=2.0)
    assert f.state == IN_PROGRESS and f.seen
    f = judge(f, svc(dep("new", "PRIMARY", "COMPLETED")), now=3.0)
    assert f.state == COMPLETED and f.reason == "2/2 tasks running"


def test_circuit_breaker_failure_and_rollback_read_as_failed() -> None:
    failed = replace(dep("new", "ACTIVE", "FAILED", 0), rollout_reason="circuit breaker: 3 failed")
    f = judge(follow(), svc(dep("back", "PRIMARY", "IN_PROGRESS"), failed), now=5.0)
    assert f.state == FAILED and f.reason == "circuit breaker: 3 failed"
    # never saw FAILED, only that ours is gone once seen: replaced, not a success
    seen = replace(follow(), seen=True)
    f = judge(seen, svc(dep("back", "PRIMARY", "COMPLETED")), now=5.0)
    assert f.state == REPLACED and "td:back" in f.reason


def test_scale_follows_the_running_deployment_until_all_tasks_run() -> None:
    f = judge(follow("d1"), svc(dep("d1", "PRIMARY", "COMPLETED", 2, 4), running=2, desired=4), 1.0)
    assert f.state == IN_PROGRESS
    f = judge(f, svc(dep("d1", "PRIMARY", "COMPLETED", 4, 4), running=4, desired=4), 2.0)
    assert f.state == COMPLETED


def test_follows_start_from_update_service_answers_and_report_once() -> None:
    follows = Follows()

    class Call:
        operation = "UpdateService"

    answer = {"service": {"clusterArn": "arn:cluster", "serviceName": "web", "deployments": [
        {"id": "new", "status": "PRIMARY"}, {"id": "old", "status": "ACTIVE"}]}}  # fmt: skip
    follows.start_from_outcome("Deploy revision", [Call()], [answer])
    assert follows.observe(svc(dep("new", "PRIMARY", "IN_PROGRESS"))) is None
    ended = follows.observe(svc(dep("new", "PRIMARY", "COMPLETED")))
    assert ended is not None and ended.state == COMPLETED
    assert follows.observe(svc(dep("new", "PRIMARY", "COMPLETED"))) is None  # said once
    shown = follows.of(svc())
    assert shown is not None and shown.state == COMPLETED


def test_failed_rollout_reads_failed_even_while_rolling_back() -> None:
    rolling_back = svc(dep("back", "PRIMARY", "IN_PROGRESS"), dep("new", "ACTIVE", "FAILED"))
    assert service_health(rolling_back).plain == "✗ rollout failed, rolling back"


def test_long_rollout_reads_as_a_problem_in_the_services_list() -> None:
    from datetime import UTC, datetime, timedelta

    from tui.rows.services import rollout_cell

    started = datetime.now(UTC) - timedelta(minutes=15)
    fresh = svc(replace(dep("new", "PRIMARY", "IN_PROGRESS", 1), created_at=datetime.now(UTC)))
    assert service_health(fresh).plain == "⟳ deploying"
    slow = svc(replace(dep("new", "PRIMARY", "IN_PROGRESS", 1), created_at=started))
    assert service_health(slow).plain == "✗ deploying for 15m"
    assert rollout_cell(slow).plain == "IN_PROGRESS 15m" and rollout_cell(slow).style == "bold red"
    failed = svc(dep("back", "PRIMARY", "IN_PROGRESS"), dep("new", "ACTIVE", "FAILED"))
    assert rollout_cell(failed).plain == "FAILED (2 deps)"


def test_a_day_long_rollout_reads_in_the_age_format_of_every_other_column() -> None:
    """25 hours read "1d1h", as the problems view's SINCE does, not "1500m"."""
    from datetime import UTC, datetime, timedelta

    from tui.rows.services import rollout_cell

    started = datetime.now(UTC) - timedelta(hours=25, seconds=30)
    stuck = svc(replace(dep("new", "PRIMARY", "IN_PROGRESS", 1), created_at=started))
    assert service_health(stuck).plain == "✗ deploying for 1d1h"
    assert rollout_cell(stuck).plain == "IN_PROGRESS 1d1h"


def test_a_steady_service_with_failing_targets_does_not_read_steady() -> None:
    from tui.rows.services import state_cell

    steady = svc(dep("d1", "PRIMARY", "COMPLETED"))
    assert state_cell(steady, {"healthy": 3}).plain == "✓ steady"
    assert state_cell(steady, {"healthy": 118, "unhealthy": 2}).plain == "✗ targets failing"
    assert state_cell(steady, None).plain == "✓ steady"  # not read yet


def test_task_detail_puts_the_cause_on_top_without_colouring_the_rest() -> None:
    from datetime import UTC, datetime

    from aws.models import Container, Task
    from tui.render.task_detail import describe

    killed = Container("web", "img:1", "STOPPED", 137, "OutOfMemoryError: killed", None)
    task = Task(
        "arn:task/abc", "arn:c", "td:1", "service:web", None, "STOPPED", "STOPPED", None,
        "FARGATE", None, "256", "512", None, None, None, None, None, None, None,
        datetime.now(UTC), "EssentialContainerExited", "Essential container in task exited",
        (killed,),
    )  # fmt: skip
    text = describe(task)
    assert text.plain.startswith("✗ out of memory  web exit 137")
    assert text.style == ""  # the cause's red is a span, not the whole detail's style
    assert "exit 137 (killed with SIGKILL" in text.plain
