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


class Taken:
    """The targets the fast path answered; with ``via_flask`` set it hands them to Flask."""

    def __init__(self) -> None:
        self.targets: list[str] = []
        self.via_flask = False


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> Iterator[Taken]:
    """The fast path installed for one test."""
    taken = Taken()
    respond = fast_dispatch.JsonDispatch.respond

    def counted(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        if taken.via_flask:
            return self.app(environ, start_response)
        taken.targets.append(environ["HTTP_X_AMZ_TARGET"])
        return respond(self, environ, start_response)

    monkeypatch.setattr(fast_dispatch.JsonDispatch, "respond", counted)
    installed: Installed = []
    for owner, name, wrapper, original in fast_dispatch.patches():
        install(installed, owner, name, wrapper, original)
    try:
        yield taken
    finally:
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
    moto_url: str, fast: Taken
) -> None:
    seed(moto_url)
    assert fast.targets  # the seeding's writes took it too
    fast.targets.clear()
    through_fast = [send(moto_url, action, body) for action, body in CALLS]
    assert fast.targets == [TARGET + action for action, _ in CALLS]
    fast.via_flask = True
    through_flask = [send(moto_url, action, body) for action, body in CALLS]
    fast.via_flask = False
    assert through_fast == through_flask
    statuses = [status for status, _, _ in through_fast]
    assert statuses[0] == 200 and 400 in statuses
    services = through_fast[3][2]["services"]
    assert [s["serviceName"] for s in services] == ["web"]
    # Other services and moto's own API still go through Flask.
    fast.targets.clear()
    urllib.request.urlopen(f"{moto_url}/moto-api/data.json", timeout=10).read()
    assert fast.targets == []
