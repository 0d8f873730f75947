"""What leaves the screen (the clipboard) and what is shown of a secret: the same masking
(aws.secrets) in every view, readable, and the real values only after the user asked for them.
`y` shows a resource as AWS's Describe call returns it, not ecsdeck's model."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aws import taskdef
from aws.elb_models import Target
from aws.models import Deployment, TaskDefinition
from aws.plan import ApiCall, Plan
from aws.secrets import REDACTED
from tests.tui.conftest import notes, wait_for
from tests.tui.test_panes import open_service, table
from tui.json_text import readable_json
from tui.screens.json_view import JsonScreen

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")

URL = "postgres://app:s3cr3tpw@db:5432/app"
MASKED_URL = f"postgres://app:{REDACTED}@db:5432/app"
CONTAINERS = [
    {
        "name": "app",
        "image": "web:1.4.2",
        "environment": [
            {"name": "DB_PASSWORD", "value": "hunter2"},
            {"name": "DATABASE_URL", "value": URL},
            {"name": "GREETING", "value": "héllo • wörld"},
        ],
    }
]


def _register_plan() -> Plan:
    params = {"family": "web", "containerDefinitions": CONTAINERS}
    return Plan(
        title="Register web",
        cluster="default",
        service="web",
        summary="Register a revision of web",
        calls=(ApiCall("ecs", "RegisterTaskDefinition", params),),
    )


async def test_confirmation_copies_what_it_shows_and_secrets_only_after_ctrl_r(
    frozen_sandbox: str, make_app: Any
) -> None:
    from tui.screens.dialogs.confirm import ConfirmScreen

    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count > 0)
        app.push_screen(ConfirmScreen(_register_plan()))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard.startswith("aws ecs register-task-definition"))
        assert "hunter2" not in app.clipboard and "s3cr3tpw" not in app.clipboard
        assert MASKED_URL in app.clipboard and REDACTED in app.clipboard
        assert f"secrets as {REDACTED}" in notes(app)
        await pilot.press("ctrl+r")  # reveal: the dialog shows, and c then copies, real values
        await wait_for(pilot, lambda: app.screen.revealed)
        await pilot.press("c")
        await wait_for(pilot, lambda: "hunter2" in app.clipboard)
        assert URL in app.clipboard
        assert "with the real secret values" in notes(app)
        assert isinstance(app.screen, ConfirmScreen)  # neither key answers the dialog


def test_readable_json_shows_text_as_text_and_keeps_controls_inert() -> None:
    data = {"v": "héllo • wörld", "evil": "a\u202eb\x9bc\x1b[31m"}
    text = readable_json(data)
    assert "héllo • wörld" in text and "\\u2022" not in text
    for raw in ("\u202e", "\x9b", "\x1b"):
        assert raw not in text
    assert json.loads(text) == data  # escaped, still the same JSON


async def test_revision_json_masks_as_the_register_diff_does_readably(
    frozen_sandbox: str, make_app: Any, monkeypatch: Any
) -> None:
    """The same URL is `postgres://app:<redacted>@…` in the revision JSON and in the diff;
    no `\\u2022` escapes; u shows the real values."""
    from tui.screens import taskdefs as taskdefs_screen
    from tui.screens.taskdefs import RevisionsScreen

    raw: dict[str, object] = {
        "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
        "family": "web",
        "revision": 7,
        "containerDefinitions": CONTAINERS,
    }
    td = TaskDefinition(str(raw["taskDefinitionArn"]), "web", 7, None, (), None, None, raw)

    async def read(_clients: Any, _arn: str) -> TaskDefinition:
        return td

    monkeypatch.setattr(taskdefs_screen.ecs, "read_task_definition", read)
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count > 0)
        await app.push_screen(RevisionsScreen("web"))
        await wait_for(pilot, lambda: isinstance(app.screen, RevisionsScreen))
        await app.screen._show(td.arn)
        await wait_for(pilot, lambda: isinstance(app.screen, JsonScreen))
        shown = app.screen.text
        assert app.clipboard == shown
        assert f'"value": "{MASKED_URL}"' in shown
        assert f'"value": "{REDACTED}"' in shown and "hunter2" not in shown
        assert "héllo • wörld" in shown and "\\u" not in shown
        env = [
            {"name": "DB_PASSWORD", "value": "hunter2"},
            {"name": "DATABASE_URL", "value": URL.replace("@db:", "@old-db:")},
            {"name": "GREETING", "value": "hi"},
        ]
        older = {
            **raw,
            "revision": 6,
            "containerDefinitions": [{**CONTAINERS[0], "environment": env}],
        }
        diff = taskdef.diff(older, raw)
        assert f'+          "value": "{MASKED_URL}"' in diff  # the same masking as the diff
        assert '+          "value": "héllo • wörld"' in diff  # readable there too
        await pilot.press("u")
        await wait_for(pilot, lambda: "hunter2" in app.clipboard)
        assert URL in app.screen.text


async def test_y_shows_a_task_as_describe_tasks_returns_it(
    frozen_sandbox: str, make_app: Any
) -> None:
    app = make_app(frozen_sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_service(app, pilot, "web-fargate")
        await wait_for(pilot, lambda: app.screen.selected_task() is not None)
        task = app.screen.selected_task()
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonScreen))
        data = json.loads(app.clipboard)
        assert data["tasks"][0]["taskArn"] == task.arn
        assert data["tasks"][0]["lastStatus"] == task.last_status
        assert "failures" in data and "ResponseMetadata" not in data
        for internal in ("cluster_arn", "last_status", "private_ip"):
            assert internal not in app.clipboard
        assert app.screen.title_text.startswith("aws ecs describe-tasks --cluster ")


def test_describe_call_names_the_aws_request_of_each_resource() -> None:
    from aws.describe import describe_call
    from aws.models import ContainerInstance

    target = Target("arn:tg", "10.0.1.5", 8080, "healthy", None, None, None)
    assert describe_call(target) == ApiCall(
        "elbv2",
        "DescribeTargetHealth",
        {"TargetGroupArn": "arn:tg", "Targets": [{"Id": "10.0.1.5", "Port": 8080}]},
    )
    instance = ContainerInstance(
        "arn:aws:ecs:us-east-1:1:container-instance/core-ec2/abc", "i-1", "ACTIVE", True, 0, 0
    )
    call = describe_call(instance)
    assert call is not None and call.params["cluster"] == "core-ec2"
    deployment = Deployment(
        "ecs-svc/1", "PRIMARY", "td:1", 1, 1, 0, 0, None, None, None, (), None, None
    )
    assert describe_call(deployment) is None  # needs its service
    assert describe_call({"arn": "arn:aws:ecs:r:1:task-definition/web:7"}) == ApiCall(
        "ecs", "DescribeTaskDefinition", {"taskDefinition": "arn:aws:ecs:r:1:task-definition/web:7"}
    )
