"""Keeping Python's cyclic garbage collector from stalling the event loop, without leaking.

A full collection scans every tracked object. With 2,000 services loaded that is a 100-250 ms
stall of the event loop (keys and paint wait), repeated each time the heap grows by a quarter
while a big pane loads. What is alive after startup (Textual, botocore's service models) and
after a pane's first full load lives as long as that pane, so it is moved out of the
collector's sight with ``gc.freeze``.

Frozen objects are never collected, and a closed pane is full of reference cycles (every widget
points at its parent, its screen, its app). So when a pane closes, ``release`` unfreezes
everything and ``sweep`` (scheduled just after, once the Back has painted) collects once and
freezes what is still alive. Without that, each visit to a pane leaked its whole widget tree
and data: about 9 MiB a services-and-service-pane round trip in the demo.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: A pane closed since the last collection: its frozen cycles wait to be collected.
_released = False


def settle() -> None:
    """Freeze what is alive now: later full collections skip it. If a pane has closed since
    the last collection, collect first, so its garbage is not frozen for good."""
    global _released
    if _released:
        gc.collect()
        _released = False
    gc.freeze()


def release() -> None:
    """A pane closed: let the collector see (and free) what was frozen with it."""
    global _released
    gc.unfreeze()
    _released = True


def sweep() -> None:
    """Collect what closed panes left, once, and freeze the rest again. Skipped while a bulk
    load holds the collector off: that load settles (and so collects) when it ends."""
    if _released and gc.isenabled():
        settle()


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
