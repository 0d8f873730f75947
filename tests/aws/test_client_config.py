"""The per-request and per-client costs the clients skip (aws.client_config): the same answers,
cheaper."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from aiobotocore.httpsession import AIOHTTPSession
from botocore.utils import parse_timestamp as botocore_parse_timestamp

from aws import client_config
from aws.client_config import USER_AGENT, parse_timestamp
from aws.session import Clients, SessionSettings

VALUES = [
    1700000000,
    1700000000.123,
    "2024-03-01T12:34:56Z",
    "2024-03-01T12:34:56.789Z",
    "2024-03-01T14:34:56+02:00",
    "Fri, 01 Mar 2024 12:34:56 GMT",
]


@pytest.mark.parametrize("value", VALUES)
def test_a_timestamp_is_the_instant_botocore_reads_and_in_utc_when_it_says_a_zone(
    value: Any,
) -> None:
    ours, theirs = parse_timestamp(value), botocore_parse_timestamp(value)
    assert ours == theirs  # aware datetimes compare as instants
    assert ours.tzinfo is not None
    if not (isinstance(value, str) and value.endswith("GMT")):  # botocore's parser's own
        assert ours.utcoffset() == timedelta(0)


def test_what_only_botocore_can_read_is_left_to_it() -> None:
    naive = "2024-03-01T12:34:56"
    assert parse_timestamp(naive) == botocore_parse_timestamp(naive)
    with pytest.raises(ValueError):
        parse_timestamp("not a time")


async def test_requests_name_ecsdeck_and_answers_carry_utc_datetimes(clients: Clients) -> None:
    sent: list[str] = []

    def seen(request: Any, **_: Any) -> None:
        sent.append(request.headers["User-Agent"].decode())

    clients.ecs.meta.events.register("before-send.ecs.*", seen)
    await clients.ecs.create_cluster(clusterName="ua-check")
    await clients.ecs.register_task_definition(
        family="ua-check", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 64}]
    )
    await clients.ecs.create_service(
        cluster="ua-check", serviceName="web", taskDefinition="ua-check", desiredCount=0
    )
    described = await clients.ecs.describe_services(cluster="ua-check", services=["web"])
    assert sent and all(ua.startswith(USER_AGENT + " botocore/") for ua in sent)
    assert USER_AGENT.startswith("ecsdeck/")
    at = described["services"][0]["deployments"][0]["createdAt"]
    assert at.tzinfo is UTC


async def test_every_client_of_every_bundle_shares_one_tls_context(
    moto_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiobotocore would load the CA bundle once per client; twelve contexts open a hundred."""
    built: list[object] = []
    build = AIOHTTPSession._build_ssl_contexts  # type: ignore[attr-defined]

    def counted(self: AIOHTTPSession, proxy_url: str | None) -> Any:
        built.append(self)
        return build(self, proxy_url)

    monkeypatch.setattr(AIOHTTPSession, "_build_ssl_contexts", counted)
    monkeypatch.setattr(client_config, "_TLS", {})
    used: list[object] = []
    for region in ("us-east-1", "eu-west-1"):
        settings = SessionSettings(endpoint_url=moto_url, region=region, max_attempts=1)
        async with Clients.open(settings) as c:
            await c.ecs.list_clusters()
            await c.elbv2.describe_load_balancers()
            for client in (c.ecs, c.elbv2):
                session = client._endpoint.http_session  # type: ignore[attr-defined]
                used.append(session._sessions[None].connector._ssl)
    assert len(built) == 1  # four clients, two bundles: one build
    assert len(client_config._TLS) == 1
    assert len({id(context) for context in used}) == 1
