"""Tolerant field readers: whatever AWS leaves out (or sends oddly typed) -> None."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aws.models import CapacityProviderItem

Doc = Mapping[str, Any]


def s(d: Doc | None, key: str) -> str | None:
    if not isinstance(d, Mapping):
        return None
    v = d.get(key)
    return None if v is None else str(v)


def i(d: Doc | None, key: str) -> int | None:
    if not isinstance(d, Mapping):
        return None
    v = d.get(key)
    if v is None or isinstance(v, bool):
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def i0(d: Doc | None, key: str) -> int:
    return i(d, key) or 0


def b(d: Doc | None, key: str) -> bool | None:
    if not isinstance(d, Mapping):
        return None
    v = d.get(key)
    return v if isinstance(v, bool) else None


def lst(d: Doc | None, key: str) -> list[Any]:
    if not isinstance(d, Mapping):
        return []
    v = d.get(key)
    return list(v) if isinstance(v, list | tuple) else []


def dicts(d: Doc | None, key: str) -> list[Doc]:
    return [x for x in lst(d, key) if isinstance(x, Mapping)]


def strs(d: Doc | None, key: str) -> tuple[str, ...]:
    return tuple(str(x) for x in lst(d, key) if x is not None)


def dt(d: Doc | None, key: str, *, millis: bool = False) -> datetime | None:
    """An aware datetime from a datetime, epoch number (seconds, or ms) or ISO string."""
    if not isinstance(d, Mapping):
        return None
    v = d.get(key)
    return to_datetime(v, millis=millis)


def to_datetime(v: object, *, millis: bool = False) -> datetime | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, datetime):
        return v if v.tzinfo else v.replace(tzinfo=UTC)
    if isinstance(v, int | float):
        try:
            return datetime.fromtimestamp(v / 1000 if millis else v, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(v, str):
        try:
            parsed = datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def strategy(d: Doc | None, key: str) -> tuple[CapacityProviderItem, ...]:
    return tuple(
        CapacityProviderItem(
            provider=str(x.get("capacityProvider") or "?"),
            weight=i0(x, "weight"),
            base=i0(x, "base"),
        )
        for x in dicts(d, key)
    )
