"""A family's revision history against a moto server (with the sandbox's fidelity patches)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from aws import ecs, taskdef, taskdef_history
from aws.plan import ValidationError

REGION = "us-east-1"


def boto(url: str) -> Any:
    return boto3.client("ecs", endpoint_url=url, region_name=REGION)


def register(url: str, family: str, image: str, password: str = "s3cret") -> str:
    env = [{"name": "DB_PASSWORD", "value": password}, {"name": "MODE", "value": "x"}]
    td = boto(url).register_task_definition(
        family=family,
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": image, "memory": 128, "environment": env}],
    )
    return str(td["taskDefinition"]["taskDefinitionArn"])


async def test_revisions_newest_first_with_status_and_registration_time(moto_url, clients):
    before = datetime.now(UTC) - timedelta(seconds=5)
    arns = [register(moto_url, "hist", f"repo/hist:1.{i}") for i in range(3)]
    register(moto_url, "hist-other", "repo/other:1")  # a family with the same prefix
    boto(moto_url).deregister_task_definition(taskDefinition=arns[0])

    revisions = await taskdef_history.list_revisions(clients, "hist")
    assert [(r.revision, r.status) for r in revisions] == [
        (3, "ACTIVE"),
        (2, "ACTIVE"),
        (1, "INACTIVE"),
    ]
    td = await ecs.read_task_definition(clients, arns[2])
    stamp = taskdef_history.registered_at(td)
    assert stamp is not None and before < stamp <= datetime.now(UTC) + timedelta(seconds=5)
    assert taskdef_history.image_tags(td) == ["1.2"]
    assert taskdef_history.size(td) == "256 / 512"
    assert taskdef_history.previous(revisions, arns[2]) == revisions[1]
    assert taskdef_history.previous(revisions, arns[0]) is None
    gone = boto(moto_url).describe_task_definition(taskDefinition=arns[0])["taskDefinition"]
    assert gone["status"] == "INACTIVE" and gone["deregisteredAt"]


async def test_families_by_status_as_ecs_lists_them(moto_url, clients):
    keep = register(moto_url, "alive", "a:1")
    gone = register(moto_url, "dead", "d:1")
    boto(moto_url).deregister_task_definition(taskDefinition=gone)
    assert await ecs.list_task_definition_families(clients) == ["alive"]
    inactive = boto(moto_url).list_task_definition_families(status="INACTIVE")["families"]
    assert inactive == ["dead"]
    assert sorted(boto(moto_url).list_task_definition_families()["families"]) == ["alive", "dead"]
    assert keep


def test_diff_between_two_revisions_masks_secrets() -> None:
    old = {"family": "f", "revision": 1, "containerDefinitions": [_container("img:1", "a")]}
    new = {"family": "f", "revision": 3, "containerDefinitions": [_container("img:3", "b")]}
    text = taskdef.diff(old, new, labels=("f:1", "f:3"))
    assert text.startswith("--- f:1\n+++ f:3\n")
    assert '-      "image": "img:1"' in text and '+      "image": "img:3"' in text
    assert "<redacted: changed>" in text
    assert '"a"' not in text and '"b"' not in text


def _container(image: str, password: str) -> dict[str, Any]:
    env = [{"name": "DB_PASSWORD", "value": password}]
    return {"name": "app", "image": image, "memory": 64, "environment": env}


@pytest.mark.parametrize(
    ("image", "tag"),
    [
        ("123.dkr.ecr.us-east-1.amazonaws.com/web:1.4.0", "1.4.0"),
        ("localhost:5000/web", "latest"),
        ("nginx", "latest"),
        ("web@sha256:" + "ab" * 32, "@sha256:abababababab"),
    ],
)
def test_image_tag(image: str, tag: str) -> None:
    assert taskdef_history.image_tag(image) == tag


async def test_deregister_refused_while_a_service_runs_the_revision(moto_url, clients):
    arn = register(moto_url, "used", "u:1")
    spare = register(moto_url, "used", "u:2")
    api = boto(moto_url)
    api.create_cluster(clusterName="c1")
    api.create_service(cluster="c1", serviceName="svc", taskDefinition=arn, desiredCount=0)
    users = await taskdef_history.services_in_family(clients, "used")
    assert [s.name for s in users] == ["svc"]
    revisions = {r.arn: r for r in await taskdef_history.list_revisions(clients, "used")}
    with pytest.raises(ValidationError, match=r"used:1 is in use by svc \(cluster c1\)"):
        taskdef_history.plan_deregister(revisions[arn], taskdef_history.users_of(users, arn))
    plan = taskdef_history.plan_deregister(revisions[spare], taskdef_history.users_of(users, spare))
    assert plan.calls[0].params == {"taskDefinition": spare}
    assert plan.calls[0].label() == "DeregisterTaskDefinition (used:2)"
    assert plan.summary == "used:2: ACTIVE -> INACTIVE"
