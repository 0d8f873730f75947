"""aws.audit: location, format, redaction."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from aws.audit import AuditLog, default_path


def test_default_path_layers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ECSDECK_STATE_DIR", str(tmp_path / "s"))
    assert default_path() == tmp_path / "s" / "audit.jsonl"
    monkeypatch.delenv("ECSDECK_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "x"))
    assert default_path() == tmp_path / "x" / "ecsdeck" / "audit.jsonl"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert default_path() == tmp_path / "h" / ".local" / "state" / "ecsdeck" / "audit.jsonl"


def test_record_and_read(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "deep" / "audit.jsonl")
    assert log.read() == []
    params = {
        "family": "web",
        "containerDefinitions": [{"name": "a", "environment": [{"name": "K", "value": "s3cret"}]}],
    }
    log.record(
        identity="arn:aws:iam::1:user/a",
        region="eu-west-1",
        cluster="prod",
        service=None,
        call="RegisterTaskDefinition",
        params=params,
        result="ok",
        error=None,
        response_summary={"taskDefinitionArn": "arn:td/web:2"},
    )
    log.record(
        identity=None,
        region="eu-west-1",
        cluster="prod",
        service="web",
        call="UpdateService",
        params={"desiredCount": 3},
        result="error",
        error="AccessDeniedException: no",
        response_summary=None,
    )
    with log.path.open("a") as f:
        f.write("{torn")
    first, second = log.read()
    assert first["call"] == "RegisterTaskDefinition" and first["result"] == "ok"
    assert first["params"]["containerDefinitions"][0]["environment"][0]["value"] == "<redacted>"
    assert params["containerDefinitions"][0]["environment"][0]["value"] == "s3cret"  # type: ignore[index]
    assert second["identity"] is None and second["error"] == "AccessDeniedException: no"
    assert first["time"].endswith("Z") and "T" in first["time"]
    assert "s3cret" not in log.path.read_text()
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    lines = log.path.read_text().splitlines()
    assert json.loads(lines[0])["region"] == "eu-west-1"


# --- intent before the call, result after (against a real moto server) ---------------------


def _register_plan() -> object:
    from aws.plan import ApiCall, Plan
    from tests.aws.test_actions import bridge_td

    call = ApiCall("ecs", "RegisterTaskDefinition", bridge_td())
    return Plan(title="Register", cluster="", service=None, calls=(call,), summary="")


async def test_intent_is_on_disk_before_the_call_and_completed_after(moto_url: str) -> None:
    from aws.execute import execute
    from tests.aws.test_actions import open_clients

    log = AuditLog()
    seen: list[list[dict[str, object]]] = []
    async with open_clients(moto_url) as c:
        real = c.ecs.register_task_definition

        async def spy(**params: object) -> object:
            seen.append([json.loads(line) for line in log.path.read_text().splitlines()])
            return await real(**params)

        c.ecs.register_task_definition = spy  # type: ignore[method-assign]
        outcome = await execute(c, _register_plan(), audit=log)  # type: ignore[arg-type]
    assert outcome.ok
    [[intent]] = seen  # what the file held while the request was in flight
    assert intent["result"] == "intent" and intent["call"] == "RegisterTaskDefinition"
    lines = [json.loads(line) for line in log.path.read_text().splitlines()]
    assert [line["result"] for line in lines] == ["intent", "ok"]
    assert lines[0]["id"] == lines[1]["id"]
    [entry] = log.read()  # merged: one entry per call
    assert entry["result"] == "ok" and entry["response"]["taskDefinitionArn"]


async def test_a_crash_mid_call_leaves_the_intent(moto_url: str) -> None:

    from aws.execute import execute
    from tests.aws.test_actions import open_clients

    log = AuditLog()
    async with open_clients(moto_url) as c:

        async def dies(**params: object) -> object:
            raise SystemExit(1)  # the process goes away mid-request

        c.ecs.register_task_definition = dies  # type: ignore[method-assign]
        with pytest.raises(SystemExit):
            await execute(c, _register_plan(), audit=log)  # type: ignore[arg-type]
    [entry] = log.read()
    assert entry["result"] == "intent" and entry["params"]["family"] == "web"


async def test_a_call_cancelled_mid_request_is_completed_as_abandoned(moto_url: str) -> None:
    import asyncio

    from aws.execute import execute
    from tests.aws.test_actions import open_clients

    log = AuditLog()
    async with open_clients(moto_url) as c:

        async def given_up(**params: object) -> object:
            raise asyncio.CancelledError  # the user gave up waiting for the answer

        c.ecs.register_task_definition = given_up  # type: ignore[method-assign]
        with pytest.raises(asyncio.CancelledError):
            await execute(c, _register_plan(), audit=log)  # type: ignore[arg-type]
    lines = [json.loads(line) for line in log.path.read_text().splitlines()]
    assert [line["result"] for line in lines] == ["intent", "abandoned"]
    [entry] = log.read()
    assert "may or may not have reached AWS" in entry["error"]
