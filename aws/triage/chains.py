"""Cause chains: follow a problem's ``why`` one or two links further, within a budget.

"Rollout failed: circuit breaker" is true and useless at 3 a.m.; the failed tasks say why they
did not start (an image pull), and ECR says why the pull failed (the tag was never pushed). Each
chain reads only what its problem points at: the deployment's own stopped tasks (already read by
the problems reader: a task's ``startedBy`` is its deployment's id, so this costs nothing), the
task definition (cached by ARN in ``Clients``: revisions never change), ECR DescribeImages on the
failing tag, DescribeTargetGroups for a failing target's health check, the failing task's awslogs
stream and the service's MEM% (:mod:`aws.triage.clues`).

A chain is read once and kept (``keep_for``) under a key that changes when its evidence does (a
deployment's id and number of failed tasks, a placement event's id), and new chains are started
within an allowance of their own, so a refresh costs no more when problems persist.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from aws import ecr, ecs, elb
from aws.errors import explain
from aws.models import Service, Task, TaskDefinition
from aws.paging import call
from aws.problem_models import CHAIN, Problem
from aws.session import Clients
from aws.triage.causes import StopCause, explaining_event, stop_cause
from aws.triage.clues import memory_before, task_log
from aws.triage.reads import Allowance, ClusterState
from aws.triage.roots import (
    access_words,
    chained,
    dominant_cause,
    failed_image,
    failed_tasks_words,
    health_check_words,
    image_words,
    log_words,
    memory_use_words,
    memory_words,
    placement_words,
    secret_words,
    startup_words,
)

if TYPE_CHECKING:
    from types_aiobotocore_ecr.type_defs import ImageIdentifierTypeDef

Job = Callable[[], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class _Link:
    text: str
    at: datetime


class Chains:
    """Per-problem chains, read on demand and cached by the evidence they follow."""

    def __init__(
        self,
        *,
        per_minute: float = 12.0,
        burst: int = 6,
        keep_for: timedelta = timedelta(minutes=10),
    ) -> None:
        self.keep_for = keep_for
        self._allowance = Allowance(per_minute, burst)
        self._links: dict[str, _Link] = {}

    async def deepen(
        self,
        c: Clients,
        problems: Sequence[Problem],
        clusters: Mapping[str, ClusterState],
        now: datetime,
    ) -> tuple[Problem, ...]:
        """``problems`` with each chain known so far appended to its ``why``; starts the chains
        that are due (newest problems first, as given), as many as the allowance grants."""
        plans = {p.key: plan for p in problems if (plan := self._plan(c, p, clusters))}
        keys = {key for key, _ in plans.values()}
        for stale in [k for k in self._links if k not in keys]:
            del self._links[stale]
        due = [(k, job) for k, job in plans.values() if self._due(k, now)]
        granted = self._allowance.take(len(due), now) if due else 0
        await asyncio.gather(*(self._run(k, job, now) for k, job in due[:granted]))
        out: list[Problem] = []
        for p in problems:
            link = self._links.get(plans[p.key][0]) if p.key in plans else None
            out.append(replace(p, why=chained(p.why, link.text)) if link and link.text else p)
        return tuple(out)

    def _due(self, key: str, now: datetime) -> bool:
        link = self._links.get(key)
        return link is None or now - link.at >= self.keep_for

    async def _run(self, key: str, job: Job, now: datetime) -> None:
        try:
            text = await job()
        except Exception as exc:  # a chain is extra evidence: its failure is said, not raised
            text = f"(could not follow further: {explain(exc)})"
        self._links[key] = _Link(text, now)

    # ----------------------------------------------------------------------- which chain

    def _plan(
        self, c: Clients, p: Problem, clusters: Mapping[str, ClusterState]
    ) -> tuple[str, Job] | None:
        st = clusters.get(p.cluster_arn)
        if st is None:
            return None
        service = st.services.get(p.service_arn) if p.service_arn else None
        parts = p.key.split("|")
        if p.kind == "rollout" and service is not None and parts[-1] == "failed":
            return self._rollout_plan(c, st, service, parts[-2])
        if p.kind == "targets" and service is not None and p.severity == "error":
            tg, culprit = parts[2], p.task_arn
            return f"tg|{tg}|{service.arn}|{culprit}", lambda: self._targets(
                c, tg, service, culprit
            )
        if p.kind == "stopped" and p.task_arn in st.stopped:
            task = st.stopped[p.task_arn]
            return f"task|{task.arn}", lambda: self._task_root(c, task, service)
        if p.kind in ("stuck", "short") and service is not None:
            hit = explaining_event(service)
            if hit is not None and hit[1].placement:
                event = hit[0]
                return f"place|{service.arn}|{event.id}", lambda: self._placement(
                    c, st, service, event.message
                )
        return None

    def _rollout_plan(
        self, c: Clients, st: ClusterState, service: Service, deployment_id: str
    ) -> tuple[str, Job] | None:
        deployment = next((d for d in service.deployments if d.id == deployment_id), None)
        if deployment is None:
            return None
        own = [t for t in st.stopped.values() if t.started_by == deployment_id]
        key = f"rollout|{deployment_id}|{len(own)}"
        return key, lambda: self._rollout(c, service, deployment.task_definition, own)

    # ----------------------------------------------------------------------- the chains

    async def _rollout(self, c: Clients, service: Service, taskdef: str, own: list[Task]) -> str:
        """The failed tasks' dominant stop cause and what it points at; with no task left
        (ECS lists stopped tasks for about an hour), the task definition's images in ECR."""
        found = dominant_cause(own)
        if found is None:
            td = await ecs.read_task_definition(c, taskdef)
            gone = "its failed tasks are gone (ECS lists stopped tasks for about an hour)"
            for name, image in td.container_images.items():
                step = await self._image(c, image)
                if " is not in " in step or "does not exist" in step:
                    return f"{gone}; container {name} image {image}: {step}"
            return gone
        cause, task, count = found
        first = failed_tasks_words(cause, count, len(own))
        return chained(first, await self._task_root(c, task, service, cause))

    async def _task_root(
        self, c: Clients, task: Task, service: Service | None, cause: StopCause | None = None
    ) -> str:
        """What a stopped task's cause points at: ECR for a failed pull, the secret or the role
        for a ResourceInitializationError, the memory settings for an OOM kill, the target
        group's health check for failed ELB health checks."""
        cause = cause or stop_cause(task)
        if cause is None:
            return ""
        if cause.what == "failed load balancer health checks" and service is not None:
            groups = [lb.target_group_arn for lb in service.load_balancers if lb.target_group_arn]
            return await self._health_check(c, groups[0], service, task) if groups else ""
        if cause.what not in ("image pull failed", "out of memory") and not cause.what.startswith(
            ("could not read secrets", "registry authentication", "task resources")
        ):
            return ""
        td = await self._taskdef(c, task)
        if cause.what == "out of memory":
            words = memory_words(task, td) if td else ""
            return chained(words, memory_use_words(await memory_before(c, task))) if words else ""
        role = td.raw.get("executionRoleArn") if td else None
        denied = access_words(cause.why, role if isinstance(role, str) else None)
        if denied:
            return denied
        if cause.what == "image pull failed":
            image = failed_image(task)
            return await self._image(c, image) if image else ""
        return secret_words(cause.why)

    async def _taskdef(self, c: Clients, task: Task) -> TaskDefinition | None:
        return (
            await ecs.read_task_definition(c, task.task_definition)
            if task.task_definition
            else None
        )

    async def _image(self, c: Clients, image: str) -> str:
        """DescribeImages on the tag or digest; when it is missing, every image of the
        repository for the newest tags. "" for an image outside this account-region's ECR."""
        registry, repo, ref = ecr.parse_image_uri(image)
        if repo is None or registry is None or (c.region and f".{c.region}." not in registry):
            return ""
        ref = ref or "latest"
        key: ImageIdentifierTypeDef = (
            {"imageDigest": ref} if ref.startswith("sha256:") else {"imageTag": ref}
        )
        account = registry.split(".", 1)[0]
        try:
            page = await call(
                c, c.ecr.describe_images, registryId=account, repositoryName=repo, imageIds=[key]
            )
            held = [ecr.image_from_dict(d, repo) for d in page.get("imageDetails", [])]
            return image_words(image, held)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code == "RepositoryNotFoundException":
                return image_words(image, None, missing_repo=True)
            if code != "ImageNotFoundException":
                raise
        return image_words(image, await ecr.list_images(c, repo))

    async def _targets(self, c: Clients, tg_arn: str, service: Service, task: str | None) -> str:
        """The health check beside the failing target's own task and its log (DescribeTasks:
        the reader's running tasks are its own, and the culprit is one task)."""
        found = await ecs.describe_tasks(c, service.cluster_arn, [task]) if task else []
        return await self._health_check(c, tg_arn, service, found[0] if found else None)

    async def _health_check(
        self, c: Clients, tg_arn: str, service: Service, task: Task | None = None
    ) -> str:
        """The target group's check and the grace period; with the task, whether its app was
        ready within the grace period and its last log lines."""
        groups = await elb.read_target_groups(c, [tg_arn])
        tg = groups[0] if groups else None
        grace = service.health_check_grace_period
        check = health_check_words(tg, grace) if tg else ""
        td = await self._taskdef(c, task) if task else None
        if task is None or td is None:
            return check
        lb = next((lb for lb in service.load_balancers if lb.target_group_arn == tg_arn), None)
        log = await task_log(c, task, td, lb.container_name if lb else None)
        if log is None:
            return check
        return CHAIN.join(s for s in (check, startup_words(log, grace, tg), log_words(log)) if s)

    async def _placement(self, c: Clients, st: ClusterState, service: Service, message: str) -> str:
        td = (
            await ecs.read_task_definition(c, service.task_definition)
            if service.task_definition
            else None
        )
        return placement_words(message, service, st.cluster, td, st.instances)
