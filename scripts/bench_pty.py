"""E and F: the real ``python -m tui.main`` in a pseudo-terminal, driven by typed keys.

For each pane (clusters, the bench cluster's services, one bench service) the app is left alone
for a few refresh periods once loaded, and every byte it writes to the terminal is counted, with
the distinct screen rows it rewrote (see :mod:`scripts.ptyterm`). With the big service open,
the app process's VmRSS is read from /proc.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from scripts.bench_common import BIG_SERVICE, CLUSTER, PY, ROOT, rss_kib
from scripts.ptyterm import PtyProcess, TickStats, row_texts, tick_stats

REFRESH = 2.0
IDLE_TICKS = 4
#: Seconds between the header saying the data is in and the idle window: the rows it brought
#: are drawn in that time.
SETTLE = 1.5
BYTES_TARGET = 1024


@dataclass
class PaneIdle:
    pane: str
    stats: TickStats | None
    loaded_in: float | None


@dataclass
class PtyRun:
    size: tuple[int, int]
    service: str
    panes: list[PaneIdle] = field(default_factory=list)
    rss_mib: float | None = None
    notes: list[str] = field(default_factory=list)


def app_argv(url: str) -> list[str]:
    refresh = f"{REFRESH:g}"
    return [
        PY,
        "-m",
        "tui.main",
        "--endpoint-url",
        url,
        "--region",
        "us-east-1",
        "--refresh",
        refresh,
    ]


def app_env() -> dict[str, str]:
    env = dict(os.environ)
    env["ECSDECK_CONFIG_DIR"] = str(ROOT / ".bench-no-config")  # no user config.toml
    env.pop("NO_COLOR", None)
    return env


def header_line(term: PtyProcess, since: int) -> str:
    """The last text written to screen row 2 (the header's crumb and freshness line)."""
    last = ""
    for row, text in row_texts(bytes(term.output[since:])):
        if row == 2:
            last = text
    return last


def wait_loaded(term: PtyProcess, crumb: str, timeout: float, since: int = 0) -> float | None:
    """Seconds until the header of the pane ``crumb`` no longer says "loading", or None.

    The header repaints its line only when the text changes, so the last write to row 2 is what
    the screen shows.
    """
    began = time.perf_counter()
    while time.perf_counter() - began < timeout and term.proc.poll() is None:
        term.pump(0.1)
        line = header_line(term, since)
        if line.strip().startswith(crumb) and "loading" not in line:
            return time.perf_counter() - began
    return None


def idle_window(term: PtyProcess, pane: str, loaded_in: float | None) -> PaneIdle:
    """Leave the pane alone for IDLE_TICKS refresh periods; bytes and rows of each period."""
    if loaded_in is None:
        return PaneIdle(pane, None, None)
    term.pump(SETTLE)
    start = time.perf_counter()
    term.pump(IDLE_TICKS * REFRESH)
    return PaneIdle(pane, tick_stats(term.chunks, start, time.perf_counter(), REFRESH), loaded_in)


def open_by_filter(term: PtyProcess, name: str) -> None:
    """Type ``/name``, Enter (keep the filter, focus the table), Enter (open its only row)."""
    term.send(b"/")
    term.send(name.encode())
    term.send(b"\r", settle=0.5)
    term.send(b"\r", settle=0.1)


def drive(term: PtyProcess, run: PtyRun, timeout: float) -> None:
    loaded = wait_loaded(term, "clusters", timeout)
    run.panes.append(idle_window(term, "clusters", loaded))
    if loaded is None:
        run.notes.append("the clusters pane never said its data was in")
        return
    mark = len(term.output)
    open_by_filter(term, CLUSTER)
    loaded = wait_loaded(term, f"clusters › {CLUSTER}", timeout, since=mark)
    run.panes.append(idle_window(term, f"services of {CLUSTER}", loaded))
    if loaded is None:
        run.notes.append(f"the {CLUSTER} services pane never finished loading")
        return
    mark = len(term.output)
    open_by_filter(term, run.service)
    loaded = wait_loaded(term, f"clusters › {CLUSTER} › {run.service}", timeout, since=mark)
    run.panes.append(idle_window(term, f"service {run.service}", loaded))
    if loaded is None:
        run.notes.append(f"the {run.service} pane never finished loading")
        return
    kib = rss_kib(term.pid)
    run.rss_mib = None if kib is None else kib / 1024


def pty_run(url: str, size: tuple[int, int], service: str, timeout: float = 240.0) -> PtyRun:
    run = PtyRun(size, service)
    term = PtyProcess(app_argv(url), size, env=app_env(), cwd=str(ROOT))
    try:
        drive(term, run, timeout)
        term.send(b"q", settle=0.5)
    finally:
        term.close()
    return run


def print_pty_run(run: PtyRun) -> None:
    w, h = run.size
    print(f"\n  -- {w}x{h} (python -m tui.main --refresh {REFRESH:g} in a pty)")
    for pane in run.panes:
        if pane.stats is None:
            print(f"  {pane.pane:<28} not loaded")
            continue
        s = pane.stats
        print(
            f"  {pane.pane:<22} loaded in {pane.loaded_in:5.1f}s; idle per {REFRESH:g}s tick: "
            f"{s.bytes_per_tick:6.0f} B (max {s.bytes_max}), "
            f"rows rewritten {s.rows_mean:4.1f} (max {s.rows_max}) over {s.ticks} ticks"
        )
    if run.rss_mib is not None:
        print(f"  F VmRSS of the app with {run.service} open: {run.rss_mib:.0f} MiB")
    for note in run.notes:
        print(f"  note: {note}")


def service_to_open(big_service: int) -> str:
    """The big service when the sandbox has one, else the first bench service."""
    return BIG_SERVICE if big_service else "bench-00000"
