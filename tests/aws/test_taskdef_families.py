"""Families as the :td pane lists them: one paged ListTaskDefinitions (ACTIVE) gives each
family's ACTIVE count and newest revision (moto server with the sandbox's paging)."""

from __future__ import annotations

from aws import taskdef_families
from aws.models import TaskDefinitionFamily
from tests.aws.test_taskdef_history import boto, register

ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/"


async def test_counts_and_newest_revision_from_one_paged_listing(moto_url, clients):
    web = [register(moto_url, "web", f"repo/web:{i}") for i in range(3)]
    register(moto_url, "web-worker", "repo/worker:1")  # "web" is a prefix of its name
    gone = register(moto_url, "retired", "repo/old:1")
    ecs = boto(moto_url)
    ecs.deregister_task_definition(taskDefinition=web[2])  # the newest: web:2 is the latest now
    ecs.deregister_task_definition(taskDefinition=gone)  # no ACTIVE revision: not listed
    for i in range(120):  # two pages of 100
        ecs.register_task_definition(
            family="batch", containerDefinitions=[{"name": "b", "image": f"b:{i}", "memory": 64}]
        )
    before = clients.calls.total["ecs.ListTaskDefinitions"]

    found = await taskdef_families.list_families(clients)

    assert found == [
        TaskDefinitionFamily("batch", f"{ARN}batch:120", 120, 120),
        TaskDefinitionFamily("web", web[1], 2, 2),
        TaskDefinitionFamily("web-worker", f"{ARN}web-worker:1", 1, 1),
    ]
    assert clients.calls.total["ecs.ListTaskDefinitions"] - before == 2  # ceil(124 / 100)
    assert clients.calls.total["ecs.DescribeTaskDefinition"] == 0


def test_a_revision_listed_twice_counts_once() -> None:
    arns = [f"{ARN}a:1", f"{ARN}a:10", f"{ARN}a:9", f"{ARN}a:10"]
    assert taskdef_families.families_of(arns) == [TaskDefinitionFamily("a", f"{ARN}a:10", 10, 3)]
