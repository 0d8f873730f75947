"""Regenerate screenshots/ from the seeded sandbox: one PNG (and its SVG) per pane.

    make screenshots        (or: python -m scripts.screenshots)

Runs the real app headless at 120x36 against ``python -m aws.sandbox --seed 7 --no-simulate``,
drives it with keys like a user, and renders each SVG screenshot to PNG with cairosvg. The triage
shots (problems, deployments) use the planted account instead (``--clusters 40 --problems``):
five known problems among 40 clusters, one of them a rollout failed by the circuit breaker.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tui.widgets.live_table import LiveTable

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (120, 36)


async def wait_for(pilot: Any, predicate: Callable[[], Any], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause()
        try:
            if predicate():
                return
        except Exception:
            pass
        await asyncio.sleep(0.1)
    raise TimeoutError(getattr(predicate, "__name__", "condition"))


#: The SVG's font as Rich writes it: cairosvg hands the whole list to fontconfig as one family
#: name, which matches nothing and falls back to a proportional sans, so bold headers grew
#: past their cells ("PROBLEMSSERVICES") in the PNG though the terminal shows them apart.
SVG_FONT = "font-family: Fira Code, monospace;"


def svg_to_png(svg: Path, png: Path, width: int = 1400) -> None:
    """Render ``svg`` as the terminal shows it: in the machine's monospace font, drawn at its
    own size and then scaled down (cairo drawing at 1400 pixels rounds each glyph's advance
    up, and a long run of text then overran the two spaces before the next one)."""
    import io

    import cairosvg
    from PIL import Image

    text = svg.read_text().replace(SVG_FONT, "font-family: monospace;")
    drawn = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=text.encode())))
    height = round(drawn.height * width / drawn.width)
    drawn.resize((width, height), Image.Resampling.LANCZOS).save(png)


def save(app: Any, name: str) -> None:
    svg = OUT / f"{name}.svg"
    app.save_screenshot(filename=svg.name, path=str(OUT))
    svg_to_png(svg, OUT / f"{name}.png")
    print(f"wrote {OUT / name}.png")


Step = Callable[[Any, Any], Awaitable[None]]


async def shoot(url: str, extra: list[tuple[str, Step]] | None = None) -> None:
    from tui.app import EcsDeckApp
    from tui.config import Settings

    app = EcsDeckApp(Settings(endpoint_url=url, region="us-east-1", refresh=1.0))
    async with app.run_test(size=SIZE) as pilot:

        def table_rows() -> int:
            return app.screen.query(LiveTable).first().row_count

        await wait_for(pilot, lambda: table_rows() >= 3)
        await wait_for(pilot, lambda: app.identity and app.identity.account)
        table = app.screen.query(LiveTable).first()
        await wait_for(  # the PROBLEMS column filled in by the problems reader's first read
            pilot,
            lambda: all(table.get_cell(k, "problems").plain != "…" for k in table.shown_keys()),
        )
        save(app, "1-clusters")
        # the mixed cluster has the most variety
        names = table.shown_keys()
        target = next((i for i, n in enumerate(names) if "mixed" in n), 0)
        table.move_cursor(row=target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ServicesScreen")
        await wait_for(pilot, lambda: table_rows() >= 3 and not app.screen.header.progress)
        save(app, "2-services")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ServiceScreen")
        await wait_for(pilot, lambda: app.screen.query_one("#targets", LiveTable).row_count > 0)
        save(app, "3-tasks-and-targets")
        await pilot.press("question_mark")
        await pilot.pause(0.3)
        save(app, "4-help")
        await pilot.press("escape")
        for name, step in extra or []:
            await step(app, pilot)
            save(app, name)


async def _open_service(app: Any, pilot: Any, cluster: str, service: str) -> None:
    """From wherever the app is, back to the clusters pane, then into ``cluster`` at ``service``."""

    while len(app.screen_stack) > 2:
        app.pop_screen()
        await pilot.pause()
    for name in (cluster, service):
        table = app.screen.query(LiveTable).first()
        await wait_for(pilot, lambda t=table, n=name: _row(t, n) is not None)
        table.move_cursor(row=_row(table, name))
        await pilot.pause()
        if name == cluster:
            await pilot.press("enter")
            await wait_for(pilot, lambda: type(app.screen).__name__ == "ServicesScreen")
            await wait_for(pilot, lambda: app.screen.services and not app.screen.header.progress)


def _row(table: Any, name: str) -> int | None:
    keys = [k.rsplit("/", 1)[-1] for k in table.shown_keys()]
    return keys.index(name) if name in keys else None


async def scale_dialog(app: Any, pilot: Any) -> None:
    await _open_service(app, pilot, "core-ec2", "payments-api")
    await pilot.press("s")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ScaleScreen")
    await pilot.press("4")
    await pilot.pause(0.3)


async def scale_cost(app: Any, pilot: Any) -> None:
    """A Fargate service half on Spot, the COST column on (``$``) behind its scale dialog."""
    await _open_service(app, pilot, "web-fargate", "notifications")
    await pilot.press("dollar_sign")
    await wait_for(pilot, lambda: any(k == "cost" for k, _ in app.screen.columns))
    await wait_for(pilot, lambda: "$" in str(app.screen.cost_cell(app.screen.selected_service())))
    await pilot.pause(0.5)
    await pilot.press("s")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ScaleScreen")
    await pilot.press("1", "0")
    await wait_for(pilot, lambda: "/month" in str(app.screen.query_one("#preview").render()))
    await pilot.pause(0.3)


async def revision_diff(app: Any, pilot: Any) -> None:
    await pilot.press("escape")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ServicesScreen")
    await pilot.press("i")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ImagePickerScreen")
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
    await pilot.pause(0.3)


async def launch_type_plan(app: Any, pilot: Any) -> None:
    await pilot.press("escape")  # Cancel: nothing is sent
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ServicesScreen")
    await _open_service(app, pilot, "core-ec2", "inventory-api")
    await pilot.press("l")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "SwitchScreen")
    await pilot.pause(0.3)


async def service_logs(app: Any, pilot: Any) -> None:
    await pilot.press("escape")  # Cancel the switch: nothing is sent
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ServicesScreen")
    await pilot.press("M")  # the selected service's tasks, merged
    await wait_for(pilot, lambda: type(app.screen).__name__ == "LogsScreen")
    await wait_for(pilot, lambda: app.screen.reads >= 1 and app.screen.lines)
    await pilot.pause(0.3)


async def _command(app: Any, pilot: Any, line: str, screen: str) -> None:
    """Type a `:` command like a user, and wait for the pane it opens."""
    await pilot.press("colon")
    for ch in line:
        await pilot.press(ch if ch != " " else "space")
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == screen)


async def revision_history(app: Any, pilot: Any) -> None:
    await pilot.press("escape")  # close the logs view
    await _open_service(app, pilot, "web-fargate", "auth-service")
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ServiceScreen")
    await pilot.press("t")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "RevisionsScreen")
    await wait_for(pilot, lambda: app.screen.query(LiveTable).first().row_count >= 3)
    await pilot.press("space", "down", "down", "equals_sign")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "DiffScreen")
    await pilot.pause(0.3)


async def exec_preflight(app: Any, pilot: Any) -> None:
    await pilot.press("escape")  # close the diff
    await _open_service(app, pilot, "web-fargate", "catalog-api")
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ServiceScreen")
    await wait_for(pilot, lambda: app.screen.query_one("#tasks", LiveTable).row_count > 0)
    await pilot.press("E")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ExecPreflightScreen")
    await pilot.pause(1.0)


async def autoscaling(app: Any, pilot: Any) -> None:
    await pilot.press("escape")  # close the preflight: nothing is sent
    await _open_service(app, pilot, "web-fargate", "checkout-web")
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ServiceScreen")
    await pilot.press("a")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "AutoscalingScreen")
    await pilot.pause(1.0)


async def container_instances(app: Any, pilot: Any) -> None:
    await pilot.press("escape")
    await _command(app, pilot, "ci core-ec2", "InstancesScreen")
    await wait_for(pilot, lambda: app.screen.query(LiveTable).first().row_count >= 3)
    await pilot.pause(0.3)


async def ecr_images(app: Any, pilot: Any) -> None:
    await _command(app, pilot, "ecr web-fargate", "RepositoriesScreen")
    await wait_for(pilot, lambda: app.screen.query(LiveTable).first().row_count >= 3)
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ImagesScreen")
    await wait_for(pilot, lambda: app.screen.query(LiveTable).first().row_count >= 2)
    await pilot.pause(1.0)


async def bulk_confirmation(app: Any, pilot: Any) -> None:
    """Three services marked with `space`, `s` 4: the one confirmation listing every call."""
    await _command(app, pilot, "clusters", "ClustersScreen")  # after :ecr, not under it
    await _open_service(app, pilot, "core-ec2", "payments-api")
    table = app.screen.services_table
    for row in range(3):
        table.move_cursor(row=row)
        await pilot.press("space")
    await pilot.press("s")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "BulkScaleScreen")
    await pilot.press("4", "enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
    await pilot.pause(0.3)


#: The action dialogs, shot after the panes (every dialog is cancelled: nothing is sent).
ACTION_SHOTS: list[tuple[str, Step]] = [
    ("5-scale", scale_dialog),
    ("scale-cost", scale_cost),
    ("6-revision-diff", revision_diff),
    ("7-launch-type-plan", launch_type_plan),
    ("8-service-logs", service_logs),
    ("9-revision-history-diff", revision_history),
    ("10-exec-preflight", exec_preflight),
    ("11-autoscaling", autoscaling),
    ("12-container-instances", container_instances),
    ("13-ecr-images", ecr_images),
    ("bulk", bulk_confirmation),
]


async def shoot_triage(url: str) -> None:
    """`!` from the first pane, then `p` on the service whose rollout failed."""
    from tui.app import EcsDeckApp
    from tui.config import Settings

    app = EcsDeckApp(Settings(endpoint_url=url, region="us-east-1", refresh=1.0))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.identity and app.identity.account)
        # the header shows a steady refresh's cost, not the one-off first read's
        await wait_for(pilot, lambda: app.problems.reads >= 2)
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ProblemsScreen")
        table = app.screen.query(LiveTable).first()
        await wait_for(pilot, lambda: table.row_count == len(app.problems.problems))
        rollout = next(p for p in app.problems.problems if p.kind == "rollout")
        table.move_cursor(row=table.get_row_index(rollout.key))
        await pilot.pause(0.3)
        save(app, "problems")
        await pilot.press("escape")
        await _open_service(app, pilot, rollout.cluster_name, rollout.service_name or "")
        await pilot.press("p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DeploymentsScreen")
        await wait_for(pilot, lambda: app.screen.ticks >= 1)
        deployments = app.screen.query(LiveTable).first()
        failed = next(d for d in app.screen.service.deployments if d.rollout_state == "FAILED")
        deployments.move_cursor(row=deployments.get_row_index(failed.id))
        await pilot.pause(0.3)
        save(app, "deployments")


async def shoot_changes(url: str) -> None:
    """The failed rollout's chained cause in the problems view's detail, then another client
    (access key ``alice``) scales that service and `w` on the problem opens its timeline: the
    call shows with who made it."""
    import boto3

    from tui.app import EcsDeckApp
    from tui.config import Settings

    app = EcsDeckApp(Settings(endpoint_url=url, region="us-east-1", refresh=1.0))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.identity and app.identity.account)
        await wait_for(pilot, lambda: app.problems.reads >= 2)
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ProblemsScreen")
        table = app.screen.query(LiveTable).first()
        await wait_for(pilot, lambda: table.row_count == len(app.problems.problems))
        rollout = next(p for p in app.problems.problems if p.kind == "rollout")
        await wait_for(pilot, lambda: "→" in rollout_why(app, rollout.key))
        table.move_cursor(row=table.get_row_index(rollout.key))
        await pilot.pause(0.3)
        save(app, "problems-chain")
        ecs = boto3.client(  # another client, its own access key: CloudTrail names it
            "ecs",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="alice",
            aws_secret_access_key="x",
        )
        ecs.update_service(
            cluster=rollout.cluster_arn, service=rollout.service_arn or "", desiredCount=3
        )
        await pilot.press("w")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ChangesScreen")
        await wait_for(
            pilot, lambda: any("user/alice" in (c.who or "") for c in app.screen.changes.values())
        )
        await pilot.pause(0.3)
        save(app, "changes")


def rollout_why(app: Any, key: str) -> str:
    """The problem's cause as the view shows it: a chain once the reader followed it."""
    problem = next((p for p in app.problems.problems if p.key == key), None)
    return str(problem.why) if problem else ""


Run = tuple[list[str], Callable[[str], Awaitable[None]]]


def runs_for(only: str | None) -> list[Run]:
    """Every shot, or those of one ``--only NAME``: changes (the timeline and the chained
    cause), bulk, cost, contexts (clusters and problems across contexts), run (run-task and
    schedules)."""
    from scripts import screenshots_contexts as ctx
    from scripts import screenshots_run

    frozen = ["--seed", "7", "--no-simulate"]
    planted = ["--seed", "7", "--clusters", "40", "--problems", "--no-simulate"]
    groups: dict[str, list[Run]] = {
        "panes": [(frozen, lambda url: shoot(url, extra=ACTION_SHOTS))],
        "triage": [(planted, shoot_triage)],
        "changes": [(planted, shoot_changes)],
        "run": [(screenshots_run.ARGS, screenshots_run.shoot_run)],
        # Last: these point AWS_CONFIG_FILE at profiles of their own and drop the sandbox keys.
        "contexts": [(ctx.CLUSTERS_ARGS, ctx.shoot_clusters), (ctx.ARGS, ctx.shoot_contexts)],
        "bulk": [(frozen, lambda url: shoot(url, extra=[("bulk", bulk_confirmation)]))],
        "cost": [(frozen, lambda url: shoot(url, extra=[("scale-cost", scale_cost)]))],
    }
    if only is not None:
        return groups[only]
    return [run for name, runs in groups.items() if name not in ("bulk", "cost") for run in runs]


def main() -> None:
    """``python -m scripts.screenshots [--only NAME]`` (see :func:`runs_for`)."""
    import sys
    import tempfile

    from aws.sandbox.server import spawn_sandbox

    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "sandbox")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "sandbox")
    # Prices from the sandbox's Price List API, not a cache left by an earlier run.
    os.environ["ECSDECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="ecsdeck-shots-")
    only = sys.argv[2] if sys.argv[1:2] == ["--only"] else None
    for args, run in runs_for(only):
        proc, url = spawn_sandbox(args)
        try:
            asyncio.run(run(url))
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
