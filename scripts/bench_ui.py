"""B, C and D: the real app headless (``run_test``) against the same sandbox.

A probe task in the UI's own event loop sleeps 5 ms over and over and records how late it woke
(C); after each wake it also checks a few conditions ("the clusters pane has a row") and stamps
the first time each holds (B), so the times need no hook in the app. The app is a subclass of
``EcsDeckApp`` only to start that probe in its ``on_mount``, which Textual runs before the app's
own one; nothing else is changed.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.bench_common import (
    BIG_SERVICE,
    BUCKETS,
    CLUSTER,
    bucket_of,
    fmt_calls,
    quantile,
    rss_kib,
)

REFRESH = 2.0
PROBE_PERIOD = 0.005
#: How long the pane is left alone after its load to measure idle lateness and steady polling.
IDLE_SECONDS = 10.0


class Probe:
    """Lateness of a 5 ms sleep in the UI loop by phase, and first times conditions hold."""

    def __init__(self) -> None:
        self.phase = "launch"
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.marks: dict[str, float] = {}
        self._pending: list[tuple[str, Callable[[], Any]]] = []
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    def watch(self, name: str, predicate: Callable[[], Any]) -> None:
        self._pending.append((name, predicate))

    async def _run(self) -> None:
        while True:
            began = time.perf_counter()
            await asyncio.sleep(PROBE_PERIOD)
            now = time.perf_counter()
            self.samples[self.phase].append(now - began - PROBE_PERIOD)
            for item in list(self._pending):
                try:
                    held = item[1]()
                except Exception:
                    held = False
                if held:
                    self.marks[item[0]] = now
                    self._pending.remove(item)

    async def until(self, name: str, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while name not in self.marks and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.marks.get(name)

    def lateness(self, phase: str) -> Lateness:
        values = [v * 1000 for v in self.samples.get(phase, [])]
        return Lateness(
            len(values), quantile(values, 0.5), quantile(values, 0.99), max(values, default=0.0)
        )


@dataclass
class Lateness:
    samples: int
    p50: float
    p99: float
    max: float

    def text(self) -> str:
        return f"p50 {self.p50:.1f} ms, p99 {self.p99:.1f} ms, max {self.max:.1f} ms ({self.samples} wakes)"

    @property
    def met(self) -> bool:
        return self.samples > 0 and self.p99 < 16 and self.max < 100


@dataclass
class Steady:
    """Calls the services pane made while left alone after its load."""

    seconds: float
    ticks: list[Counter[str]]
    calls: Counter[str]
    visible: int
    services: int
    relist: float

    @property
    def per_tick(self) -> float:
        return sum(sum(t.values()) for t in self.ticks) / max(1, len(self.ticks))

    @property
    def bound_per_tick(self) -> int:
        return math.ceil(self.visible / 10)

    def per_minute(self) -> float:
        """Observed rate plus the ListServices pages of one re-list per ``relist`` seconds."""
        observed = sum(self.calls.values()) * 60 / self.seconds
        return observed + math.ceil(self.services / 100) * 60 / self.relist

    def bound_per_minute(self) -> float:
        return (
            self.bound_per_tick * 60 / REFRESH + math.ceil(self.services / 100) * 60 / self.relist
        )

    def bucket_shares(self) -> dict[str, float]:
        """Share of each bucket's refill the steady polling takes (re-list pages included)."""
        rates: dict[str, float] = dict.fromkeys(BUCKETS, 0.0)
        for op, n in self.calls.items():
            bucket = bucket_of(op)
            if bucket:
                rates[bucket] += n / self.seconds
        rates["service-read"] += math.ceil(self.services / 100) / self.relist
        return {b: rate / BUCKETS[b][1] for b, rate in rates.items()}


@dataclass
class UiRun:
    size: tuple[int, int]
    services: int
    mounted: float | None = None  # run_test entered -> ClustersScreen mounted
    clusters_row: float | None = None  # ClustersScreen mounted -> first row
    service_row: float | None = None  # Enter -> first service row
    all_rows: float | None = None  # Enter -> every service in the table
    rows_seen: int = 0
    load: Lateness | None = None
    idle: Lateness | None = None
    steady: Steady | None = None
    big_rss_delta_mib: float | None = None
    load_calls: int = 0
    notes: list[str] = field(default_factory=list)


def _table(app: Any, selector: str) -> Any:
    return app.screen.query_one(selector)


def make_app(url: str, probe: Probe) -> Any:
    import tui.app
    from tui.app import EcsDeckApp
    from tui.config import Settings

    class BenchApp(EcsDeckApp):
        # Textual resolves a relative CSS_PATH against the subclass's module: keep the app's.
        CSS_PATH = str(Path(tui.app.__file__).parent / str(EcsDeckApp.CSS_PATH))

        def on_mount(self) -> None:  # runs before EcsDeckApp.on_mount (Textual walks the MRO)
            probe.start()

    return BenchApp(Settings(endpoint_url=url, region="us-east-1", refresh=REFRESH))


async def open_clusters(app: Any, probe: Probe, run: UiRun, began: float) -> Any:
    from tui.screens.clusters import ClustersScreen

    probe.watch("mounted", lambda: isinstance(app.screen, ClustersScreen))
    probe.watch("clusters_row", lambda: _table(app, "#clusters").row_count > 0)
    probe.watch(
        "bench_listed", lambda: any(c.name == CLUSTER for c in app.screen.clusters.values())
    )
    mounted = await probe.until("mounted", 60)
    first = await probe.until("clusters_row", 120)
    listed = await probe.until("bench_listed", 120)
    if mounted is None or first is None or listed is None:
        run.notes.append("the clusters pane never listed the bench cluster")
        return None
    run.mounted, run.clusters_row = mounted - began, first - mounted
    return next(c for c in app.screen.clusters.values() if c.name == CLUSTER)


async def open_bench(app: Any, pilot: Any, probe: Probe, run: UiRun, cluster: Any) -> bool:
    table = _table(app, "#clusters")
    table.move_cursor(row=table.get_row_index(cluster.arn))
    probe.watch("service_row", lambda: _table(app, "#services").row_count > 0)
    probe.watch("all_rows", lambda: _table(app, "#services").row_count >= run.services)
    probe.phase = "load"
    began = time.perf_counter()
    await pilot.press("enter")
    first = await probe.until("service_row", 120)
    done = await probe.until("all_rows", 300)
    probe.phase = "after"
    try:
        run.rows_seen = _table(app, "#services").row_count
    except Exception:
        run.rows_seen = 0
    run.service_row = None if first is None else first - began
    run.all_rows = None if done is None else done - began
    if done is None:
        run.notes.append(f"only {run.rows_seen} of {run.services} rows after 300 s")
    return done is not None


async def wait_first_tick(app: Any, timeout: float = 120.0) -> None:
    """The load is one tick: wait until it has finished (ticks counts finished ticks)."""
    deadline = time.monotonic() + timeout
    while getattr(app.screen, "ticks", 0) < 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def measure_idle(app: Any, probe: Probe, run: UiRun) -> None:
    """Leave the services pane alone: lateness while idle, and what steady polling costs."""
    await wait_first_tick(app)
    screen = app.screen
    run.load_calls = screen.header.calls_last
    counter = app.clients.calls
    before = Counter(counter.total)
    ticks: list[Counter[str]] = []
    seen = screen.ticks
    probe.phase = "idle"
    began = time.perf_counter()
    while time.perf_counter() - began < IDLE_SECONDS:
        await asyncio.sleep(0.05)
        if screen.ticks != seen:
            seen = screen.ticks
            ticks.append(Counter(screen.last_calls))
    seconds = time.perf_counter() - began
    probe.phase = "after"
    calls = Counter(counter.total)
    calls.subtract(before)
    visible = len(_table(app, "#services").visible_keys(margin=0))
    relist = app.settings.relist
    run.steady = Steady(seconds, ticks, +calls, visible, run.services, relist)


async def open_big(app: Any, pilot: Any, run: UiRun, rss_before: int | None) -> None:
    """F, headless: RSS growth of this process once bench-big's service pane has loaded."""
    from tui.screens.service import ServiceScreen

    table = _table(app, "#services")
    keys = [str(r.value) for r in table.rows]
    key = next((k for k in keys if k.endswith(f"/{BIG_SERVICE}")), None)
    if key is None:
        run.notes.append(f"no {BIG_SERVICE} service: headless RSS not measured")
        return
    table.move_cursor(row=table.get_row_index(key))
    await pilot.press("enter")
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not (
        isinstance(app.screen, ServiceScreen) and app.screen.ticks >= 1
    ):
        await asyncio.sleep(0.1)
    if not isinstance(app.screen, ServiceScreen) or app.screen.ticks < 1:
        run.notes.append(f"{BIG_SERVICE}'s pane did not finish a tick within 180 s")
        return
    now = rss_kib()
    if now is not None and rss_before is not None:
        run.big_rss_delta_mib = (now - rss_before) / 1024


async def ui_run(
    url: str, size: tuple[int, int], services: int, *, with_big: bool, pause: float
) -> UiRun:
    """One headless app, started after ``pause`` s (the buckets refill, as before each read in
    A): clusters, then Enter on the bench cluster as soon as it is listed. Waiting on the
    clusters pane instead would also measure the problems reader's first read, which shares
    the service-read bucket (a cost the README's API budget describes)."""
    run = UiRun(size, services)
    probe = Probe()
    rss_before = rss_kib()
    await asyncio.sleep(pause)
    app = make_app(url, probe)
    began = time.perf_counter()
    async with app.run_test(size=size) as pilot:
        cluster = await open_clusters(app, probe, run, began)
        if cluster is not None and await open_bench(app, pilot, probe, run, cluster):
            await measure_idle(app, probe, run)
            if with_big:
                await open_big(app, pilot, run, rss_before)
        run.load, run.idle = probe.lateness("load"), probe.lateness("idle")
        if probe.task is not None:
            probe.task.cancel()
    return run


def print_run(run: UiRun, reference: float, first_ref: float, clusters_ref: float) -> None:
    w, h = run.size
    print(f"\n  -- {w}x{h}")

    def ms(value: float | None) -> str:
        return "n/a" if value is None else f"{value * 1000:.0f} ms"

    print(f"  run_test -> ClustersScreen mounted       {ms(run.mounted)}")
    print(
        f"  mounted -> first clusters row            {ms(run.clusters_row)}"
        f"   (minimal ListClusters+DescribeClusters {ms(clusters_ref)})"
    )
    print(
        f"  Enter on {CLUSTER} -> first service row       {ms(run.service_row)}"
        f"   (minimal first page + first describe {ms(first_ref)})"
    )
    if run.all_rows is not None:
        print(
            f"  Enter -> all {run.services} rows in the table     {run.all_rows:.2f} s"
            f"   (minimal read {reference:.2f} s: ratio {run.all_rows / reference:.2f}x)"
        )
    if run.load:
        print(f"  C loop lateness while rows land: {run.load.text()}")
    if run.idle:
        print(f"  C loop lateness idle {IDLE_SECONDS:.0f} s:      {run.idle.text()}")
    if run.steady:
        print(f"  D the load tick made {run.load_calls} calls")
        print_steady(run.steady)
    if run.big_rss_delta_mib is not None:
        print(
            f"  F RSS growth of this process with {BIG_SERVICE} open: {run.big_rss_delta_mib:.0f} MiB"
        )
    for note in run.notes:
        print(f"  note: {note}")


def print_steady(s: Steady) -> None:
    per_tick = [sum(t.values()) for t in s.ticks]
    ops: Counter[str] = Counter()
    for t in s.ticks:
        ops.update(t)
    print(
        f"  D steady: {len(s.ticks)} ticks in {s.seconds:.0f} s, calls/tick {per_tick} "
        f"({fmt_calls(ops)}); bound {s.bound_per_tick}/tick ({s.visible} rows on screen)"
    )
    shares = ", ".join(f"{b} {v:.1%}" for b, v in s.bucket_shares().items())
    print(
        f"  D per minute {s.per_minute():.0f} (incl. one re-list per {s.relist:.0f} s) "
        f"vs bound {s.bound_per_minute():.0f}; bucket shares: {shares}"
    )
