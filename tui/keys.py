"""The action ids ``[keys]`` in config.toml can remap (``scale = "S"``), from the keymap, so a
new binding with an id is remappable without a list kept by hand."""

from __future__ import annotations

from tui import keymap


def action_ids() -> set[str]:
    return keymap.action_ids()
