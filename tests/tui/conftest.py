"""Pilot-test fixtures: a seeded sandbox in its own process, and helpers to wait on the UI."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


async def wait_for(pilot: Any, predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
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
