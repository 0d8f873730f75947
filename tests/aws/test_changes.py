"""The change timeline against the sandbox, whose CloudTrail records every write call it gets.

A client with its own access key changes a service; the timeline shows that call with who made
it and when, next to what ECS itself says (deployments, registrations). LookupEvents is paged
and paced under AWS's 2 requests a second (measured from the requests' send times); without
cloudtrail:LookupEvents the timeline keeps ECS's entries and says in one note what is missing.
Deployments completed, failed (the planted rollout) and rolled back (a live circuit breaker) and
Application Auto Scaling's activities are rows of their own.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from itertools import pairwise
from typing import Any

import boto3
import pytest

from aws import cloudtrail
from aws.changes import Scope, read_changes
from aws.session import Clients, SessionSettings
from tests.aws.observe import one_service, wait_for
from tests.aws.test_faults import _deploy_missing_image
from tests.conftest import _spawn_sandbox

CLUSTER, SERVICE = "core-ec2", "email-worker"


@pytest.fixture(scope="module")
def trail_sandbox() -> Iterator[str]:
    """A frozen sandbox of its own: these tests write to it and switch its CloudTrail off."""
    yield from _spawn_sandbox("--seed", "7", "--no-simulate")


@pytest.fixture
async def clients(trail_sandbox: str) -> AsyncIterator[Clients]:
    settings = SessionSettings(endpoint_url=trail_sandbox, region="us-east-1", max_attempts=1)
    async with Clients.open(settings) as c:
        yield c


def _boto(url: str, service: str, key: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key="x",
    )


def _switch(url: str, kind: str) -> None:
    request = urllib.request.Request(f"{url}/ecsdeck/fault?kind={kind}", method="POST")
    json.loads(urllib.request.urlopen(request, timeout=10).read())


def _lookup_times(c: Clients) -> list[float]:
    """Send times of every LookupEvents request of the bundle, from now on."""
    times: list[float] = []

    def sent(**_: Any) -> None:
        times.append(time.monotonic())

    c.cloudtrail.meta.events.register("before-send.cloudtrail.LookupEvents", sent)
    return times


async def test_a_client_update_shows_with_who_and_when(trail_sandbox: str, clients: Clients):
    ecs = _boto(trail_sandbox, "ecs", "alice")
    before = time.time()
    current = ecs.describe_task_definition(taskDefinition=SERVICE)["taskDefinition"]
    fields = ("family", "containerDefinitions", "networkMode", "cpu", "memory")
    new = ecs.register_task_definition(**{k: current[k] for k in fields if k in current})
    arn = new["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster=CLUSTER, service=SERVICE, desiredCount=3, taskDefinition=arn)
    timeline = await read_changes(clients, Scope(CLUSTER, SERVICE))
    calls = [ch for ch in timeline.changes if "UpdateService" in ch.what]
    assert calls, [ch.what for ch in timeline.changes]
    newest = calls[0]
    assert newest.who == "arn:aws:iam::123456789012:user/alice"
    assert "desiredCount=3" in newest.what and newest.kind == "scale"
    assert abs(newest.at.timestamp() - before) < 5
    assert "127.0.0.1" in newest.where and "Boto3" in newest.where
    assert timeline.notes == ()
    assert any(ch.kind == "deployment" for ch in timeline.changes)  # ECS's own record too
    revision = arn.rsplit("/", 1)[1]
    assert any(ch.what == f"deployment started: {revision}" for ch in timeline.changes)
    assert any(ch.what == f"registered {revision}" for ch in timeline.changes)
    registered = [ch for ch in timeline.changes if ch.what.startswith("RegisterTaskDefinition")]
    assert registered and registered[0].who == newest.who  # in scope through its family
    assert [ch.at for ch in timeline.changes] == sorted(
        (ch.at for ch in timeline.changes), reverse=True
    )


async def test_other_services_calls_stay_out_of_a_service_timeline(
    trail_sandbox: str, clients: Clients
):
    ecs = _boto(trail_sandbox, "ecs", "bob")
    other = ecs.list_services(cluster=CLUSTER)["serviceArns"]
    name = next(a.rsplit("/", 1)[1] for a in other if not a.endswith(f"/{SERVICE}"))
    ecs.update_service(cluster=CLUSTER, service=name, desiredCount=2)
    timeline = await read_changes(clients, Scope(CLUSTER, SERVICE))
    assert not [ch for ch in timeline.changes if ch.who and ch.who.endswith("user/bob")]
    whole = await read_changes(clients, Scope(CLUSTER))
    assert [ch for ch in whole.changes if ch.who and ch.who.endswith("user/bob")]


async def test_lookup_is_paged_and_paced_under_two_a_second(trail_sandbox: str, clients: Clients):
    ecs, ct = _boto(trail_sandbox, "ecs", "dave"), _boto(trail_sandbox, "cloudtrail", "dave")
    for n in range(cloudtrail.PAGES_PER_READ * cloudtrail.PAGE):  # more than one read's worth
        ecs.update_service(cluster=CLUSTER, service=SERVICE, desiredCount=n % 3 + 1)
    expected, token = 0, None
    for _ in range(100):  # every ECS write event, as AWS pages them (50 a page)
        args = {"NextToken": token} if token else {}
        page = ct.lookup_events(
            LookupAttributes=[
                {"AttributeKey": "EventSource", "AttributeValue": "ecs.amazonaws.com"}
            ],
            **args,
        )
        expected += len(page["Events"])
        token = page.get("NextToken")
        if not token:
            break
    assert expected > cloudtrail.PAGES_PER_READ * cloudtrail.PAGE
    times = _lookup_times(clients)
    cache = cloudtrail.trail_for(clients)
    seen: set[str] = set()
    for _ in range(5):  # the first read stops after PAGES_PER_READ pages a source; go on
        timeline = await read_changes(clients, Scope())
        seen |= {ch.id for ch in timeline.changes if ch.who}
        if all(s.backfill is None for s in cache.sources.values()):
            break
    ecs_events = cache.sources["ecs.amazonaws.com"].events
    assert len(ecs_events) == expected
    assert len(times) >= 4
    gaps = [b - a for a, b in pairwise(times)]
    assert min(gaps) >= 0.5, gaps  # never more than 2 requests in any second
    calls_before = len(times)
    await read_changes(clients, Scope())  # within REREAD_AFTER of the last read: the cache
    assert len(times) == calls_before
    cache.reread_after = 0.0
    await read_changes(clients, Scope())  # later: incremental, one page a source
    assert len(times) - calls_before == len(cloudtrail.SOURCES)


async def test_without_lookup_permission_ecs_entries_and_a_note(
    trail_sandbox: str, clients: Clients
):
    _switch(trail_sandbox, "deny-cloudtrail")
    try:
        timeline = await read_changes(clients, Scope(CLUSTER, SERVICE))
    finally:
        _switch(trail_sandbox, "none")
    assert timeline.notes == (cloudtrail.DENIED_NOTE,)
    assert "cloudtrail:LookupEvents" in timeline.notes[0]
    assert timeline.changes
    assert {ch.kind for ch in timeline.changes} <= {"deployment", "registration", "scale"}
    assert not [ch for ch in timeline.changes if ch.kind == "call"]


# --- ECS's own record of rollouts and Application Auto Scaling's activities --------------------


async def _read(url: str, scope: Scope, hours: float = 24.0) -> Any:
    settings = SessionSettings(endpoint_url=url, region="us-east-1", max_attempts=1)
    async with Clients.open(settings) as c:
        return await read_changes(c, scope, hours=hours)


async def test_a_failed_rollout_and_completed_deployments_are_rows(sandbox_problems: str):
    """The planted rollout (billing-prod/invoice-api): its deployment FAILED 72 minutes ago,
    after the previous one completed (when the account was seeded, over a day back: the window
    is 3 days). One row each, from ECS alone (no caller)."""
    ecs = _boto(sandbox_problems, "ecs", "reader")
    service = ecs.describe_services(cluster="billing-prod", services=["invoice-api"])
    broken, previous = service["services"][0]["deployments"]
    assert broken["rolloutState"] == "FAILED"
    timeline = await _read(sandbox_problems, Scope("billing-prod", "invoice-api"), hours=72)
    rows = [ch for ch in timeline.changes if ch.kind == "deployment"]
    failed = [ch for ch in rows if ch.what == "deployment failed"]
    assert len(failed) == 1, [ch.what for ch in rows]  # the rollout state and its event: one
    assert failed[0].id == f"deploy:{broken['id']}:deployment failed"
    assert failed[0].where.endswith(
        f"(deployment {broken['id']}) deployment failed: tasks failed to start."
    )
    assert abs(failed[0].at - broken["updatedAt"]) < timedelta(seconds=1)
    completed = [ch for ch in rows if ch.what == "deployment completed"]
    assert [ch.id for ch in completed] == [f"deploy:{previous['id']}:deployment completed"]
    for row in (*failed, *completed):
        assert (row.who, row.cluster, row.service) == (None, "billing-prod", "invoice-api")


async def test_autoscaling_activities_are_rows_of_the_service(trail_sandbox: str):
    """checkout-web's target tracking scaled it 180, 95 and 40 minutes ago (the sandbox's
    DescribeScalingActivities): one "scale" row each, by application-autoscaling, the alarm
    that caused it beside it; the next refresh does not read them again."""
    scaling = _boto(trail_sandbox, "application-autoscaling", "reader")
    activities = scaling.describe_scaling_activities(
        ServiceNamespace="ecs", ResourceId="service/web-fargate/checkout-web"
    )["ScalingActivities"]
    assert len(activities) == 3
    settings = SessionSettings(endpoint_url=trail_sandbox, region="us-east-1", max_attempts=1)
    async with Clients.open(settings) as c:
        timeline = await read_changes(c, Scope("web-fargate", "checkout-web"))
        with c.calls.scope() as again:  # the next refresh, seconds later
            later = await read_changes(c, Scope("web-fargate", "checkout-web"))
    # the same scale rows (CloudTrail is read 4 pages a refresh: the next adds older calls)
    scaled = [ch for ch in timeline.changes if ch.who == "application-autoscaling"]
    assert [ch for ch in later.changes if ch.who == "application-autoscaling"] == scaled
    # read once a minute like the other listings, not at every refresh
    assert again["application-auto-scaling.DescribeScalableTargets"] == 0, again
    assert again["ecs.DescribeServices"] == 1, again  # counted: the service itself is read
    rows = [ch for ch in timeline.changes if ch.who == "application-autoscaling"]
    assert [(ch.what, ch.where, ch.at) for ch in rows] == [
        (a["Description"], a["Cause"], a["StartTime"]) for a in activities
    ]
    assert all((ch.kind, ch.service) == ("scale", "checkout-web") for ch in rows)
    assert "TargetTracking-service/web-fargate/checkout-web-AlarmLow" in rows[0].where


async def test_a_rolled_back_deployment_is_a_row(sandbox_live: str):
    """A deploy of an image never pushed, on a live service whose circuit breaker rolls back:
    the failed deployment and the rollback are rows, the rollback's words ECS's own."""
    ecs = _boto(sandbox_live, "ecs", "frank")
    previous, broken = _deploy_missing_image(ecs, "web-fargate", "notifications")

    def rolling_back() -> str | None:
        service = one_service(ecs, "web-fargate", "notifications")
        messages = [e["message"] for e in service["events"]]
        return next((m for m in messages if "rolling back to deployment" in m), None)

    message = wait_for(rolling_back, "the circuit breaker to roll back")
    assert message == f"(service notifications) rolling back to deployment {previous}."
    timeline = await _read(sandbox_live, Scope("web-fargate", "notifications"))
    rows = {ch.what: ch for ch in timeline.changes if ch.kind == "deployment"}
    assert rows["rolled back"].where == message, list(rows)
    assert (rows["rolled back"].cluster, rows["rolled back"].service) == (
        "web-fargate",
        "notifications",
    )
    assert "deployment failed: tasks failed to start." in rows["deployment failed"].where
    assert f"deployment started: {broken.rsplit('/', 1)[1]}" in rows
    assert rows["deployment failed"].at <= rows["rolled back"].at
