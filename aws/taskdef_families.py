"""Task-definition families as an SRE scans them: each family's newest ACTIVE revision and how
many revisions are ACTIVE, from one paged listing.

ListTaskDefinitions with ``status=ACTIVE`` and no family names every ACTIVE revision of the
region, 100 a page: ceil(R/100) calls give every family's count and newest revision at once,
where ListTaskDefinitionFamilies then ListTaskDefinitions per family would cost a call per
family. What a revision holds (registration time, images, size) is DescribeTaskDefinition's,
read only for the rows on screen, through ``ecs.read_task_definition``'s cache.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws.models import TaskDefinitionFamily
from aws.paging import LIST_PAGE, pages
from aws.plan import family_revision
from aws.session import Clients


def families_of(arns: Iterable[str]) -> list[TaskDefinitionFamily]:
    """Group ACTIVE revision ARNs by family, sorted by name; a revision listed twice (a page
    boundary moving under a registration) counts once."""
    by_family: dict[str, dict[int, str]] = {}
    for arn in arns:
        family, revision = family_revision(arn)
        by_family.setdefault(family, {})[-1 if revision is None else revision] = arn
    out = []
    for family, revisions in by_family.items():
        newest = max(revisions)
        out.append(TaskDefinitionFamily(family, revisions[newest], newest, len(revisions)))
    return sorted(out, key=lambda f: f.name)


async def list_families(c: Clients) -> list[TaskDefinitionFamily]:
    """Every family with an ACTIVE revision: ceil(R/100) ListTaskDefinitions, R the region's
    ACTIVE revisions (each page waits for the one before: the token chains them)."""
    pager = c.ecs.get_paginator("list_task_definitions").paginate(
        status="ACTIVE", PaginationConfig={"PageSize": LIST_PAGE}
    )
    return families_of(
        [a async for page in pages(c, pager) for a in page.get("taskDefinitionArns", [])]
    )
