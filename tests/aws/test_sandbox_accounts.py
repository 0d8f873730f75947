"""The sandbox serves several accounts and regions at once, reached as on AWS.

One moto server, ``--accounts 2 --regions us-east-1,eu-west-1``: the root keys work in the first
account; the second is reached through an assume-role profile of the AWS config ``--demo``
writes (``role_arn`` + ``source_profile``, ``endpoint_url`` in the profile), so botocore's own
credential chain calls STS and moto answers in the role's account. Each region has its own
clusters, and two spawns with the same seed list the same ARNs.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from aws.sandbox.server import spawn_sandbox
from tests.sandbox_fork import spawn
from tui import main as tui_main
from tui.config import Settings

ARGS = (
    "--seed", "7", "--no-simulate", "--accounts", "2", "--regions", "us-east-1,eu-west-1",
    "--context-clusters", "2",
)  # fmt: skip
REGIONS = ["us-east-1", "eu-west-1"]
CONFIG = Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=30)

pytestmark = pytest.mark.xdist_group("sandbox_accounts")


def _spawn_two() -> list[tuple[subprocess.Popen[str], str]]:
    """Two sandboxes of the same seed, started side by side (each seeds in its own process)."""
    out: list[Any] = [None, None]

    def run(i: int) -> None:
        # Both seed on their own: one a sandbox process, one the run's template for these
        # arguments (whose copies the contexts pilot tests use), seeded in its own process too.
        out[i] = spawn_sandbox(ARGS, timeout=90) if i == 0 else spawn(ARGS, timeout=90)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [found for found in out if found is not None]


@pytest.fixture(scope="module")
def sandboxes() -> Iterator[list[str]]:
    spawned = _spawn_two()
    try:
        assert len(spawned) == 2, "a sandbox did not start"
        yield [url for _, url in spawned]
    finally:
        for proc, _ in spawned:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def profiles(sandboxes: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """The profiles ``--demo --demo-accounts 2`` writes, the shell's AWS settings put aside."""
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.setenv(name, "/nonexistent")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(demo=True, demo_accounts=2, demo_regions=",".join(REGIONS))
    opened = tui_main.demo_profiles(settings, sandboxes[0], REGIONS)
    assert (opened.profile, opened.region) == ("prod", "us-east-1")
    # --demo opens every account x region as a context
    assert (opened.profiles, opened.regions) == (["prod", "staging"], REGIONS)
    return ("prod", "staging")


def _ecs(profile: str, region: str) -> Any:
    """An ECS client resolved by boto3 from the profile alone (keys, role, endpoint)."""
    return boto3.Session(profile_name=profile).client("ecs", region_name=region, config=CONFIG)


def _clusters(ecs: Any) -> list[str]:
    arns: list[str] = ecs.list_clusters()["clusterArns"]
    return sorted(arns)


def _account(arn: str) -> str:
    return arn.split(":")[4]


def test_root_profile_sees_the_first_account(profiles: tuple[str, ...]) -> None:
    arns = _clusters(_ecs(profiles[0], "us-east-1"))
    assert {_account(a) for a in arns} == {"123456789012"}
    assert any(a.endswith(":cluster/core-ec2") for a in arns)


def test_assume_role_profile_sees_the_second_account(profiles: tuple[str, ...]) -> None:
    session = boto3.Session(profile_name=profiles[1])
    who = session.client("sts", region_name="us-east-1", config=CONFIG).get_caller_identity()
    assert ":assumed-role/ecsdeck-sandbox/" in who["Arn"]
    ecs = _ecs(profiles[1], "us-east-1")
    arns = _clusters(ecs)
    assert arns and {_account(a) for a in arns} == {who["Account"]} != {"123456789012"}
    names = {a.rsplit("/", 1)[1] for a in arns}
    root_names = {a.rsplit("/", 1)[1] for a in _clusters(_ecs(profiles[0], "us-east-1"))}
    assert not names & root_names
    # Its services converged: the account is as live as the first one.
    described = ecs.describe_clusters(clusters=arns)["clusters"]
    assert all(c["activeServicesCount"] > 0 for c in described)
    assert sum(c["runningTasksCount"] for c in described) > 0


def test_each_region_has_its_own_clusters(profiles: tuple[str, ...]) -> None:
    for profile in profiles:
        east = _clusters(_ecs(profile, "us-east-1"))
        west = _clusters(_ecs(profile, "eu-west-1"))
        assert west and all(":eu-west-1:" in a for a in west)
        assert not set(east) & set(west)
        assert {_account(a) for a in west} == {_account(a) for a in east}


def test_problems_are_planted_in_some_contexts(profiles: tuple[str, ...]) -> None:
    ecs = _ecs(profiles[0], "eu-west-1")
    billing = ecs.describe_services(cluster="billing-prod", services=["invoice-api"])["services"]
    assert any(d.get("rolloutState") == "FAILED" for d in billing[0]["deployments"])


def _arns(url: str) -> dict[str, list[str]]:
    """Every cluster and service ARN of every context, listed with the given root keys and
    role credentials (the ids must not depend on the process that minted them)."""
    root = {"aws_access_key_id": "sandbox", "aws_secret_access_key": "sandbox"}
    sts = boto3.client("sts", endpoint_url=url, region_name="us-east-1", config=CONFIG, **root)
    keys = sts.assume_role(
        RoleArn="arn:aws:iam::234567900123:role/ecsdeck-sandbox", RoleSessionName="det"
    )["Credentials"]
    role = {
        "aws_access_key_id": keys["AccessKeyId"],
        "aws_secret_access_key": keys["SecretAccessKey"],
        "aws_session_token": keys["SessionToken"],
    }
    found: dict[str, list[str]] = {}
    for who, creds in (("root", root), ("role", role)):
        for region in REGIONS:
            ecs = boto3.client("ecs", endpoint_url=url, region_name=region, config=CONFIG, **creds)
            clusters = _clusters(ecs)
            found[f"{who}/{region}"] = clusters
            for cluster in clusters:
                services = ecs.list_services(cluster=cluster)["serviceArns"]
                tasks = ecs.list_tasks(cluster=cluster)["taskArns"]
                found[f"{who}/{region}/{cluster}"] = sorted(services) + sorted(tasks)
    return found


def test_ids_are_the_same_in_two_spawns(sandboxes: list[str]) -> None:
    first, second = (_arns(url) for url in sandboxes)
    assert len(first) > 4
    assert first == second
