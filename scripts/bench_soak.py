"""The soak: the real app on a load-balanced service's pane for a long time, the endpoint broken
a different way every minute. Not in CI (``make soak``; 30 minutes by default).

The sandbox runs in its own process in AWS-like mode (``--latency-ms``, ``--throttle``, the
weather on) and its outage switch (aws/sandbox/outage.py, ``POST /ecsdeck/fault``) cycles
through none, unreachable, throttle storm, 5xx, slow, expired credentials, denied ELB and hang.
The app runs headless (``run_test``) in this process on ``--service`` at refresh 3 s, so its
memory, its asyncio tasks and its screen can be read directly. A fault is *survived* when the app
is still running at the end of its period and its header named some trouble while it lasted
(``none`` periods count when the pane was live at their end).

Prints RSS (start, peak, end), asyncio tasks and Textual workers (start, end), faults survived,
the sandbox's own RSS, and whether the screen is right at the end: header back to live, rows
present, nothing STALE.

    python -m scripts.bench_soak [--minutes 30] [--fault-seconds 60] [--latency-ms 40]
                                 [--no-throttle] [--cluster web-fargate] [--service checkout-web]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from scripts.bench_common import rss_kib

CYCLE = ("none", "unreachable", "throttle", "5xx", "slow", "expired", "deny-elb", "hang")
REFRESH = 3.0
#: How often the app's state is sampled during a fault period.
SAMPLE_SECONDS = 0.5
#: After the last fault is switched off: how long the pane may take to be live again.
RECOVER_SECONDS = 60.0


@dataclass
class Period:
    fault: str
    trouble_seen: bool = False
    alive_at_end: bool = False
    live_at_end: bool = False
    words: set[str] = field(default_factory=set)

    @property
    def survived(self) -> bool:
        if not self.alive_at_end:
            return False
        return self.live_at_end if self.fault == "none" else self.trouble_seen


@dataclass
class Soak:
    periods: list[Period] = field(default_factory=list)
    rss_start: int = 0
    rss_peak: int = 0
    rss_end: int = 0
    tasks_start: int = 0
    tasks_end: int = 0
    workers_start: int = 0
    workers_end: int = 0
    sandbox_rss: tuple[int, int] = (0, 0)
    final: dict[str, Any] = field(default_factory=dict)


def switch(url: str, kind: str) -> None:
    request = urllib.request.Request(f"{url}/ecsdeck/fault?kind={kind}", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        json.load(response)


def header_state(app: Any) -> dict[str, Any]:
    """What the pane on top says: its header text, stale or not, part errors, row counts."""
    from tui.screens.base import PollingScreen
    from tui.widgets.live_table import LiveTable

    screen = app.screen
    if not isinstance(screen, PollingScreen):
        return {"screen": type(screen).__name__, "text": "", "stale": True, "rows": 0}
    header = screen.header
    text = header.render().plain
    return {
        "screen": type(screen).__name__,
        "text": text,
        "stale": header.stale,
        "parts": dict(header.part_errors),
        "live": "● live" in text and not header.stale and not header.part_errors,
        "rows": sum(t.row_count for t in screen.query(LiveTable)),
        # Stale, a part not refreshed, a warning, or "data Ns old" (late: the slow fault).
        "trouble": bool(header.stale or header.part_errors or "⚠" in text or "s old" in text),
    }


def memory_now() -> int:
    gc.collect()
    return rss_kib() or 0


async def soak(args: argparse.Namespace, url: str, sandbox_pid: int) -> Soak:
    from tui.app import EcsDeckApp
    from tui.config import Settings

    settings = Settings(
        endpoint_url=url,
        region="us-east-1",
        refresh=REFRESH,
        cluster=args.cluster,
        service=args.service,
    )
    app = EcsDeckApp(settings)
    out = Soak()
    periods = max(1, round(args.minutes * 60 / args.fault_seconds))
    async with app.run_test(size=(120, 36)) as pilot:
        await _wait(pilot, lambda: header_state(app).get("live") and header_state(app)["rows"])
        await asyncio.sleep(REFRESH * 2)  # a few steady refreshes before the baseline
        out.rss_start = out.rss_peak = memory_now()
        out.tasks_start, out.workers_start = len(asyncio.all_tasks()), len(app.workers)
        sandbox_start = rss_kib(sandbox_pid) or 0
        print(f"start: RSS {out.rss_start / 1024:.1f} MiB, {out.tasks_start} asyncio tasks")
        for i in range(periods):
            period = Period(CYCLE[i % len(CYCLE)])
            switch(url, period.fault)
            ends = time.monotonic() + args.fault_seconds
            while time.monotonic() < ends:
                await asyncio.sleep(SAMPLE_SECONDS)
                state = header_state(app)
                if state["trouble"]:
                    period.trouble_seen = True
                out.rss_peak = max(out.rss_peak, rss_kib() or 0)
            state = header_state(app)
            period.alive_at_end = app.is_running and app.return_code is None
            period.live_at_end = bool(state.get("live"))
            out.periods.append(period)
            print(
                f"  {i + 1:>3}/{periods} {period.fault:<11} trouble shown: "
                f"{'yes' if period.trouble_seen else 'no ':<3}  at end: "
                f"{'live' if period.live_at_end else 'not live'}, {state['rows']} rows, "
                f"RSS {(rss_kib() or 0) / 1024:.1f} MiB, {len(asyncio.all_tasks())} tasks",
                flush=True,
            )
        switch(url, "none")
        await _wait(pilot, lambda: header_state(app).get("live"), RECOVER_SECONDS)
        await asyncio.sleep(REFRESH * 2)
        out.final = header_state(app)
        out.rss_end = memory_now()
        out.tasks_end, out.workers_end = len(asyncio.all_tasks()), len(app.workers)
        out.sandbox_rss = (sandbox_start, rss_kib(sandbox_pid) or 0)
    return out


async def _wait(pilot: Any, predicate: Any, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause()
        try:
            if predicate():
                return True
        except Exception:
            pass
        await asyncio.sleep(0.2)
    return False


def report(out: Soak, args: argparse.Namespace) -> None:
    def mib(kib: int) -> str:
        return f"{kib / 1024:.1f} MiB"

    survived = sum(p.survived for p in out.periods)
    faults = [p for p in out.periods if p.fault != "none"]
    final = out.final
    correct = bool(final.get("live")) and final.get("rows", 0) > 0 and "STALE" not in final["text"]
    print()
    print(
        f"soak: {args.minutes:g} min, a fault every {args.fault_seconds:g} s, refresh {REFRESH:g} s"
    )
    print(
        f"  RSS (app)       start {mib(out.rss_start)}  peak {mib(out.rss_peak)}  end {mib(out.rss_end)}"
    )
    print(f"  RSS (sandbox)   start {mib(out.sandbox_rss[0])}  end {mib(out.sandbox_rss[1])}")
    print(f"  asyncio tasks   start {out.tasks_start}  end {out.tasks_end}")
    print(f"  Textual workers start {out.workers_start}  end {out.workers_end}")
    print(
        f"  faults survived {sum(p.survived for p in faults)} of {len(faults)} "
        f"({survived} of {len(out.periods)} periods, 'none' included)"
    )
    lost = sorted({p.fault for p in out.periods if not p.survived})
    if lost:
        print(f"  not survived: {', '.join(lost)}")
    print(
        f"  screen at end   {'correct' if correct else 'WRONG'}: {final.get('screen')}, "
        f"{final.get('rows')} rows, {'live' if final.get('live') else 'not live'}"
    )
    last = final.get("text", "").splitlines()
    print(f"  header          {last[1] if len(last) > 1 else ''}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--fault-seconds", type=float, default=60.0)
    parser.add_argument("--latency-ms", type=int, default=40)
    parser.add_argument("--no-throttle", action="store_true")
    parser.add_argument("--cluster", default="web-fargate")
    parser.add_argument("--service", default="checkout-web")
    args = parser.parse_args(argv)

    import os

    from aws.sandbox.server import spawn_sandbox

    sandbox_args = ["--seed", "7", "--latency-ms", str(args.latency_ms)]
    if not args.no_throttle:
        sandbox_args.append("--throttle")
    proc, url = spawn_sandbox(sandbox_args)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "sandbox")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "sandbox")
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(var, None)
    try:
        out = asyncio.run(soak(args, url, proc.pid))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    report(out, args)
    correct = out.final.get("live") and all(p.survived for p in out.periods)
    return 0 if correct else 1


if __name__ == "__main__":
    raise SystemExit(main())
