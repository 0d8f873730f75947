"""One typed settings object, layered: config file -> ECSDECK_* environment -> command line.

Every value, whichever layer it comes from, goes through the same schema (``SCHEMA``): pydantic
converts it to the field's type in lax mode, so ``refresh = "5"`` is 5.0 and ``read_only = "no"``
is False (true/false, yes/no, on/off, 1/0), while anything that does not spell a value of the type
(``refresh = "abc"``, ``read_only = "maybe"``, ``max_desired = 2.5``, a boolean for a number) is
refused. Ranges are checked after conversion. Unknown keys in the file are refused with the
closest valid key. Each refusal is one line naming where the value came from (the file, the
``ECSDECK_*`` variable or the flag), the key and what is expected: ``SettingsError``.

AWS settings (profile, region, endpoint) default to None so the standard AWS chain decides; they
are never re-invented here.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError


@dataclass(frozen=True, slots=True)
class Settings:
    #: AWS profile; None lets AWS_PROFILE / the default chain decide.
    profile: str | None = None
    #: AWS region; None lets AWS_REGION / ~/.aws/config decide.
    region: str | None = None
    #: Endpoint override (a moto server, a VPC endpoint); None uses AWS's.
    endpoint_url: str | None = None
    #: Seconds between refreshes of the visible pane.
    refresh: float = 3.0
    #: Seconds between full re-listings of a big pane (describes of visible rows go every tick).
    relist: float = 60.0
    #: Refuse every mutation, in aws/ itself.
    read_only: bool = False
    #: Scaling above this needs an explicit confirmation.
    max_desired: int = 1000
    #: Attempts per AWS request (adaptive retries) before a refresh is marked stale.
    max_attempts: int = 6
    #: Start and use the built-in sandbox.
    demo: bool = False
    #: Seed for the demo sandbox.
    demo_seed: int = 7
    #: Milliseconds the demo sandbox waits before answering each request (AWS's round trip).
    demo_latency_ms: int = 0
    #: The demo sandbox refuses calls past AWS's API rate buckets, as a real account does.
    demo_throttle: bool = False
    #: Open this cluster (name or ARN) at start instead of the clusters pane.
    cluster: str | None = None
    #: Open this service (name or ARN) at start; with ``cluster``, in that cluster.
    service: str | None = None
    #: Key overrides: action id -> key (``[keys]`` table in config.toml), e.g. scale = "S".
    keys: dict[str, str] = field(default_factory=dict)


class SettingsError(Exception):
    """A setting that cannot work; the message names where it came from."""


# --- the schema: type (from the dataclass), range check, and what is expected, per field ------


def _at_least(n: float) -> Callable[[Any], bool]:
    return lambda v: v >= n


def _between(lo: int, hi: int) -> Callable[[Any], bool]:
    return lambda v: lo <= v <= hi


def _keys_ok(v: dict[str, str]) -> bool:
    return all(k.strip() and s.strip() for k, s in v.items())


#: field -> (range check or None, what is expected, in words after the key's name).
SCHEMA: dict[str, tuple[Callable[[Any], bool] | None, str]] = {
    "profile": (None, "must be an AWS profile name (a string)"),
    "region": (None, "must be an AWS region name, e.g. eu-west-1 (a string)"),
    "endpoint_url": (None, "must be a URL, e.g. http://127.0.0.1:5000 (a string)"),
    "refresh": (_at_least(0.2), "must be at least 0.2 seconds (a number)"),
    "relist": (_at_least(0.2), "must be a number of seconds, at least refresh"),
    "read_only": (None, "must be true or false (also yes/no, on/off, 1/0)"),
    "max_desired": (_between(0, 100_000), "must be 0 or more, at most 100000 (a whole number)"),
    "max_attempts": (_between(1, 20), "must be 1 or more, at most 20 (a whole number)"),
    "demo": (None, "must be true or false (also yes/no, on/off, 1/0)"),
    "demo_seed": (None, "must be a whole number"),
    "demo_latency_ms": (
        _between(0, 60_000),
        "must be 0 or more, at most 60000 (whole milliseconds)",
    ),
    "demo_throttle": (None, "must be true or false (also yes/no, on/off, 1/0)"),
    "cluster": (None, "must be a cluster name or ARN (a string)"),
    "service": (None, "must be a service name or ARN (a string)"),
    "keys": (
        _keys_ok,
        'must be a table of action = "key" strings, e.g. [keys] scale = "S"',
    ),
}

#: Environment variables of ecsdeck that are not settings (never refused as misspellings).
NOT_SETTINGS = frozenset({"ECSDECK_CONFIG_DIR", "ECSDECK_STATE_DIR", "ECSDECK_CRASH_AFTER_S"})


def _names() -> list[str]:
    return [f.name for f in fields(Settings)]


_TYPES: dict[str, Any] = {}


def _adapter(name: str) -> TypeAdapter[Any]:
    if name not in _TYPES:
        import typing

        hints = typing.get_type_hints(Settings)
        _TYPES[name] = TypeAdapter(hints[name])
    adapter: TypeAdapter[Any] = _TYPES[name]
    return adapter


_OPTIONAL_STR = frozenset({"profile", "region", "endpoint_url", "cluster", "service"})


def _is_bool_field(name: str) -> bool:
    return isinstance(getattr(Settings(), name), bool)


def convert(name: str, value: Any, where: str) -> Any:
    """``value`` as the field's type, range-checked; SettingsError names ``where`` and the key."""
    _check, expected = SCHEMA[name]
    problem = f"{where}: {name} {expected}"
    if isinstance(value, str) and not value.strip() and name in _OPTIONAL_STR:
        return None  # ECSDECK_PROFILE= (empty) means "not set"
    if isinstance(value, bool) and not _is_bool_field(name):
        raise SettingsError(f"{problem} (got {value!r})")  # pydantic would make True 1.0
    if isinstance(value, str) and name in _OPTIONAL_STR:
        value = value.strip()
    try:
        out = _adapter(name).validate_python(value)
    except PydanticError:
        raise SettingsError(f"{problem} (got {value!r})") from None
    if out is not None and _check is not None and not _check(out):
        raise SettingsError(f"{problem} (got {value!r})")
    return out


def _closest(key: str, choices: list[str]) -> str:
    near = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    if near:
        return f"did you mean {near[0]!r}?"
    return "valid keys: " + ", ".join(choices)


def validate(settings: Settings) -> Settings:
    """Refuse values that would make the app misbehave rather than fail (a 0 s refresh spins)."""
    for f in fields(Settings):
        convert(f.name, getattr(settings, f.name), "settings")
    if not settings.relist >= settings.refresh:
        raise SettingsError(f"relist ({settings.relist}) must be at least refresh")
    return settings


def config_dir() -> Path:
    if env := os.environ.get("ECSDECK_CONFIG_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ecsdeck"


def _from_file(path: Path) -> dict[str, tuple[Any, str]]:
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from None
    names = _names()
    out: dict[str, tuple[Any, str]] = {}
    for key, value in data.items():
        if key not in names:
            raise SettingsError(f"{path}: unknown key {key!r}: {_closest(key, names)}")
        out[key] = (value, f"{path}")
    return out


def _from_env() -> dict[str, tuple[Any, str]]:
    names = _names()
    out: dict[str, tuple[Any, str]] = {}
    for name in names:
        var = f"ECSDECK_{name.upper()}"
        raw = os.environ.get(var)
        if raw is None:
            continue
        value: Any = raw
        if name == "keys":
            try:
                value = json.loads(raw) if raw.strip() else {}
            except json.JSONDecodeError:
                raise SettingsError(
                    f'{var}={raw!r}: keys must be a JSON object of action: "key", '
                    'e.g. {"scale": "S"}'
                ) from None
        out[name] = (value, f"{var}={raw!r}")
    upper = [f"ECSDECK_{n.upper()}" for n in names]
    for var in os.environ:
        if var.startswith("ECSDECK_") and var not in upper and var not in NOT_SETTINGS:
            near = difflib.get_close_matches(var, upper, n=1, cutoff=0.8)
            if near:  # a misspelling of a setting; other ECSDECK_ variables are not ours to judge
                raise SettingsError(f"{var}: unknown setting: did you mean {near[0]}?")
    return out


def load(argv: list[str] | None = None) -> Settings:
    """Build settings from the file, the environment and ``argv``, later layers winning."""
    raw: dict[str, tuple[Any, str]] = {}
    path = config_dir() / "config.toml"
    if path.is_file():
        raw.update(_from_file(path))
    raw.update(_from_env())
    args = parser().parse_args(argv)
    for name, value in vars(args).items():
        if value is not None and name in _FLAG_FIELDS:
            flag = "--" + name.replace("_", "-")
            raw[name] = (value, flag if value is True else f"{flag} {value}")
    values = {name: convert(name, value, where) for name, (value, where) in raw.items()}
    settings = Settings(**values)
    if not settings.relist >= settings.refresh:
        where = raw.get("relist", raw.get("refresh", (None, "settings")))[1]
        raise SettingsError(
            f"{where}: relist ({settings.relist}) must be at least refresh ({settings.refresh})"
        )
    return settings


_FLAG_FIELDS = {
    "profile",
    "region",
    "endpoint_url",
    "refresh",
    "read_only",
    "demo",
    "max_desired",
    "demo_latency_ms",
    "demo_throttle",
    "cluster",
    "service",
}


def parser() -> argparse.ArgumentParser:
    from tui import __version__

    p = argparse.ArgumentParser(
        prog="ecsdeck",
        description="A terminal cockpit for AWS ECS: clusters, services, tasks, target health.",
        epilog="AWS settings not given here come from the standard chain "
        "(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws/config, SSO).",
    )
    # Values are checked by the settings schema (one line naming the flag), not by argparse.
    p.add_argument("--profile", help="AWS profile name")
    p.add_argument("--region", help="AWS region, e.g. eu-west-1")
    p.add_argument("--endpoint-url", dest="endpoint_url", help="ECS/ELB/ECR endpoint override")
    p.add_argument("--refresh", help="seconds between refreshes (default 3)")
    p.add_argument(
        "--read-only",
        dest="read_only",
        action="store_const",
        const=True,
        help="refuse every mutation",
    )
    p.add_argument("--max-desired", dest="max_desired", help="scale cap before confirm")
    p.add_argument("--cluster", help="open this cluster (name or ARN) at start")
    p.add_argument("--service", help="open this service (name or ARN) at start")
    p.add_argument(
        "--demo",
        action="store_const",
        const=True,
        help="start the built-in sandbox account and open it",
    )
    p.add_argument(
        "--demo-latency-ms",
        dest="demo_latency_ms",
        help="with --demo: milliseconds of latency per request, like a network round trip",
    )
    p.add_argument(
        "--demo-throttle",
        dest="demo_throttle",
        action="store_const",
        const=True,
        help="with --demo: throttle calls past AWS's API rate limits",
    )
    p.add_argument("--version", action="version", version=f"ecsdeck {__version__}")
    return p
