"""ECS calls skip moto's Flask app (aws.sandbox.fast_dispatch) and answer exactly as through it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from aws.sandbox import fast_dispatch
from aws.sandbox.patching import Installed, install, uninstall

TARGET = "AmazonEC2ContainerServiceV20141113."
AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261207/us-east-1/ecs/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"
)
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("ListClusters", {}),
    ("DescribeClusters", {"clusters": ["fast", "missing"]}),
    ("ListServices", {"cluster": "fast"}),
    ("DescribeServices", {"cluster": "fast", "services": ["web", "gone"]}),
    ("DescribeServices", {"cluster": "no-such-cluster", "services": ["web"]}),  # a 400
    ("ListTasks", {"cluster": "fast", "desiredStatus": "STOPPED"}),
    ("NoSuchAction", {}),
]


@pytest.fixture
def fast() -> Iterator[list[str]]:
    """The fast path installed for one test; yields the targets it answered."""
    answered: list[str] = []
    installed: Installed = []
    for owner, name, wrapper, original in fast_dispatch.patches():
        install(installed, owner, name, wrapper, original)
    respond = fast_dispatch.JsonDispatch.respond

    def counted(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        answered.append(environ["HTTP_X_AMZ_TARGET"])
        return respond(self, environ, start_response)

    fast_dispatch.JsonDispatch.respond = counted  # type: ignore[method-assign]
    try:
        yield answered
    finally:
        fast_dispatch.JsonDispatch.respond = respond  # type: ignore[method-assign]
        uninstall(installed)


def send(url: str, action: str, body: dict[str, Any]) -> tuple[int, str, Any]:
    """(status, content type, JSON answer without its request id) of one raw ECS call."""
    request = urllib.request.Request(
        url + "/",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": TARGET + action,
            "Authorization": AUTH,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            status, headers, raw = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, error.headers, error.read()
    data = json.loads(raw) if raw.strip() else None
    return status, headers.get("Content-Type", ""), data


def seed(url: str) -> None:
    ecs = boto3.client(
        "ecs",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="x",
    )
    ecs.create_cluster(clusterName="fast")
    ecs.register_task_definition(
        family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 64}]
    )
    ecs.create_service(cluster="fast", serviceName="web", taskDefinition="web", desiredCount=1)


def test_ecs_answers_are_the_same_without_flask_and_only_ecs_takes_the_fast_path(
    moto_url: str, fast: list[str]
) -> None:
    seed(moto_url)
    assert fast  # the seeding's writes took it too
    fast.clear()
    through_fast = [send(moto_url, action, body) for action, body in CALLS]
    assert fast == [TARGET + action for action, _ in CALLS]
    fast_dispatch.JsonDispatch.respond, saved = (  # type: ignore[method-assign]
        lambda self, environ, start_response: self.app(environ, start_response),
        fast_dispatch.JsonDispatch.respond,
    )
    try:
        through_flask = [send(moto_url, action, body) for action, body in CALLS]
    finally:
        fast_dispatch.JsonDispatch.respond = saved  # type: ignore[method-assign]
    assert through_fast == through_flask
    statuses = [status for status, _, _ in through_fast]
    assert statuses[0] == 200 and 400 in statuses
    services = through_fast[3][2]["services"]
    assert [s["serviceName"] for s in services] == ["web"]
    # Other services and moto's own API still go through Flask.
    fast.clear()
    urllib.request.urlopen(f"{moto_url}/moto-api/data.json", timeout=10).read()
    assert fast == []
