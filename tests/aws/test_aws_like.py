"""AWS-like mode: token-bucket math on an injected clock, and AWS's refusal over real HTTP.

No timing assertions: the clock is a number the test moves, the latency a recorded sleep.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from aws.sandbox.aws_like import ECS_TARGET_PREFIX, AwsLike, Buckets, Server


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_spends_its_burst_then_refills_at_its_rate() -> None:
    clock = Clock()
    buckets = Buckets({"service-read": (100, 20)}, clock)
    assert all(buckets.take("us-east-1", ["service-read"]) for _ in range(100))
    assert not buckets.take("us-east-1", ["service-read"])
    clock.now += 0.04  # 0.8 of a token
    assert not buckets.take("us-east-1", ["service-read"])
    clock.now += 0.01  # 1.0
    assert buckets.take("us-east-1", ["service-read"])
    assert not buckets.take("us-east-1", ["service-read"])
    clock.now += 1.0
    assert sum(buckets.take("us-east-1", ["service-read"]) for _ in range(30)) == 20
    clock.now += 3600  # never more than the burst
    assert sum(buckets.take("us-east-1", ["service-read"]) for _ in range(150)) == 100


def test_buckets_are_per_region_and_taken_all_or_nothing() -> None:
    clock = Clock()
    buckets = Buckets({"describe": (2, 1), "account": (3, 1)}, clock)
    assert buckets.take("us-east-1", ["account", "describe"])
    assert buckets.take("us-east-1", ["account", "describe"])
    # describe is empty: the account token must not be spent by the refusal
    assert not buckets.take("us-east-1", ["account", "describe"])
    assert buckets.take("us-east-1", ["account"])
    assert not buckets.take("us-east-1", ["account"])
    assert buckets.take("eu-west-1", ["account", "describe"])


def _environ(target: str = "", body: bytes = b"", service: str = "ecs") -> dict[str, Any]:
    auth = f"AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/{service}/aws4_request, X=y"
    environ: dict[str, Any] = {
        "PATH_INFO": "/",
        "REQUEST_METHOD": "POST",
        "HTTP_AUTHORIZATION": auth,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    if target:
        environ["HTTP_X_AMZ_TARGET"] = ECS_TARGET_PREFIX + target
    if body:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded; charset=utf-8"
    return environ


def test_latency_is_the_whole_answer_time_with_moto_s_work_inside_it() -> None:
    """AWS's servers work on callers in parallel, so a round trip costs about the same however
    many others call; the sandbox works on one request at a time, so its work is counted inside
    the latency (the wait is what is left of it), not added on top of it."""
    clock = Clock()
    events: list[str] = []

    def sleep(seconds: float) -> None:
        events.append(f"sleep:{seconds:.3f}")
        clock.now += seconds

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        events.append(f"moto:{environ['wsgi.input'].read().decode()}")
        clock.now += work  # what moto spent (under its lock)
        return [b"answer"]

    wrapper = AwsLike(app, latency_ms=40, sleep=sleep, clock=clock)
    body = b"Action=DescribeLoadBalancers&Version=2015-12-01"
    elb = _environ(body=body, service="elasticloadbalancing")
    work, began = 0.015, clock.now
    assert wrapper(elb, lambda *a: None) == [b"answer"]
    assert events == [f"moto:{body.decode()}", "sleep:0.025"]
    assert clock.now - began == pytest.approx(0.040)
    events.clear()
    work = 0.055  # a busy sandbox: the answer is late, never later still
    wrapper(_environ(body=body, service="elasticloadbalancing"), lambda *a: None)
    assert events == [f"moto:{body.decode()}", "sleep:0.000"]
    events.clear()
    wrapper({**_environ(), "PATH_INFO": "/moto-api/reset"}, lambda *a: None)
    assert events == ["moto:"]  # the control plane is never delayed


def test_throttle_meters_ecs_by_category_and_elb_by_action() -> None:
    clock = Clock()
    app_calls: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        app_calls.append(environ["wsgi.input"].read().decode() or environ["HTTP_X_AMZ_TARGET"])
        return [b""]

    wrapper = AwsLike(app, throttle=True, clock=clock)

    def status(environ: dict[str, Any]) -> str:
        seen: list[str] = []
        wrapper(environ, lambda s, h: seen.append(s))
        return seen[0] if seen else "200 OK"

    assert [status(_environ("RegisterTaskDefinition")) for _ in range(21)].count("200 OK") == 20
    assert status(_environ("ListServices")) == "200 OK"  # another bucket
    assert all(status(_environ("RunTask")) == "200 OK" for _ in range(200))  # unmetered

    describe = b"Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=x"
    modify = b"Action=RegisterTargets&Version=2015-12-01"
    elb = [status(_environ(body=describe, service="elasticloadbalancing")) for _ in range(41)]
    assert elb.count("200 OK") == 40 and elb[-1].startswith("400")
    # the describes emptied the account-wide bucket too
    assert status(_environ(body=modify, service="elasticloadbalancing")).startswith("400")
    clock.now += 0.1  # one ELB token back
    assert status(_environ(body=modify, service="elasticloadbalancing")) == "200 OK"
    assert app_calls[-1] == modify.decode()
    assert wrapper.throttled == {
        "task-definition-modify": 1,
        "elb-account+elb-describe": 1,
        "elb-account": 1,
    }


@pytest.fixture
def throttled_url(moto_url: str) -> Iterator[str]:
    """moto behind AwsLike with a clock that never moves: buckets never refill."""
    server = Server(AwsLike(Server.moto_app(), throttle=True, clock=Clock()))
    yield server.start()
    server.stop()


def _client(url: str, name: str) -> Any:
    return boto3.client(
        name,
        endpoint_url=url,
        region_name="us-east-1",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


def test_a_burst_past_the_service_read_bucket_is_throttled_like_aws(throttled_url: str) -> None:
    ecs = _client(throttled_url, "ecs")
    ecs.create_cluster(clusterName="burst")
    for _ in range(100):
        ecs.list_services(cluster="burst", maxResults=100)
    with pytest.raises(ClientError) as raised:
        ecs.describe_services(cluster="burst", services=["web"])
    error = raised.value.response
    assert error["Error"]["Code"] == "ThrottlingException"
    assert error["Error"]["Message"] == "Rate exceeded"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    ecs.describe_clusters(clusters=["burst"])  # cluster reads have their own bucket

    # the raw answer, as any client would parse it
    request = urllib.request.Request(
        throttled_url,
        data=json.dumps({"cluster": "burst"}).encode(),
        headers={
            "X-Amz-Target": ECS_TARGET_PREFIX + "ListServices",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": "AWS4-HMAC-SHA256 Credential=a/20250101/us-east-1/ecs/aws4_request",
        },
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as http:
        urllib.request.urlopen(request, timeout=10)
    assert http.value.code == 400
    assert http.value.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert json.loads(http.value.read()) == {
        "__type": "ThrottlingException",
        "message": "Rate exceeded",
    }


def test_elbv2_is_throttled_with_its_own_code(throttled_url: str) -> None:
    elb = _client(throttled_url, "elbv2")
    for _ in range(40):
        elb.describe_load_balancers()
    with pytest.raises(ClientError) as raised:
        elb.describe_target_groups()
    assert raised.value.response["Error"]["Code"] == "Throttling"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_port_in_use_is_an_error_not_a_hang() -> None:
    first = Server(AwsLike(Server.moto_app()))
    url = first.start()
    try:
        second = Server(AwsLike(Server.moto_app()), port=int(url.rsplit(":", 1)[1]))
        with pytest.raises(RuntimeError, match="in use"):
            second.start()
    finally:
        first.stop()


def test_command_line_flags_reach_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    from aws.sandbox import __main__ as cli

    seen: dict[str, Any] = {}

    class Recorder:
        def __init__(self, **kwargs: Any) -> None:
            seen.update(kwargs)

        def start(self) -> str:
            raise RuntimeError("recorded")

        def stop(self) -> None:
            pass

    monkeypatch.setattr(cli, "Sandbox", Recorder)
    monkeypatch.setattr(cli.signal, "signal", lambda *a: None)  # keep pytest's handlers
    argv = ["--latency-ms", "40", "--throttle", "--services", "2000"]
    argv += ["--tasks-per-service", "10", "--big-service", "5000", "--no-simulate"]
    argv += ["--accounts", "2", "--regions", "us-east-1,eu-west-1", "--context-clusters", "3"]
    assert cli.main(argv) == 2
    assert seen == {
        "seed": 7,
        "simulate": False,
        "port": 0,
        "services": 2000,
        "tick": 1.0,
        "tasks_per_service": 10,
        "big_service": 5000,
        "latency_ms": 40,
        "throttle": True,
        "clusters": 0,
        "problems": False,
        "accounts": 2,
        "regions": ["us-east-1", "eu-west-1"],
        "context_clusters": 3,
        "weather": True,
    }
