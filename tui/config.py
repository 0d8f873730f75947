"""One typed settings object, layered: config file -> ECSDECK_* environment -> command line.

The layering is pydantic-settings': ``load`` builds the settings from config.toml (a TOML source),
the ``ECSDECK_*`` variables (an env source) and the flags (the init keywords, which win). Every
value, whichever layer it comes from, goes through the same fields: pydantic converts it to the
field's type in lax mode, so ``refresh = "5"`` is 5.0 and ``read_only = "no"`` is False
(true/false, yes/no, on/off, 1/0), while anything that does not spell a value of the type
(``refresh = "abc"``, ``read_only = "maybe"``, ``max_desired = 2.5``, a boolean for a number) is
refused, and so is a value out of the field's range. Unknown keys in the file are refused with the
closest valid key. Each refusal is one line naming where the value came from (the file, the
``ECSDECK_*`` variable or the flag), the key and what is expected: ``SettingsError``.

``Settings(...)`` built directly (tests, scripts) reads no file and no environment: only its
keywords, checked the same way.

AWS settings (profile, region, endpoint) default to None so the standard AWS chain decides; they
are never re-invented here.
"""

from __future__ import annotations

import argparse
import difflib
import os
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from tui.config_files import closest as _closest
from tui.config_files import config_dir as config_dir
from tui.config_files import config_path
from tui.config_files import expected as _expected
from tui.config_plugins import ALIASES_EXPECTED, PLUGIN_EXPECTED, PluginSpec, table_checks
from tui.context_sets import (
    PROFILES_EXPECTED,
    REGIONS_EXPECTED,
    ContextPlan,
    ContextSet,
    plan_of,
    split_names,
)
from tui.flags import FLAG_OF, parser

_BOOL = "must be true or false (also yes/no, on/off, 1/0)"
_REGIONS = "must be region names separated by commas, e.g. us-east-1,eu-west-1"
_REGION = r"[a-z]{2}(-[a-z]+)+-[0-9]+"
_LIST = rf"^{_REGION}(,{_REGION})*$"


def _setting(default: Any, doc: str, expected: str, **limits: Any) -> Any:
    """A field with what it does and, for the refusal line, what a value must look like."""
    extra: JsonDict = {"expected": expected}
    if isinstance(default, dict):
        return Field(default_factory=dict, description=doc, json_schema_extra=extra, **limits)
    return Field(default, description=doc, json_schema_extra=extra, **limits)


class SettingsError(Exception):
    """A setting that cannot work; the message names where it came from."""


class _Refusal(SettingsError):
    """A refused value, worded for ``key``; ``load`` puts the file, variable or flag in front."""

    def __init__(self, key: str | None, problem: str) -> None:
        super().__init__(f"settings: {problem}")
        self.key = key
        self.problem = problem


class Settings(BaseSettings):
    """What the app runs with; ``load`` layers it, ``Settings(...)`` takes keywords only."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid", env_prefix="ECSDECK_")

    profile: str | None = _setting(
        None,
        "AWS profile; None lets AWS_PROFILE / the default chain decide.",
        "must be an AWS profile name (a string)",
    )
    region: str | None = _setting(
        None,
        "AWS region; None lets AWS_REGION / ~/.aws/config decide.",
        "must be an AWS region name, e.g. eu-west-1 (a string)",
    )
    endpoint_url: str | None = _setting(
        None,
        "Endpoint override (a VPC endpoint, a local ECS-compatible server); None uses AWS's.",
        "must be a URL, e.g. http://127.0.0.1:5000 (a string)",
    )
    profiles: Annotated[list[str] | None, NoDecode] = _setting(
        None, "Several AWS profiles at once (each x each region is a context).", PROFILES_EXPECTED
    )
    regions: Annotated[list[str] | Literal["*"] | None, NoDecode] = _setting(
        None, "Several regions at once; * is every region the account enabled.", REGIONS_EXPECTED
    )
    context_set: str | None = _setting(
        None, "The [contexts.NAME] to open (--contexts NAME).", "must be a [contexts.NAME] name"
    )
    contexts: dict[str, ContextSet] = _setting(
        {},
        "Named sets of contexts: [contexts.NAME] profiles = [...] regions = [...].",
        'must be tables [contexts.NAME] with profiles = ["a", "b"] and regions = [...] or "*"',
    )
    refresh: float = _setting(
        3.0,
        "Seconds between refreshes of the visible pane (0.2 or more: 0 would spin).",
        "must be at least 0.2 seconds (a number)",
        ge=0.2,
    )
    relist: float = _setting(
        60.0,
        "Seconds between full re-listings of a big pane (describes of visible rows go every tick).",
        "must be a number of seconds, at least refresh",
        ge=0.2,
    )
    read_only: bool = _setting(False, "Refuse every mutation, in aws/ itself.", _BOOL)
    max_desired: int = _setting(
        1000,
        "Scaling above this needs an explicit confirmation.",
        "must be 0 or more, at most 100000 (a whole number)",
        ge=0,
        le=100_000,
    )
    cost_column: bool = _setting(False, "The services list's COST column ($ toggles it).", _BOOL)
    max_attempts: int = _setting(
        6,
        "Attempts per AWS request (adaptive retries) before a refresh is marked stale.",
        "must be 1 or more, at most 20 (a whole number)",
        ge=1,
        le=20,
    )
    demo: bool = _setting(False, "Start and use the built-in sandbox.", _BOOL)
    demo_seed: int = _setting(7, "Seed for the demo sandbox.", "must be a whole number")
    demo_latency_ms: int = _setting(
        0,
        "Milliseconds the demo sandbox waits before answering each request (AWS's round trip).",
        "must be 0 or more, at most 60000 (whole milliseconds)",
        ge=0,
        le=60_000,
    )
    demo_throttle: bool = _setting(
        False,
        "The demo sandbox refuses calls past AWS's API rate buckets, as a real account does.",
        _BOOL,
    )
    demo_accounts: int = _setting(1, "Accounts the demo serves.", "must be 1 to 8", ge=1, le=8)
    demo_regions: str = _setting("us-east-1", "Demo regions.", _REGIONS, pattern=_LIST)
    cluster: str | None = _setting(
        None,
        "Open this cluster (name or ARN) at start instead of the clusters pane.",
        "must be a cluster name or ARN (a string)",
    )
    service: str | None = _setting(
        None,
        "Open this service (name or ARN) at start; with ``cluster``, in that cluster.",
        "must be a service name or ARN (a string)",
    )
    keys: dict[str, str] = _setting(
        {},
        'Key overrides: action id -> key (``[keys]`` table in config.toml), e.g. scale = "S".',
        'must be a table of action = "key" strings, e.g. [keys] scale = "S"',
    )
    plugins: dict[str, PluginSpec] = _setting(
        {},
        "Commands of yours on the selected row: [plugins.NAME] (docs/plugins.md).",
        PLUGIN_EXPECTED,
    )
    aliases: dict[str, str] = _setting({}, "Words for `:` command lines.", ALIASES_EXPECTED)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keywords only: a ``Settings(...)`` in a test must not pick up the user's config."""
        return (init_settings,)

    @field_validator("*", mode="before")
    @classmethod
    def _as_spelled(cls, value: Any, info: ValidationInfo) -> Any:
        """A blank name means "not set" (``ECSDECK_PROFILE=``); a boolean is no number (lax
        pydantic would make ``refresh = true`` 1.0)."""
        annotation = cls.model_fields[info.field_name or ""].annotation
        if isinstance(value, str) and annotation == (str | None):
            return value.strip() or None
        if isinstance(value, bool) and annotation in (int, float):
            raise ValueError("a boolean is not a number")
        return value

    _split = field_validator("profiles", "regions", mode="before")(split_names)

    def context_plan(self) -> ContextPlan | None:
        """The profiles x regions to open, or None for the one profile and region of before."""
        named = self.contexts.get(self.context_set) if self.context_set else None
        return plan_of(self.profile, self.region, self.profiles, self.regions, named)

    @field_validator("keys")
    @classmethod
    def _keys_named(cls, keys: dict[str, str]) -> dict[str, str]:
        if not all(action.strip() and key.strip() for action, key in keys.items()):
            raise ValueError("blank action or key")
        return keys

    @model_validator(mode="wrap")
    @classmethod
    def _one_line(cls, data: Any, handler: ModelWrapValidatorHandler[Settings]) -> Settings:
        """Pydantic's refusals as one line on the first bad key, with the value as given."""
        try:
            return handler(data)
        except ValidationError as exc:
            raise _refusal(exc, data if isinstance(data, dict) else {}) from None


def _relist_not_below_refresh(settings: Settings) -> Settings:
    """Checked on loaded (and re-validated) settings, not in ``Settings(...)``: a test's
    ``Settings(refresh=3600)`` keeps the default relist, as before."""
    if not settings.relist >= settings.refresh:
        raise _Refusal(
            "relist" if "relist" in settings.model_fields_set else "refresh",
            f"relist ({settings.relist}) must be at least refresh ({settings.refresh})",
        )
    if settings.context_set and settings.context_set not in settings.contexts:
        names = sorted(settings.contexts)
        near = difflib.get_close_matches(settings.context_set, names, n=1, cutoff=0.6)
        hint = f"did you mean {near[0]!r}?" if near else f"it has {', '.join(names) or 'none'}"
        raise _Refusal(
            "context_set", f"no [contexts.{settings.context_set}] in {config_path()}: {hint}"
        )
    if problem := table_checks(settings.plugins, settings.aliases):
        raise _Refusal("plugins" if problem.startswith("[plugins") else "aliases", problem)
    return settings


def _refusal(exc: ValidationError, given: dict[str, Any]) -> _Refusal:
    """The first error (an unknown key before a bad value, as the file is read first) in words."""
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    key = str(errors[0]["loc"][0]) if errors and errors[0]["loc"] else None
    if key is None:  # not expected: every check is on a field
        return _Refusal(None, str(exc).splitlines()[0])
    if key in ("contexts", "plugins") and len(errors[0]["loc"]) > 2:
        return _set_refusal(errors[0]["loc"], errors[0]["type"], errors[0].get("input"))
    if key not in Settings.model_fields:
        return _Refusal(key, f"unknown key {key!r}: {_closest(key, list(Settings.model_fields))}")
    return _Refusal(key, f"{key} {_expected(Settings.model_fields[key])} (got {given.get(key)!r})")


def _set_refusal(loc: tuple[int | str, ...], kind: str, given: Any) -> _Refusal:
    """A bad ``[contexts.NAME]`` or ``[plugins.NAME]`` table: its name and key, and what that
    key takes."""
    table, name, key = str(loc[0]), loc[1], str(loc[2])
    fields = (ContextSet if table == "contexts" else PluginSpec).model_fields
    if kind == "extra_forbidden" or key not in fields:
        return _Refusal(
            table, f"[{table}.{name}]: unknown key {key!r}: {_closest(key, list(fields))}"
        )
    if kind == "missing":
        return _Refusal(table, f"[{table}.{name}]: {key} is missing: it {_expected(fields[key])}")
    return _Refusal(table, f"[{table}.{name}] {key} {_expected(fields[key])} (got {given!r})")


class _Environment(EnvSettingsSource):
    """``ECSDECK_*``; a misspelt name is refused, a JSON value (``ECSDECK_KEYS``) that does not
    parse is refused in one line, and a blank one is an empty table."""

    def __call__(self) -> dict[str, Any]:
        data = super().__call__()
        _refuse_misspelt_env()  # after the file is read (at its source's creation), as before
        return data

    def decode_complex_value(self, field_name: str, field: FieldInfo, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return {}
        try:
            return super().decode_complex_value(field_name, field, value)
        except ValueError:
            how = 'of action: "key", e.g. {"scale": "S"}' if field_name == "keys" else "of tables"
            raise SettingsError(
                f"ECSDECK_{field_name.upper()}={value!r}: {field_name} must be a JSON object {how}"
            ) from None


class _File(TomlConfigSettingsSource):
    """config.toml. One that cannot be read or parsed, or has a key that is no field's exact name
    (``Refresh``: the source itself matches any case), is refused with its path, before any value
    is looked at. A key set by a higher layer is dropped, so that ``ECSDECK_KEYS`` replaces the
    ``[keys]`` table rather than being merged into it."""

    def _read_file(self, file_path: Any) -> dict[str, Any]:
        import tomllib

        try:
            data = super()._read_file(file_path)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{file_path}: {exc}") from None
        names = list(Settings.model_fields)
        for key in data:
            if key not in names:
                raise SettingsError(f"{file_path}: unknown key {key!r}: {_closest(key, names)}")
        return data

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in super().__call__().items() if k not in self.current_state}


class _Layered(Settings):
    """Settings from config.toml, then ``ECSDECK_*``, then the keywords (the flags), later winning."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Highest priority first: flags, environment, file."""
        return (init_settings, _Environment(settings_cls), _File(settings_cls, config_path()))


#: Environment variables of ecsdeck that are not settings (never refused as misspellings).
NOT_SETTINGS = frozenset(
    {"ECSDECK_CONFIG_DIR", "ECSDECK_STATE_DIR", "ECSDECK_CACHE_DIR", "ECSDECK_CRASH_AFTER_S"}
)


def validate(settings: Settings) -> Settings:
    """Check again a settings object made without validation (``model_copy(update=...)``)."""
    return _relist_not_below_refresh(Settings(**settings.model_dump()))


def _env_var(name: str) -> tuple[str, str] | None:
    """The ``ECSDECK_*`` variable the env source reads for ``name`` (any case), and its value."""
    want = f"ECSDECK_{name.upper()}"
    for var, value in os.environ.items():
        if var.upper() == want:
            return var, value
    return None


def _refuse_misspelt_env() -> None:
    """An ``ECSDECK_REFERSH`` would be ignored silently; other ECSDECK_ variables are not ours."""
    upper = [f"ECSDECK_{n.upper()}" for n in Settings.model_fields]
    for var in os.environ:
        if var.startswith("ECSDECK_") and var not in upper and var not in NOT_SETTINGS:
            near = difflib.get_close_matches(var, upper, n=1, cutoff=0.8)
            if near:
                raise SettingsError(f"{var}: unknown setting: did you mean {near[0]}?")


def _where(key: str | None, flags: dict[str, Any]) -> str:
    """The layer that gave ``key`` its value: the flag, else the variable, else the file."""
    if key in flags:
        flag = FLAG_OF.get(key, "--" + key.replace("_", "-"))
        return flag if flags[key] is True else f"{flag} {flags[key]}"
    if key in Settings.model_fields and (found := _env_var(key)):
        return f"{found[0]}={found[1]!r}"
    return str(config_path()) if key is not None else "settings"


def load(argv: list[str] | None = None) -> Settings:
    """Build settings from the file, the environment and ``argv``, later layers winning."""
    return parse(argv, parser())[0]


def parse(
    argv: list[str] | None, flags_parser: argparse.ArgumentParser
) -> tuple[Settings, argparse.Namespace]:
    """``load`` with another command's parser (``ecsdeck problems``): the settings its flags
    give, layered the same way, and every flag parsed (its own ones too)."""
    args = flags_parser.parse_args(argv)
    flags = {k: v for k, v in vars(args).items() if v is not None and k in Settings.model_fields}
    try:
        layered = _relist_not_below_refresh(_Layered(**flags))
    except _Refusal as exc:
        raise SettingsError(f"{_where(exc.key, flags)}: {exc.problem}") from None
    return Settings(**layered.model_dump()), args
