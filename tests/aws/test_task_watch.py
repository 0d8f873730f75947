"""ServiceTasks: lists every refresh, describes only what can have changed (counted calls)."""

from __future__ import annotations

from aws.session import Clients
from aws.task_watch import ServiceTasks
from tests.aws.test_readers import boto, ec2_cluster, register_td


def ops(c: Clients) -> dict[str, int]:
    return {k.split(".", 1)[1]: v for k, v in c.calls.mark().items()}


async def test_second_refresh_describes_only_changes_and_screen(
    moto_url: str, clients: Clients
) -> None:
    ec2_cluster(moto_url, "ec2")
    e = boto(moto_url, "ecs")
    td = register_td(moto_url)
    e.create_service(cluster="ec2", serviceName="web", taskDefinition=td, desiredCount=3)
    mine = [
        t["taskArn"]
        for t in e.run_task(
            cluster="ec2", taskDefinition=td, count=3, launchType="EC2", group="service:web"
        )["tasks"]
    ]
    e.run_task(cluster="ec2", taskDefinition=td, count=2, launchType="EC2", group="service:api")
    watch = ServiceTasks("ec2", "web")

    clients.calls.mark()
    first = await watch.refresh(clients)
    assert {t.arn for t in first} == set(mine)
    assert ops(clients)["DescribeTasks"] == 1

    # nothing changed, nothing on screen: list only
    again = await watch.refresh(clients)
    assert {t.arn for t in again} == set(mine)
    assert "DescribeTasks" not in ops(clients)

    # a task stops: it is described once, then never again
    e.stop_task(cluster="ec2", task=mine[0], reason="OutOfMemoryError")
    after = await watch.refresh(clients)
    assert ops(clients)["DescribeTasks"] == 1
    assert after[-1].arn == mine[0] and after[-1].stopped_reason == "OutOfMemoryError"
    await watch.refresh(clients, on_screen=[mine[0]])  # stopped is final even on screen
    assert "DescribeTasks" not in ops(clients)

    # rows on screen are re-described every refresh
    await watch.refresh(clients, on_screen=[mine[1]])
    assert ops(clients)["DescribeTasks"] == 1
