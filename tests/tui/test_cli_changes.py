"""``ecsdeck changes``: the real command as a subprocess against a sandbox of its own.

A change made by another client shows with who made it; exit 0 when read, 2 with one line on
stderr for a bad ``--since``, an unknown service, and a dead endpoint; without CloudTrail the
ECS part still prints and the note says what is missing.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from tests.conftest import _spawn_sandbox
from tests.tui.test_cli_problems import ecsdeck
from tui.cli_changes import hours_of
from tui.cli_problems import Refused

CLUSTER, SERVICE = "core-ec2", "email-worker"


@pytest.fixture(scope="module")
def trail_sandbox() -> Iterator[str]:
    """Its own frozen sandbox: the tests write to it and switch its CloudTrail off."""
    yield from _spawn_sandbox("--seed", "11", "--no-simulate")


def _update_as(url: str, who: str, **change: object) -> None:
    ecs = boto3.client(  # type: ignore[call-overload]
        "ecs",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=who,
        aws_secret_access_key="x",
    )
    ecs.update_service(cluster=CLUSTER, service=SERVICE, **change)


def test_since_is_read_in_units_and_a_bad_one_is_refused() -> None:
    assert hours_of("90m") == 1.5
    assert hours_of("2d") == 48
    assert hours_of("30s") == pytest.approx(30 / 3600)
    for bad in ("1y", "h", "-1h", "0m", "soon"):
        with pytest.raises(Refused, match="--since"):
            hours_of(bad)


def test_a_change_by_another_client_shows_with_who(trail_sandbox: str) -> None:
    _update_as(trail_sandbox, "bob", desiredCount=2)
    done = ecsdeck(
        "changes",
        "--json",
        "--since",
        "30m",
        "--cluster",
        CLUSTER,
        "--service",
        SERVICE,
        "--endpoint-url",
        trail_sandbox,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    calls = [r for r in rows if r["kind"] in ("call", "scale") and r["who"]]
    assert any(r["who"].endswith("/bob") for r in calls), rows
    ats = [datetime.fromisoformat(r["at"]) for r in rows]
    assert ats == sorted(ats, reverse=True)  # newest first
    assert all(at > datetime.now(UTC) - timedelta(minutes=31) for at in ats)
    plain = ecsdeck(
        "changes", "--cluster", CLUSTER, "--service", SERVICE, "--endpoint-url", trail_sandbox
    )
    assert plain.returncode == 0 and "bob" in plain.stdout


def test_bad_input_and_a_dead_endpoint_exit_2_with_one_line(trail_sandbox: str) -> None:
    cases = [
        ("--since", "1y", "--endpoint-url", trail_sandbox),
        ("--cluster", CLUSTER, "--service", "email-wroker", "--endpoint-url", trail_sandbox),
        ("--service", SERVICE, "--endpoint-url", trail_sandbox),
        ("--endpoint-url", "http://127.0.0.1:9"),
    ]
    for args in cases:
        done = ecsdeck("changes", *args, ECSDECK_MAX_ATTEMPTS="2")
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    typo = ecsdeck(
        "changes",
        "--cluster",
        CLUSTER,
        "--service",
        "email-wroker",
        "--endpoint-url",
        trail_sandbox,
    )
    assert "did you mean 'email-worker'" in typo.stderr


def test_without_cloudtrail_the_ecs_part_prints_and_the_note_says_so(trail_sandbox: str) -> None:
    request = urllib.request.Request(
        f"{trail_sandbox}/ecsdeck/fault?kind=deny-cloudtrail", method="POST"
    )
    urllib.request.urlopen(request, timeout=10).read()
    _update_as(trail_sandbox, "carol", forceNewDeployment=True)  # a deployment ECS records
    done = ecsdeck(
        "changes",
        "--json",
        "--cluster",
        CLUSTER,
        "--service",
        SERVICE,
        "--endpoint-url",
        trail_sandbox,
    )
    assert done.returncode == 0, done.stderr
    assert "cloudtrail:LookupEvents" in done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert any(r["kind"] == "deployment" for r in rows), rows
    assert not any(r["who"] and r["who"].endswith("/carol") for r in rows)
