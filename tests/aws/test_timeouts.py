"""Per-call timeouts: a hanging endpoint makes a call fail with a read timeout, never hang; a
change given up on while it waits is audited as ``abandoned``.

The hanging endpoint is a TCP server that accepts, reads the request and never answers (what a
stuck proxy or a black-holed load balancer does). Timeouts are set small here; the assertions
are on the kind of error, not on how long it took.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from botocore.exceptions import ReadTimeoutError

from aws.audit import AuditLog
from aws.execute import execute
from aws.health import NOT_ANSWERING, trouble_kind
from aws.plan import ApiCall, Plan
from aws.session import Clients, SessionSettings


@pytest.fixture
async def hanging_url() -> AsyncIterator[str]:
    held: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        while await reader.read(65536):
            pass  # swallow the request; never answer

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    for writer in held:
        writer.close()
    server.close()


def test_reads_use_short_timeouts_and_bounded_adaptive_retries() -> None:
    settings = SessionSettings()
    assert settings.connect_timeout <= 3.0
    assert settings.read_timeout <= 10.0
    assert settings.retry_mode == "adaptive"  # kept for throttling
    assert settings.max_attempts <= 6


async def test_clients_carry_the_timeouts() -> None:
    settings = SessionSettings(endpoint_url="http://127.0.0.1:9", region="us-east-1")
    async with Clients.open(settings) as c:
        config = c.ecs.meta.config
        assert config.connect_timeout == settings.connect_timeout
        assert config.read_timeout == settings.read_timeout
        assert config.retries == {"mode": "adaptive", "total_max_attempts": 6}


async def test_a_hanging_endpoint_fails_a_read_with_a_timeout(hanging_url: str) -> None:
    settings = SessionSettings(
        endpoint_url=hanging_url, region="us-east-1", read_timeout=0.3, max_attempts=2
    )
    async with Clients.open(settings) as c:
        with pytest.raises(ReadTimeoutError) as caught:
            await c.ecs.list_clusters()
        assert trouble_kind(caught.value, None, None) == NOT_ANSWERING
        # botocore's retry event named it on the first attempt
        assert c.health.trouble is not None and c.health.trouble.kind == NOT_ANSWERING
        assert c.calls.total["ecs.ListClusters"] == 2  # bounded: the attempts, no more


async def test_a_change_given_up_on_is_audited_abandoned(hanging_url: str, tmp_path) -> None:
    settings = SessionSettings(endpoint_url=hanging_url, region="us-east-1", read_timeout=60)
    audit = AuditLog(tmp_path / "audit.jsonl")
    call = ApiCall("ecs", "UpdateService", {"cluster": "c", "service": "web", "desiredCount": 5})
    plan = Plan(title="Scale service", cluster="c", service="web", calls=(call,), summary="x")
    async with Clients.open(settings) as c:
        c.caller_arn = "arn:aws:iam::123456789012:user/oncall"  # STS would hang too
        task = asyncio.ensure_future(execute(c, plan, audit=audit))
        while not c.calls.total["ecs.UpdateService"]:
            await asyncio.sleep(0.01)  # the request left
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    lines = audit.path.read_text().splitlines()
    assert len(lines) == 2
    [entry] = audit.read()
    assert entry["result"] == "abandoned"
    assert "may or may not have reached AWS" in entry["error"]
    assert entry["params"]["desiredCount"] == 5
