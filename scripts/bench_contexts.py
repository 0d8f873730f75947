"""Many contexts against one: 12 account-regions read at once, side by side with one alone.

    python -m scripts.bench_contexts [--accounts 3] [--regions r1,r2,r3,r4] [--clusters 60]
                                     [--services 200] [--url URL]            (also: make bench)

The sandbox serves ``--accounts`` x ``--regions`` contexts (40 ms a request, AWS's token buckets
per account and Region), each with a couple of hundred services; the profiles ``--demo`` writes
reach them (the root's keys, assume-role profiles for the others). Measured, in this process,
with the app's own code: the full clusters list (``ecs.read_clusters`` in every context, as the
clusters pane reads) and the first complete problems answer (``tui.problem_contexts``: one
``ProblemWatch`` per context, at most ``IN_FLIGHT`` contexts at once), for one context and then
for all of them. Targets: all contexts within 1.5x the one-context time, RSS within 300 MB.

One context's first answer is paced by its ECS buckets (``aws.pacer``: ListServices and
DescribeServices share the service-read bucket, a burst of 100 then 20 a second), so it takes
the same time every run; twelve have twelve sets of buckets, and their CPU is what is left.

Beside each time: the CPU seconds this process (the reader) and the sandbox spent meanwhile.
The sandbox is one moto process serving every context under the GIL, so its CPU is a floor
under the 12-context time however many cores there are; it runs on a core of its own
(``bench_common.sandbox_core``), as AWS's servers are off the client's cores, and the report
names the side that bounds the ratio (without ``--url``: with a sandbox started
elsewhere its CPU is unknown and shown as nan).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from aws import ecs
from aws.contexts import Contexts, ContextState, plan
from aws.session import SessionSettings
from scripts.bench_common import PY, cpu_seconds, machine, rss_kib, start_sandbox
from tui import heap
from tui.problem_contexts import ContextReads

REGIONS = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"]
RATIO_TARGET = 1.5
RSS_TARGET_MB = 300
#: Seconds between the runs: the buckets the first run drained refill (ECS: 20 a second).
REFILL_WAIT = 10.0


class Cpu:
    """CPU seconds the reader (this process) and the sandbox spent since ``start``: on two
    cores shared by both, the side whose CPU nears the wall time is the bottleneck."""

    def __init__(self, sandbox_pid: int | None) -> None:
        self.pid = sandbox_pid
        self.start()

    def start(self) -> None:
        self.began = (time.process_time(), self._sandbox())

    def _sandbox(self) -> float:
        got = cpu_seconds(self.pid) if self.pid else None
        return got if got is not None else float("nan")

    def spent(self) -> tuple[float, float]:
        """(reader, sandbox) CPU seconds since ``start``; the sandbox's is NaN without its pid."""
        return time.process_time() - self.began[0], self._sandbox() - self.began[1]


@dataclass(frozen=True)
class Row:
    """One figure: wall seconds, and the CPU seconds each side spent meanwhile."""

    what: str
    seconds: float
    reader_cpu: float
    sandbox_cpu: float

    def cpu(self) -> str:
        return f"CPU: reader {self.reader_cpu:5.2f} s, sandbox {self.sandbox_cpu:5.2f} s"


async def timed(
    states: list[ContextState], work: Callable[[ContextState], Awaitable[int]]
) -> tuple[float, int]:
    """Seconds until ``work`` is done in every context, and what it found in all."""
    began = time.perf_counter()
    found = await asyncio.gather(*(work(s) for s in states))
    return time.perf_counter() - began, sum(found)


async def clusters_in(state: ContextState) -> int:
    assert state.clients is not None
    return len(await ecs.read_clusters(state.clients))


async def problems_in(states: list[ContextState]) -> tuple[float, int, int]:
    """Seconds to the first complete problems answer of ``states``, its problems, its calls."""
    reads = ContextReads()
    began = time.perf_counter()
    _, calls = await reads.read(states, lambda: None)
    report = reads.merged()
    if reads.errors:
        print(f"  errors: {list(reads.errors.values())[:3]}")
    return time.perf_counter() - began, len(report.problems) if report else 0, calls


async def measure(
    profiles: list[str], regions: list[str], url: str, sandbox_pid: int | None
) -> list[Row]:
    base = SessionSettings(endpoint_url=url, read_only=True)
    contexts, failed = await plan(profiles, regions, base)
    assert not failed, [s.error for s in failed]
    rows: list[Row] = []
    async with Contexts(contexts, base) as opened:
        assert not opened.failed, [s.error for s in opened.failed]
        heap.settle()  # as the app does once its contexts are open (tui/app_contexts.py)
        # One alone: a context like the others (the default one is the showcase account).
        every = opened.ready
        one = [s for s in every if s.context.region != regions[0]][:1] or every[:1]
        for what, states in (("1 context", one), (f"{len(every)} contexts", every)):
            await asyncio.sleep(REFILL_WAIT)
            cpu = Cpu(sandbox_pid)
            seconds, clusters = await timed(states, clusters_in)
            rows.append(Row(f"clusters {what}", seconds, *cpu.spent()))
            where = f" ({one[0].context.name})" if len(states) == 1 else ""
            print(
                f"  {what:12} clusters list{where}: {seconds:6.2f} s ({clusters} clusters); "
                + rows[-1].cpu()
            )
            cpu.start()
            seconds, problems, calls = await problems_in(states)
            rows.append(Row(f"problems {what}", seconds, *cpu.spent()))
            per_call = 1000 * rows[-1].reader_cpu / max(calls, 1)
            print(
                f"  {what:12} first problems answer: {seconds:6.2f} s "
                f"({problems} problems, {calls} calls); "
                + rows[-1].cpu()
                + f" ({per_call:.2f} ms a call)"
            )
    return rows


def report(rows: list[Row], rss_mb: float) -> None:
    for kind in ("clusters", "problems"):
        single, many = (r for r in rows if r.what.startswith(kind))
        ratio = many.seconds / single.seconds if single.seconds else float("inf")
        ok = "ok" if ratio <= RATIO_TARGET else "OVER"
        print(f"  {kind}: {ratio:.2f}x the one-context time (target <= {RATIO_TARGET}x) {ok}")
        print(f"    {bound(single, many)}")
    ok = "ok" if rss_mb <= RSS_TARGET_MB else "OVER"
    print(f"  RSS of this process: {rss_mb:.0f} MB (target <= {RSS_TARGET_MB} MB) {ok}")
    print(f"  machine: {machine()}")


def bound(single: Row, many: Row) -> str:
    """Which side's CPU the many-context time is bound by, in units of the one-context time.

    The sandbox is one moto process: under the GIL it runs on one core at most, so its CPU
    seconds are a floor under the wall time however many cores there are; reader and sandbox
    together share the machine's cores (and other jobs' load). On AWS each account-region is
    served apart, so only the reader's share is ecsdeck's."""
    cores = os.cpu_count() or 1
    unit = single.seconds or float("inf")
    floor = max(many.sandbox_cpu, many.reader_cpu, (many.sandbox_cpu + many.reader_cpu) / cores)
    side = "the sandbox" if many.sandbox_cpu >= many.reader_cpu else "the reader"
    return (
        f"CPU floor {floor:.2f} s = {floor / unit:.2f}x (sandbox {many.sandbox_cpu:.2f} s on "
        f"one core under the GIL, reader {many.reader_cpu:.2f} s, {cores} cores): "
        f"bound by {side}; the reader's CPU alone is {many.reader_cpu / unit:.2f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_contexts", description=__doc__)
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--regions", default=",".join(REGIONS))
    parser.add_argument("--clusters", type=int, default=60, help="small clusters per context")
    parser.add_argument("--services", type=int, default=200, help="the default context's bench")
    parser.add_argument("--url", help="a running multi-account sandbox")
    args = parser.parse_args(argv)
    regions = [r for r in args.regions.split(",") if r]
    from aws.sandbox import accounts
    from aws.sandbox.profiles import write_profiles

    sandbox = None
    url = args.url
    if url is None:
        argv_ = [
            PY, "-m", "aws.sandbox", "--seed", "7", "--no-simulate",
            "--accounts", str(args.accounts), "--regions", ",".join(regions),
            "--context-clusters", str(args.clusters), "--services", str(args.services),
            "--latency-ms", "40", "--throttle",
        ]  # fmt: skip
        sandbox = start_sandbox(argv_)
        url = sandbox.url
        print(f"== sandbox: {sandbox.note} ({sandbox.seconds:.0f} s to start)")
    try:
        with tempfile.TemporaryDirectory(prefix="ecsdeck-bench-") as tmp:
            written = write_profiles(url, args.accounts, regions[0], Path(tmp))
            os.environ["AWS_CONFIG_FILE"] = str(written.config_file)
            os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(written.credentials_file)
            for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
                os.environ.pop(name, None)
            names = [accounts.label(i) for i in range(args.accounts)]
            print(f"== {len(names)} accounts x {len(regions)} regions, 40 ms, throttled")
            pid = sandbox.proc.pid if sandbox is not None else None
            rows = asyncio.run(measure(names, regions, url, pid))
        report(rows, (rss_kib() or 0) * 1024 / 1e6)
    finally:
        if sandbox is not None:
            sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
