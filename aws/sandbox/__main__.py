"""``python -m aws.sandbox``: print the URL as the first stdout line, serve until SIGTERM/SIGINT.

The first line is the contract with :func:`aws.sandbox.server.spawn_sandbox` and the app's
``--demo``; anything else (seeding time) goes to stderr.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from aws.sandbox.server import Sandbox


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m aws.sandbox", description=__doc__)
    _running_options(parser)
    _account_options(parser)
    return parser


def _running_options(parser: argparse.ArgumentParser) -> None:
    """How the sandbox runs once seeded (a forked test copy may differ in the first three)."""
    parser.add_argument(
        "--no-simulate", action="store_true", help="freeze the account right after seeding"
    )
    parser.add_argument(
        "--no-weather",
        action="store_true",
        help="simulate without the random faults (tests that act on the services they pick)",
    )
    parser.add_argument(
        "--tick", type=float, default=1.0, help="seconds per simulator step (tests go faster)"
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--latency-ms", type=int, default=0, help="delay every AWS request, as a network would"
    )
    parser.add_argument(
        "--throttle",
        action="store_true",
        help="refuse calls past AWS's ECS/ELBv2 token buckets (ThrottlingException)",
    )


def _account_options(parser: argparse.ArgumentParser) -> None:
    """What is seeded."""
    parser.add_argument("--seed", type=int, default=7, help="fixes every random choice")
    parser.add_argument(
        "--services", type=int, default=0, help="add a 'bench' cluster of N services"
    )
    parser.add_argument(
        "--tasks-per-service", type=int, default=2, help="running tasks of each bench service"
    )
    parser.add_argument(
        "--big-service",
        type=int,
        default=0,
        help="add 'bench-big' to the bench cluster with N running tasks",
    )
    parser.add_argument(
        "--clusters",
        type=int,
        default=0,
        help="fill the account up to N clusters with small healthy ones",
    )
    parser.add_argument(
        "--problems",
        action="store_true",
        help="plant five known problems (listed on stderr) and no random ones",
    )
    parser.add_argument(
        "--accounts",
        type=int,
        default=1,
        help="serve N accounts (the first with static keys, the others through STS AssumeRole)",
    )
    parser.add_argument(
        "--regions",
        type=lambda text: [r.strip() for r in text.split(",") if r.strip()],
        default=["us-east-1"],
        help="comma-separated regions every account is seeded in (default us-east-1)",
    )
    parser.add_argument(
        "--context-clusters",
        type=int,
        default=8,
        help="small clusters in each account-region besides the default one",
    )


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = _parser()
    args = parser.parse_args(argv)
    if min(args.tasks_per_service, args.big_service, args.latency_ms, args.clusters) < 0:
        parser.error(
            "--tasks-per-service, --big-service, --latency-ms and --clusters must be 0 or more"
        )
    if args.accounts < 1 or not args.regions or args.context_clusters < 0:
        parser.error("--accounts must be 1 or more, --regions not empty")
    return args


def sandbox_from(args: argparse.Namespace) -> Sandbox:
    """The sandbox the parsed command line asks for (also used by the tests' fork templates)."""
    return Sandbox(
        seed=args.seed,
        simulate=not args.no_simulate,
        port=args.port,
        services=args.services,
        tick=args.tick,
        tasks_per_service=args.tasks_per_service,
        big_service=args.big_service,
        latency_ms=args.latency_ms,
        throttle=args.throttle,
        clusters=args.clusters,
        problems=args.problems,
        accounts=args.accounts,
        regions=args.regions,
        context_clusters=args.context_clusters,
        weather=not args.no_weather,
    )


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)

    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sandbox = sandbox_from(args)
    try:
        url = sandbox.start()
    except RuntimeError as exc:
        print(f"ecsdeck sandbox: {exc}", file=sys.stderr, flush=True)
        sandbox.stop()
        return 2
    print(url, flush=True)
    print(
        f"ecsdeck sandbox seeded in {sandbox.seconds_to_seed:.1f}s "
        f"(seed {args.seed}, bench services {args.services} x {args.tasks_per_service} tasks, "
        f"big service {args.big_service} tasks, simulate {'off' if args.no_simulate else 'on'}, "
        f"latency {args.latency_ms} ms, throttle {'on' if args.throttle else 'off'}, "
        f"clusters {args.clusters or 'default'}, problems {'on' if args.problems else 'off'}, "
        f"accounts {args.accounts} x regions {','.join(args.regions)})",
        file=sys.stderr,
        flush=True,
    )
    for context in sandbox.contexts:
        print(
            f"context {context.label} {context.account} {context.region}: "
            f"{len(context.seeded.services)} services, "
            f"{len(context.seeded.planted)} planted problems",
            file=sys.stderr,
            flush=True,
        )
    for problem in sandbox.planted:
        where = f"{problem.cluster}/{problem.service}" if problem.service else problem.cluster
        print(f"planted {problem.kind}: {where}: {problem.what}", file=sys.stderr, flush=True)
    while not done.wait(0.5):
        pass
    sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
