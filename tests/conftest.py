"""Shared fixtures: a real moto server over HTTP on 127.0.0.1, one per test session.

An autouse fixture keeps the developer's own ~/.aws, AWS_PROFILE and ecsdeck config out of every
test, so a test can never touch a real account.

Property-based tests are derandomized by default, so `make test` (and CI) explores the same
examples every run and cannot fail on a draw no one has seen; `HYPOTHESIS_PROFILE=explore`
draws fresh examples each run, for hunting (that is how a cluster named "²" was found).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REGION = "us-east-1"


@pytest.fixture(autouse=True)
def _isolated_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("ECSDECK_STATE_DIR", str(state))
    monkeypatch.setenv("ECSDECK_CONFIG_DIR", str(state))
    monkeypatch.setenv("ECSDECK_CACHE_DIR", str(state / "cache"))
    monkeypatch.setenv("NO_COLOR", "")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)


#: Tests between two full collections of a worker's whole heap: bounds its growth (a few hundred
#: MB at most) without paying for the collection on every test.
COLLECT_EVERY = 12
_tests_started = 0


def _nothing() -> None:
    pass


@pytest.fixture(autouse=True)
def _collector_per_test(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """The app's collector policy (tui/heap.py) is made for one user's session: a pane that
    closes unfreezes and collects the whole heap. In a test worker the heap also holds every
    earlier test's leftovers (Textual's 1,024-entry cache of border strips holds closed widgets'
    render caches), so those collections were a quarter of a pilot test's CPU. Here each test starts
    by freezing what the earlier ones left (the collector then sees only this test's objects),
    pane closes do not sweep, and every COLLECT_EVERY tests the whole heap is collected once.
    tests/tui/test_heap.py tests the policy itself: its mark `heap_policy` keeps the app's."""
    global _tests_started
    if request.node.get_closest_marker("heap_policy"):
        yield
        return
    _tests_started += 1
    if _tests_started % COLLECT_EVERY == 0:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
    from tui import heap

    monkeypatch.setattr(heap, "release", _nothing)
    monkeypatch.setattr(heap, "sweep", _nothing)
    yield
    styles = sys.modules.get("textual._styles_cache")
    if styles is not None:  # what it pins is the closed app's widgets
        styles.StylesCache.get_inner_outer.cache_clear()


def _post(url: str, body: dict[str, object] | None = None) -> None:
    data = json.dumps(body or {}).encode()
    req = urllib.request.Request(url, data=data, method="POST")
    urllib.request.urlopen(req, timeout=10).read()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A bare moto server (no sandbox seeding) for aws/ reader and action tests, with the
    sandbox's fidelity patches: the product codes to AWS's contract, so its tests must see it."""
    import logging

    from moto.server import ThreadedMotoServer

    from aws.sandbox import fidelity

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    fidelity.apply()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # describe_tasks would otherwise walk tasks toward STOPPED one step per call.
    _post(
        f"{url}/moto-api/state-manager/set-transition",
        {"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1000000000}},
    )
    yield url
    server.stop()


@pytest.fixture
def moto_url(moto_server: str) -> str:
    """The bare moto server, reset before the test."""
    _post(f"{moto_server}/moto-api/reset")
    return moto_server


# --- The sandbox (aws/sandbox): a seeded account in its own process, shared per session. -------


_TEMPLATES_KEY = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Give the run (the controller and, by inheritance, its xdist workers) one directory of
    sandbox templates (tests/sandbox_fork.py), owned by the controller."""
    from tests import sandbox_fork

    if not os.environ.get(sandbox_fork.TEMPLATES_VARIABLE):
        os.environ[sandbox_fork.TEMPLATES_VARIABLE] = tempfile.mkdtemp(prefix="ecsdeck-t-")
        os.environ[sandbox_fork.OWNER_VARIABLE] = str(os.getpid())
        config.stash[_TEMPLATES_KEY] = os.environ[sandbox_fork.TEMPLATES_VARIABLE]


def pytest_unconfigure(config: pytest.Config) -> None:
    root = config.stash.get(_TEMPLATES_KEY, None)
    if root:  # the templates see their owner gone within a second and exit on their own
        shutil.rmtree(root, ignore_errors=True)


def _spawn_sandbox(*args: str) -> Iterator[str]:
    """A forked copy of a sandbox seeded once per run for these ``args`` (tests/sandbox_fork)."""
    from tests.sandbox_fork import spawn

    proc, url = spawn(list(args), timeout=120)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except Exception:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def sandbox_frozen() -> Iterator[str]:
    """`python -m aws.sandbox --seed 7 --no-simulate --services 300`: steady, read-only tests."""
    yield from _spawn_sandbox("--seed", "7", "--no-simulate", "--services", "300")


@pytest.fixture(scope="module")
def sandbox_live() -> Iterator[str]:
    """A simulated sandbox at 5 ticks a second, so a minute of life takes about 12 s."""
    yield from _spawn_sandbox("--seed", "11", "--tick", "0.2")


@pytest.fixture(scope="session")
def sandbox_problems() -> Iterator[str]:
    """`python -m aws.sandbox --clusters 40 --problems --no-simulate`: 40 clusters with exactly
    the planted problems (aws.sandbox.planted.EXPECTED) and nothing else wrong. Read-only:
    a test that clears a problem starts its own sandbox."""
    yield from _spawn_sandbox("--seed", "7", "--clusters", "40", "--problems", "--no-simulate")


# --- The app (tui/): shared by pilot and snapshot tests. ----------------------------------------


@pytest.fixture(scope="session")
def frozen_sandbox(sandbox_frozen: str) -> str:
    """The frozen seed-7 account the panes are tested against (one process for the session)."""
    return sandbox_frozen


#: A first problems read this late never happens within a test.
NEVER = 3600.0


@pytest.fixture
def no_problems_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the problems reader back, for tests that never look at problems (the clusters
    pane's PROBLEMS column, `!`): its first read describes every service of the account (300
    in the frozen one), the costliest part of a pilot test that only drills into one service."""
    import tui.screens.clusters

    monkeypatch.setattr(tui.screens.clusters, "FIRST_PROBLEMS_READ_AFTER", NEVER)


@pytest.fixture
def make_app() -> Any:
    """Build the app against an endpoint with a fast refresh; overrides go to Settings."""
    from tui.app import EcsDeckApp
    from tui.config import Settings

    def make(url: str, **overrides: Any) -> EcsDeckApp:
        # 1 s, not the 3 s default, so a test waiting on a tick waits little; not faster either:
        # at 0.3 s the panes' polling was most of the suite's CPU (it runs 4 workers on 2 cores).
        values: dict[str, Any] = {"refresh": 1.0, **overrides}
        settings = Settings(endpoint_url=url, region="us-east-1", **values)
        return EcsDeckApp(settings)

    return make


# --- xdist (`make test` runs `pytest -n auto --dist loadgroup`) --------------------------------


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep the tests of a module that has a module-scoped fixture (its own sandbox, a few
    seconds to seed) on one worker, so that fixture is set up once, not once per worker; every
    other test is dealt out one at a time. xdist starts the biggest groups first."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info is not None else ()
        if any(d and d[-1].scope == "module" for d in defs):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
