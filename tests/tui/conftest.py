"""Pilot-test fixtures: a seeded sandbox in its own process, and helpers to wait on the UI."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tui.app import EcsDeckApp
from tui.config import Settings


@pytest.fixture(scope="session")
def frozen_sandbox() -> Iterator[str]:
    """A sandbox seeded with --seed 7 and frozen: the same account for every read-only test."""
    from aws.sandbox.server import spawn_sandbox

    proc, url = spawn_sandbox(["--seed", "7", "--no-simulate"])
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def make_app() -> Callable[..., EcsDeckApp]:
    def make(url: str, **overrides: Any) -> EcsDeckApp:
        settings = Settings(endpoint_url=url, region="us-east-1", refresh=0.3, **overrides)
        return EcsDeckApp(settings)

    return make


async def wait_for(pilot: Any, predicate: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Let the app run until ``predicate()`` is truthy; fail with the predicate's name if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause()
        try:
            value = predicate()
        except Exception:
            value = None
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {getattr(predicate, '__name__', predicate)}")
