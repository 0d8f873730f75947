"""Basic-scanning results on the sandbox's ECR images, as DescribeImages reports them.

moto records no scan for a pushed image, even in a repository with ``scanOnPush``, so
DescribeImages never carries ``imageScanStatus`` or ``imageScanFindingsSummary``. With scan on
push, ECR scans each image as it is pushed and DescribeImages then reports ``COMPLETE`` with a
count of findings per severity. The sandbox writes the same two fields onto moto's image objects
(its serializer sends any attribute named after a response member), so the images view has
something real-shaped to show: older builds carry more findings than newer ones, and a few
builds a critical one.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

COMPLETE = {"status": "COMPLETE", "description": "The scan was completed successfully."}


def scan(image: Any, repository: str, age_rank: int) -> None:
    """Mark one moto image scanned: ``age_rank`` 0 is the newest build of the repository.

    The findings are drawn from a generator seeded by the repository and digest alone, so they
    are the same on every run and draw nothing from the seed's own generator.
    """
    rng = random.Random(f"{repository}/{image.image_digest}")
    counts = {
        "HIGH": rng.randint(0, 1 + age_rank),
        "MEDIUM": rng.randint(0, 3 + 2 * age_rank),
        "LOW": rng.randint(1, 6),
        "INFORMATIONAL": rng.randint(0, 4),
    }
    if age_rank >= 2 and rng.random() < 0.5:
        counts["CRITICAL"] = 1
    completed = datetime.fromtimestamp(image.image_pushed_at, UTC) + timedelta(minutes=2)
    image.image_scan_status = dict(COMPLETE)
    image.image_scan_findings_summary = {
        "imageScanCompletedAt": completed,
        "vulnerabilitySourceUpdatedAt": completed - timedelta(hours=rng.randint(1, 20)),
        "findingSeverityCounts": {k: v for k, v in counts.items() if v},
    }


def scan_repository(images: list[Any], repository: str) -> None:
    """Scan every image of a repository, ranked newest first by push time."""
    ranked = sorted(images, key=lambda im: im.image_pushed_at, reverse=True)
    for rank, image in enumerate(ranked):
        scan(image, repository, rank)
