"""Which contexts (profile x region) to open: ``--profiles``, ``--regions``, ``--contexts NAME``.

A named set is a table of config.toml::

    [contexts.oncall]
    profiles = ["prod", "staging"]
    regions = ["us-east-1", "eu-west-1"]   # or "*": every region the account enabled

Flags win over the named set, list by list (``--contexts oncall --regions eu-west-1`` narrows
the set to one region); with none of them, ecsdeck watches one profile and one region as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: What a ``regions`` value must look like, for the refusal line.
REGIONS_EXPECTED = 'must be region names, e.g. us-east-1,eu-west-1, or "*" (every enabled region)'
PROFILES_EXPECTED = 'must be AWS profile names, e.g. prod,staging (["prod", "staging"] in a file)'


def split_names(value: Any) -> Any:
    """``"a, b"`` (a flag, a variable) -> ``["a", "b"]``; ``"*"`` stays; a list is stripped.
    A blank name is refused: ``--profiles prod,`` is a typo, not the default profile."""
    if isinstance(value, str):
        if value.strip() == "*":
            return "*"
        value = value.split(",")
    if isinstance(value, list):
        names = [n.strip() if isinstance(n, str) else n for n in value]
        if not names or any(n == "" for n in names):
            raise ValueError("blank name")
        return names
    return value


class ContextSet(BaseModel):
    """One ``[contexts.NAME]`` table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    profiles: list[str] = Field(min_length=1, json_schema_extra={"expected": PROFILES_EXPECTED})
    regions: list[str] | Literal["*"] | None = Field(
        None, json_schema_extra={"expected": REGIONS_EXPECTED}
    )

    _split = field_validator("profiles", "regions", mode="before")(split_names)


@dataclass(frozen=True, slots=True)
class ContextPlan:
    """The profiles (None: the default chain) and regions (None: each profile's own; ``"*"``:
    every enabled one) to cross."""

    profiles: list[str | None]
    regions: list[str] | Literal["*"] | None


def plan_of(
    profile: str | None,
    region: str | None,
    profiles: list[str] | None,
    regions: list[str] | Literal["*"] | None,
    named: ContextSet | None,
) -> ContextPlan | None:
    """The contexts asked for, or None for the single profile and region of before."""
    if profiles is None and regions is None and named is None:
        return None
    given = profiles or (named.profiles if named else None)
    names: list[str | None] = list(given) if given else [profile]
    chosen = regions or (named.regions if named else None) or ([region] if region else None)
    return ContextPlan(names, chosen)
