"""How sandbox tests look at the account: plain boto3 clients reading it as any AWS client would
(every page, describes in the API's batch sizes), and a wait for the simulator to get somewhere.

Kept apart from the product's readers on purpose: a test that read the sandbox through
``aws/`` could not tell a bug in the reader from a bug in the sandbox.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import boto3

Boto = dict[str, Any]


def boto_clients(url: str, *names: str) -> Boto:
    """boto3 clients by service name (default ecs, elbv2, ecr, logs) for the sandbox at ``url``."""
    kw: dict[str, Any] = {
        "endpoint_url": url,
        "region_name": "us-east-1",
        "aws_access_key_id": "x",
        "aws_secret_access_key": "x",
    }
    return {n: boto3.client(n, **kw) for n in names or ("ecs", "elbv2", "ecr", "logs")}


def every(client: Any, operation: str, key: str, **kwargs: Any) -> list[str]:
    """Every page of a list call: the sandbox pages as AWS does (100 ARNs at most)."""
    pages = client.get_paginator(operation).paginate(**kwargs)
    return [arn for page in pages for arn in page[key]]


def cluster_names(ecs: Any) -> list[str]:
    return [arn.rsplit("/", 1)[-1] for arn in every(ecs, "list_clusters", "clusterArns")]


def all_services(ecs: Any, cluster: str) -> list[dict[str, Any]]:
    arns = every(ecs, "list_services", "serviceArns", cluster=cluster, maxResults=100)
    out: list[dict[str, Any]] = []
    for i in range(0, len(arns), 10):
        out += ecs.describe_services(cluster=cluster, services=arns[i : i + 10])["services"]
    return out


def one_service(ecs: Any, cluster: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
    return found


def all_tasks(ecs: Any, cluster: str, status: str = "RUNNING") -> list[dict[str, Any]]:
    arns = every(ecs, "list_tasks", "taskArns", cluster=cluster, desiredStatus=status)
    out: list[dict[str, Any]] = []
    for i in range(0, len(arns), 100):
        out += ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100])["tasks"]
    return out


def all_instances(ecs: Any, cluster: str) -> list[dict[str, Any]]:
    arns = every(ecs, "list_container_instances", "containerInstanceArns", cluster=cluster)
    if not arns:
        return []
    found: list[dict[str, Any]] = ecs.describe_container_instances(
        cluster=cluster, containerInstances=arns
    )["containerInstances"]
    return found


def wait_for(check: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Poll ``check`` until it returns something true (which is returned), or fail naming
    ``what`` was awaited: the simulator moves on its own clock."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)
