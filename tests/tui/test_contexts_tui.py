"""The app across contexts, on one multi-account sandbox (2 accounts x 2 regions) shared by the
module: every context opened at start, the clusters pane across them with ACCOUNT and REGION,
Enter into a cluster in its own context, `:ctx` narrowing the view, and a broken profile shown
in one line, fixed in the AWS config file and joined with Ctrl+R.

The profiles are those ``ecsdeck --demo --demo-accounts 2`` writes (``prod`` with the root keys,
``staging`` an assumed role), plus ``broken``: a ``source_profile`` that does not exist.
"""

from __future__ import annotations

import configparser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region

from aws.sandbox.profiles import write_profiles
from tests.conftest import _spawn_sandbox
from tests.tui.conftest import notes, wait_for
from tui.app import EcsDeckApp
from tui.config import Settings
from tui.widgets.live_table import LiveTable

REGIONS = ["us-east-1", "eu-west-1"]
ARGS = (
    "--seed", "7", "--no-simulate", "--accounts", "2", "--regions", ",".join(REGIONS),
    "--context-clusters", "2",
)  # fmt: skip

pytestmark = pytest.mark.xdist_group("sandbox_accounts")


@pytest.fixture(scope="module")
def accounts_url() -> Iterator[str]:
    """A copy of the run's 2 x 2 accounts sandbox (tests/sandbox_fork.py)."""
    yield from _spawn_sandbox(*ARGS)


@pytest.fixture
def aws_files(accounts_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo's config and credentials files, the shell's AWS settings put aside; returns
    the config file (a test breaks or fixes a profile in it)."""
    written = write_profiles(accounts_url, 2, REGIONS[0], tmp_path)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(written.config_file))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(written.credentials_file))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    return written.config_file


def set_profile(config_file: Path, name: str, **values: str) -> None:
    config = configparser.ConfigParser()
    config.read(config_file)
    config[f"profile {name}"] = values
    with config_file.open("w") as f:
        config.write(f)


def app_on(profiles: list[str], url: str) -> EcsDeckApp:
    return EcsDeckApp(Settings(profiles=profiles, regions=REGIONS, endpoint_url=url, refresh=1.0))


def row_text(table: LiveTable, key: str) -> str:
    return " ".join(cell.plain for cell in table.get_row(key))


def shown_text(widget: Any) -> str:
    """What ``widget`` shows on screen, its wrapped lines joined again."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return " ".join(strip.text.strip() for strip in strips)


def header_text(screen: object) -> str:
    return screen.header.render().plain  # type: ignore[attr-defined,no-any-return]


async def test_clusters_across_contexts_open_in_their_own(
    aws_files: Path, accounts_url: str
) -> None:
    app = app_on(["prod", "staging"], accounts_url)
    async with app.run_test(size=(160, 40)) as pilot:
        clusters = app.screen
        table = clusters.query_one(LiveTable)
        await wait_for(pilot, lambda: len({s.context for s in clusters.where.values()}) == 4)  # type: ignore[attr-defined]
        labels = [str(c.label).split()[0] for c in table.columns.values()]
        assert labels[:5] == ["CLUSTER", "ACCOUNT", "REGION", "STATUS", "PROBLEMS"]
        assert "4 contexts · 2 accounts · 2 regions" in header_text(clusters)
        # `app N calls/min` counts every context's requests, not the first one's alone.
        counts = [s.clients.calls.per_minute() for s in app.contexts.states]  # type: ignore[union-attr]
        assert f"app {sum(counts)} calls/min" in header_text(clusters) and all(counts), counts
        # Worst first: once problems are read, no cluster with problems sorts after a clean one.
        await wait_for(pilot, lambda: app.problems.report is not None and table.shown_keys())
        # Enter on a cluster of staging in eu-west-1: its services, read in that context.
        where = clusters.where  # type: ignore[attr-defined]
        everywhere = {
            c.name: [where[a].context for a in where if a.endswith(f"/{c.name}")]
            for c in clusters.clusters.values()
        }  # type: ignore[attr-defined]
        arn = next(k for k in table.shown_keys() if where[k].context.name == "staging/eu-west-1")
        table.move_cursor(row=table.shown_keys().index(arn))
        await pilot.press("enter")
        services = await wait_for(
            pilot, lambda: app.screen if app.screen.pane_name == "services" else None
        )
        assert services.aws_context == where[arn].context
        assert services.clients is where[arn].clients
        await wait_for(pilot, lambda: services.loaded)
        assert arn.split(":")[4] in header_text(services)
        assert "staging/eu-west-1 › " in header_text(services)
        assert all(":eu-west-1:" in s.arn for s in services.services.values())  # type: ignore[attr-defined]
        # Esc: back to every context; `:ctx` narrows the view to the two marked.
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is clusters)
        await pilot.press("colon", *"ctx", "enter")
        ctx = await wait_for(
            pilot, lambda: app.screen if app.screen.pane_name == "contexts" else None
        )
        rows = ctx.query_one(LiveTable)
        await wait_for(
            pilot,
            lambda: len(rows.shown_keys()) == 4 and "ready" in row_text(rows, "prod/eu-west-1"),
        )
        assert "staging (234567900123)" in row_text(rows, "staging/us-east-1")
        assert int(rows.get_cell("staging/eu-west-1", "calls").plain) > 0  # its own share
        for name in ("prod/us-east-1", "staging/us-east-1"):
            rows.move_cursor(row=rows.shown_keys().index(name))
            await pilot.press("space")
        await pilot.press("enter")
        narrowed = await wait_for(
            pilot, lambda: app.screen if app.screen.pane_name == "clusters" else None
        )
        await wait_for(pilot, lambda: narrowed.where)
        assert {s.context.name for s in narrowed.where.values()} == {
            "prod/us-east-1",
            "staging/us-east-1",
        }
        await names_are_looked_up_in_every_context(pilot, everywhere)
        await profile_and_region_narrow_the_view(pilot)


async def profile_and_region_narrow_the_view(pilot: Any) -> None:
    """Across contexts `:region R` and `:profile P` narrow the view (the other axis kept);
    no context is closed, and a name not in the run is refused."""
    app = pilot.app

    def in_view() -> set[str]:
        return {c.name for c in app.contexts_shown or ()}

    for line, wanted in (
        ("region eu-west-1", {"prod/eu-west-1", "staging/eu-west-1"}),
        ("profile staging", {"staging/eu-west-1"}),
        ("region *", {"staging/eu-west-1", "staging/us-east-1"}),
    ):
        app.run_command(line)  # as typed after `:` (typing is test_navigation's)
        await wait_for(pilot, lambda w=wanted: in_view() == w)  # type: ignore[misc]
    # the clusters pane shows just those (the app's own clients are prod/us-east-1's)
    await wait_for(
        pilot,
        lambda: {s.context.name for s in getattr(app.screen, "where", {}).values()} == in_view(),
        timeout=30,
    )
    assert len(app.contexts.ready) == 4  # nothing closed
    app.run_command("profile nosuch")
    await wait_for(pilot, lambda: "'nosuch' is not a profile of this run" in notes(app))


async def names_are_looked_up_in_every_context(pilot: Any, everywhere: dict[str, Any]) -> None:
    """`:svc NAME` and ``--cluster/--service`` look in every ready context, whatever the app's
    own clients (prod/us-east-1) and the view (narrowed): one match opens in its context,
    several ask which, none names the contexts searched."""
    from tui import openers
    from tui.app import pane_name
    from tui.screens.dialogs.picker import PickerScreen

    app = pilot.app
    own = app.contexts.ready[0].context
    unique = next(n for n, ctxs in everywhere.items() if len(ctxs) == 1 and ctxs[0] != own)
    twice = next(n for n, ctxs in everywhere.items() if len(ctxs) == 2)

    def pane(name: str) -> Any:
        return app.screen if pane_name(app.screen) == name else None

    app.run_command(f"svc {unique}")  # as typed after `:`
    services = await wait_for(pilot, lambda: pane("services"))
    assert services.aws_context == everywhere[unique][0] and services.cluster.name == unique
    await wait_for(pilot, lambda: services.loaded and services.services)
    service = next(iter(services.services.values()))
    app.run_command(f"svc {twice}")
    picker = await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen)
    regions = {str(c.region) for c in everywhere[twice]}
    assert all(" (" in n and n.split(" · ")[-1] in regions for n in picker.names), picker.names
    first = picker.names[0]
    await pilot.press("enter")
    # The picker closes onto the services pane of `unique` before the chosen one replaces it.
    chosen = await wait_for(pilot, lambda: (p := pane("services")) is not services and p)
    assert chosen.cluster.name == twice and chosen.aws_context in everywhere[twice]
    assert f"· {chosen.aws_context.region}" in first and chosen.aws_context.profile in first
    app.run_command("svc no-such-cluster")
    await wait_for(pilot, lambda: "No cluster named 'no-such-cluster' in 4 contexts" in notes(app))
    # --cluster/--service at startup: the service opens in its cluster's context.
    app.run_worker(openers.open_start(app, unique, service.name))
    shown = await wait_for(pilot, lambda: pane("service"))
    assert shown.aws_context == everywhere[unique][0] and shown.service.arn == service.arn


async def test_a_broken_profile_is_one_line_and_joins_after_ctrl_r(
    aws_files: Path, accounts_url: str
) -> None:
    staging = configparser.ConfigParser()
    staging.read(aws_files)
    fixed = dict(staging["profile staging"])
    set_profile(aws_files, "broken", **(fixed | {"source_profile": "nowhere"}))
    app = EcsDeckApp(
        Settings(
            profiles=["prod", "broken"], regions=REGIONS[:1], endpoint_url=accounts_url, refresh=1.0
        )
    )
    async with app.run_test(size=(120, 40)) as pilot:
        clusters = app.screen
        errors = clusters.query_one("#context-errors")
        await wait_for(pilot, lambda: clusters.where and app.contexts.failed)  # type: ignore[attr-defined,union-attr]
        line = str(errors.render())
        assert line.startswith("✗ broken in us-east-1: ") and "source_profile" in line, line
        # At 120 columns the fix is on screen, not cut off after botocore's sentence.
        await wait_for(pilot, lambda: "fix source_profile in [broken]" in shown_text(errors))
        assert "1 cannot start" in header_text(clusters)
        assert {s.context.name for s in clusters.where.values()} == {"prod/us-east-1"}  # type: ignore[attr-defined]
        # The profile fixed in the AWS config file, Ctrl+R: it joins, no restart.
        set_profile(aws_files, "broken", **fixed)
        await pilot.press("ctrl+r")
        await wait_for(
            pilot,
            lambda: (
                {s.context.name for s in clusters.where.values()}
                == {"prod/us-east-1", "broken/us-east-1"}
            ),
            timeout=60,
        )  # type: ignore[attr-defined]
        assert not app.contexts.failed and not errors.display  # type: ignore[union-attr]
        assert "joined: broken/us-east-1" in notes(app)


def test_screenshot_png_keeps_text_in_its_cells(tmp_path: Path) -> None:
    """screenshots/*.png show the gaps the terminal shows: a bold ``PROBLEMS`` header ends
    before ``SERVICES`` one space after it (cairosvg read Rich's ``Fira Code, monospace`` as one
    unknown family and drew a proportional sans), and a long run of text ends before the two
    spaces that follow it (drawn at 1400 pixels, each glyph's advance was rounded up)."""
    assert png_gap(tmp_path, "PROBLEMS", " SERVICES", bold=True) > 0.5
    assert png_gap(tmp_path, "in ops-ec2  (staging (234567900123) in eu-west-1)", "  first") > 1.5


def png_gap(tmp_path: Path, left: str, right: str, bold: bool = False) -> float:
    """Cells between the last pixel of ``left`` and the first of ``right`` in the PNG of one
    160-column line (as the screenshots are rendered)."""
    import io

    from PIL import Image
    from rich.console import Console
    from rich.text import Text

    from scripts.screenshots import svg_to_png

    console = Console(record=True, width=160, file=io.StringIO(), color_system="truecolor")
    weight = "bold " if bold else ""
    console.print(Text.assemble((left, f"{weight}#ff00ff"), (right, f"{weight}#00ffff")))
    svg, png = tmp_path / "line.svg", tmp_path / "line.png"
    svg.write_text(console.export_svg())
    svg_to_png(svg, png)
    image = Image.open(png).convert("RGB")
    pixels = image.load()
    assert pixels is not None
    magenta, cyan = [0], [image.width]  # colours the window's frame (its dots) has none of
    for y in range(image.height):
        for x in range(image.width):
            r, g, b = pixels[x, y]  # type: ignore[misc]
            if r > 150 and b > 150 and g < 90:
                magenta.append(x)
            elif g > 150 and b > 150 and r < 90:
                cyan.append(x)
    return (min(cyan) - max(magenta)) / (image.width / 160)
