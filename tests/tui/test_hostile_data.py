"""Hostile and unexpected data from AWS: every text field of every row renderer, and documents
from newer ECS features, go through the converters and renderers without a crash, and what
reaches the terminal holds no escape or control characters and shows markup literally.

Property-based (hypothesis): strings mix Rich markup, ANSI/OSC escapes, C0/C1 controls, bidi
overrides, wide and right-to-left characters, and 10 KB runs.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from aws.ecs_convert import cluster_from_dict, service_from_dict, task_from_dict
from aws.elb import join_target
from tui.rows.clusters import cluster_row
from tui.rows.service import summary, target_row
from tui.rows.services import service_row
from tui.rows.tasks import task_row
from tui.text import clean
from tui.widgets.live_table import Row

NASTY = [
    "[bold red]markup[/]",
    "[link=http://evil]x[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;http://evil\x07link\x1b]8;;\x07",  # OSC 8 hyperlink
    "\x1b]0;title\x07",  # OSC set title
    "\x9b2J",  # C1 CSI
    "\x00\x07\x08\r\n\t\x7f",
    "\u202eevil\u202c",  # right-to-left override
    "\u2066iso\u2069",
    "\u2028line\u2029",
    "مرحبا بالعالم",
    "שלום",
    "日本語のサービス",
    "🚀👩‍💻🇯🇵",
    "e\u0301\u0301\u0301",
    "\ufeff\u200b\u200d",
]

#: No C0/C1 control character, no DEL, no bidi or line-separator format character.
FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)

hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.lists(st.sampled_from(NASTY) | st.text(max_size=8), max_size=6).map("".join),
    st.sampled_from(NASTY).map(lambda s: s * (10_240 // len(s) + 1)),  # ~10 KB
)


def rendered(row: Row) -> str:
    """What the terminal would get for the row's cells (no colour codes of Rich's own)."""
    out = io.StringIO()
    console = Console(
        file=out, width=400, color_system=None, force_terminal=False, legacy_windows=False
    )
    for cell in row.cells:
        assert isinstance(cell, Text), "every cell is a Text: never parsed as markup"
        console.print(cell, no_wrap=True, overflow="ellipsis", crop=True)
    return out.getvalue()


def check(row: Row, *values: str) -> None:
    text = rendered(row)
    assert "\x1b" not in text
    for line in text.splitlines():
        assert not FORBIDDEN.search(line), repr(line)
    for cell in row.cells:
        assert not FORBIDDEN.search(cell.plain.replace("\n", "")), repr(cell.plain)
    plain = "\n".join(c.plain for c in row.cells)
    for v in values:
        # markup shows literally: a short value's cleaned text is in the cells as is
        shown = clean(v, 10_000)
        if "[" in shown and len(shown) < 30:
            assert shown in plain, (shown, plain)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(name=hostile, status=hostile, provider=hostile)
def test_cluster_rows(name: str, status: str, provider: str) -> None:
    assert "[bold red]markup[/]" in rendered(
        cluster_row(cluster_from_dict({"clusterName": NASTY[0]}))
    )
    doc = {
        "clusterArn": f"arn:aws:ecs:us-east-1:1:cluster/{name}",
        "clusterName": name,
        "status": status,
        "capacityProviders": [provider, "FARGATE"],
        "activeServicesCount": 3,
    }
    check(cluster_row(cluster_from_dict(doc)), name)


def _service_doc(text: str, other: str) -> dict[str, Any]:
    return {
        "serviceArn": f"arn:aws:ecs:us-east-1:1:service/c/{text}",
        "serviceName": text,
        "clusterArn": "arn:aws:ecs:us-east-1:1:cluster/c",
        "status": other,
        "desiredCount": 2,
        "runningCount": 1,
        "taskDefinition": f"arn:aws:ecs:us-east-1:1:task-definition/{text}:3",
        "launchType": other,
        "deployments": [
            {
                "id": other,
                "status": other,
                "taskDefinition": text,
                "rolloutState": other,
                "rolloutStateReason": text,
                "launchType": other,
            },
            {"id": "d2", "status": "PRIMARY", "rolloutState": other, "taskDefinition": other},
        ],
        "events": [{"id": "e", "createdAt": datetime(2026, 1, 1, tzinfo=UTC), "message": text}],
        "loadBalancers": [{"targetGroupArn": f"arn:tg/{text}/1", "containerName": other}],
        "tags": [{"key": text, "value": other}],
    }


@SETTINGS
@given(text=hostile, other=hostile)
def test_service_rows_and_summary(text: str, other: str) -> None:
    service = service_from_dict(_service_doc(text, other))
    check(service_row(service, {"healthy": 1, other: 2}), text)
    summary_text = summary(service, unhealthy_targets=1)
    assert not FORBIDDEN.search(summary_text.plain.replace("\n", ""))


@SETTINGS
@given(text=hostile, other=hostile)
def test_task_and_target_rows(text: str, other: str) -> None:
    doc = {
        "taskArn": f"arn:aws:ecs:us-east-1:1:task/c/{text}",
        "clusterArn": "arn:aws:ecs:us-east-1:1:cluster/c",
        "taskDefinitionArn": f"arn:td/{other}:1",
        "lastStatus": other,
        "desiredStatus": text,
        "healthStatus": other,
        "stopCode": text,
        "stoppedReason": other,
        "launchType": other,
        "attachments": [
            {
                "type": "ElasticNetworkInterface",
                "details": [{"name": "privateIPv4Address", "value": text}],
            }
        ],
        "containers": [{"name": text, "lastStatus": other, "exitCode": 137, "reason": other}],
    }
    task = task_from_dict(doc)
    check(task_row(task), other)
    target = join_target(
        f"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/{text}/1",
        {
            "Target": {"Id": text, "Port": 80},
            "TargetHealth": {"State": other, "Reason": text, "Description": other},
        },
        [task],
    )
    check(target_row(target, {task.arn: task}), text)


# --- newer ECS features: unknown enums and fields are shown as they come ---------------------

NEW_SERVICE = {
    "serviceArn": "arn:aws:ecs:us-east-1:1:service/prod/web",
    "serviceName": "web",
    "clusterArn": "arn:aws:ecs:us-east-1:1:cluster/prod",
    "status": "ACTIVE",
    "desiredCount": 2,
    "runningCount": 2,
    "launchType": "MANAGED_INSTANCES",
    "capacityProviderStrategy": [{"capacityProvider": "mi-provider", "weight": 1}],
    "deploymentController": {"type": "ECS"},
    "deploymentConfiguration": {
        "strategy": "BLUE_GREEN",
        "bakeTimeInMinutes": 10,
        "lifecycleHooks": [{"hookTargetArn": "arn:aws:lambda:...:hook", "lifecycleStages": ["X"]}],
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "someFutureKnob": {"nested": [1, 2, 3]},
    },
    "deployments": [
        {
            "id": "ecs-svc/1",
            "status": "PRIMARY",
            "rolloutState": "BAKING",  # not a value ecsdeck knows
            "launchType": "MANAGED_INSTANCES",
            "capacityProviderStrategy": [{"capacityProvider": "mi-provider", "weight": 1}],
            "desiredCount": 2,
            "runningCount": 2,
            "newDeploymentField": "x",
        }
    ],
    "currentServiceDeployment": "arn:aws:ecs:us-east-1:1:service-deployment/prod/web/abc",
    "availabilityZoneRebalancing": "ENABLED",
    "vpcLatticeConfigurations": [{"roleArn": "r", "targetGroupArn": "t", "portName": "p"}],
    "events": [],
}


def test_new_launch_types_and_strategies_are_shown_as_they_come() -> None:
    service = service_from_dict(NEW_SERVICE)
    assert service.deployment_config is not None
    assert service.deployment_config.strategy == "BLUE_GREEN"
    assert service.compute == "mi-provider"
    assert service.rollout_state == "BAKING"
    row = service_row(service)
    plain = " ".join(c.plain for c in row.cells)
    assert "mi-provider" in plain and "BAKING" in plain
    text = summary(service).plain
    assert "BAKING" in text
    bare = service_from_dict({**NEW_SERVICE, "capacityProviderStrategy": [], "deployments": []})
    assert bare.compute == "MANAGED_INSTANCES"
    assert "MANAGED_INSTANCES" in " ".join(c.plain for c in service_row(bare).cells)


def test_unknown_task_states_and_launch_types() -> None:
    task = task_from_dict(
        {
            "taskArn": "arn:aws:ecs:us-east-1:1:task/prod/abc123",
            "lastStatus": "DEPROVISIONING_V2",
            "desiredStatus": "RUNNING",
            "healthStatus": "IMPAIRED",
            "launchType": "MANAGED_INSTANCES",
            "capacityProviderName": "mi-provider",
            "containers": [{"name": "app", "lastStatus": "WARMING", "healthStatus": "NEW"}],
            "ephemeralStorage": {"sizeInGiB": 21},
            "fargateEphemeralStorage": {"sizeInGiB": 21},
            "someNewField": [{"a": 1}],
        }
    )
    plain = " ".join(c.plain for c in task_row(task).cells)
    assert "DEPROVISIONING_V2" in plain and "IMPAIRED" in plain


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@SETTINGS
@given(key=st.sampled_from(sorted(NEW_SERVICE)), value=json_values)
def test_any_field_of_any_type_never_crashes_the_service_view(key: str, value: Any) -> None:
    service = service_from_dict({**NEW_SERVICE, key: value})
    rendered(service_row(service))
    summary(service)


TASK_KEYS = [
    "taskArn",
    "lastStatus",
    "healthStatus",
    "launchType",
    "containers",
    "attachments",
    "stoppedAt",
    "startedAt",
    "createdAt",
    "stopCode",
    "stoppedReason",
    "taskDefinitionArn",
]


@SETTINGS
@given(key=st.sampled_from(TASK_KEYS), value=json_values)
def test_any_field_of_any_type_never_crashes_the_task_view(key: str, value: Any) -> None:
    doc = {"taskArn": "arn:aws:ecs:us-east-1:1:task/c/abc", "lastStatus": "RUNNING", key: value}
    rendered(task_row(task_from_dict(doc)))


# --- the detail panes: task detail, its log lines, service events --------------------------


def printed(text: Text) -> str:
    out = io.StringIO()
    Console(file=out, width=200, color_system=None, force_terminal=False).print(text)
    return out.getvalue()


def no_controls(text: Text) -> None:
    for line in printed(text).splitlines():
        assert "\x1b" not in line and not FORBIDDEN.search(line), repr(line)


@SETTINGS
@given(text=hostile, other=hostile)
def test_task_detail_logs_and_events(text: str, other: str) -> None:
    from aws.log_models import LogEvent
    from tui.render.events import render_events
    from tui.render.task_detail import describe, render_logs

    task = task_from_dict(
        {
            "taskArn": f"arn:aws:ecs:us-east-1:1:task/c/{text}",
            "lastStatus": other,
            "desiredStatus": text,
            "healthStatus": other,
            "taskDefinitionArn": text,
            "startedBy": other,
            "availabilityZone": text,
            "stoppedReason": text,
            "containers": [
                {"name": text, "lastStatus": other, "image": text, "reason": other, "exitCode": 1}
            ],
        }
    )
    no_controls(describe(task))
    no_controls(render_logs({text: [LogEvent(timestamp=None, message=other, stream=text)]}))
    no_controls(render_events(service_from_dict(_service_doc(text, other))))
