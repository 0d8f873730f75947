"""What ECS would publish to CloudWatch, and a service that Application Auto Scaling watches.

ECS sends ``AWS/ECS`` ``CPUUtilization`` and ``MemoryUtilization`` (percent of the reservation,
dimensions ClusterName and ServiceName) once a minute for every service with running tasks.
moto stores PutMetricData and answers GetMetricData, but nothing publishes: the simulator calls
:meth:`Publisher.tick` every step and it writes one datapoint a service a minute, and
:meth:`Publisher.backfill` writes the last hour at startup, so a sparkline has a history at once.

Values are a slow wave plus noise per service, drawn from a ``random.Random`` seeded by the
service and the minute (never the world's generator: the weather replays the same for a seed).
``reporting-batch`` runs hot; ``checkout-web`` hovers around its target-tracking policy's 60 %.

:func:`seed_autoscaling` registers ``checkout-web``'s scalable target (2-6 tasks) and a
target-tracking policy on average CPU at 60 %, with a few past scaling activities.
"""

from __future__ import annotations

import math
import random
import threading
from datetime import datetime, timedelta
from typing import Any

from aws.sandbox import fidelity_metrics, ids, moto_patches
from aws.sandbox.clock import now
from aws.sandbox.specs import ACCOUNT, CLUSTERS, REGION

NAMESPACE = "AWS/ECS"
#: Service -> (CPU %, memory %) it hovers around; others get a level from their name.
LEVELS = {
    "reporting-batch": (93.0, 84.0),
    "checkout-web": (58.0, 47.0),
    "report-builder": (35.0, 92.0),  # the planted out-of-memory kill's service
}
HOT = "reporting-batch"

#: The demo service Application Auto Scaling watches, its range and its policy's target.
SCALED = ("web-fargate", "checkout-web")
SCALED_RANGE = (2, 6)
TARGET_CPU = 60.0
POLICY = "checkout-web-cpu60"
DIMENSION = "ecs:service:DesiredCount"


def _level(name: str) -> tuple[float, float]:
    if name in LEVELS:
        return LEVELS[name]
    h = sum(ord(ch) * (i + 1) for i, ch in enumerate(name))
    return 8.0 + h % 40, 22.0 + (h // 7) % 45


def sample(name: str, minute: int) -> tuple[float, float]:
    """CPU and memory use of service ``name`` in the minute ``minute`` (minutes since epoch)."""
    cpu, memory = _level(name)
    rng = random.Random(f"{name}:{minute}")
    phase = (sum(map(ord, name)) % 60) / 10
    wave = math.sin(minute / 9 + phase)
    spread = 4.0 if name == HOT else 10.0

    def clip(v: float) -> float:
        return round(min(max(v, 0.5), 100.0), 2)

    return (
        clip(cpu + spread * wave + rng.uniform(-3, 3)),
        clip(memory + 3 * math.sin(minute / 23 + phase) + rng.uniform(-1, 1)),
    )


def _backend() -> Any:
    from moto.cloudwatch.models import cloudwatch_backends

    return cloudwatch_backends[ACCOUNT][REGION]


#: Clusters whose services publish: the showcase ones. The bench and filler clusters stay
#: silent (their "-" is what a service without data looks like): moto scans every stored
#: datapoint for each query and period, so a hundred more services would slow every read.
PUBLISHING = tuple(c.name for c in CLUSTERS)


def _services(clusters: tuple[str, ...]) -> list[tuple[str, str]]:
    """(cluster, service) of the ACTIVE services with running tasks in ``clusters``."""
    ecs = moto_patches.backends()["ecs"]
    return sorted(
        (s.cluster_name, s.name)
        for s in ecs.services.values()
        if s.status == "ACTIVE" and s.cluster_name in clusters and int(s.running_count or 0) > 0
    )


class Publisher:
    """Publishes each service's datapoint once a minute (wall-clock minutes, whatever the tick).

    The simulator calls :meth:`tick` each step; a frozen account (no simulator thread) still has
    running tasks, and ECS still reports on them, so :meth:`start` runs a thread of its own.
    """

    def __init__(self, clusters: tuple[str, ...] = PUBLISHING) -> None:
        self.clusters = clusters
        self.last_minute: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, every: float = 5.0) -> None:
        def loop() -> None:
            while not self._stop.wait(every):
                with moto_patches.LOCK:
                    self.tick()

        self._stop.clear()
        self._thread = threading.Thread(target=loop, name="ecsdeck-metrics", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def backfill(self, minutes: int = 60) -> None:
        current = _minute(now())
        for minute in range(current - minutes, current + 1):
            self._publish(minute)
        self.last_minute = current

    def tick(self) -> None:
        current = _minute(now())
        if self.last_minute is None or current > self.last_minute:
            self._publish(current)
            self.last_minute = current

    def _publish(self, minute: int) -> None:
        # Stored as moto's own request parsing stores timestamps: naive UTC.
        at = datetime(1970, 1, 1) + timedelta(minutes=minute, seconds=30)
        backend = _backend()
        for cluster, name in _services(self.clusters):
            cpu, memory = sample(name, minute)
            dimensions = [
                {"Name": "ClusterName", "Value": cluster},
                {"Name": "ServiceName", "Value": name},
            ]
            backend.put_metric_data(
                NAMESPACE,
                [
                    {
                        "MetricName": metric,
                        "Dimensions": dimensions,
                        "Timestamp": at,
                        "Value": value,
                        "Unit": "Percent",
                    }
                    for metric, value in (("CPUUtilization", cpu), ("MemoryUtilization", memory))
                ],
            )


def _minute(at: datetime) -> int:
    return int(at.timestamp() // 60)


def seed_autoscaling(url: str) -> None:
    """The scalable target and target-tracking policy of the demo service, over HTTP as a user
    would set them up, plus the scaling activities Auto Scaling would have recorded."""
    import boto3

    client = boto3.client(
        "application-autoscaling",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )
    cluster, service = SCALED
    rid = f"service/{cluster}/{service}"
    low, high = SCALED_RANGE
    client.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=rid,
        ScalableDimension=DIMENSION,
        MinCapacity=low,
        MaxCapacity=high,
    )
    client.put_scaling_policy(
        PolicyName=POLICY,
        ServiceNamespace="ecs",
        ResourceId=rid,
        ScalableDimension=DIMENSION,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": TARGET_CPU,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
            },
            "ScaleOutCooldown": 60,
            "ScaleInCooldown": 300,
        },
    )
    history = ((180, 2, 3, "above"), (95, 3, 4, "above"), (40, 4, 3, "below"))
    for ago, old, new, side in history:
        record_activity(cluster, service, old, new, side, now() - timedelta(minutes=ago))


def record_activity(
    cluster: str, service: str, old: int, new: int, side: str, when: datetime
) -> None:
    """One successful target-tracking activity, worded as Application Auto Scaling words it."""
    alarm = (
        f"TargetTracking-service/{cluster}/{service}-Alarm{'High' if side == 'above' else 'Low'}"
    )
    fidelity_metrics.ACTIVITIES.append(
        {
            "ActivityId": ids.uuid_for(*ids.numbered("scaling-activity", cluster, service)),
            "ServiceNamespace": "ecs",
            "ResourceId": f"service/{cluster}/{service}",
            "ScalableDimension": DIMENSION,
            "Description": f"Setting desired count to {new}.",
            "Cause": f"monitor alarm {alarm} in state ALARM triggered policy {POLICY}",
            "StartTime": when.timestamp(),
            "EndTime": (when + timedelta(seconds=40)).timestamp(),
            "StatusCode": "Successful",
            "StatusMessage": f"Successfully set desired count to {new}. Change successfully "
            f"fulfilled by ecs.",
        }
    )
