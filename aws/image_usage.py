"""Which services run an ECR image: the container images of each service's current task
definition and of every deployment that still has running tasks (a failed rollout leaves the
old revision serving: its image is the one in use), matched against a repository's images.

A task definition names an image by tag (``repo:1.4.0``, no tag meaning ``latest``) or by digest
(``repo@sha256:...``). A tag reference is matched to the image that holds the tag now, which is
what the service's next deployment would pull (tasks started before the tag moved may still run
the older image: ECS resolves the tag when a task starts).

The work is bounded to one cluster: ListServices + DescribeServices of that cluster (one page per
100 services, one describe per 10), then one DescribeTaskDefinition per distinct revision, each
read once per client bundle (revisions are immutable: ``ecs.read_task_definition`` caches them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aws import ecs
from aws.ecr import parse_image_uri
from aws.ecr_models import Image
from aws.models import Service
from aws.paging import gather_bounded, unique
from aws.session import Clients


@dataclass(frozen=True, slots=True)
class ImageUse:
    """One container of a service's current task definition (or of a deployment with running
    tasks), and the image it names."""

    service: Service
    container: str
    #: The image as the task definition writes it (a URI with a tag or a digest).
    image: str


@dataclass(frozen=True, slots=True)
class ClusterImages:
    """A cluster's ACTIVE services and the container images their task definitions name."""

    services: tuple[Service, ...]
    uses: tuple[ImageUse, ...]


def revisions_in_use(service: Service) -> list[str]:
    """The service's current task definition, then those of its deployments with running
    tasks: the current one alone says nothing of what runs while a rollout is stuck or failed."""
    running = (d.task_definition for d in service.deployments if d.running > 0)
    return unique([*filter(None, [service.task_definition]), *running])


async def read_image_uses(c: Clients, cluster: str) -> ClusterImages:
    """Every container image of the cluster's ACTIVE services' revisions in use."""
    _, services = await ecs.read_services(c, cluster)
    active = [s for s in services if s.status == "ACTIVE" and s.task_definition]
    arns = unique(a for s in active for a in revisions_in_use(s))
    definitions = dict(
        zip(arns, await gather_bounded(ecs.read_task_definition(c, a) for a in arns), strict=True)
    )
    uses = {
        (s.arn, container, image): ImageUse(s, container, image)
        for s in active
        for arn in revisions_in_use(s)
        for container, image in definitions[arn].container_images.items()
    }
    return ClusterImages(tuple(active), tuple(uses.values()))


def in_repository(uri: str, repository_uri: str) -> bool:
    """Does an image URI name an image of this repository (``registry/name``)?"""
    registry, repo, _ = parse_image_uri(uri)
    return bool(registry and repo) and f"{registry}/{repo}" == repository_uri


def refers_to(uri: str, repository_uri: str, image: Image) -> bool:
    """Does an image URI name this image of this repository (its digest, or one of its tags)?"""
    if not in_repository(uri, repository_uri):
        return False
    _, _, ref = parse_image_uri(uri)
    ref = ref or "latest"
    return ref == image.digest or ref in image.tags


def users_of(uses: Iterable[ImageUse], repository_uri: str, image: Image) -> list[ImageUse]:
    """The uses that name ``image``, by service name."""
    found = [u for u in uses if refers_to(u.image, repository_uri, image)]
    return sorted(found, key=lambda u: (u.service.name, u.container))


def services_first(
    services: Sequence[Service], uses: Iterable[ImageUse], repository_uri: str
) -> list[Service]:
    """Services whose revisions in use name the repository first, then the others
    (each group by name): the order of the "new revision with this image" picker."""
    using = {u.service.arn for u in uses if in_repository(u.image, repository_uri)}
    return sorted(services, key=lambda s: (s.arn not in using, s.name))
