"""aws.secrets: one masking rule for the JSON view, diffs, the confirmation and the audit log."""

from __future__ import annotations

import copy
import json
from typing import Any

from aws import secrets, taskdef
from aws.secrets import CHANGED, REDACTED

ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"


def body() -> dict[str, Any]:
    return {
        "family": "web",
        "containerDefinitions": [
            {
                "name": "app",
                "image": "private.example/app:1",
                "memory": 256,
                "environment": [
                    {"name": "DB_PASSWORD", "value": "hunter2"},
                    {"name": "api_key", "value": "k-123"},
                    {"name": "GITHUB_TOKEN", "value": "ghp_x"},
                    {"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalr"},
                    {"name": "LOG_LEVEL", "value": "info"},
                    {"name": "DATABASE_URL", "value": "postgres://app:pw0rd@db:5432/app"},
                ],
                "secrets": [{"name": "DB", "valueFrom": ARN}],
                "repositoryCredentials": {"credentialsParameter": ARN + "2"},
                "logConfiguration": {
                    "logDriver": "splunk",
                    "secretOptions": [{"name": "splunk-token", "valueFrom": ARN + "3"}],
                },
            }
        ],
    }


SECRET_TEXT = ("hunter2", "k-123", "ghp_x", "wJalr", "pw0rd", ARN)


def test_mask_hides_secret_looking_values_and_arns() -> None:
    raw = body()
    before = copy.deepcopy(raw)
    masked = secrets.mask(raw)
    text = json.dumps(masked)
    for secret in SECRET_TEXT:
        assert secret not in text
    env = {e["name"]: e["value"] for e in masked["containerDefinitions"][0]["environment"]}
    assert env["LOG_LEVEL"] == "info"  # not secret-looking: shown
    assert env["DATABASE_URL"] == f"postgres://app:{REDACTED}@db:5432/app"
    assert env["DB_PASSWORD"] == REDACTED
    assert raw == before  # input untouched
    everything = secrets.mask(raw, all_environment=True)
    assert "info" not in json.dumps(everything)  # the audit log hides every value


def test_unmask_restores_what_the_user_left_and_keeps_what_they_typed() -> None:
    raw = body()
    edited = secrets.mask(raw)
    env = edited["containerDefinitions"][0]["environment"]
    env[1]["value"] = "typed-new-key"  # the user replaced one secret
    env.reverse()  # and reordered the list: matched by name, not position
    edited["containerDefinitions"][0]["image"] = "private.example/app:2"
    back = secrets.unmask(edited, raw)
    env = {e["name"]: e["value"] for e in back["containerDefinitions"][0]["environment"]}
    assert env["DB_PASSWORD"] == "hunter2" and env["api_key"] == "typed-new-key"
    assert env["DATABASE_URL"] == "postgres://app:pw0rd@db:5432/app"
    assert back["containerDefinitions"][0]["secrets"][0]["valueFrom"] == ARN
    assert back["containerDefinitions"][0]["image"] == "private.example/app:2"
    assert secrets.leftover(back) == []
    # a URL edited around its hidden password keeps the password
    edited = secrets.mask(raw)
    url = edited["containerDefinitions"][0]["environment"][5]
    url["value"] = url["value"].replace("@db:5432", "@db2:6432")
    back = secrets.unmask(edited, raw)
    assert back["containerDefinitions"][0]["environment"][5]["value"] == (
        "postgres://app:pw0rd@db2:6432/app"
    )
    # a placeholder copied to a variable that has no real value is found
    back["containerDefinitions"][0]["environment"].append({"name": "NEW_TOKEN", "value": REDACTED})
    assert secrets.leftover(back) == ["containerDefinitions[0].environment[6].value"]


def test_diffs_are_masked_and_say_when_a_hidden_value_changed() -> None:
    old = body()
    new = copy.deepcopy(old)
    new["containerDefinitions"][0]["environment"][0]["value"] = "hunter3"
    text = taskdef.diff(old, new)
    assert "hunter" not in text
    assert f'+          "value": "{CHANGED}"' in text
    for secret in SECRET_TEXT:
        assert secret not in text
    assert "hunter3" in taskdef.diff(old, new, reveal=True)
    assert taskdef.diff(old, old) == ""


def test_audit_log_masks_secrets_arns_too(tmp_path) -> None:
    from aws.audit import AuditLog

    log = AuditLog(tmp_path / "audit.jsonl")
    log.record(
        identity=None,
        region="us-east-1",
        cluster=None,
        service=None,
        call="RegisterTaskDefinition",
        params=body(),
        result="ok",
        error=None,
        response_summary=None,
    )
    text = log.path.read_text()
    for secret in (*SECRET_TEXT, "info"):
        assert secret not in text
