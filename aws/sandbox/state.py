"""What the request handlers and the simulator share: the lock and the target health overrides.

Kept apart from :mod:`.moto_patches` so every part of the sandbox can import them without
importing the patches (and the patches without importing the parts).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: Serialises moto request handling against simulator edits. Re-entrant: a patched backend method
#: may run inside a request that already holds it.
LOCK = threading.RLock()

#: (target group ARN, target id, port) -> (state, reason, description). Absent means "healthy".
HEALTH: dict[tuple[str, str, int], tuple[str, str | None, str | None]] = {}

#: The account and region the sandbox was first built as: its ids and names are what they were
#: before the sandbox served several accounts, so nothing about it depends on the others.
DEFAULT_WHERE = ("123456789012", "us-east-1")
#: The (account, region) the code running now works in: the seeder and a context's simulator set
#: it, the request dispatcher sets it from the request's credentials. A ContextVar, so one
#: thread's context (a simulator tick) is never another's (a request being answered).
_WHERE: ContextVar[tuple[str, str]] = ContextVar("ecsdeck_sandbox_where", default=DEFAULT_WHERE)


def where() -> tuple[str, str]:
    """(account id, region) the current code reads and writes moto's backends in."""
    return _WHERE.get()


@contextmanager
def in_context(account: str, region: str) -> Iterator[None]:
    """Run the block in ``account``/``region`` (backends, registry names, id streams)."""
    token = _WHERE.set((account, region))
    try:
        yield
    finally:
        _WHERE.reset(token)
