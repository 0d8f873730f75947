"""Every key of ecsdeck, as data: one entry per binding, with the panes it belongs to and whether
it changes AWS.

Screens and dialogs declare ``BINDINGS = keymap.bindings_for("service")`` (or ``("confirm")``)
and nothing else about keys, so a pane's keys are read here rather than from the screen that
happens to define them (no screen imports another for its keys). The footer's read-only mode,
``[keys]`` remapping, the command palette and ``docs/keys.md`` read the same entries. This
module imports no screen.

A pane's bindings come in the order of ``KEYS``: that order is the footer's, so keep it.
Textual merges a screen's bindings with those of its base classes, so the ``polling`` keys
(every live pane's: Help, Quit, Refresh, Filter, ...) are declared once, by ``PollingScreen``.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from tui.keymap.dialogs import DIALOG_KEYS
from tui.keymap.dialogs import DIALOGS as DIALOGS
from tui.keymap.key import Key as Key
from tui.keymap.panes import PANE_KEYS
from tui.keymap.views import VIEW_KEYS

#: The live panes (``PollingScreen``s): each has the ``polling`` keys too.
LIVE_PANES = (
    "clusters",
    "services",
    "service",
    "tasks",
    "instances",
    "families",
    "revisions",
    "repositories",
    "images",
    "problems",
    "deployments",
    "changes",
    "contexts",
    "sessions",
    "schedules",
)
#: Every pane, in the order docs/keys.md lists them. ``app``: keys of every screen (the App's);
#: ``polling``: keys of every live pane; ``table``: keys of every table.
PANES = (
    "app",
    "polling",
    "table",
    *LIVE_PANES,
    "logs",
    "task_detail",
    "events",
    "autoscaling",
    "json",
    "diff",
    "help",
    "picker",
    "command_line",
)

#: Every scope a key belongs to: the panes, then the dialogs (tui/keymap/dialogs.py).
SCOPES = (*PANES, *DIALOGS)

#: Every binding; a pane's come in this order, which is its footer's: keep it.
KEYS: tuple[Key, ...] = (*PANE_KEYS, *VIEW_KEYS, *DIALOG_KEYS)


def keys_of(pane: str) -> list[Key]:
    """The keys ``pane`` (or dialog) declares itself, in footer order (not those of ``app``,
    ``polling``, ``table`` or ``dialog`` it also has)."""
    if pane not in SCOPES:
        raise KeyError(f"no pane {pane!r}; panes: {', '.join(SCOPES)}")
    return [k for k in KEYS if pane in k.panes]


def bindings_for(pane: str) -> list[BindingType]:
    """A screen's (or widget's) ``BINDINGS`` (typed as Textual's ``BINDINGS``)."""
    return [k.binding() for k in keys_of(pane)]


def sort_binding(letter: str, column: str, label: str) -> Binding:
    """Shift+letter sorts a table by a column: one per sortable column, made as it is added."""
    return Binding(letter, f"sort({column!r})", f"Sort by {label}", show=False, id=f"sort_{column}")


def action_ids() -> set[str]:
    """The ids ``[keys]`` in config.toml can remap (``scale = "S"``); ``sort_<column>`` too."""
    return {k.id for k in KEYS if k.id}


def with_shared_remaps(keys: dict[str, str]) -> dict[str, str]:
    """``[keys]`` with each entry's ``remap_with`` filled in: ``exec = "X"`` remaps Exec on the
    task detail (``task_detail_exec``) too, unless that id has a line of its own."""
    out = dict(keys)
    for k in KEYS:
        if k.id and k.remap_with is not None and k.remap_with in keys and k.id not in keys:
            out[k.id] = keys[k.remap_with]
    return out


def mutating_actions() -> set[str]:
    """The actions that change AWS: read-only mode refuses them, and its footer leaves them out."""
    return {k.action for k in KEYS if k.mutating}


def palette_keys() -> list[Key]:
    """The keys the command palette lists by name (each where its pane has the action)."""
    return [k for k in KEYS if k.palette]
