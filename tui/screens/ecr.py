"""`:ecr`: the region's ECR repositories; Enter shows a repository's images, newest first.

Repositories and images change rarely: they are read on the first tick and then on the slow
``relist`` cadence (ticks in between send nothing).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from aws import ecr
from aws.models import Image, Repository
from tui.screens.base import PollingScreen
from tui.screens.slow import SlowScreen
from tui.text import age, natural_key, safe
from tui.widgets.live_table import LiveTable, Row

REPO_COLUMNS = [("name", "REPOSITORY"), ("uri", "URI"), ("age", "CREATED")]
IMAGE_COLUMNS = [
    ("tags", "TAGS"),
    ("digest", "DIGEST"),
    ("pushed", "PUSHED"),
    ("size", "SIZE"),
    ("scan", "SCAN"),
]


def repo_row(r: Repository) -> Row:
    cells = (safe(r.name, "bold", 60), safe(r.uri, limit=100), Text(age(r.created_at)))
    return Row(r.arn, cells, r.name.lower(), (natural_key(r.name),))


def image_row(im: Image, position: int) -> Row:
    findings = ", ".join(f"{k.lower()} {v}" for k, v in sorted(im.scan_findings.items()))
    size = f"{im.size_bytes / 1e6:.1f} MB" if im.size_bytes else "-"
    cells = (
        safe(", ".join(im.tags) or "(untagged)", "bold", 60),
        safe(im.digest.removeprefix("sha256:")[:12], limit=14),
        Text(age(im.pushed_at)),
        Text(size),
        safe(findings or im.scan_status or "-", limit=60),
    )
    hay = f"{' '.join(im.tags)} {im.digest}".lower()
    return Row(im.digest, cells, hay, (position,))


class RepositoriesScreen(SlowScreen):
    crumb = "ecr"

    def __init__(self) -> None:
        super().__init__()
        self.repos: dict[str, Repository] = {}

    def compose_body(self) -> ComposeResult:
        yield LiveTable(REPO_COLUMNS, id="repositories")

    async def read(self) -> None:
        fresh = await ecr.list_repositories(self.deck.clients)
        self.repos = {r.arn: r for r in fresh}
        self.query_one(LiveTable).set_rows([repo_row(r) for r in fresh])

    def selected_resource(self) -> Repository | None:
        key = self.query_one(LiveTable).selected_key
        return self.repos.get(key) if key else None

    def row_chosen(self, table: LiveTable, key: str) -> None:
        if key in self.repos:
            self.app.push_screen(ImagesScreen(self.repos[key]))

    @on(DataTable.RowSelected)
    def _clicked(self, event: DataTable.RowSelected) -> None:
        self.row_chosen(self.query_one(LiveTable), str(event.row_key.value))


class ImagesScreen(SlowScreen):
    def __init__(self, repo: Repository) -> None:
        self.crumb = f"ecr › {repo.name}"
        super().__init__()
        self.repo = repo
        self.images: dict[str, Image] = {}

    def compose_body(self) -> ComposeResult:
        yield LiveTable(IMAGE_COLUMNS, id="images")

    async def read(self) -> None:
        fresh = await ecr.list_images(self.deck.clients, self.repo.name)
        self.images = {im.digest: im for im in fresh}
        self.query_one(LiveTable).set_rows([image_row(im, i) for i, im in enumerate(fresh)])

    def up(self) -> PollingScreen:
        return RepositoriesScreen()

    def selected_resource(self) -> Image | None:
        key = self.query_one(LiveTable).selected_key
        return self.images.get(key) if key else None
