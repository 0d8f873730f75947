"""Paging proven with multi-page responses: moto never pages, so a before-send hook serves the pages.

The hook returns a real HTTP response body, so serialization (maxResults, tokens) and parsing are
the real botocore code paths; only the server is replaced.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import json
import weakref
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiobotocore.awsrequest import AioAWSResponse

from aws import ecr, ecs, elb, paging
from aws.session import Clients, SessionSettings, in_own_context

REGION = "us-east-1"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self) -> bytes:
        return self._body


def response(body: bytes, content_type: str) -> AioAWSResponse:
    headers = {"Content-Type": content_type, "x-amzn-RequestId": "stub"}
    return AioAWSResponse("http://stub", 200, headers, _Raw(body))


def json_pages(
    client: Any, operation: str, key: str, items: list[Any], page: int
) -> list[dict[str, Any]]:
    """Serve ``items`` ``page`` at a time with nextToken = offset; return every request body sent."""
    sent: list[dict[str, Any]] = []
    event = f"before-send.{client.meta.service_model.service_id.hyphenize()}.{operation}"

    def handler(request: Any, **_: Any) -> AioAWSResponse:
        body = json.loads(request.body or b"{}")
        sent.append(body)
        start = int(body.get("nextToken") or 0)
        out: dict[str, Any] = {key: items[start : start + page]}
        if start + page < len(items):
            out["nextToken"] = str(start + page)
        return response(json.dumps(out).encode(), "application/x-amz-json-1.1")

    client.meta.events.register(event, handler)
    return sent


def arns(kind: str, n: int) -> list[str]:
    return [f"arn:aws:ecs:{REGION}:123456789012:{kind}/c/{kind}-{i:04d}" for i in range(n)]


async def test_list_services_reads_every_page_with_max_results_100(clients: Clients) -> None:
    items = arns("service", 250)
    sent = json_pages(clients.ecs, "ListServices", "serviceArns", items, 100)
    assert await ecs.list_service_arns(clients, "c") == items
    assert [b.get("maxResults") for b in sent] == [100, 100, 100]
    assert [b.get("nextToken") for b in sent] == [None, "100", "200"]
    assert clients.calls.total["ecs.ListServices"] == 3


async def test_read_services_pages_then_batches(clients: Clients) -> None:
    items = arns("service", 250)
    json_pages(clients.ecs, "ListServices", "serviceArns", items, 100)
    described: list[list[str]] = []

    def describe(request: Any, **_: Any) -> AioAWSResponse:
        names = json.loads(request.body)["services"]
        described.append(names)
        services = [{"serviceArn": a, "serviceName": a.rsplit("/", 1)[-1]} for a in names]
        return response(json.dumps({"services": services}).encode(), "application/x-amz-json-1.1")

    clients.ecs.meta.events.register("before-send.ecs.DescribeServices", describe)
    _, services = await ecs.read_services(clients, "c")
    assert [s.arn for s in services] == items
    assert all(len(batch) == 10 for batch in described)
    assert dict(clients.calls.total) == {"ecs.ListServices": 3, "ecs.DescribeServices": 25}


async def test_list_tasks_pages_and_sends_desired_status(clients: Clients) -> None:
    items = arns("task", 230)
    sent = json_pages(clients.ecs, "ListTasks", "taskArns", items, 100)
    got = await ecs.list_task_arns(clients, "c", service_name="web", desired_status="STOPPED")
    assert got == items
    assert len(sent) == 3
    assert all(b["maxResults"] == 100 for b in sent)
    assert all(b["desiredStatus"] == "STOPPED" and b["serviceName"] == "web" for b in sent)


async def test_read_service_tasks_past_100(clients: Clients) -> None:
    running = arns("task", 150)
    stopped = arns("stopped", 120)
    listed: list[str] = []

    def list_tasks(request: Any, **_: Any) -> AioAWSResponse:
        body = json.loads(request.body)
        listed.append(body["desiredStatus"])
        items = running if body["desiredStatus"] == "RUNNING" else stopped
        start = int(body.get("nextToken") or 0)
        out: dict[str, Any] = {"taskArns": items[start : start + 100]}
        if start + 100 < len(items):
            out["nextToken"] = str(start + 100)
        return response(json.dumps(out).encode(), "application/x-amz-json-1.1")

    def describe(request: Any, **_: Any) -> AioAWSResponse:
        tasks = []
        for a in json.loads(request.body)["tasks"]:
            n = int(a.rsplit("-", 1)[-1])
            is_stopped = "stopped" in a
            tasks.append(
                {
                    "taskArn": a,
                    "group": "service:web",
                    "lastStatus": "STOPPED" if is_stopped else "RUNNING",
                    "startedAt": 1_700_000_000 + n,
                    **({"stoppedAt": 1_700_100_000 + n} if is_stopped else {}),
                }
            )
        return response(json.dumps({"tasks": tasks}).encode(), "application/x-amz-json-1.1")

    clients.ecs.meta.events.register("before-send.ecs.ListTasks", list_tasks)
    clients.ecs.meta.events.register("before-send.ecs.DescribeTasks", describe)
    tasks = await ecs.read_service_tasks(clients, "c", "web")
    assert len(tasks) == 150 + 120  # every page of both lists read
    statuses = [t.last_status for t in tasks]
    assert statuses == ["RUNNING"] * 150 + ["STOPPED"] * 120
    stopped_times = [t.stopped_at for t in tasks[150:]]
    assert stopped_times == sorted(stopped_times, reverse=True)  # type: ignore[type-var]
    assert sorted(listed) == ["RUNNING"] * 2 + ["STOPPED"] * 2
    assert clients.calls.total["ecs.DescribeTasks"] == 3  # 270 arns -> 100 + 100 + 70


async def test_describe_images_pages_and_sorts_newest_first(clients: Clients) -> None:
    pushed = [1_700_000_000 + (i * 7919) % 2500 for i in range(2500)]  # unsorted, distinct
    items = [
        {
            "repositoryName": "web",
            "imageDigest": f"sha256:{i:064x}",
            "imageTags": [f"v{i}"],
            "imagePushedAt": p,
            "imageScanFindingsSummary": {"findingSeverityCounts": {"HIGH": i % 3}},
        }
        for i, p in enumerate(pushed)
    ]
    sent = json_pages(clients.ecr, "DescribeImages", "imageDetails", items, 1000)
    images = await ecr.list_images(clients, "web")
    assert len(images) == 2500
    assert [b["maxResults"] for b in sent] == [1000, 1000, 1000]
    times = [i.pushed_at for i in images]
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]
    assert images[0].scan_findings.keys() == {"HIGH"}


async def test_describe_repositories_pages(clients: Clients) -> None:
    items = [{"repositoryName": f"r{i:04d}", "repositoryArn": f"a{i}"} for i in range(1500)]
    sent = json_pages(clients.ecr, "DescribeRepositories", "repositories", items, 1000)
    repos = await ecr.list_repositories(clients)
    assert len(repos) == 1500 and len(sent) == 2


async def test_list_clusters_and_revisions_page(clients: Clients) -> None:
    json_pages(clients.ecs, "ListClusters", "clusterArns", arns("cluster", 205), 100)
    assert len(await ecs.list_cluster_arns(clients)) == 205
    revs = [f"arn:aws:ecs:{REGION}:123456789012:task-definition/web:{n}" for n in range(1, 151)]
    sent = json_pages(clients.ecs, "ListTaskDefinitions", "taskDefinitionArns", revs, 100)
    got = await ecs.list_task_definition_revisions(clients, "web")
    assert got[0].endswith(":150") and got[-1].endswith(":1") and len(got) == 150
    assert all(b["familyPrefix"] == "web" and b["sort"] == "DESC" for b in sent)


def _tg_xml(groups: list[str], marker: str | None) -> bytes:
    members = "".join(
        f"<member><TargetGroupArn>{a}</TargetGroupArn>"
        f"<TargetGroupName>{a.split('/')[-2]}</TargetGroupName>"
        "<TargetType>ip</TargetType><Port>80</Port><Protocol>HTTP</Protocol></member>"
        for a in groups
    )
    next_marker = f"<NextMarker>{marker}</NextMarker>" if marker else ""
    return (
        '<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/'
        '2015-12-01/"><DescribeTargetGroupsResult>'
        f"<TargetGroups>{members}</TargetGroups>{next_marker}</DescribeTargetGroupsResult>"
        "<ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata>"
        "</DescribeTargetGroupsResponse>"
    ).encode()


async def test_describe_target_groups_follows_marker(clients: Clients) -> None:
    wanted = [
        f"arn:aws:elasticloadbalancing:{REGION}:123456789012:targetgroup/tg{i:02d}/{i:016x}"
        for i in range(25)
    ]
    sent: list[dict[str, list[str]]] = []

    def handler(request: Any, **_: Any) -> AioAWSResponse:
        form = parse_qs(request.body.decode() if isinstance(request.body, bytes) else request.body)
        sent.append(form)
        asked = [v[0] for k, v in sorted(form.items()) if k.startswith("TargetGroupArns.member.")]
        start = int(form.get("Marker", ["0"])[0])
        page = asked[start : start + 7]  # a server page smaller than the batch
        marker = str(start + 7) if start + 7 < len(asked) else None
        return response(_tg_xml(page, marker), "text/xml")

    event = f"before-send.{clients.elbv2.meta.service_model.service_id.hyphenize()}"
    clients.elbv2.meta.events.register(f"{event}.DescribeTargetGroups", handler)
    groups = await elb.read_target_groups(clients, list(reversed(wanted)))
    assert [g.arn for g in groups] == list(reversed(wanted))
    assert groups[0].name == "tg24" and groups[0].target_type == "ip"
    assert all(f["PageSize"] == ["400"] for f in sent)
    assert any("Marker" in f for f in sent)
    batch_sizes = {len([k for k in f if k.startswith("TargetGroupArns.member.")]) for f in sent}
    assert batch_sizes == {20, 5}


def test_chunks_and_unique() -> None:
    assert list(paging.chunks([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
    assert paging.unique(["b", "a", "b"]) == ["b", "a"]


async def test_list_clusters_then_describe_reads_the_counts(clients: Clients) -> None:
    listed = arns("cluster", 250)
    sent = json_pages(clients.ecs, "ListClusters", "clusterArns", listed, 100)
    described: list[list[str]] = []

    def describe(request: Any, **_: Any) -> AioAWSResponse:
        asked = json.loads(request.body)["clusters"]
        described.append(asked)
        docs = [
            {
                "clusterArn": a,
                "clusterName": a.rsplit("/", 1)[-1],
                "status": "ACTIVE",
                "activeServicesCount": n,
                "runningTasksCount": 2 * n,
                "pendingTasksCount": 3 * n,
                "registeredContainerInstancesCount": 4 * n,
            }
            for a in asked
            if (n := int(a.rsplit("-", 1)[-1])) % 50  # every 50th is MISSING
        ]
        failures = [{"arn": a, "reason": "MISSING"} for a in asked if not int(a[-4:]) % 50]
        body = {"clusters": docs, "failures": failures}
        return response(json.dumps(body).encode(), "application/x-amz-json-1.1")

    clients.ecs.meta.events.register("before-send.ecs.DescribeClusters", describe)
    clusters = await ecs.read_clusters(clients)
    assert [b.get("maxResults") for b in sent] == [100, 100, 100]
    assert sorted(len(b) for b in described) == [50, 100, 100]
    assert [c.arn for c in clusters] == [a for a in listed if int(a[-4:]) % 50]
    c7 = clusters[6]
    assert c7.name == "cluster-0007"
    assert (c7.service_count, c7.running_tasks, c7.pending_tasks, c7.container_instances) == (
        7,
        14,
        21,
        28,
    )
    assert dict(clients.calls.total) == {"ecs.ListClusters": 3, "ecs.DescribeClusters": 3}


async def test_a_slot_is_held_only_while_a_page_is_in_flight(moto_url: str) -> None:
    """With one slot, a request made while reading the pages would wait forever if it were held."""
    settings = SessionSettings(
        endpoint_url=moto_url, region=REGION, retry_mode="standard", max_attempts=1, concurrency=1
    )
    async with Clients.open(settings) as c:
        json_pages(c.ecs, "ListServices", "serviceArns", arns("service", 250), 100)
        pager = c.ecs.get_paginator("list_services").paginate(
            cluster="c", PaginationConfig={"PageSize": 100}
        )
        seen = 0
        async for page in paging.pages(c, pager):
            seen += len(page["serviceArns"])
            await paging.call(c, c.ecs.list_clusters)
        assert seen == 250
        assert dict(c.calls.total) == {"ecs.ListServices": 3, "ecs.ListClusters": 3}


async def test_max_items_stops_reading_pages(clients: Clients) -> None:
    sent = json_pages(clients.ecs, "ListServices", "serviceArns", arns("service", 450), 100)
    pager = clients.ecs.get_paginator("list_services").paginate(
        cluster="c", PaginationConfig={"PageSize": 100, "MaxItems": 150}
    )
    got = [a async for page in paging.pages(clients, pager) for a in page["serviceArns"]]
    assert got == arns("service", 150)
    assert len(sent) == 2


async def test_describe_batched_orders_by_input_and_accepts_names() -> None:
    docs = {f"arn:x/n{i}": {"arn": f"arn:x/n{i}", "name": f"n{i}"} for i in range(25)}
    requests: list[list[str]] = []
    arrived: list[int] = []

    async def describe(batch: list[str]) -> list[dict[str, str]]:
        requests.append(batch)
        return [d for d in docs.values() if d["arn"] in batch or d["name"] in batch]

    asked = ["n3", "arn:x/n24", "nope", "arn:x/n3", "arn:x/n0", "arn:x/n0", "", *docs]
    got = await paging.describe_batched(
        asked,
        10,
        describe,
        lambda d: (d["arn"], d["name"]),
        on_batch=lambda batch: arrived.append(len(batch)),
    )
    # first-asked order, each item once (an ARN and its name are the same item), unknowns dropped
    assert [d["name"] for d in got][:3] == ["n3", "n24", "n0"]
    assert len(got) == 25
    assert [len(b) for b in requests] == [10, 10, 7]  # "" and repeats dropped before asking
    assert sorted(arrived) == sorted(
        len([d for d in docs.values() if d["arn"] in b or d["name"] in b]) for b in requests
    )
    assert await paging.describe_batched([], 10, describe, lambda d: (d["arn"],)) == []
    assert len(requests) == 3  # nothing asked: no request


CALLER = contextvars.ContextVar[Any]("CALLER")


class _Caller:
    """Stands for what a UI keeps in a context variable (its current widget, say)."""


async def test_requests_keep_no_reference_to_the_callers_context(frozen_sandbox: str) -> None:
    """A kept-alive connection and the pool's clean-up timer outlive the request that made them;
    they must not keep the caller's context variables (and a closed screen with them) alive.
    (The sandbox keeps connections alive as AWS does; the bare moto server closes each one.)"""
    settings = SessionSettings(endpoint_url=frozen_sandbox, region=REGION)
    async with Clients.open(settings) as clients:
        await _call_as_caller(clients)


async def _call_as_caller(clients: Clients) -> None:
    held = [_Caller()]
    gone = weakref.ref(held[0])

    async def as_caller() -> None:
        CALLER.set(held[0])
        await paging.call(clients, clients.ecs.list_clusters)
        pager = clients.ecs.get_paginator("list_clusters").paginate()
        async for _ in paging.pages(clients, pager):
            pass

    await asyncio.create_task(as_caller())
    held.clear()
    await asyncio.sleep(0.01)  # the finished task's own wake-up callbacks run
    gc.collect()
    assert gone() is None


async def test_a_request_cancelled_before_it_ran_is_never_made() -> None:
    """A poll cancelled between sending a request to its task and the task's first step: the
    request (a coroutine) must not exist yet, or it is dropped never awaited (a RuntimeWarning
    CI printed)."""
    made: list[str] = []

    async def list_clusters() -> dict[str, Any]:
        return {}

    def request() -> Any:
        made.append("ListClusters")
        return list_clusters()

    caller = asyncio.create_task(in_own_context(request))
    await asyncio.sleep(0)  # the caller has handed the request to its own task
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert made == []
