"""Plant problems in a bare moto server, through its API where it has one and in-process where it
does not (moto never fails a rollout, stops a task out of memory or disconnects an agent).

The test moto server runs in the pytest process, so ``moto_patches.backends()`` is the very
backend it serves; edits happen between requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from aws.sandbox import moto_patches

REGION = "us-east-1"
AMI = "ami-03cf127a"  # one of moto's built-in images


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


@dataclass
class Account:
    url: str

    def __post_init__(self) -> None:
        kw: dict[str, Any] = {"endpoint_url": self.url, "region_name": REGION}
        self.ecs = boto3.client("ecs", **kw)
        self.ec2 = boto3.client("ec2", **kw)
        self.elbv2 = boto3.client("elbv2", **kw)
        self._td: str | None = None
        self._subnet: tuple[str, str, str] | None = None
        self._ips = 9

    @property
    def backend(self) -> Any:
        return moto_patches.backends()["ecs"]

    @property
    def td(self) -> str:
        if self._td is None:
            self._td = self.ecs.register_task_definition(
                family="web",
                containerDefinitions=[
                    {
                        "name": "app",
                        "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:7",
                        "memory": 16,
                    }
                ],
            )["taskDefinition"]["taskDefinitionArn"]
        return self._td

    @property
    def subnet(self) -> tuple[str, str, str]:
        """(vpc id, subnet id, security group id)."""
        if self._subnet is None:
            vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            sub = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
            sg = self.ec2.create_security_group(GroupName="tasks", Description="t", VpcId=vpc)
            self._subnet = (vpc, sub, sg["GroupId"])
        return self._subnet

    # ------------------------------------------------------------------- clusters and services

    def cluster(self, name: str) -> str:
        return str(self.ecs.create_cluster(clusterName=name)["cluster"]["clusterArn"])

    def service(
        self, cluster: str, name: str, desired: int = 2, *, running: int | None = None, **kw: Any
    ) -> Any:
        """A service whose counts are what ECS would report (moto starts every service at 0
        running); ``running`` below ``desired`` makes it short since the deployment's update."""
        self.ecs.create_service(
            cluster=cluster, serviceName=name, taskDefinition=self.td, desiredCount=desired, **kw
        )
        svc = self.backend._get_service(cluster, name)
        self.set_counts(svc, desired if running is None else running)
        return svc

    def set_counts(self, svc: Any, running: int, *, updated: datetime | None = None) -> None:
        svc.running_count, svc.pending_count = running, 0
        for d in svc.deployments:
            d.update(runningCount=running, pendingCount=0, updatedAt=updated or d["updatedAt"])
            if running >= svc.desired_count:
                d.update(rolloutState="COMPLETED", rolloutStateReason="ECS deployment completed.")

    @staticmethod
    def event(svc: Any, message: str, when: datetime) -> None:
        n = len(svc.events)
        svc.events.insert(0, {"id": f"ev-{n}", "createdAt": when, "message": message})

    # ------------------------------------------------------------------- tasks

    def task(self, cluster: str, service: str) -> Any:
        """A running Fargate task of the service with an ENI address of its own (moto's awsvpc
        path fails on an ENI without a DNS name, so the attachment is written in-process)."""
        run = self.ecs.run_task(
            cluster=cluster,
            taskDefinition=self.td,
            launchType="FARGATE",
            group=f"service:{service}",
        )
        arn = run["tasks"][0]["taskArn"]
        task = self.backend.tasks[cluster][arn]
        task.last_status = "RUNNING"
        self._ips += 1
        task.attachments = [
            {
                "id": f"eni-attach-{self._ips}",
                "type": "ElasticNetworkInterface",
                "status": "ATTACHED",
                "details": [{"name": "privateIPv4Address", "value": f"10.0.1.{self._ips}"}],
            }
        ]
        return task

    def stopped(
        self,
        cluster: str,
        service: str,
        *,
        when: datetime,
        code: str,
        reason: str,
        exit_code: int | None = None,
        container_reason: str | None = None,
    ) -> Any:
        task = self.task(cluster, service)
        task.last_status = task.desired_status = "STOPPED"
        task.stop_code, task.stopped_reason = code, reason
        task.stopping_at = task.stopped_at = when
        container = task.containers[0]
        container.last_status = "STOPPED"
        container.exitCode = exit_code
        if container_reason:
            container.reason = container_reason
        return task

    # ------------------------------------------------------------------- load balancing

    def target_group(self, name: str, ips: list[str]) -> str:
        vpc = self.subnet[0]
        tg = self.elbv2.create_target_group(
            Name=name, Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        self.elbv2.register_targets(
            TargetGroupArn=tg, Targets=[{"Id": ip, "Port": 80} for ip in ips]
        )
        return str(tg)

    @staticmethod
    def private_ip(task: Any) -> str:
        for att in task.attachments:
            for d in att.get("details", []):
                if d.get("name") == "privateIPv4Address":
                    return str(d["value"])
        raise AssertionError("task has no ENI address")

    # ------------------------------------------------------------------- container instances

    def container_instance(self, cluster: str) -> Any:
        inst = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]
        doc = {
            "instanceId": inst["InstanceId"],
            "region": REGION,
            "availabilityZone": f"{REGION}a",
            "instanceType": "m5.large",
            "imageId": AMI,
        }
        arn = self.ecs.register_container_instance(
            cluster=cluster, instanceIdentityDocument=json.dumps(doc)
        )["containerInstance"]["containerInstanceArn"]
        return self.backend.container_instances[cluster][arn.rsplit("/", 1)[-1]]
