"""errors.explain / error_code / is_retryable on errors made the way the app meets them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiobotocore.awsrequest import AioAWSResponse
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ReadTimeoutError,
)

from aws import ecs
from aws.errors import error_code, explain, is_retryable
from aws.session import Clients, SessionSettings

REGION = "us-east-1"


def client_error(
    code: str, message: str, operation: str, retries: int = 0, status: int = 400
) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status, "RetryAttempts": retries},
        },
        operation,
    )


def test_access_denied_names_the_action() -> None:
    exc = client_error(
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: "
        "ecs:ListServices on resource: *",
        "ListServices",
    )
    text = explain(exc)
    assert text.startswith("AccessDeniedException: you are not allowed to call ecs:ListServices (")
    assert "user/bob" in text
    assert error_code(exc) == "AccessDeniedException" and not is_retryable(exc)
    # Without the IAM wording, the action comes from the operation's service model.
    bare = explain(client_error("AccessDenied", "", "DescribeTargetHealth"))
    assert "elasticloadbalancing:DescribeTargetHealth" in bare


def test_throttling_counts_retries_and_names_the_api() -> None:
    exc = client_error("ThrottlingException", "Rate exceeded", "DescribeServices", retries=5)
    text = explain(exc)
    assert text.startswith("ThrottlingException: AWS is rate-limiting this account's ECS API")
    assert "retried 5 times" in text
    assert is_retryable(exc)
    assert "ELB API" in explain(client_error("Throttling", "Rate exceeded", "DescribeTargetHealth"))


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("ExpiredTokenException", "expired"),
        ("UnrecognizedClientException", "credentials"),
        ("InvalidParameterException", "rejected a parameter"),
        ("ClientException", "refused"),
        ("ServiceNotFoundException", "service does not exist"),
        ("ClusterNotFoundException", "cluster does not exist"),
        ("SomethingNew", "it broke"),
    ],
)
def test_codes_keep_the_raw_code(code: str, words: str) -> None:
    text = explain(client_error(code, "it broke", "UpdateService"))
    assert text.startswith(f"{code}: ") and words in text
    assert not is_retryable(client_error(code, "", "UpdateService"))


def test_server_errors_are_retryable() -> None:
    exc = client_error("ServerException", "oops", "DescribeTasks", status=500)
    assert is_retryable(exc) and "internal error" in explain(exc)


def test_botocore_exceptions() -> None:
    assert (
        explain(NoCredentialsError())
        == "No AWS credentials found: set AWS_PROFILE or run aws sso login"
    )
    assert "AWS_REGION" in explain(NoRegionError())
    read = ReadTimeoutError(endpoint_url="https://ecs.us-east-1.amazonaws.com/")
    assert "Timed out" in explain(read) and is_retryable(read)
    assert explain(ValueError("plain")) == "ValueError: plain"
    assert error_code(ValueError("x")) is None


async def test_unreachable_endpoint_for_real() -> None:
    s = SessionSettings(
        endpoint_url="http://127.0.0.1:9", region=REGION, retry_mode="standard", max_attempts=1
    )
    async with Clients.open(s) as c:
        with pytest.raises(Exception) as info:
            await ecs.list_cluster_arns(c)
    exc = info.value
    assert isinstance(exc, EndpointConnectionError)
    assert explain(exc) == "Cannot reach the endpoint http://127.0.0.1:9/ (connection refused)"
    assert is_retryable(exc)


async def test_a_connection_closed_before_the_answer_for_real() -> None:
    """A server that hangs up on every request (a proxy or VPN dropping connections): said in
    words, and retryable like any dropped connection."""

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    s = SessionSettings(
        endpoint_url=f"http://127.0.0.1:{port}", region=REGION, retry_mode="standard",
        max_attempts=1,
    )  # fmt: skip
    async with server, Clients.open(s) as c:
        with pytest.raises(Exception) as info:
            await ecs.list_cluster_arns(c)
    exc = info.value
    assert isinstance(exc, ConnectionClosedError), repr(exc)
    assert explain(exc) == (
        f"The connection to http://127.0.0.1:{port}/ closed before it answered"
        " (a proxy or VPN dropping it?)"
    )
    assert is_retryable(exc)


async def test_no_credentials_for_real(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    s = SessionSettings(endpoint_url=moto_url, region=REGION, retry_mode="standard", max_attempts=1)
    async with Clients.open(s) as c:
        with pytest.raises(NoCredentialsError) as info:
            await ecs.list_cluster_arns(c)
    assert "No AWS credentials found" in explain(info.value)


async def test_cluster_not_found_from_moto(moto_url: str) -> None:
    s = SessionSettings(endpoint_url=moto_url, region=REGION, retry_mode="standard", max_attempts=1)
    async with Clients.open(s) as c:
        with pytest.raises(ClientError) as info:
            await ecs.list_service_arns(c, "nope")
    assert error_code(info.value) == "ClusterNotFoundException"
    assert explain(info.value).startswith("ClusterNotFoundException: the cluster does not exist")


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self) -> bytes:
        return self._body


async def test_throttling_through_the_real_retry_logic(
    moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0.0)
    s = SessionSettings(endpoint_url=moto_url, region=REGION, retry_mode="standard", max_attempts=3)

    def throttle(**_: Any) -> AioAWSResponse:
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "stub"}
        return AioAWSResponse("http://stub", 400, headers, _Raw(body))

    async with Clients.open(s) as c:
        c.ecs.meta.events.register("before-send.ecs.ListClusters", throttle)
        with pytest.raises(ClientError) as info:
            await ecs.list_cluster_arns(c)
        assert c.calls.total["ecs.ListClusters"] == 3
    text = explain(info.value)
    assert text.startswith("ThrottlingException: AWS is rate-limiting this account's ECS API")
    assert "retried 2 times" in text


async def test_invalid_parameter_type_in_words(moto_url: str) -> None:
    """botocore refuses a wrong type before sending; the user reads which parameter wants what."""
    from botocore.exceptions import ParamValidationError

    s = SessionSettings(endpoint_url=moto_url, region=REGION, retry_mode="standard", max_attempts=1)
    async with Clients.open(s) as c:
        with pytest.raises(ParamValidationError) as info:
            await c.ecs.update_service(
                cluster="prod",
                service="web",
                desiredCount="3",  # type: ignore[arg-type]
                capacityProviderStrategy=[{"weight": 1}],  # type: ignore[typeddict-item]
            )
    said = explain(info.value)
    assert "desiredCount must be a number, got the text '3'" in said
    assert "capacityProviderStrategy[0] needs capacityProvider" in said
    assert "<class" not in said and "valid types" not in said
