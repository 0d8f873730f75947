"""One typed settings object, layered: config file -> ECSDECK_* environment -> command line.

AWS settings (profile, region, endpoint) default to None so the standard AWS chain decides; they
are never re-invented here.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any


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


class SettingsError(Exception):
    """A setting that cannot work; the message names where it came from."""


def validate(settings: Settings) -> Settings:
    """Refuse values that would make the app misbehave rather than fail (a 0 s refresh spins)."""
    if not settings.refresh >= 0.2:
        raise SettingsError(f"refresh must be at least 0.2 seconds (got {settings.refresh})")
    if not settings.relist >= settings.refresh:
        raise SettingsError(f"relist ({settings.relist}) must be at least refresh")
    if settings.max_desired < 0:
        raise SettingsError(f"max_desired must be 0 or more (got {settings.max_desired})")
    if settings.max_attempts < 1:
        raise SettingsError(f"max_attempts must be 1 or more (got {settings.max_attempts})")
    if settings.demo_latency_ms < 0:
        raise SettingsError(f"demo_latency_ms must be 0 or more (got {settings.demo_latency_ms})")
    return settings


def config_dir() -> Path:
    if env := os.environ.get("ECSDECK_CONFIG_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ecsdeck"


def _coerce(value: str, kind: Any) -> Any:
    kind = str(kind)
    if "bool" in kind:
        return value.strip().lower() in ("1", "true", "yes", "on")
    if "float" in kind:
        return float(value)
    if "int" in kind:
        return int(value)
    return value or None


def load(argv: list[str] | None = None) -> Settings:
    """Build settings from the file, the environment and ``argv``, later layers winning."""
    settings = Settings()
    path = config_dir() / "config.toml"
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: {exc}") from None
        known = {f.name for f in fields(Settings)}
        settings = replace(settings, **{k: v for k, v in data.items() if k in known})
    for f in fields(Settings):
        env = os.environ.get(f"ECSDECK_{f.name.upper()}")
        if env is not None:
            try:
                settings = replace(settings, **{f.name: _coerce(env, f.type)})
            except ValueError:
                raise SettingsError(
                    f"ECSDECK_{f.name.upper()}={env!r} is not a valid {f.name}"
                ) from None
    args = parser().parse_args(argv)
    overrides = {k: v for k, v in vars(args).items() if v is not None and k in _FLAG_FIELDS}
    return validate(replace(settings, **overrides))


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
}


def parser() -> argparse.ArgumentParser:
    from tui import __version__

    p = argparse.ArgumentParser(
        prog="ecsdeck",
        description="A terminal cockpit for AWS ECS: clusters, services, tasks, target health.",
        epilog="AWS settings not given here come from the standard chain "
        "(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws/config, SSO).",
    )
    p.add_argument("--profile", help="AWS profile name")
    p.add_argument("--region", help="AWS region, e.g. eu-west-1")
    p.add_argument("--endpoint-url", dest="endpoint_url", help="ECS/ELB/ECR endpoint override")
    p.add_argument("--refresh", type=float, help="seconds between refreshes (default 3)")
    p.add_argument(
        "--read-only",
        dest="read_only",
        action="store_const",
        const=True,
        help="refuse every mutation",
    )
    p.add_argument("--max-desired", dest="max_desired", type=int, help="scale cap before confirm")
    p.add_argument(
        "--demo",
        action="store_const",
        const=True,
        help="start the built-in sandbox account and open it",
    )
    p.add_argument(
        "--demo-latency-ms",
        dest="demo_latency_ms",
        type=int,
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
