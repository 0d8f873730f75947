"""Keeping Python's cyclic garbage collector from stalling the event loop.

A full collection scans every tracked object. With 2,000 services loaded that is a 100-250 ms
stall of the event loop (keys and paint wait), repeated each time the heap grows by a quarter
while a big pane loads. What is alive after startup (Textual, botocore's service models) and
after a pane's first full load lives about as long as the app, so it is moved out of the
collector's sight with ``gc.freeze``. Reference counting still frees those objects; only
reference cycles among them are never collected, and the data models hold none.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def settle() -> None:
    """Freeze what is alive now: later full collections skip it."""
    gc.freeze()


@contextmanager
def bulk_load() -> Iterator[None]:
    """No cyclic collection while a big load builds its long-lived data, then freeze it.

    Garbage without cycles (most of it: parsed responses, old rows) is still freed at once by
    reference counting; the few cycles made meanwhile are kept, a bounded one-off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        settle()
        if was_enabled:
            gc.enable()
