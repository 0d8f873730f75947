"""Where ecsdeck's config.toml lives: ``$ECSDECK_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/ecsdeck``,
else ``~/.config/ecsdeck`` (the XDG rule, so a dotfiles repo finds it where it expects); and
the two wordings every settings refusal shares (what a key expects, the closest valid key)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo


def config_dir() -> Path:
    if env := os.environ.get("ECSDECK_CONFIG_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ecsdeck"


def config_path() -> Path:
    return config_dir() / "config.toml"


def expected(field: FieldInfo) -> str:
    extra = field.json_schema_extra
    return str(extra["expected"]) if isinstance(extra, dict) else "is not valid"


def closest(key: str, choices: list[str]) -> str:
    near = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    if near:
        return f"did you mean {near[0]!r}?"
    return "valid keys: " + ", ".join(choices)
