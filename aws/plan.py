"""The vocabulary of mutations: errors, ``ApiCall``, ``Plan`` and the small parsers they share.

A plan is a value: a title, a one-line summary and the ordered ``ApiCall``s, each of which can
render itself as the equivalent ``aws ...`` command line. Nothing is sent by building one: the
builders are in ``aws.actions`` and the executor in ``aws.execute``.

A call may carry the placeholder ``REGISTERED`` ("$TASK_DEF_ARN") as a parameter value: the
executor replaces it with the ARN returned by an earlier RegisterTaskDefinition in the same plan,
and the CLI lines read it from the shell variable of that name, which the earlier line sets.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore import xform_name

from aws.models import arn_tail

#: The shell variable the pasteable CLI lines keep that ARN in (see ``Plan.cli_lines``).
REGISTERED_VAR = "TASK_DEF_ARN"
#: Stands for "the ARN registered by an earlier step of this plan"; resolved by ``execute``.
#: Spelled as the shell variable so the JSON the dialog shows matches the CLI lines.
REGISTERED = f"${REGISTERED_VAR}"

#: ``parse_count`` never accepts more than this, even with explicit confirmation. It is 20x
#: ECS's default quota of 5,000 tasks per service: no real service needs more, and it stops a
#: slip of the finger (an extra zero or three) from reaching the API.
ABSOLUTE_MAX_COUNT = 100_000


# --- errors --------------------------------------------------------------------------------


class ActionError(Exception):
    """Base of every refusal or failure to plan; ``message`` is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ActionError):
    """Bad input. ``problems`` lists each one (at least one)."""

    def __init__(self, message: str, problems: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = list(problems) if problems else [message]


class ReadOnlyError(ActionError):
    """The session is read-only: nothing was sent."""


class BusyError(ActionError):
    """A mutation of the same service is already in flight: nothing was sent."""


# --- plans ---------------------------------------------------------------------------------


def _json_param(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=False, default=str)


@dataclass(frozen=True)
class ApiCall:
    """One API request: ``service`` ("ecs"/"elbv2"), PascalCase ``operation``, its params."""

    service: str
    operation: str
    params: dict[str, Any]

    def method(self) -> str:
        """The client method name, e.g. ``update_service``."""
        return str(xform_name(self.operation))

    def cli(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
    ) -> str:
        """The equivalent AWS CLI command line (shell-quoted; complex params as JSON).

        ``region``, ``profile`` and ``endpoint_url`` (when given) become ``--region``,
        ``--profile`` and ``--endpoint-url`` so the line does the same thing when pasted into
        another shell, whatever that shell's AWS_PROFILE / AWS_REGION say.
        """
        parts = ["aws", self.service, xform_name(self.operation, "-")]
        for key, value in self.params.items():
            flag = "--" + xform_name(key, "-")
            if isinstance(value, bool):
                parts.append(flag if value else "--no-" + flag[2:])
            elif isinstance(value, int | float):
                parts += [flag, str(value)]
            elif value == REGISTERED:
                parts += [flag, f'"${REGISTERED_VAR}"']  # set by an earlier line of the plan
            elif isinstance(value, str):
                parts += [flag, shlex.quote(value)]
            else:
                parts += [flag, shlex.quote(_json_param(value))]
        for flag, value in (
            ("--region", region),
            ("--profile", profile),
            ("--endpoint-url", endpoint_url),
        ):
            if value:
                parts += [flag, shlex.quote(value)]
        return " ".join(parts)

    def label(self) -> str:
        """Short human label: ``UpdateService (payments-api)``."""
        p = self.params
        what = (
            p.get("service")
            or (p.get("task") and arn_tail(str(p["task"])))
            or p.get("family")
            or p.get("cluster")
            or (p.get("taskDefinition") and td_label(str(p["taskDefinition"])))
        )
        return f"{self.operation} ({what})" if what else self.operation


@dataclass(frozen=True)
class Plan:
    """What a mutation will do, shown to the user before anything is sent."""

    title: str
    cluster: str
    service: str | None
    calls: tuple[ApiCall, ...]
    summary: str
    notes: tuple[str, ...] = ()
    #: Unified diff (task-definition changes), for a coloured view.
    diff: str | None = None
    #: What ``diff`` is a diff of, as the confirmation heads it.
    diff_title: str = "Task definition diff"
    #: Said after a failure at any step: the state the service is left in (e.g. "The service
    #: still runs web:7 on EC2.").
    if_failed: str | None = None

    def cli(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
    ) -> str:
        """Every call as a CLI line, one per line (the keywords as in ``ApiCall.cli``)."""
        return "\n".join(self.cli_lines(region=region, profile=profile, endpoint_url=endpoint_url))

    def cli_lines(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
    ) -> list[str]:
        """One shell snippet per call that can be pasted in order as shown.

        A call that needs the ARN an earlier RegisterTaskDefinition returns reads it from
        ``$TASK_DEF_ARN``, which that earlier line sets (and prints); each says so in a comment.
        """
        target = {"region": region, "profile": profile, "endpoint_url": endpoint_url}
        users = [n for n, call in enumerate(self.calls, 1) if _uses_registered(call.params)]
        out: list[str] = []
        for n, call in enumerate(self.calls, 1):
            line = call.cli(**target)
            later = [u for u in users if u > n]
            if call.operation == "RegisterTaskDefinition" and later:
                steps = " and ".join(str(u) for u in later)
                out.append(
                    f"# step {n} prints the new task definition ARN and keeps it in "
                    f"${REGISTERED_VAR} for step {steps}\n"
                    f"{REGISTERED_VAR}=$({line} --query taskDefinition.taskDefinitionArn "
                    f'--output text) && echo "${REGISTERED_VAR}"'
                )
            elif n in users:
                source = next(
                    (
                        k
                        for k, c in enumerate(self.calls[: n - 1], 1)
                        if c.operation == "RegisterTaskDefinition"
                    ),
                    None,
                )
                where = f"step {source}" if source else "an earlier step"
                out.append(
                    f"# ${REGISTERED_VAR} is the ARN {where} printed: run {where} first\n{line}"
                )
            else:
                out.append(line)
        return out


def _uses_registered(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_uses_registered(v) for v in value.values())
    if isinstance(value, list):
        return any(_uses_registered(v) for v in value)
    return bool(value == REGISTERED)


def td_label(arn: str | None) -> str:
    """``arn:...:task-definition/web:7`` -> ``web:7``."""
    return arn_tail(arn) or "?"


def family_revision(arn: str) -> tuple[str, int | None]:
    """``arn:...:task-definition/web:7`` or ``web:7`` -> ("web", 7); no revision -> None."""
    label = td_label(arn)
    family, _, rev = label.rpartition(":")
    if family and rev.isdigit():
        return family, int(rev)
    return label, None


_COUNT = re.compile(r"[0-9]+", re.ASCII)


def parse_count(text: str, *, maximum: int = 1000, allow_over_max: bool = False) -> int:
    """A desired count typed by the user: a whole number from 0 to ``maximum``.

    Surrounding spaces are fine; signs, decimals, exponents, letters and blanks are not. Above
    ``maximum`` needs ``allow_over_max`` (the user's explicit confirmation). Nothing above
    ``ABSOLUTE_MAX_COUNT`` is ever accepted.
    """
    raw = text.strip() if isinstance(text, str) else ""
    if not raw:
        raise ValidationError("Enter a whole number of tasks (0 or more).")
    if not _COUNT.fullmatch(raw):
        if raw.startswith("-") and _COUNT.fullmatch(raw[1:]):
            raise ValidationError(f"{raw!r} is negative: the desired count is 0 or more.")
        raise ValidationError(f"{raw!r} is not a whole number: use digits only, e.g. 3.")
    if len(raw.lstrip("0")) > len(str(ABSOLUTE_MAX_COUNT)):
        raise ValidationError(f"{raw} is far too large: at most {ABSOLUTE_MAX_COUNT}.")
    value = int(raw)
    if value > ABSOLUTE_MAX_COUNT:
        raise ValidationError(f"{value} is too large: at most {ABSOLUTE_MAX_COUNT}.")
    if value > maximum and not allow_over_max:
        raise ValidationError(
            f"{value} is above the maximum of {maximum}: confirm explicitly to go above it."
        )
    return value
