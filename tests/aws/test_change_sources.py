"""Timeline entries ECS itself gives beyond deployments, against a sandbox of their own: a
revision deregistered, a container instance set DRAINING, and tasks stopped, grouped by cause.
CloudTrail, when readable, names who did each (on the entry itself, not as a second row)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from aws import change_sources
from aws.changes import Scope, read_changes
from aws.session import Clients, SessionSettings
from tests.aws.test_changes import _boto, _switch
from tests.conftest import _spawn_sandbox

CLUSTER, SERVICE = "core-ec2", "email-worker"
ALICE = "arn:aws:iam::123456789012:user/{}"


@pytest.fixture(scope="module")
def own_sandbox() -> Iterator[str]:
    """Frozen, with the planted problems (an OOM stop): these tests deregister, drain, stop
    tasks and switch CloudTrail off."""
    yield from _spawn_sandbox("--seed", "7", "--no-simulate", "--problems")


@pytest.fixture
async def clients(own_sandbox: str) -> AsyncIterator[Clients]:
    """A bundle of its own per test: the listings' minute-long cache starts empty."""
    settings = SessionSettings(endpoint_url=own_sandbox, region="us-east-1", max_attempts=1)
    async with Clients.open(settings) as c:
        yield c


def _new_revision(ecs: object, family: str) -> str:
    current = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]  # type: ignore[attr-defined]
    fields = ("family", "containerDefinitions", "networkMode", "cpu", "memory")
    new = ecs.register_task_definition(**{k: current[k] for k in fields if k in current})  # type: ignore[attr-defined]
    return str(new["taskDefinition"]["taskDefinitionArn"])


async def test_a_deregistration_of_a_family_in_use_shows_with_who(
    own_sandbox: str, clients: Clients
):
    ecs = _boto(own_sandbox, "ecs", "erin")
    arn = _new_revision(ecs, SERVICE)
    ecs.deregister_task_definition(taskDefinition=arn)
    label = arn.rsplit("/", 1)[1]
    timeline = await read_changes(clients, Scope(CLUSTER, SERVICE))
    entries = [ch for ch in timeline.changes if ch.what == f"deregistered {label}"]
    assert len(entries) == 1, [ch.what for ch in timeline.changes]
    assert entries[0].who == ALICE.format("erin") and "Boto3" in entries[0].where
    assert not [ch for ch in timeline.changes if ch.what.startswith("DeregisterTaskDefinition")]


async def test_without_cloudtrail_the_deregistration_is_still_there(
    own_sandbox: str, clients: Clients
):
    ecs = _boto(own_sandbox, "ecs", "erin")
    arn = _new_revision(ecs, SERVICE)
    ecs.deregister_task_definition(taskDefinition=arn)
    _switch(own_sandbox, "deny-cloudtrail")
    try:
        timeline = await read_changes(clients, Scope(CLUSTER, SERVICE))
    finally:
        _switch(own_sandbox, "none")
    entry = next(ch for ch in timeline.changes if ch.id == f"deregister:{arn}")
    assert entry.who is None and entry.where == "INACTIVE"
    assert timeline.notes  # and it says what is missing


async def test_a_drain_shows_on_the_cluster_and_its_services_with_who(
    own_sandbox: str, clients: Clients
):
    ecs = _boto(own_sandbox, "ecs", "frank")
    instance = ecs.list_container_instances(cluster=CLUSTER)["containerInstanceArns"][0]
    ecs.update_container_instances_state(
        cluster=CLUSTER, containerInstances=[instance], status="DRAINING"
    )
    try:
        whole = await read_changes(clients, Scope(CLUSTER))
        one = await read_changes(clients, Scope(CLUSTER, SERVICE))
    finally:
        ecs.update_container_instances_state(
            cluster=CLUSTER, containerInstances=[instance], status="ACTIVE"
        )
    for timeline in (whole, one):
        drains = [ch for ch in timeline.changes if ch.kind == "drain"]
        assert [ch.id for ch in drains] == [f"drain:{instance}"]
        assert drains[0].who == ALICE.format("frank") and "draining" in drains[0].what
        assert "tasks still on it" in drains[0].where
        calls = [ch for ch in timeline.changes if "UpdateContainerInstancesState" in ch.what]
        assert not calls  # the call is the drain's row, not a second one


async def test_stopped_tasks_are_one_entry_per_cause(own_sandbox: str, clients: Clients):
    ecs = _boto(own_sandbox, "ecs", "gina")
    names = [a.rsplit("/", 1)[1] for a in ecs.list_services(cluster=CLUSTER)["serviceArns"]]
    running = {n: ecs.list_tasks(cluster=CLUSTER, serviceName=n)["taskArns"] for n in names}
    name = next(n for n in names if len(running[n]) >= 2)
    for arn in running[name][:2]:
        ecs.stop_task(cluster=CLUSTER, task=arn, reason="on-call restart")
    timeline = await read_changes(clients, Scope(CLUSTER, name))
    stops = [ch for ch in timeline.changes if ch.kind == "stops"]
    assert [ch.what for ch in stops] == [f"2 tasks stopped: {change_sources.USER_STOP}"]
    assert stops[0].service == name and "on-call restart" in stops[0].where
    planted = await read_changes(clients, Scope("analytics-prod", "report-builder"))
    oom = [ch for ch in planted.changes if ch.kind == "stops"]
    assert [ch.what for ch in oom] == ["1 task stopped: out of memory"]


async def test_listings_are_read_once_a_minute_whatever_the_refresh(
    own_sandbox: str, clients: Clients
):
    await read_changes(clients, Scope(CLUSTER, SERVICE))
    sent: list[str] = []
    clients.ecs.meta.events.register("before-call.ecs", lambda **kw: sent.append(kw["model"].name))
    await read_changes(clients, Scope(CLUSTER, SERVICE))
    cached = {"ListTaskDefinitions", "ListContainerInstances", "ListTasks", "DescribeClusters"}
    assert "DescribeServices" in sent and not cached & set(sent), sent
    assert "DescribeTaskDefinition" not in sent  # INACTIVE revisions were described once


def test_an_account_of_many_families_is_listed_in_turn_within_the_allowance():
    cache = change_sources.EcsCache()
    now = [0.0]
    cache.clock = lambda: now[0]
    families = [f"family-{n:04}" for n in range(100)]
    first = cache.families_due(families)
    assert len(first) == change_sources.FAMILY_LISTS_PER_MINUTE
    for family in first:
        cache.listed[("inactive", family)] = (now[0], [])
    assert cache.families_due(families) == []  # the minute's allowance is spent
    now[0] += change_sources.LIST_EVERY
    second = cache.families_due(families)
    assert len(second) == change_sources.FAMILY_LISTS_PER_MINUTE and not set(first) & set(second)
