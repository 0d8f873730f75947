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
