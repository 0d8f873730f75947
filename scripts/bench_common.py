"""What every part of the bench shares: the sandbox process, the machine, the summary table.

The sandbox is started with the flags the brief asks for; a flag this checkout's
``python -m aws.sandbox --help`` does not list yet is left out and a note says what that changes.
"""

from __future__ import annotations

import math
import os
import platform
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aws.pacer import ECS_BUCKETS, ECS_OPERATIONS
from aws.sandbox.aws_like import ELB_BUCKETS, ELB_DESCRIBE

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CLUSTER = "bench"
BIG_SERVICE = "bench-big"

#: The read buckets the sandbox enforces as AWS does (the ECS and ELBv2 throttling pages): name ->
#: (burst, refill per second). ELBv2 calls also draw on an account-wide bucket of the same size.
BUCKETS: dict[str, tuple[float, float]] = {
    **{name: size for name, size in ECS_BUCKETS.items() if name.endswith("-read")},
    ELB_DESCRIBE: ELB_BUCKETS[ELB_DESCRIBE],
}
#: Error codes that mean "slow down" (ECS, ELBv2, EC2 spellings).
THROTTLE_CODES = frozenset(
    {"ThrottlingException", "Throttling", "RequestLimitExceeded", "TooManyRequestsException"}
)


def bucket_of(operation: str) -> str | None:
    """``ecs.DescribeServices`` -> ``service-read``; an ELBv2 Describe* -> ``elb-describe``."""
    service, _, action = operation.partition(".")
    if service == "ecs":
        return ECS_OPERATIONS.get(action)
    if service.startswith("elastic-load-balancing") and action.startswith("Describe"):
        return ELB_DESCRIBE
    return None


def list_bound(services: int) -> int:
    """The fewest calls that read S services: ceil(S/100) ListServices + ceil(S/10) Describe."""
    return math.ceil(services / 100) + math.ceil(services / 10)


# --------------------------------------------------------------------------- sandbox


@dataclass
class SandboxPlan:
    """The sandbox command this checkout supports, and what had to be left out."""

    argv: list[str]
    notes: list[str] = field(default_factory=list)
    throttle: bool = False
    latency_ms: float = 0.0
    big_service: int = 0
    tasks_per_service: int | None = None


def sandbox_flags() -> set[str]:
    """The long options ``python -m aws.sandbox --help`` lists."""
    out = subprocess.run(
        [PY, "-m", "aws.sandbox", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60
    ).stdout
    return set(re.findall(r"--[a-z][a-z0-9-]*", out))


def plan_sandbox(
    services: int, tasks_per_service: int, big: int, latency_ms: float, throttle: bool
) -> SandboxPlan:
    known = sandbox_flags()
    plan = SandboxPlan(
        [PY, "-m", "aws.sandbox", "--seed", "7", "--no-simulate", "--services", str(services)]
    )
    wanted: list[tuple[str, str | None, str]] = [
        ("--tasks-per-service", str(tasks_per_service), "bench services keep the seed's default"),
        ("--big-service", str(big), f"no '{BIG_SERVICE}' service: F opens a small bench service"),
        ("--latency-ms", f"{latency_ms:g}", "no per-call latency: loopback moto speed only"),
        ("--throttle", None, "no token buckets: throttles cannot happen, reads are CPU-bound"),
    ]
    for flag, value, missing in wanted:
        if flag == "--throttle" and not throttle:
            continue
        if flag not in known:
            plan.notes.append(f"sandbox has no {flag} yet: {missing}")
            continue
        plan.argv += [flag] if value is None else [flag, value]
        if flag == "--throttle":
            plan.throttle = True
        elif flag == "--latency-ms":
            plan.latency_ms = latency_ms
        elif flag == "--big-service":
            plan.big_service = big
        else:
            plan.tasks_per_service = tasks_per_service
    return plan


@dataclass
class Sandbox:
    proc: subprocess.Popen[str]
    url: str
    seconds: float
    note: str

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def sandbox_core() -> int | None:
    """The core the sandbox is kept on: the last this process may run on, when it may run on
    two or more and the platform can pin a process (Linux); None leaves it to the scheduler.

    The sandbox stands in for AWS, whose servers never run on the client's cores. Under the
    GIL it cannot use more than one core, but its thread-per-connection server woke threads on
    every core and took the reader's core from it: on a 2-core VM the 12-context problems read
    spent 3.2 s of reader CPU and 3.9-4.0 s of wall time with the sandbox free, against 2.9-3.25 s
    and 3.2-3.5 s with the sandbox on its own core (docs/api-budget.md, "Many contexts")."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))  # a container may allow fewer than cpu_count()
    return allowed[-1] if len(allowed) >= 2 else None


def start_sandbox(argv: Sequence[str], timeout: float = 600.0) -> Sandbox:
    """Start the sandbox, on a core of its own (``sandbox_core``); return once it printed its
    URL (its seeding line read from stderr). Every thread it starts inherits the pinning."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    began = time.perf_counter()
    core = sandbox_core()
    proc = subprocess.Popen(
        list(argv),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        preexec_fn=None if core is None else lambda: os.sched_setaffinity(0, {core}),
    )
    assert proc.stdout is not None and proc.stderr is not None
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    url = proc.stdout.readline().strip()
    timer.cancel()
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
        threading.Thread(target=_drain, args=(stream,), daemon=True).start()
    if core is not None:
        note += f"; pinned to core {core}, as AWS's servers are off the client's cores"
    return Sandbox(proc, url, seconds, note)


def _drain(stream: Iterable[str]) -> None:
    for _ in stream:
        pass


def dummy_credentials() -> None:
    os.environ["AWS_ACCESS_KEY_ID"] = "bench"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "bench"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(var, None)


# --------------------------------------------------------------------------- machine, numbers


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"cpus {os.cpu_count()} ({model}); python {platform.python_version()} "
        f"({platform.python_implementation()}); load average {load}"
    )


def rss_kib(pid: int | str = "self") -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int | str = "self") -> float | None:
    """User + system CPU seconds process ``pid`` has used (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(values: Sequence[float], q: float) -> float:
    """Nearest-rank quantile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def fmt_calls(calls: Counter[str]) -> str:
    return ", ".join(f"{op.split('.')[-1]} {n}" for op, n in sorted(calls.items())) or "none"


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


# --------------------------------------------------------------------------- summary table


@dataclass
class Summary:
    """The closing table: figure | ecsdeck | reference | target | met?"""

    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def add(
        self,
        figure: str,
        ours: str,
        reference: str = "-",
        target: str = "-",
        met: bool | None = None,
    ) -> None:
        verdict = "-" if met is None else ("yes" if met else "NO")
        self.rows.append((figure, ours, reference, target, verdict))

    def missing(self, figure: str, why: str) -> None:
        self.rows.append((figure, f"not measured ({why})", "-", "-", "-"))

    def render(self) -> str:
        head = ("figure", "ecsdeck", "reference", "target", "met?")
        table = [head, *self.rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(head))]
        lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in table]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        return "\n".join(line.rstrip() for line in lines)
