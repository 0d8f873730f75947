"""aws.contexts: one client bundle per profile x region, each failing alone, in one line.

The profiles live in a temporary AWS config (``endpoint_url`` in each profile, as the demo will
write it): ``root`` has keys in account 123456789012, ``other`` assumes a role of account
111111111111 through it (moto ties the credentials to the role's account), ``broken`` names a
``source_profile`` that does not exist.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from botocore import exceptions as bx

from aws import ecs
from aws.context_errors import why_not
from aws.contexts import Context, Contexts, ContextState, known_regions, plan
from aws.session import SessionSettings

FAST = SessionSettings(retry_mode="standard", max_attempts=1, read_timeout=30.0)


def write_profiles(path: Path, url: str, *, broken_source: str = "nowhere") -> None:
    path.write_text(
        f"[profile root]\nregion = us-east-1\nendpoint_url = {url}\n"
        "aws_access_key_id = testing\naws_secret_access_key = testing\n"
        "[profile other]\nrole_arn = arn:aws:iam::111111111111:role/oncall\n"
        f"source_profile = root\nregion = eu-west-1\nendpoint_url = {url}\n"
        "[profile broken]\nrole_arn = arn:aws:iam::222222222222:role/oncall\n"
        f"source_profile = {broken_source}\nendpoint_url = {url}\n"
    )


@pytest.fixture
def profiles(moto_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    write_profiles(config, moto_url)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    return config


async def test_a_broken_profile_is_one_line_while_the_others_open(profiles: Path) -> None:
    wanted, refused = await plan(["root", "other", "broken"], ["us-east-1", "eu-west-1"], FAST)
    async with Contexts(wanted, FAST, failed=refused) as contexts:
        ready = {s.context.name: s.account for s in contexts.ready}
        failed = {s.context.name: s.error or "" for s in contexts.failed}
        assert all(s.clients is not None for s in contexts.ready)
    assert ready == {
        "root/us-east-1": "123456789012",
        "root/eu-west-1": "123456789012",
        "other/us-east-1": "111111111111",
        "other/eu-west-1": "111111111111",
    }
    assert set(failed) == {"broken/us-east-1", "broken/eu-west-1"}
    line = failed["broken/eu-west-1"]
    assert line.startswith("broken in eu-west-1: ") and "\n" not in line
    assert 'source_profile "nowhere"' in line and "fix source_profile in [broken]" in line


async def test_each_context_has_its_own_bundle_and_counter(profiles: Path) -> None:
    wanted, _ = await plan(["root"], ["us-east-1", "eu-west-1"], FAST)
    async with Contexts(wanted, FAST) as contexts:
        east, west = contexts.ready
        await ecs.read_clusters(east.clients)  # type: ignore[arg-type]
        assert east.clients is not west.clients
        assert east.clients and west.clients
        assert east.clients.region == "us-east-1" and west.clients.region == "eu-west-1"
        assert east.clients.calls.total["ecs.ListClusters"] == 1
        assert west.clients.calls.total["ecs.ListClusters"] == 0


async def test_reload_opens_a_fixed_profile_without_touching_the_ready_ones(
    profiles: Path, moto_url: str
) -> None:
    wanted, _ = await plan(["root", "broken"], ["us-east-1"], FAST)
    async with Contexts(wanted, FAST) as contexts:
        root = contexts.ready[0].clients
        assert [s.context.name for s in contexts.failed] == ["broken/us-east-1"]
        write_profiles(profiles, moto_url, broken_source="root")
        await contexts.reload()
        assert not contexts.failed
        assert contexts.ready[0].clients is root
        assert {s.account for s in contexts.ready} == {"123456789012", "222222222222"}


async def test_an_unknown_region_is_named_with_the_closest(profiles: Path) -> None:
    wanted, refused = await plan(["root"], ["eu-wset-1", "us-east-1"], FAST)
    assert wanted == [Context("root", "us-east-1")]
    assert [s.error for s in refused] == [
        "root in eu-wset-1: unknown region 'eu-wset-1': did you mean 'eu-west-1'?"
    ]


async def test_regions_star_is_every_enabled_ecs_region_per_profile(profiles: Path) -> None:
    """moto has no account:ListRegions: the EC2 DescribeRegions fallback answers."""
    wanted, refused = await plan(["root", "other"], "*", FAST)
    assert not refused
    regions = {p: {c.region for c in wanted if c.profile == p} for p in ("root", "other")}
    assert regions["root"] == regions["other"]
    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= regions["root"]
    assert regions["root"] <= set(known_regions())


async def test_no_region_given_uses_each_profiles_own(
    profiles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_REGION")  # it would win over the profiles' own, as in the AWS chain
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    wanted, refused = await plan(["root", "other", "broken"], None, FAST)
    assert [c.name for c in wanted] == ["root/us-east-1", "other/eu-west-1"]
    assert [s.error for s in refused] == [
        "broken in ?: no region given: pass --regions or set region in the profile"
    ]


async def _hang_but_sts(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """An endpoint that answers STS GetCallerIdentity and never answers anything else."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (
            int(ln.split(b":")[1])
            for ln in head.split(b"\r\n")
            if ln.lower().startswith(b"content-length")
        ),
        0,
    )
    body = await reader.readexactly(length)
    if b"GetCallerIdentity" not in body:
        await asyncio.sleep(3600)
    xml = (
        b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::333333333333:"
        b"user/slow</Arn><UserId>X</UserId><Account>333333333333</Account>"
        b"</GetCallerIdentityResult></GetCallerIdentityResponse>"
    )
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(xml)
    )
    writer.write(xml)
    await writer.drain()
    writer.close()


async def test_a_hanging_context_never_delays_the_others(moto_url: str) -> None:
    server = await asyncio.start_server(_hang_but_sts, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    good = [Context(None, region, moto_url) for region in ("us-east-1", "eu-west-1")]
    slow = Context(None, "us-west-2", f"http://127.0.0.1:{port}")
    async with server, Contexts([slow, *good], FAST) as contexts:
        assert {s.account for s in contexts.ready} == {"123456789012", "333333333333"}
        start = time.monotonic()
        arrived: dict[str, float] = {}
        errors: dict[str, str | None] = {}

        async def clusters(state: ContextState) -> int:
            assert state.clients is not None
            return len(await ecs.read_clusters(state.clients))

        async for outcome in contexts.each(clusters, timeout=4.0):
            arrived[outcome.state.context.name] = time.monotonic() - start
            errors[outcome.state.context.name] = outcome.error
    assert list(arrived)[-1] == "default/us-west-2"
    # Neither good one waited for the hung one's 4 s (each takes well under a second; the
    # margin is for a loaded CI machine).
    assert arrived["default/us-east-1"] < 4.0 and arrived["default/eu-west-1"] < 4.0
    assert arrived["default/us-west-2"] >= 4.0
    assert errors["default/us-west-2"] == (
        "default in us-west-2: no answer within 4 s (the others go on; Ctrl+R tries again)"
    )
    assert errors["default/us-east-1"] is None


async def _hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(3600)


async def test_a_context_that_does_not_open_in_time_fails_alone(moto_url: str) -> None:
    server = await asyncio.start_server(_hang, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    hung = Context(None, "us-west-2", f"http://127.0.0.1:{port}")
    good = Context(None, "us-east-1", moto_url)
    start = time.monotonic()
    # 5 s: opening a context makes a dozen botocore clients, over 2 s of CPU on a loaded CI
    # worker, and the good one must open within the limit too.
    async with server, Contexts([hung, good], FAST, open_timeout=5.0) as contexts:
        assert [s.context for s in contexts.ready] == [good]
        assert [s.error for s in contexts.failed] == [
            "default in us-west-2: no answer within 5 s (the others go on; Ctrl+R tries again)"
        ]
    assert time.monotonic() - start < 10.0


def _client_error(code: str, operation: str) -> bx.ClientError:
    return bx.ClientError({"Error": {"Code": code, "Message": "m"}}, operation)


def test_each_failure_is_said_with_its_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile prod]\nrole_arn = arn:aws:iam::1:role/ecsdeck\nsource_profile = x\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    expired = bx.TokenRetrievalError(provider="sso", error_msg="expired")
    assert why_not("prod", "us-east-1", expired) == (
        "prod in us-east-1: the SSO session has expired: run aws sso login --profile prod"
    )
    denied = why_not("prod", "eu-west-1", _client_error("AccessDenied", "AssumeRole"))
    assert denied == (
        "prod in eu-west-1: AccessDenied on AssumeRole: the source identity needs sts:AssumeRole "
        "on arn:aws:iam::1:role/ecsdeck, and the role's trust policy must allow it"
    )
    off = why_not("prod", "af-south-1", _client_error("InvalidClientTokenId", "GetCallerIdentity"))
    assert off.startswith("prod in af-south-1: InvalidClientTokenId: the region is not enabled")
    missing = why_not("gone", "us-east-1", bx.ProfileNotFound(profile="gone"))
    assert (
        missing
        == "gone in us-east-1: no profile 'gone' in the AWS config (aws configure list-profiles)"
    )
