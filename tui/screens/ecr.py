"""`:ecr [CLUSTER]`: the region's ECR repositories; Enter shows a repository's images, newest
first, with their scan results and the services of the cluster whose current task definitions
or running deployments use each one (USED BY). `R` on an image registers a new revision of a service with it.

Repositories and images change rarely: they are read on the first tick and then on the slow
``relist`` cadence (ticks in between send nothing); USED BY every ``USES_TTL`` seconds, or on
`r`. USED BY looks at one cluster only, the one named or the one the user was looking at when
opening `:ecr`: reading every cluster's services and task definitions to answer it would cost
the whole account's worth of calls for one pane (see ``aws.image_usage``). Without a cluster
the column says so.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws import ecr
from aws.ecr_models import Image, Repository
from aws.errors import explain
from aws.image_usage import ClusterImages, read_image_uses, users_of
from aws.models import Cluster
from tui import keymap
from tui.rows.ecr import IMAGE_COLUMNS, NO_CLUSTER, REPO_COLUMNS, image_row, repo_row
from tui.slow_pane import SlowScreen
from tui.widgets.live_table import LiveTable, Row

USES_PART = "USED BY not refreshed"
#: Seconds USED BY is kept before the cluster's services are read again (`r` reads at once):
#: a cluster of 2,000 services costs 220 calls a read, too many for every relist.
USES_TTL = 300.0


class RepositoriesScreen(SlowScreen):
    pane_name = "repositories"

    def __init__(self, cluster: Cluster | None = None) -> None:
        self.crumb = f"ecr (used by: {cluster.name})" if cluster else "ecr"
        super().__init__()
        #: Whose services USED BY and `R` look at (None: no cluster was open).
        self.cluster = cluster
        self.repos: dict[str, Repository] = {}

    def compose_body(self) -> ComposeResult:
        yield LiveTable(REPO_COLUMNS, id="repositories")

    async def read(self) -> None:
        fresh = await ecr.list_repositories(self.clients)
        self.repos = {r.arn: r for r in fresh}
        self.query_one(LiveTable).set_rows([repo_row(r) for r in fresh])

    def current_cluster(self) -> Cluster | None:
        return self.cluster

    def selected_resource(self) -> Repository | None:
        key = self.query_one(LiveTable).selected_key
        return self.repos.get(key) if key else None

    def row_context(self, table: LiveTable, key: str) -> dict[str, Any] | None:
        repo = self.repos.get(key)
        return {"repo": repo, "cluster": self.cluster} if repo else None

    @on(DataTable.RowSelected)
    def _clicked(self, event: DataTable.RowSelected) -> None:
        """A click (Enter comes through ``row_chosen``); a row without context does nothing,
        rather than post RowSelected again."""
        table, key = self.query_one(LiveTable), str(event.row_key.value)
        if self.row_context(table, key) is not None:
            self.row_chosen(table, key)


class ImagesScreen(SlowScreen):
    pane_name = "images"
    BINDINGS = keymap.bindings_for("images")

    def __init__(self, repo: Repository, cluster: Cluster | None = None) -> None:
        self.crumb = f"ecr › {repo.name}" + (f" (used by: {cluster.name})" if cluster else "")
        super().__init__()
        self.repo = repo
        self.cluster = cluster
        self.images: dict[str, Image] = {}
        #: The cluster's services and their images, from the last read (None: not yet read).
        self.usage: ClusterImages | None = None
        self._usage_at: float | None = None

    def compose_body(self) -> ComposeResult:
        yield LiveTable(IMAGE_COLUMNS, id="images", reserved="R")

    async def read(self) -> None:
        clients = self.clients
        stale = self._usage_at is None or time.monotonic() - self._usage_at > USES_TTL
        if self.cluster is None or not stale:
            fresh = await ecr.list_images(clients, self.repo.name)
        else:
            fresh, usage = await asyncio.gather(
                ecr.list_images(clients, self.repo.name),
                self._read_usage(self.cluster),
            )
            if usage is not None:
                self.usage, self._usage_at = usage, time.monotonic()
        self.images = {im.digest: im for im in fresh}
        self.query_one(LiveTable).set_rows([self._row(im, i) for i, im in enumerate(fresh)])

    async def _read_usage(self, cluster: Cluster) -> ClusterImages | None:
        """The cluster's services and images; a failure is this part's own (the images still
        refresh, USED BY keeps what it knew and the header says why)."""
        try:
            usage = await read_image_uses(self.clients, cluster.arn)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.header.set_part_error(USES_PART, explain(exc))
            return None
        self.header.set_part_error(USES_PART, None)
        return usage

    def action_refresh_now(self) -> None:
        self._usage_at = None
        super().action_refresh_now()

    def used_by(self, image: Image) -> list[str] | None:
        """Names of the services whose current task definition, or a deployment with running
        tasks, uses the image; None while unknown; ``[NO_CLUSTER]`` without a cluster."""
        if self.cluster is None:
            return [NO_CLUSTER]
        if self.usage is None:
            return None
        return list(
            dict.fromkeys(u.service.name for u in users_of(self.usage.uses, self.repo.uri, image))
        )

    def _row(self, im: Image, position: int) -> Row:
        return image_row(im, position, self.used_by(im))

    def context(self) -> dict[str, Any]:
        return {"repo": self.repo, "cluster": self.cluster}

    def current_cluster(self) -> Cluster | None:
        return self.cluster

    def selected_resource(self) -> Image | None:
        key = self.query_one(LiveTable).selected_key
        return self.images.get(key) if key else None

    def action_image_to_service(self) -> None:
        from tui.flows_ecr import image_to_service

        image = self.selected_resource()
        if image is None:
            self.notify("Select an image first.", severity="warning")
        elif self.cluster is None:
            self.notify(
                "Which cluster's service? Open :ecr CLUSTER (or :ecr from a cluster's pane).",
                severity="warning",
            )
        else:
            image_to_service(self, self.repo, image, self.cluster, self.usage)
