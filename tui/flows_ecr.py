"""`R` on an ECR image: "a new revision of service X with this image".

A picker lists the cluster's services, those whose current task definition already uses the
image's repository first; then the existing register flow (``tui.flows_register.new_image``) takes
over with the image chosen: the task-definition diff in the confirmation, RegisterTaskDefinition,
then the offer to deploy the new revision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from aws import ecs
from aws.image_usage import in_repository, services_first, users_of
from aws.models import arn_tail
from aws.plan import ActionError
from tui.flow import launch
from tui.flows_register import new_image
from tui.text import clean

if TYPE_CHECKING:
    from aws.ecr_models import Image, Repository
    from aws.image_usage import ClusterImages
    from aws.models import Cluster, Service
    from tui.action_pane import ActionPane


def image_label(image: Image) -> str:
    return image.tags[0] if image.tags else image.digest[:19]


def _notes(usage: ClusterImages, repo: Repository, image: Image) -> dict[str, Text]:
    """Per service: which of its containers use the repository, and at which image."""
    notes: dict[str, Text] = {}
    runs_it = {u.service.name for u in users_of(usage.uses, repo.uri, image)}
    for use in usage.uses:
        if not in_repository(use.image, repo.uri):
            continue
        ref = use.image.removeprefix(repo.uri).lstrip(":@")
        now = " (this image)" if use.service.name in runs_it else ""
        note = notes.setdefault(use.service.name, Text(style="dim"))
        note.append(f"  runs {clean(ref, 30)}{now} in {clean(use.container, 30)}")
    return notes


def image_to_service(
    screen: ActionPane,
    repo: Repository,
    image: Image,
    cluster: Cluster,
    usage: ClusterImages | None,
) -> None:
    """Pick a service of ``cluster``, then register a revision of it with ``image``.
    ``usage`` is the images pane's last read of the cluster's services (None: not read yet)."""
    from tui.screens.dialogs.picker import PickerScreen

    async def flow() -> None:
        app = screen.deck
        if usage is None:
            raise ActionError("The cluster's services are still being read: try again.")
        services: list[Service] = services_first(usage.services, usage.uses, repo.uri)
        if not services:
            raise ActionError(f"Cluster {cluster.name} has no active service.")
        names = [s.name for s in services]
        title = f"New revision with {image_label(image)}: which service?"
        picked = await app.push_screen_wait(
            PickerScreen(title, names, notes=_notes(usage, repo, image))
        )
        if not picked:
            return
        # The service as it is now (the list is up to a relist old): one DescribeServices.
        fresh = await ecs.describe_services(screen.clients, cluster.arn, [picked])
        if not fresh:
            raise ActionError(f"Service {picked} is no longer in {cluster.name}.")
        new_image(screen, fresh[0], chosen=(repo.uri, image))

    target = (arn_tail(cluster.arn), None, {"repository": repo.name, "image": image.digest})
    launch(screen, f"ecr:{repo.uri}@{image.digest}", "New revision with image", flow, target)
