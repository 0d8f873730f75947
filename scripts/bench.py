"""Figures for a big account: sandbox seeding, API calls against their lower bound, UI load.

    make bench                                  (or: python -m scripts.bench [--services 2000])

Prints figures only, no pass/fail: speed targets live here, never in timed tests. Everything runs
against ``python -m aws.sandbox --seed 7 --no-simulate --services N`` (a frozen account with an
extra cluster ``bench`` of N services), in its own process, with dummy credentials.

1. seeding time of the sandbox for N services;
2. reading the bench cluster (list + describe all N) against ceil(N/100) + ceil(N/10);
3. one steady tick of the services pane (visible rows + services in motion), and the steady call
   rate at refresh 3 s / relist 60 s as a share of the ECS service-read bucket's 20/s refill;
4. one service's tasks past 100 (shared-mixed/events-ingest) + target health against the bound;
5. the UI loading N rows headless at 120x36: time until all rows are in the table, RSS delta and
   tracemalloc peak.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFRESH = 3.0
RELIST = 60.0
#: ECS service-read bucket (DescribeServices, ListServices): 100 burst, 20/s refill.
SERVICE_READ_REFILL = 20.0
#: Rows the services pane re-describes per tick at 120x36 (viewport + margin): ~30.
VISIBLE = 30
SIZE = (120, 36)
SANDBOX = (sys.executable, "-m", "aws.sandbox", "--seed", "7", "--no-simulate")


def dummy_credentials() -> None:
    os.environ["AWS_ACCESS_KEY_ID"] = "bench"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "bench"
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"


def spawn(services: int) -> tuple[subprocess.Popen[str], str, float, str]:
    """Start the sandbox; return (process, url, seconds until the URL line, its stderr line)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    began = time.perf_counter()
    proc = subprocess.Popen(
        [*SANDBOX, "--services", str(services)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    url = proc.stdout.readline().strip()
    seconds = time.perf_counter() - began
    if not url.startswith("http://"):
        proc.kill()
        raise SystemExit(f"sandbox did not start: {proc.stderr.read()[-2000:]}")
    note = ""
    for line in proc.stderr:
        if "seeded" in line:
            note = line.strip()
            break
    for stream in (proc.stdout, proc.stderr):
        threading.Thread(target=lambda s=stream: [None for _ in s], daemon=True).start()
    return proc, url, seconds, note


def fmt(calls: Counter[str]) -> str:
    return ", ".join(f"{op} {n}" for op, n in sorted(calls.items())) or "none"


def section(title: str) -> None:
    print(f"\n== {title}")


async def api_figures(url: str, n: int) -> None:
    from aws import ecs, elb
    from aws.session import Clients, SessionSettings

    async with Clients.open(SessionSettings(endpoint_url=url, region="us-east-1")) as c:
        # -- 2. the whole bench cluster ---------------------------------------------------------
        section(f"Reading the bench cluster ({n} services): list_service_arns + describe_services")
        c.calls.reset()
        t0 = time.perf_counter()
        arns = await ecs.list_service_arns(c, "bench")
        services = await ecs.describe_services(c, "bench", arns)
        wall = time.perf_counter() - t0
        calls = Counter(c.calls.total)
        lower = {
            "ecs.ListServices": math.ceil(len(arns) / 100),
            "ecs.DescribeServices": math.ceil(len(arns) / 10),
        }
        print(f"services listed {len(arns)}, described {len(services)}, wall {wall:.2f}s")
        print(f"calls:       {fmt(calls)}  (total {sum(calls.values())})")
        print(f"lower bound: {fmt(Counter(lower))}  (total {sum(lower.values())})")
        print(MOTO_PAGING)

        # -- 3. one steady tick of the services pane --------------------------------------------
        section("One steady tick of the services pane (visible rows + services in motion)")
        ordered = sorted(services, key=lambda s: s.name)
        moving = [s.arn for s in services if s.in_motion][:50]
        wanted = list(dict.fromkeys([s.arn for s in ordered[:VISIBLE]] + moving))
        c.calls.reset()
        t0 = time.perf_counter()
        await ecs.describe_services(c, "bench", wanted)
        wall = time.perf_counter() - t0
        tick = Counter(c.calls.total)
        tick_calls = sum(tick.values())
        print(
            f"re-described {len(wanted)} ({VISIBLE} visible + {len(moving)} in motion): "
            f"{fmt(tick)}, wall {wall:.2f}s"
        )
        # Every RELIST seconds one tick is a re-list instead: ListServices pages + the same
        # describes (new ARNs + visible + in motion).
        ticks_per_relist = int(RELIST / REFRESH)
        relist_calls = math.ceil(len(arns) / 100) + tick_calls
        per_window = tick_calls * (ticks_per_relist - 1) + relist_calls
        rate = per_window / RELIST
        print(
            f"steady rate at refresh {REFRESH:g}s / relist {RELIST:g}s: "
            f"{tick_calls} calls/tick x {ticks_per_relist - 1} + {relist_calls} on the re-list "
            f"= {per_window} calls/{RELIST:g}s = {rate:.2f}/s "
            f"= {rate / SERVICE_READ_REFILL:.1%} of the service-read bucket's "
            f"{SERVICE_READ_REFILL:g}/s refill (target < 25%)"
        )
        full = math.ceil(n / 100) + math.ceil(n / 10)
        print(
            f"(re-describing all {n} every tick instead: {full} calls/{REFRESH:g}s = "
            f"{full / REFRESH:.1f}/s = {full / REFRESH / SERVICE_READ_REFILL:.0%} of the refill)"
        )

        # -- 4. tasks past 100 + target health --------------------------------------------------
        section("One service's tasks past 100 + target health (shared-mixed/events-ingest)")
        c.calls.reset()
        t0 = time.perf_counter()
        (service,) = await ecs.describe_services(c, "shared-mixed", ["events-ingest"])
        mid = Counter(c.calls.total)
        tasks = await ecs.read_service_tasks(c, "shared-mixed", "events-ingest")
        targets = await elb.read_target_health(c, service, tasks)
        wall = time.perf_counter() - t0
        calls = Counter(c.calls.total)
        running = sum(1 for t in tasks if t.last_status != "STOPPED")
        stopped = len(tasks) - running
        groups = {lb.target_group_arn for lb in service.load_balancers if lb.target_group_arn}
        on_ec2 = {t.container_instance_arn for t in tasks if t.container_instance_arn}
        lower = Counter(
            {
                "ecs.DescribeServices": 1,
                "ecs.ListTasks": max(1, math.ceil(running / 100))
                + max(1, math.ceil(stopped / 100)),
                "ecs.DescribeTasks": math.ceil(len(tasks) / 100),
                "elastic-load-balancing-v2.DescribeTargetHealth": len(groups),
            }
        )
        if on_ec2:
            lower["ecs.DescribeContainerInstances"] = math.ceil(len(on_ec2) / 100)
        joined = sum(1 for t in targets if t.task_arn)
        print(
            f"tasks {len(tasks)} ({running} running, {stopped} stopped), targets {len(targets)} "
            f"in {len(groups)} group(s), {joined} joined to a task, wall {wall:.2f}s"
        )
        print(
            f"calls:       {fmt(calls)}  (total {sum(calls.values())}; service {sum(mid.values())})"
        )
        print(f"lower bound: {fmt(lower)}  (total {sum(lower.values())})")
        print(MOTO_PAGING)

        # -- 5. the service pane's steady tick (ServiceTasks: list, describe only what moved) ----
        section("Service pane steady tick for events-ingest (ServiceTasks, 20 rows on screen)")
        from aws.task_watch import ServiceTasks

        watch = ServiceTasks("shared-mixed", "events-ingest")
        first = await watch.refresh(c)
        c.calls.reset()
        await watch.refresh(c, on_screen=[t.arn for t in first[:20]])
        calls = Counter(c.calls.total)
        print(f"calls:       {fmt(calls)}  (total {sum(calls.values())})")
        print(
            f"re-reading all {len(first)} tasks instead: "
            f"{math.ceil(len(first) / 100)} DescribeTasks every tick"
        )


MOTO_PAGING = (
    "note: moto answers every List* call in one page whatever maxResults says, so List* counts\n"
    "here can sit below the bound; against AWS (100 a page) the readers page to the end."
)


async def ui_figures(url: str, n: int, trace: bool) -> None:
    from tui.app import EcsDeckApp
    from tui.config import Settings
    from tui.screens.services import ServicesScreen

    app = EcsDeckApp(Settings(endpoint_url=url, region="us-east-1", refresh=REFRESH, relist=RELIST))
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 60
        while not getattr(app.screen, "clusters", None) or not any(
            c.name == "bench" for c in app.screen.clusters.values()
        ):
            if time.monotonic() > deadline:
                raise SystemExit("clusters pane never showed the bench cluster")
            await pilot.pause(0.05)
        bench = next(c for c in app.screen.clusters.values() if c.name == "bench")
        rss0 = rss_kib()
        if trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        first_row: float | None = None
        await app.push_screen(ServicesScreen(bench))
        screen = app.screen
        table = screen.query_one("#services")
        deadline = time.monotonic() + 300
        while table.row_count < n:
            if first_row is None and table.row_count:
                first_row = time.perf_counter() - t0
            if time.monotonic() > deadline:
                raise SystemExit(f"only {table.row_count} of {n} rows after 300s")
            await pilot.pause(0.02)
        loaded = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.stop()
        rss1 = rss_kib()
        label = "with tracemalloc" if trace else "untraced"
        print(
            f"[{label}] all {table.row_count} rows in #services after {loaded:.2f}s "
            f"(first rows after {first_row if first_row is not None else loaded:.2f}s); "
            f"RSS +{(rss1 - rss0) / 1024:.1f} MiB"
            + (f"; tracemalloc peak {peak / 2**20:.1f} MiB" if peak is not None else "")
        )
        if not trace:
            # The first tick (the full load) is done once its header shows calls; wait for the
            # next, a steady one, and read what the header says it cost.
            ticks = screen.ticks
            deadline = time.monotonic() + REFRESH * 4 + 30
            while screen.ticks < max(ticks, 1) + 1 and time.monotonic() < deadline:
                await pilot.pause(0.1)
            steady = screen.header.calls_last
            per_window = steady * (int(RELIST / REFRESH) - 1) + math.ceil(n / 100) + steady
            rate = per_window / RELIST
            print(
                f"header after a steady UI tick: {steady} calls "
                f"({fmt(app.clients.calls.last_refresh)}); at refresh {REFRESH:g}s / relist "
                f"{RELIST:g}s that is {rate:.2f}/s = {rate / SERVICE_READ_REFILL:.1%} of the 20/s refill"
            )


def rss_kib() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    parser.add_argument("--services", type=int, default=2000, help="size of the bench cluster")
    parser.add_argument("--no-ui", action="store_true", help="skip the headless UI figures")
    args = parser.parse_args(argv)
    n = args.services
    dummy_credentials()

    section(f"Sandbox: python -m aws.sandbox --seed 7 --no-simulate --services {n}")
    proc, url, seconds, note = spawn(n)
    try:
        print(f"URL line after {seconds:.1f}s ({url}); sandbox says: {note or '(nothing)'}")
        asyncio.run(api_figures(url, n))
        if not args.no_ui:
            section(f"UI: ServicesScreen loading {n} rows headless at {SIZE[0]}x{SIZE[1]}")
            asyncio.run(ui_figures(url, n, trace=False))
            asyncio.run(ui_figures(url, n, trace=True))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
