"""ECR readers: repositories and images (DescribeImages is unsorted: sorted here, newest first)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from aws import convert as cv
from aws.convert import Doc
from aws.ecr_models import Image, Repository
from aws.paging import pages
from aws.session import Clients

PAGE_SIZE = 1000

_ECR_URI = re.compile(
    r"^(?P<registry>\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?)"
    r"/(?P<repo>[a-z0-9][a-z0-9._/-]*?)"
    r"(?:@(?P<digest>sha256:[0-9a-fA-F]+)|:(?P<tag>[\w][\w.-]{0,127}))?$"
)
_EPOCH = datetime.min.replace(tzinfo=UTC)


def parse_image_uri(uri: str) -> tuple[str | None, str | None, str | None]:
    """``(registry, repository, tag-or-digest)`` of an ECR image URI; all None when not ECR.

    ``<acct>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`` or ``.../<repo>@sha256:<hex>``; without
    a tag or digest the third item is None.
    """
    m = _ECR_URI.match(uri.strip())
    if not m:
        return None, None, None
    return m["registry"], m["repo"], m["digest"] or m["tag"]


def repository_from_dict(d: Doc) -> Repository:
    return Repository(
        name=cv.s(d, "repositoryName") or "",
        arn=cv.s(d, "repositoryArn") or "",
        uri=cv.s(d, "repositoryUri") or "",
        created_at=cv.dt(d, "createdAt"),
    )


def image_from_dict(d: Doc, repository: str | None = None) -> Image:
    summary = d.get("imageScanFindingsSummary")
    counts = summary.get("findingSeverityCounts") if isinstance(summary, dict) else None
    status = d.get("imageScanStatus")
    return Image(
        repository=cv.s(d, "repositoryName") or repository or "",
        digest=cv.s(d, "imageDigest") or "",
        tags=cv.strs(d, "imageTags"),
        pushed_at=cv.dt(d, "imagePushedAt"),
        size_bytes=cv.i(d, "imageSizeInBytes"),
        scan_status=cv.s(status, "status") if isinstance(status, dict) else None,
        scan_findings=(
            {str(k): cv.i0(counts, k) for k in counts} if isinstance(counts, dict) else {}
        ),
    )


async def list_repositories(c: Clients) -> list[Repository]:
    pager = c.ecr.get_paginator("describe_repositories").paginate(
        PaginationConfig={"PageSize": PAGE_SIZE}
    )
    repos = [
        repository_from_dict(d)
        async for page in pages(c, pager)
        for d in page.get("repositories", [])
    ]
    return sorted(repos, key=lambda r: r.name)


async def list_images(c: Clients, repository: str) -> list[Image]:
    """Every image of a repository (all pages of 1000), newest pushed first."""
    pager = c.ecr.get_paginator("describe_images").paginate(
        repositoryName=repository, PaginationConfig={"PageSize": PAGE_SIZE}
    )
    images = [
        image_from_dict(d, repository)
        async for page in pages(c, pager)
        for d in page.get("imageDetails", [])
    ]
    return sorted(images, key=lambda im: (im.pushed_at or _EPOCH, im.digest), reverse=True)
