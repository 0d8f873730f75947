"""The app across contexts, on one multi-account sandbox (2 accounts x 2 regions) shared by the
module: every context opened at start, the clusters pane across them with ACCOUNT and REGION,
Enter into a cluster in its own context, `:ctx` narrowing the view, and a broken profile shown
in one line, fixed in the AWS config file and joined with Ctrl+R.

The profiles are those ``ecsdeck --demo --demo-accounts 2`` writes (``prod`` with the root keys,
``staging`` an assumed role), plus ``broken``: a ``source_profile`` that does not exist.
"""

from __future__ import annotations

import configparser
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from aws.sandbox.profiles import write_profiles
from aws.sandbox.server import spawn_sandbox
from tests.tui.conftest import wait_for
from tui.app import EcsDeckApp
from tui.config import Settings

REGIONS = ["us-east-1", "eu-west-1"]
ARGS = (
    "--seed", "7", "--no-simulate", "--accounts", "2", "--regions", ",".join(REGIONS),
    "--context-clusters", "2",
)  # fmt: skip

pytestmark = pytest.mark.xdist_group("sandbox_accounts")


@pytest.fixture(scope="module")
def accounts_url() -> Iterator[str]:
    proc: subprocess.Popen[str]
    proc, url = spawn_sandbox(ARGS, timeout=90)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def aws_files(accounts_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo's config and credentials files, the shell's AWS settings put aside; returns
    the config file (a test breaks or fixes a profile in it)."""
    written = write_profiles(accounts_url, 2, REGIONS[0], tmp_path)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(written.config_file))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(written.credentials_file))
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    return written.config_file


def set_profile(config_file: Path, name: str, **values: str) -> None:
    config = configparser.ConfigParser()
    config.read(config_file)
    config[f"profile {name}"] = values
    with config_file.open("w") as f:
        config.write(f)


def app_on(profiles: list[str], url: str) -> EcsDeckApp:
    return EcsDeckApp(Settings(profiles=profiles, regions=REGIONS, endpoint_url=url, refresh=1.0))


async def test_every_context_opens_at_start(aws_files: Path, accounts_url: str) -> None:
    app = app_on(["prod", "staging"], accounts_url)
    async with app.run_test(size=(140, 36)) as pilot:
        contexts = await wait_for(pilot, lambda: app.contexts)
        await wait_for(pilot, lambda: len(contexts.ready) == 4)
        assert {s.context.name for s in contexts.ready} == {
            f"{p}/{r}" for p in ("prod", "staging") for r in REGIONS
        }
        assert len({s.account for s in contexts.ready}) == 2
        assert app.clients is contexts.ready[0].clients
