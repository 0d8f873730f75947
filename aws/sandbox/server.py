"""A local AWS account that behaves like a live one: moto server + seed + simulator.

Two ways in:

* :class:`Sandbox` runs it in *this* process. moto's backends are process-global, so only one
  sandbox (and no other moto server that gets reset) may live in a process; that is why
* :func:`spawn_sandbox` is what the app's ``--demo`` and the tests use: ``python -m aws.sandbox``
  in its own process (its CPU work never competes with a UI thread), returning once the account
  is seeded and the URL printed.
"""

from __future__ import annotations

import logging
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO

from aws.sandbox import (
    contexts,
    exec_agent,
    fidelity,
    fleet,
    metrics,
    moto_patches,
    planted,
    runs,
    scheduled,
    ssm_sessions,
)
from aws.sandbox.aws_like import AwsLike, Server
from aws.sandbox.control import Control
from aws.sandbox.pricing import PriceList
from aws.sandbox.seed import seed_account
from aws.sandbox.simulator import Simulator
from aws.sandbox.specs import SERVICES, WEATHER_SERVICES, PlantedProblem, Seeded
from aws.sandbox.trail import Trail

log = logging.getLogger(__name__)

#: Showcase services given past trouble (stopped tasks, unhealthy targets) at seeding.
HISTORY_SERVICES = ("payments-api", "checkout-web", "catalog-api", "auth-service", "image-resizer")


class Sandbox:
    """A seeded moto server on 127.0.0.1.

    ``seed`` fixes every random choice (and moto's own ids); ``simulate`` starts the scheduler
    thread (off: the account is frozen right after seeding, already steady, with some stopped
    tasks and unhealthy targets); ``services`` adds a ``bench`` cluster of that many services;
    ``tick`` is seconds per simulator step (tests use a fraction of a second to see a minute of
    life in a few seconds). ``tasks_per_service`` is the bench services' desired count and
    ``big_service`` adds ``bench-big`` with that many tasks (one 5,000-task service to open).
    ``latency_ms`` and ``throttle`` make the finished account answer like AWS (see
    :mod:`aws.sandbox.aws_like`); seeding itself runs at full speed.
    ``clusters`` fills the account up to that many clusters with small healthy ones
    (:mod:`aws.sandbox.fleet`); ``problems`` plants five known problems and turns the random
    weather off, so the account has exactly those (:mod:`aws.sandbox.planted`); ``weather``
    False keeps the simulator (rollouts converge) without the random faults, for tests that act
    on the services the weather picks.
    ``accounts`` x ``regions`` are the contexts served besides the default one (reached through
    STS AssumeRole, :mod:`aws.sandbox.accounts`), each with ``context_clusters`` small clusters.
    """

    def __init__(
        self,
        seed: int = 7,
        simulate: bool = True,
        port: int = 0,
        services: int = 0,
        tick: float = 1.0,
        tasks_per_service: int = 2,
        big_service: int = 0,
        latency_ms: int = 0,
        throttle: bool = False,
        clusters: int = 0,
        problems: bool = False,
        accounts: int = 1,
        regions: Sequence[str] = ("us-east-1",),
        context_clusters: int = contexts.CLUSTERS,
        weather: bool = True,
    ) -> None:
        self.seed = seed
        self.simulate = simulate
        self.port = port
        self.services = services
        self.tick = tick
        self.tasks_per_service = tasks_per_service
        self.big_service = big_service
        self.latency_ms = latency_ms
        self.throttle = throttle
        self.clusters = clusters
        self.problems = problems
        self.accounts = accounts
        self.regions = tuple(regions)
        self.context_clusters = context_clusters
        self.weather = weather
        #: The other (account, region) pairs, seeded after the default one (:mod:`.contexts`).
        self.contexts: list[contexts.Context] = []
        self.url: str | None = None
        self.seeded: Seeded | None = None
        self.simulator: Simulator | None = None
        self.seconds_to_seed: float | None = None
        self._server: Server | None = None

    def start(self) -> str:
        """Serve, seed, converge; returns the URL once a client would see a steady account."""
        self.prepare()
        return self.go_live()

    def prepare(self) -> None:
        """Serve and seed, leaving every thread but the HTTP server's unstarted.

        Split from :meth:`go_live` so the test suite can seed an account once, stop serving
        and fork a ready copy per test module (``tests/sandbox_fork.py``) instead of re-seeding
        the same account for each: a fork shares nothing with its siblings after it is made.
        """
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        moto_patches.apply()
        fidelity.apply()
        exec_agent.apply()
        ssm_sessions.apply()
        runs.apply()
        moto_patches.set_manual_task_transitions()
        moto_patches.seed_ids(self.seed)
        began = time.perf_counter()
        control = Control(Trail(PriceList(Server.moto_app())))
        server = Server(AwsLike(control), port=self.port)
        control.outage = server.wrapper.outage
        url = server.start()
        self._server = server
        rng = random.Random(self.seed)
        seeded = self.seeded = self._seed(url, rng)
        simulator = Simulator(
            random.Random(rng.getrandbits(64)),
            chaos=self.chaos,
            tick=self.tick,
            default_security_group=seeded.task_sg,
            quiet_clusters=(fleet.BENCH_CLUSTER,),
            weather_services=WEATHER_SERVICES,
        )
        simulator.converge()
        if self.problems:
            planted.plant(simulator, seeded)
        else:
            simulator.seed_history(
                [(s.cluster, s.name) for s in SERVICES if s.name in HISTORY_SERVICES]
            )
            scheduled.seed_scheduled(url)
        metrics.seed_autoscaling(url)
        simulator.backfill_metrics()
        self.simulator = simulator
        self.contexts = contexts.seed_contexts(
            url, self.accounts, self.regions, clusters=self.context_clusters, tick=self.tick
        )
        control.planted = lambda: [p.as_json() for p in seeded.planted]
        control.clear = self.clear
        self.seconds_to_seed = time.perf_counter() - began
        self.url = url

    def unbind(self) -> None:
        """Stop serving but keep the account (what a fork template holds between copies)."""
        assert self._server is not None, "prepare() first"
        self._server.stop()
        self.url = None

    def rebind(self, port: int = 0) -> str:
        """Serve the same account on another port (a forked copy cannot share its parent's)."""
        assert self._server is not None, "prepare() first"
        self._server.stop()
        self._server.port = port
        self.url = self._server.start()
        return self.url

    @property
    def chaos(self) -> bool:
        """Whether the simulator's weather (random faults) is on."""
        return self.simulate and self.weather and not self.problems

    def go_live(
        self,
        *,
        simulate: bool | None = None,
        tick: float | None = None,
        weather: bool | None = None,
    ) -> str:
        """Turn on the AWS-like latency and throttling and start the simulators' threads.

        ``simulate``, ``tick`` and ``weather`` override the constructor's: whether the account
        then lives and at what pace change nothing that seeding made (chaos never touches the
        instant convergence), so the test suite seeds one template and runs copies frozen or
        live."""
        assert self._server is not None and self.simulator is not None, "prepare() first"
        if simulate is not None:
            self.simulate = simulate
        if weather is not None:
            self.weather = weather
        self.simulator.world.chaos = self.chaos
        if tick is not None:
            self.tick = tick
            for simulator in (self.simulator, *(c.simulator for c in self.contexts)):
                simulator.tick = tick
        self._server.wrapper.latency_ms = self.latency_ms
        self._server.wrapper.throttle = self.throttle
        if self.simulate:
            self.simulator.start()
            for context in self.contexts:
                context.simulator.start()
        else:
            self.simulator.metrics.start()  # ECS reports on a frozen account's tasks too
        assert self.url is not None
        return self.url

    def _seed(self, url: str, rng: random.Random) -> Seeded:
        seeded = seed_account(url, rng)
        if self.problems:
            planted.seed(url, rng, seeded)
        if self.services or self.big_service:
            fleet.seed_bench(
                seeded,
                self.services,
                tasks_per_service=self.tasks_per_service,
                big_service=self.big_service,
            )
        with moto_patches.LOCK:
            existing = len(moto_patches.backends()["ecs"].clusters)
        if self.clusters > existing:
            fleet.seed_fleet(seeded, rng, self.clusters - existing)
        return seeded

    @property
    def planted(self) -> list[PlantedProblem]:
        """The planted problems still in place (empty without ``problems``)."""
        return list(self.seeded.planted) if self.seeded else []

    def clear(self, kind: str) -> bool:
        """End the planted problem of ``kind`` (see :func:`aws.sandbox.planted.clear`)."""
        return self.seeded is not None and planted.clear(self.seeded.planted, kind)

    def stop(self) -> None:
        for context in self.contexts:
            context.simulator.stop()
        if self.simulator is not None:
            self.simulator.stop()
        if self._server is not None:
            self._server.stop()
            self._server = None


def spawn_sandbox(
    args: Sequence[str] = (),
    *,
    timeout: float = 120.0,
    env: dict[str, str] | None = None,
    stderr: IO[str] | None = None,
) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m aws.sandbox *args`` and return (process, url) once it printed its URL.

    The caller owns the process: ``proc.terminate(); proc.wait()``. stderr is inherited (so a
    crash during seeding is visible) unless ``stderr`` is given: ``--demo`` writes it to a file,
    since the sandbox's log lines would draw over the TUI. If the URL line does not come within
    ``timeout`` seconds the process is killed and RuntimeError raised.
    """
    full_env = dict(os.environ if env is None else env)
    full_env.setdefault("PYTHONUNBUFFERED", "1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "aws.sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=full_env,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    )
    line: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        line.append(proc.stdout.readline())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    url = line[0].strip() if line else ""
    if not url.startswith("http://"):
        proc.kill()
        proc.wait()
        raise RuntimeError(f"sandbox did not print its URL within {timeout:.0f}s (got {url!r})")
    # Keep draining stdout so the child never blocks on a full pipe.
    threading.Thread(target=_drain, args=(proc,), daemon=True).start()
    return proc, url


def _drain(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    for _ in proc.stdout:
        pass
