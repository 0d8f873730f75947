"""Where ecsdeck's config.toml lives: ``$ECSDECK_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/ecsdeck``,
else ``~/.config/ecsdeck`` (the XDG rule, so a dotfiles repo finds it where it expects)."""

from __future__ import annotations

import os
from pathlib import Path


def config_dir() -> Path:
    if env := os.environ.get("ECSDECK_CONFIG_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ecsdeck"


def config_path() -> Path:
    return config_dir() / "config.toml"
