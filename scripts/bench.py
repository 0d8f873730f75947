"""ecsdeck against a big, throttled, slow account, side by side with reference clients.

    make bench                           (or: python -m scripts.bench [--services 300] ...)

Every figure that a busy 2-core machine would move is printed beside a reference measured in the
same run (a minimal aiobotocore client, a sequential boto3 loop), and the ratio is the figure.
Prints figures only, no pass/fail exit code: speed targets live here, never in timed tests.

The sandbox: ``python -m aws.sandbox --seed 7 --no-simulate --services 2000
--tasks-per-service 10 --big-service 5000 --latency-ms 40 --throttle`` in its own process; a flag
its ``--help`` does not list yet is left out with a printed note.

A. reading 2,000 services: ecsdeck's read layer, a minimal client, boto3 (wall, calls, throttles);
B. headless UI (120x36 and 250x70): first clusters row, Enter -> first / all service rows;
C. event-loop lateness of a 5 ms sleeper in the UI loop while rows land and while idle;
D. steady polling of the services pane: calls per refresh/minute, share of each bucket;
E. terminal bytes and rows rewritten per idle tick of each pane (the real app in a pty);
F. RSS of the app process with the 5,000-task service open.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import traceback
from collections.abc import Callable
from typing import TypeVar

from scripts import bench_common as common
from scripts.bench_api import ApiFigures, api_section, refill_pause
from scripts.bench_common import BIG_SERVICE, Summary, section
from scripts.bench_pty import BYTES_TARGET, PtyRun, print_pty_run, pty_run, service_to_open
from scripts.bench_ui import IDLE_SECONDS, UiRun, print_run, ui_run

RSS_TARGET_MIB = 250
T = TypeVar("T")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    p.add_argument("--services", type=int, default=2000, help="services in the bench cluster")
    p.add_argument("--tasks-per-service", type=int, default=10)
    p.add_argument("--big-service", type=int, default=5000, help="tasks of bench-big")
    p.add_argument("--latency-ms", type=float, default=40.0)
    p.add_argument("--no-throttle", action="store_true", help="leave the token buckets off")
    p.add_argument("--rounds", type=int, default=2, help="ecsdeck/minimal read pairs in A")
    p.add_argument("--sizes", default="120x36,250x70", help="terminal sizes for B-F")
    p.add_argument("--skip", default="", help="B: no headless UI (B-D); E: no pty run (E-F)")
    return p.parse_args(argv)


def sizes(text: str) -> list[tuple[int, int]]:
    out = []
    for part in text.split(","):
        w, h = part.lower().split("x")
        out.append((int(w), int(h)))
    return out


def ui_section(
    url: str, api: ApiFigures, plan: common.SandboxPlan, shapes: list[tuple[int, int]]
) -> list[UiRun]:
    section(f"B-D. Headless UI (run_test), refresh 2 s, {api.services} services")
    runs = []
    for i, size in enumerate(shapes):
        pause = refill_pause(plan)
        run = asyncio.run(
            ui_run(url, size, api.services, with_big=i == 0 and bool(plan.big_service), pause=pause)
        )
        print_run(run, api.minimal_wall, api.first.services, api.first.clusters)
        runs.append(run)
    return runs


def pty_section(url: str, plan: common.SandboxPlan, shapes: list[tuple[int, int]]) -> list[PtyRun]:
    section("E-F. The real app in a pty: terminal bytes per idle tick, RSS")
    runs = []
    for size in shapes:
        time.sleep(refill_pause(plan))
        run = pty_run(url, size, service_to_open(plan.big_service))
        print_pty_run(run)
        runs.append(run)
    return runs


def summarize_ui(summary: Summary, runs: list[UiRun], api: ApiFigures) -> None:
    if not runs:
        return
    shapes = "/".join(f"{r.size[0]}x{r.size[1]}" for r in runs)

    def ms(v: float | None) -> str:
        return "n/a" if v is None else f"{v * 1000:.0f}ms"

    summary.add(
        f"B first clusters row after mount ({shapes})",
        " / ".join(ms(r.clusters_row) for r in runs),
        f"minimal {ms(api.first.clusters)}",
        "< 1 s",
        all(r.clusters_row is not None and r.clusters_row < 1.0 for r in runs),
    )
    summary.add(
        f"B Enter -> first service row ({shapes})",
        " / ".join(ms(r.service_row) for r in runs),
        f"minimal {ms(api.first.services)}",
    )
    ratios = [r.all_rows / api.minimal_wall for r in runs if r.all_rows is not None]
    summary.add(
        f"B Enter -> all {api.services} rows ({shapes})",
        " / ".join("n/a" if r.all_rows is None else f"{r.all_rows:.2f}s" for r in runs),
        f"minimal read {api.minimal_wall:.2f}s",
    )
    summary.add(
        "B all rows / minimal read",
        " / ".join(f"{x:.2f}x" for x in ratios) or "n/a",
        "1.00x",
        "<= 1.1x",
        bool(ratios) and all(x <= 1.1 for x in ratios),
    )
    summary.add(
        f"B Enter -> first service row < 0.5 s ({shapes})",
        " / ".join(ms(r.service_row) for r in runs),
        "-",
        "< 500ms",
        all(r.service_row is not None and r.service_row < 0.5 for r in runs),
    )
    for phase in ("load", "idle"):
        stats = [getattr(r, phase) for r in runs]
        label = "while rows land" if phase == "load" else f"idle {IDLE_SECONDS:.0f}s"
        summary.add(
            f"C loop lateness p99/max {label}",
            " / ".join(f"{s.p99:.0f}/{s.max:.0f}ms" if s else "n/a" for s in stats),
            "-",
            "p99 < 16ms, max < 100ms",
            all(s is not None and s.met for s in stats),
        )
    summarize_steady(summary, runs)
    grown = [(r.size, r.big_rss_delta_mib) for r in runs if r.big_rss_delta_mib is not None]
    for (w, h), mib in grown:
        summary.add(f"F RSS growth headless, {BIG_SERVICE} open ({w}x{h})", f"{mib:.0f}MiB")


def summarize_steady(summary: Summary, runs: list[UiRun]) -> None:
    steady = [r.steady for r in runs if r.steady is not None]
    if not steady:
        summary.missing("D steady polling", "the services pane never loaded")
        return
    summary.add(
        "D calls per refresh (services pane)",
        " / ".join(f"{s.per_tick:.1f}" for s in steady),
        "-",
        "bound " + " / ".join(str(s.bound_per_tick) for s in steady),
        all(s.per_tick <= s.bound_per_tick + 1 for s in steady),
    )
    summary.add(
        "D calls per minute (re-list included)",
        " / ".join(f"{s.per_minute():.0f}" for s in steady),
        "-",
        "bound " + " / ".join(f"{s.bound_per_minute():.0f}" for s in steady),
        all(s.per_minute() <= s.bound_per_minute() * 1.25 for s in steady),
    )
    for bucket in common.BUCKETS:
        shares = [s.bucket_shares()[bucket] for s in steady]
        summary.add(
            f"D share of the {bucket} bucket",
            " / ".join(f"{x:.1%}" for x in shares),
            "-",
            "< 25%",
            all(x < 0.25 for x in shares),
        )


def summarize_pty(summary: Summary, runs: list[PtyRun]) -> None:
    if not runs:
        return
    shapes = "/".join(f"{r.size[0]}x{r.size[1]}" for r in runs)
    for index, pane in enumerate(("clusters", "services", "service")):
        cells, ok = [], True
        for run in runs:
            stats = run.panes[index].stats if index < len(run.panes) else None
            cells.append("n/a" if stats is None else f"{stats.bytes_per_tick:.0f}B")
            ok = ok and stats is not None and stats.bytes_per_tick < BYTES_TARGET
        summary.add(
            f"E idle bytes/tick, {pane} pane ({shapes})", " / ".join(cells), "-", "< 1 KiB", ok
        )
    rss = [r.rss_mib for r in runs if r.rss_mib is not None]
    if rss:
        summary.add(
            f"F VmRSS, {runs[0].service} open ({shapes})",
            " / ".join(f"{x:.0f}MiB" for x in rss),
            "-",
            f"< {RSS_TARGET_MIB} MB",
            max(rss) < RSS_TARGET_MIB * 1e6 / 2**20,
        )
    else:
        summary.missing("F VmRSS", "the service pane never loaded")


def guarded(label: str, run: Callable[[], T]) -> T | None:
    """Run a section; if it fails, print why and go on with the others."""
    try:
        return run()
    except Exception as exc:
        print(f"  note: section {label} failed: {type(exc).__name__}: {exc}")
        traceback.print_exc(limit=4)
        return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    common.dummy_credentials()
    shapes = sizes(args.sizes)
    section("Machine")
    print(f"  {common.machine()}")
    plan = common.plan_sandbox(
        args.services,
        args.tasks_per_service,
        args.big_service,
        args.latency_ms,
        not args.no_throttle,
    )
    section("Sandbox")
    print(f"  {' '.join(['python', *plan.argv[1:]])}")
    for note in plan.notes:
        print(f"  note: {note}")
    sandbox = common.start_sandbox(plan.argv)
    summary = Summary()
    try:
        print(f"  URL after {sandbox.seconds:.1f}s; {sandbox.note or '(no seeding line)'}")
        api = api_section(sandbox.url, plan, args.rounds, summary)
        if "B" not in args.skip:
            ui_runs = guarded("B-D", lambda: ui_section(sandbox.url, api, plan, shapes))
            summarize_ui(summary, ui_runs or [], api)
        if "E" not in args.skip:
            pty_runs = guarded("E-F", lambda: pty_section(sandbox.url, plan, shapes))
            summarize_pty(summary, pty_runs or [])
    finally:
        sandbox.stop()
    section("Summary")
    print(summary.render())
    for note in plan.notes:
        print(f"note: {note}")
    print(f"\nbench took {time.perf_counter() - began:.0f}s; {common.machine()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
