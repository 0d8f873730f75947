"""``[plugins.NAME]`` and ``[aliases]`` of config.toml, as k9s has them: the settings' types and
the checks that need the keymap and the `:` commands (a key a built-in already takes, an alias
that hides a command).

A plugin runs a program of the user's on the selected row::

    [plugins.tail]
    key = "ctrl+t"
    scopes = ["service"]
    command = ["aws", "logs", "tail", "/ecs/$SERVICE", "--profile", "$PROFILE"]
    confirm = true       # show the expanded command first
    background = false   # false: suspend the TUI while it runs (as `e` does with $EDITOR)

``command`` is a list, never a shell line: each variable is replaced inside its own argument and
each argument reaches the program as one argv entry (tui/plugins.py), so AWS names (a service
called ``x; rm -rf ~``) are never read by a shell. ``[aliases]`` maps a word to a `:` command
line: ``pay = "svc payments"``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCOPES = ("cluster", "service", "task", "container_instance")
Scope = Literal["cluster", "service", "task", "container_instance"]
VARIABLES = ("PROFILE", "REGION", "ACCOUNT", "CLUSTER", "SERVICE", "TASK", "ARN", "CONTAINER")

#: The panes a scope's rows are on: a plugin key must not be one of their keys.
SCOPE_PANES: dict[str, tuple[str, ...]] = {
    "cluster": ("clusters",),
    "service": ("services", "service"),
    "task": ("service", "tasks", "task_detail"),
    "container_instance": ("instances",),
}
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
PLUGIN_EXPECTED = (
    'must be tables [plugins.NAME] with key = "ctrl+t", scopes = ["service"] (cluster, service, '
    'task, container_instance) and command = ["program", "arg", ...]'
)
ALIASES_EXPECTED = 'must be a table of word = "command line", e.g. [aliases] pay = "svc payments"'


class PluginSpec(BaseModel):
    """One ``[plugins.NAME]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(min_length=1, json_schema_extra={"expected": 'must be a key, e.g. "ctrl+t"'})
    scopes: list[Scope] = Field(
        min_length=1,
        json_schema_extra={
            "expected": "must be a list of scopes from cluster, service, task, container_instance"
        },
    )
    command: list[str] = Field(
        min_length=1,
        json_schema_extra={"expected": 'must be a list: the program, then its arguments (not "")'},
    )
    description: str = Field("", json_schema_extra={"expected": "must be a string"})
    confirm: bool = Field(False, json_schema_extra={"expected": "must be true or false"})
    background: bool = Field(False, json_schema_extra={"expected": "must be true or false"})

    @field_validator("key")
    @classmethod
    def _one_key(cls, key: str) -> str:
        if not key.strip() or "," in key or " " in key.strip():
            raise ValueError("one key")
        return key.strip()

    @field_validator("command")
    @classmethod
    def _a_program(cls, command: list[str]) -> list[str]:
        if not command or not command[0].strip():
            raise ValueError("empty command")
        return command


def check_plugins(plugins: dict[str, PluginSpec], taken: dict[str, dict[str, str]]) -> str | None:
    """The first problem of the plugins as one line, or None. ``taken``: pane -> key -> what
    the built-in key does there (``builtin_keys``)."""
    seen: dict[tuple[str, str], str] = {}
    for name, spec in plugins.items():
        if not _NAME.match(name):
            return f"[plugins.{name}]: a plugin name is letters, digits, - and _"
        for scope in spec.scopes:
            for pane in SCOPE_PANES[scope]:
                what = taken.get(pane, {}).get(spec.key)
                if what:
                    return (
                        f"[plugins.{name}] key {spec.key!r} is already {what!r} on the {pane} "
                        "pane: pick another key"
                    )
                other = seen.setdefault((pane, spec.key), name)
                if other != name:
                    return f"[plugins.{name}] key {spec.key!r} is also [plugins.{other}]'s"
    return None


def check_aliases(aliases: dict[str, str], commands: set[str] | None) -> str | None:
    """The first bad ``[aliases]`` entry as one line, or None. ``commands``: the `:` words
    (None: the shape only; the settings layer cannot import the command registry, so
    tui/main.py checks the words before the app starts)."""
    for word, line in aliases.items():
        if not word.strip() or any(c.isspace() for c in word):
            return f"[aliases] {word!r}: an alias is one word"
        if commands is not None and word.lower() in commands:
            return f"[aliases] {word!r} is already the :{word} command: pick another word"
        target = line.strip().removeprefix(":").split()
        if not target:
            return f"[aliases] {word!r}: the command line is empty"
        if commands is not None and target[0].lower() not in commands:
            return f"[aliases] {word!r}: :{target[0]} is not a command"
    return None


def table_checks(plugins: dict[str, PluginSpec], aliases: dict[str, str]) -> str | None:
    """The plugins against the keymap, the aliases' shape. The keymap (and Textual under it) is
    loaded only when there are plugins: ``ecsdeck problems`` must start without Textual."""
    clashes = check_plugins(plugins, builtin_keys()) if plugins else None
    return clashes or check_aliases(aliases, None)


def builtin_keys() -> dict[str, dict[str, str]]:
    """pane -> key -> what it does: each pane's own keys with every live pane's and the app's,
    and the Shift+letters the tables may sort on."""
    from tui import keymap
    from tui.widgets.table_sort import RESERVED, SORT_LETTERS

    common = [*keymap.keys_of("app"), *keymap.keys_of("polling"), *keymap.keys_of("table")]
    sorts = {letter: "sort" for letter in (*SORT_LETTERS.values(), *RESERVED)}
    out: dict[str, dict[str, str]] = {}
    for pane in {p for panes in SCOPE_PANES.values() for p in panes}:
        keys = dict(sorts)
        for k in (*common, *keymap.keys_of(pane)):
            for one in k.key.split(","):
                keys[one.strip()] = k.description or k.action
        out[pane] = keys
    return out
