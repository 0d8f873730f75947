"""Fixtures of the aws/ tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aws.session import Clients, SessionSettings


@pytest.fixture
async def clients(moto_url: str) -> AsyncIterator[Clients]:
    """The app's clients on the bare moto server, one attempt per call: a failure shows at once."""
    settings = SessionSettings(
        endpoint_url=moto_url, region="us-east-1", retry_mode="standard", max_attempts=1
    )
    async with Clients.open(settings) as c:
        yield c
