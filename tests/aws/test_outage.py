"""The sandbox's outage switch (aws/sandbox/outage.py): each kind, switched over HTTP while the
sandbox serves, is seen by the product's clients as the kind of trouble AWS would show."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from aws.health import (
    DENIED,
    EXPIRED_CREDENTIALS,
    NOT_ANSWERING,
    SERVER_ERROR,
    THROTTLED,
    UNREACHABLE,
)
from aws.sandbox.outage import Outage
from aws.session import Clients, SessionSettings
from tests.conftest import _spawn_sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    """Its own frozen sandbox: an outage switched here must not reach other tests."""
    yield from _spawn_sandbox("--seed", "7", "--no-simulate")


def switch(url: str, kind: str) -> dict[str, Any]:
    request = urllib.request.Request(f"{url}/ecsdeck/fault?kind={kind}", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.load(response))


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("unreachable", UNREACHABLE),
        ("throttle", THROTTLED),
        ("5xx", SERVER_ERROR),
        ("expired", EXPIRED_CREDENTIALS),
        ("hang", NOT_ANSWERING),
    ],
)
async def test_each_outage_is_seen_as_its_kind(sandbox: str, kind: str, expected: str) -> None:
    settings = SessionSettings(
        endpoint_url=sandbox, region="us-east-1", read_timeout=0.5, max_attempts=2
    )
    async with Clients.open(settings) as c:
        await c.ecs.list_clusters()
        assert switch(sandbox, kind)["fault"] == kind
        try:
            with pytest.raises(Exception):  # noqa: B017 - the kind is asserted below
                await c.ecs.list_clusters()
        finally:
            switch(sandbox, "none")
        assert c.health.trouble is not None and c.health.trouble.kind == expected
        await c.ecs.list_clusters()  # back to normal once switched off


async def test_denied_elb_leaves_ecs_answering(sandbox: str) -> None:
    settings = SessionSettings(endpoint_url=sandbox, region="us-east-1", max_attempts=1)
    async with Clients.open(settings) as c:
        switch(sandbox, "deny-elb")
        try:
            with pytest.raises(Exception, match="AccessDenied"):
                await c.elbv2.describe_target_groups()
            assert c.health.trouble is not None and c.health.trouble.kind == DENIED
            assert (await c.ecs.list_clusters())["clusterArns"]
        finally:
            state = switch(sandbox, "none")
    assert state["hits"]["deny-elb"] >= 1


async def test_denied_cloudwatch_leaves_ecs_answering(sandbox: str) -> None:
    from aws import metrics

    settings = SessionSettings(endpoint_url=sandbox, region="us-east-1", max_attempts=1)
    async with Clients.open(settings) as c:
        switch(sandbox, "deny-cloudwatch")
        try:
            with pytest.raises(Exception, match="cloudwatch:GetMetricData"):
                await metrics.read_utilization(c, "web-fargate", ["checkout-web"])
            assert c.health.trouble is not None and c.health.trouble.kind == DENIED
            assert (await c.ecs.list_clusters())["clusterArns"]
            assert (await c.elbv2.describe_target_groups())["TargetGroups"]
        finally:
            state = switch(sandbox, "none")
        got = await metrics.read_utilization(c, "web-fargate", ["checkout-web"])
    assert state["hits"]["deny-cloudwatch"] >= 1
    assert got["checkout-web"].cpu is not None


def test_an_unknown_kind_is_refused(sandbox: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        switch(sandbox, "meteor")
    assert caught.value.code == 400


def test_slow_waits_then_answers() -> None:
    waited: list[float] = []
    outage = Outage(sleep=waited.append)
    outage.set("slow")
    assert outage({"HTTP_X_AMZ_TARGET": "x"}, lambda *a: None) is None  # then answered
    assert waited == [4.0]
