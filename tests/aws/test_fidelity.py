"""The sandbox keeps AWS's contract where moto does not (aws/sandbox/fidelity.py), over HTTP.

A sandbox of its own (frozen, seed 3, a small bench cluster) for the exact checks, each test in
its own cluster; the shared live sandbox for counts that move with the simulator.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.aws.observe import wait_for
from tests.conftest import _spawn_sandbox

AMI = "ami-03cf127a"  # one of moto's built-in images


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    yield from _spawn_sandbox(
        "--seed",
        "3",
        "--no-simulate",
        "--services",
        "3",
        "--tasks-per-service",
        "4",
        "--big-service",
        "150",
    )


def client(url: str, name: str) -> Any:
    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    return boto3.client(name, endpoint_url=url, region_name="us-east-1", config=config)


def ec2_cluster(url: str, name: str, instances: int = 1) -> list[str]:
    """A cluster with container instances; returns their ARNs."""
    ecs, ec2 = client(url, "ecs"), client(url, "ec2")
    ecs.create_cluster(clusterName=name)
    arns = []
    for inst in ec2.run_instances(ImageId=AMI, MinCount=instances, MaxCount=instances)["Instances"]:
        doc = json.dumps({"instanceId": inst["InstanceId"]})
        ci = ecs.register_container_instance(cluster=name, instanceIdentityDocument=doc)
        arns.append(ci["containerInstance"]["containerInstanceArn"])
    return arns


def small_td(url: str, family: str) -> str:
    td = client(url, "ecs").register_task_definition(
        family=family, containerDefinitions=[{"name": "app", "image": "app:1", "memory": 16}]
    )
    return str(td["taskDefinition"]["taskDefinitionArn"])


def run(url: str, cluster: str, td: str, group: str, count: int = 1) -> list[str]:
    tasks = client(url, "ecs").run_task(
        cluster=cluster, taskDefinition=td, count=count, launchType="EC2", group=group
    )["tasks"]
    return [t["taskArn"] for t in tasks]


def every(call: Callable[..., Any], key: str, **kwargs: Any) -> list[Any]:
    """All pages, following nextToken as a client must."""
    out: list[Any] = []
    token = None
    while True:
        page = call(**kwargs, **({"nextToken": token} if token else {}))
        out += page[key]
        token = page.get("nextToken")
        if not token:
            return out


# --------------------------------------------------------------------------- DescribeClusters


def counted_by_listing(ecs: Any, cluster: str) -> dict[str, int]:
    """What a client counts by listing and describing everything (the slow way)."""
    arns = every(ecs.list_tasks, "taskArns", cluster=cluster, maxResults=100)
    statuses = [
        t["lastStatus"]
        for i in range(0, len(arns), 100)
        for t in ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"]
    ]
    services = every(ecs.list_services, "serviceArns", cluster=cluster, maxResults=100)
    active = [
        s
        for i in range(0, len(services), 10)
        for s in ecs.describe_services(cluster=cluster, services=services[i : i + 10])["services"]
        if s["status"] == "ACTIVE"
    ]
    instances = every(ecs.list_container_instances, "containerInstanceArns", cluster=cluster)
    return {
        "activeServicesCount": len(active),
        "runningTasksCount": statuses.count("RUNNING"),
        "pendingTasksCount": sum(s in ("PROVISIONING", "PENDING", "ACTIVATING") for s in statuses),
        "registeredContainerInstancesCount": len(instances),
    }


def counts(ecs: Any, cluster: str) -> dict[str, int]:
    (found,) = ecs.describe_clusters(clusters=[cluster])["clusters"]
    return {k: v for k, v in found.items() if k.endswith("Count")}


def test_cluster_counts_follow_tasks_services_and_instances(sandbox: str) -> None:
    ecs = client(sandbox, "ecs")
    instances = ec2_cluster(sandbox, "fid-counts", instances=2)
    td = small_td(sandbox, "fid-counts")
    assert counts(ecs, "fid-counts") == {
        "activeServicesCount": 0,
        "runningTasksCount": 0,
        "pendingTasksCount": 0,
        "registeredContainerInstancesCount": 2,
    }
    for name in ("a", "b"):
        ecs.create_service(cluster="fid-counts", serviceName=name, taskDefinition=td)
    web = run(sandbox, "fid-counts", td, "service:a", count=3)
    run(sandbox, "fid-counts", td, "service:b")
    ecs.stop_task(cluster="fid-counts", task=web[0], reason="test")
    ecs.update_service(cluster="fid-counts", service="a", desiredCount=5)
    ecs.delete_service(cluster="fid-counts", service="b", force=True)
    ecs.deregister_container_instance(
        cluster="fid-counts", containerInstance=instances[1], force=True
    )
    now = counts(ecs, "fid-counts")
    assert now == counted_by_listing(ecs, "fid-counts")
    assert now["runningTasksCount"] == 3 and now["activeServicesCount"] == 1
    assert now["registeredContainerInstancesCount"] == 1


def test_cluster_counts_match_a_full_listing_while_the_simulator_scales(
    sandbox_live: str,
) -> None:
    ecs = client(sandbox_live, "ecs")
    service = ecs.describe_services(cluster="web-fargate", services=["auth-service"])
    desired = service["services"][0]["desiredCount"] + 3
    ecs.update_service(cluster="web-fargate", service="auth-service", desiredCount=desired)

    def agreed() -> dict[str, int] | None:
        # The account moves under the simulator: trust a snapshot only if nothing changed
        # while it was listed (as AWS's counts, they agree once the account is still).
        before = counted_by_listing(ecs, "web-fargate")
        described = counts(ecs, "web-fargate")
        after = counted_by_listing(ecs, "web-fargate")
        return described if before == described == after else None

    seen = wait_for(agreed, what="DescribeClusters to agree with a full listing")
    assert seen["activeServicesCount"] >= 5 and seen["runningTasksCount"] >= desired

    def scaled() -> bool:
        running = ecs.describe_services(cluster="web-fargate", services=["auth-service"])
        return bool(running["services"][0]["runningCount"] == desired and agreed())

    wait_for(scaled, what="the scale-out to show in the cluster counts")


def test_bench_services_and_the_big_service_have_their_tasks(sandbox: str) -> None:
    ecs = client(sandbox, "ecs")
    big = every(ecs.list_tasks, "taskArns", cluster="bench", serviceName="bench-big")
    assert len(big) == len(set(big)) == 150
    for name in ("bench-00000", "bench-00002"):
        (service,) = ecs.describe_services(cluster="bench", services=[name])["services"]
        assert (service["desiredCount"], service["runningCount"]) == (4, 4)
        assert len(ecs.list_tasks(cluster="bench", serviceName=name)["taskArns"]) == 4
    assert counts(ecs, "bench")["runningTasksCount"] == 3 * 4 + 150
    assert counts(ecs, "bench")["activeServicesCount"] == 4


# --------------------------------------------------------------------------- paging


def test_list_services_pages_ten_by_default_and_up_to_100(sandbox: str) -> None:
    ecs = client(sandbox, "ecs")
    ecs.create_cluster(clusterName="fid-pages")
    td = small_td(sandbox, "fid-pages")
    for i in range(25):
        ecs.create_service(cluster="fid-pages", serviceName=f"s{i:02d}", taskDefinition=td)
    first = ecs.list_services(cluster="fid-pages")
    assert len(first["serviceArns"]) == 10 and first["nextToken"]
    pages = [
        p["serviceArns"] for p in ecs.get_paginator("list_services").paginate(cluster="fid-pages")
    ]
    assert [len(p) for p in pages] == [10, 10, 5]
    names = [a.rsplit("/", 1)[-1] for p in pages for a in p]
    assert sorted(names) == [f"s{i:02d}" for i in range(25)]
    whole = ecs.list_services(cluster="fid-pages", maxResults=100)
    assert len(whole["serviceArns"]) == 25 and "nextToken" not in whole

    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.list_services(cluster="fid-pages", maxResults=101)
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.list_services(cluster="fid-pages", nextToken="not-a-token")
    with pytest.raises(ecs.exceptions.InvalidParameterException):  # another operation's token
        ecs.list_clusters(nextToken=first["nextToken"])
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.describe_services(cluster="fid-pages", services=[f"s{i:02d}" for i in range(11)])
    assert len(ecs.describe_services(cluster="fid-pages", services=names[:10])["services"]) == 10


def test_every_list_pages_and_describes_refuse_more_than_100(sandbox: str) -> None:
    ecs = client(sandbox, "ecs")
    instances = ec2_cluster(sandbox, "fid-lists", instances=3)
    td = small_td(sandbox, "fid-lists")
    small_td(sandbox, "fid-lists")
    tasks = run(sandbox, "fid-lists", td, "service:x", count=5)

    def walk(call: Callable[..., Any], key: str, **kwargs: Any) -> list[list[Any]]:
        return [p[key] for p in ecs.get_paginator(call.__name__).paginate(**kwargs)]

    by_two = walk(ecs.list_tasks, "taskArns", cluster="fid-lists", PaginationConfig={"PageSize": 2})
    assert [len(p) for p in by_two] == [2, 2, 1]
    assert sorted(a for p in by_two for a in p) == sorted(tasks)
    cis = walk(
        ecs.list_container_instances,
        "containerInstanceArns",
        cluster="fid-lists",
        PaginationConfig={"PageSize": 2},
    )
    assert [len(p) for p in cis] == [2, 1] and sorted(a for p in cis for a in p) == sorted(
        instances
    )
    tds = walk(
        ecs.list_task_definitions,
        "taskDefinitionArns",
        familyPrefix="fid-lists",
        PaginationConfig={"PageSize": 1},
    )
    assert [len(p) for p in tds] == [1, 1]
    newest_first = walk(
        ecs.list_task_definitions,
        "taskDefinitionArns",
        familyPrefix="fid-lists",
        sort="DESC",
        PaginationConfig={"PageSize": 1},
    )
    assert [a.rsplit(":", 1)[-1] for p in newest_first for a in p] == ["2", "1"]
    clusters = walk(ecs.list_clusters, "clusterArns", PaginationConfig={"PageSize": 1})
    assert len(clusters) >= 4 and all(len(p) == 1 for p in clusters)
    families = walk(ecs.list_task_definition_families, "families", PaginationConfig={"PageSize": 2})
    assert "fid-lists" in [f for p in families for f in p]

    # a task that stops between pages does not shift the next page
    page = ecs.list_tasks(cluster="fid-lists", maxResults=2)
    ecs.stop_task(cluster="fid-lists", task=page["taskArns"][-1], reason="test")
    rest = every(ecs.list_tasks, "taskArns", cluster="fid-lists", nextToken=page["nextToken"])
    assert sorted(page["taskArns"][:1] + rest) == sorted(set(tasks) - {page["taskArns"][-1]})

    many = [f"{tasks[0]}{i}" for i in range(101)]
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.describe_tasks(cluster="fid-lists", tasks=many)
    with pytest.raises(ecs.exceptions.InvalidParameterException):
        ecs.describe_clusters(clusters=[f"c{i}" for i in range(101)])
    assert len(ecs.describe_tasks(cluster="fid-lists", tasks=tasks)["tasks"]) == 5


# --------------------------------------------------------------------------- ListTasks filters


def test_list_tasks_honours_service_name_and_defaults_to_running(sandbox: str) -> None:
    ecs = client(sandbox, "ecs")
    ec2_cluster(sandbox, "fid-svc")
    td = small_td(sandbox, "fid-svc")
    web = run(sandbox, "fid-svc", td, "service:web", count=3)
    api = run(sandbox, "fid-svc", td, "service:api", count=2)
    ecs.stop_task(cluster="fid-svc", task=web[0], reason="test")
    # a cluster whose name contains this one's must not leak in (moto matches substrings)
    ec2_cluster(sandbox, "fid-svc-2")
    run(sandbox, "fid-svc-2", small_td(sandbox, "fid-svc-2"), "service:web")

    def listed(**kwargs: Any) -> list[str]:
        return sorted(every(ecs.list_tasks, "taskArns", cluster="fid-svc", **kwargs))

    assert listed(serviceName="web") == sorted(web[1:])
    assert listed(serviceName="web", desiredStatus="STOPPED") == [web[0]]
    assert listed(serviceName="api") == sorted(api)
    assert listed() == sorted(web[1:] + api)
    assert listed(family="fid-svc") == sorted(web[1:] + api)
    assert listed(serviceName="nope") == []


# --------------------------------------------------------------------------- CloudWatch Logs


def test_filter_log_events_honours_the_stream_prefix(sandbox: str) -> None:
    logs = client(sandbox, "logs")
    logs.create_log_group(logGroupName="/fid/prefix")
    for stream in ("ecs/app/t1", "ecs/app/t2", "ecs/side/t1"):
        logs.create_log_stream(logGroupName="/fid/prefix", logStreamName=stream)
        logs.put_log_events(
            logGroupName="/fid/prefix",
            logStreamName=stream,
            logEvents=[{"timestamp": int(time.time() * 1000), "message": stream}],
        )

    def streams(**kwargs: Any) -> list[str]:
        found = logs.filter_log_events(logGroupName="/fid/prefix", **kwargs)["events"]
        return sorted(e["logStreamName"] for e in found)

    assert streams(logStreamNamePrefix="ecs/app/") == ["ecs/app/t1", "ecs/app/t2"]
    assert streams(logStreamNamePrefix="ecs/side/t1") == ["ecs/side/t1"]
    assert streams(logStreamNamePrefix="nothing/") == []
    assert len(streams()) == 3
    with pytest.raises(ClientError, match="InvalidParameterException"):
        logs.filter_log_events(
            logGroupName="/fid/prefix", logStreamNamePrefix="ecs/", logStreamNames=["ecs/app/t1"]
        )


def test_get_log_events_from_the_tail_returns_the_true_last_lines(sandbox: str) -> None:
    logs = client(sandbox, "logs")
    logs.create_log_group(logGroupName="/fid/tail")
    logs.create_log_stream(logGroupName="/fid/tail", logStreamName="s")
    base = int(time.time() * 1000) - 10_000
    logs.put_log_events(
        logGroupName="/fid/tail",
        logStreamName="s",
        logEvents=[{"timestamp": base + i, "message": f"line {i}"} for i in range(1, 2001)],
    )
    events = logs.get_log_events(
        logGroupName="/fid/tail", logStreamName="s", startFromHead=False, limit=40
    )["events"]
    assert [e["message"] for e in events] == [f"line {i}" for i in range(1961, 2001)]
