"""Typed snapshots of ECR repositories and images (what a task definition's image points at)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Repository:
    name: str
    arn: str
    uri: str
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class Image:
    repository: str
    digest: str
    tags: tuple[str, ...]
    pushed_at: datetime | None
    size_bytes: int | None
    scan_status: str | None
    #: severity -> count, e.g. {"CRITICAL": 1, "HIGH": 4}; empty when never scanned
    scan_findings: dict[str, int] = field(default_factory=dict)
