"""The timeline's rows and scope (aws/changes.py reads them; aws/change_sources.py adds what ECS
tells beyond deployments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Scope:
    """The account-Region (both None), a cluster, or a service of a cluster (names or ARNs)."""

    cluster: str | None = None
    service: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    id: str
    at: datetime
    #: deployment / registration / scale / call / drain / stops
    kind: str
    what: str
    #: The caller's ARN, when CloudTrail (or registeredBy) says.
    who: str | None
    #: Source IP and user agent of a call, or what ECS says of it.
    where: str
    cluster: str | None = None
    service: str | None = None


@dataclass(frozen=True, slots=True)
class Timeline:
    changes: tuple[Change, ...]
    notes: tuple[str, ...] = ()
