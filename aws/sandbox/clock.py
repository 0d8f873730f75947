"""The sandbox's clock: what every time it writes (createdAt, startedAt, events, log lines,
push times) is measured from.

``ECSDECK_SANDBOX_CLOCK_SHIFT`` (seconds, may be negative) moves it, so a test can seed the
account as if it were another day or another hour and check that nothing but the times changes.
moto's own ECS stamps follow it too (:func:`aws.sandbox.moto_patches.apply`).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

SHIFT_VARIABLE = "ECSDECK_SANDBOX_CLOCK_SHIFT"


def _shift() -> timedelta:
    try:
        return timedelta(seconds=float(os.environ.get(SHIFT_VARIABLE) or 0))
    except ValueError:
        return timedelta(0)


#: Read once: the whole process lives on one clock.
SHIFT = _shift()


def now() -> datetime:
    """Aware UTC now (shifted): what the serializer turns into epoch seconds."""
    return datetime.now(UTC) + SHIFT


def utcnow() -> datetime:
    """Naive UTC now (shifted), as moto's ``utcnow`` returns it."""
    return datetime.now(UTC).replace(tzinfo=None) + SHIFT
