"""docs/keys.md, written from ``tui.keymap``: ``make keys`` (``python -m tui.keys_doc PATH``)
rewrites it, and a test fails while the file says other than the keymap does."""

from __future__ import annotations

import sys
from pathlib import Path

from tui.keymap import DIALOGS, PANES, Key, keys_of

#: Key names as the rest of ecsdeck writes them ("Esc closes"), not Textual's ("escape").
KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "↑",
    "down": "↓",
}
#: Textual's names of the printable keys docs/keys.md writes as typed.
PRINTABLE = {
    "question_mark": "?",
    "exclamation_mark": "!",
    "slash": "/",
    "colon": ":",
    "equals_sign": "=",
}
#: What each pane is, for its heading.
TITLES = {
    "app": "Every screen",
    "polling": "Every live pane (clusters … deployments)",
    "table": "Every table",
    "task_detail": "Task detail (Enter on a task)",
    "json": "JSON view (y)",
    "diff": "Diff view (=)",
    "help": "Help (?)",
    "picker": "Picker (a list to choose from)",
    "command_line": "Command line (:)",
}
#: What opens each dialog, for the list under the dialogs' table.
DIALOG_TITLES = {
    "dialog": "the dialogs with a scrolling body: confirm, ask, switch",
    "confirm": "the plan of a change, before it is sent",
    "ask": "a yes/no question that is not an AWS call (stop a port forward, run a plugin)",
    "switch": "switch the launch type (l)",
    "scale": "scale a service (s)",
    "bulk_scale": "scale every marked service (s with marks)",
    "stop_task": "stop a task, with a reason (x)",
    "deploy": "pick the revision to deploy (d)",
    "settings": "service settings (u)",
    "run_task": "run a one-off task (R)",
    "exec_preflight": "ECS Exec's checks, then the container and command (E)",
    "port_forward": "port forward: the local and remote ports (F)",
    "image_picker": "pick a new ECR image (i)",
    "editor": "the task definition as JSON, in-app when neither $VISUAL nor $EDITOR is set (e)",
    "discard": "Esc in the editor with edits: discard them?",
}
HEADER = """# Keys

Every key of ecsdeck, pane by pane. Generated from `tui/keymap/` by `make keys`: edit the
keymap, not this file. "Changes AWS" keys are refused in read-only mode (`--read-only`), and
the footer leaves them out there. `[keys]` in config.toml remaps a key by its id; an id
written `a (or b)` is the same action as `b` on another pane, and `[keys] b` remaps it too
unless `a` has a line of its own.

A live pane has the keys of "Every live pane" and "Every table" too, and every screen those of
"Every screen". Shift+letter sorts a table by a column (`?` lists the letters of the pane).
"""


def key_name(key: str) -> str:
    """``escape`` -> ``Esc``, ``ctrl+r`` -> ``Ctrl+R``; printable keys stay as typed."""
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    if "+" in key:
        *mods, last = key.split("+")
        return "+".join([*(m.capitalize() for m in mods), KEY_NAMES.get(last, last.upper())])
    return key


def key_label(k: Key) -> str:
    """A key as the footer shows it (its display), else each of its keys by name."""
    if k.key_display:
        return k.key_display
    return ", ".join(key_name(PRINTABLE.get(one, one)) for one in k.key.split(","))


def id_cell(k: Key) -> str:
    """The id ``[keys]`` remaps the key by, and the shared one that remaps it too."""
    return f"{k.id} (or {k.remap_with})" if k.remap_with else k.id or ""


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    out = [HEADER]
    for pane in PANES:
        keys = keys_of(pane)
        title = TITLES.get(pane, pane.capitalize())
        if not keys:
            out.append(f"\n## {title}\n\nOnly the keys of every live pane and every table.")
            continue
        out += [
            f"\n## {title}\n",
            "| key | what it does | changes AWS? | id |",
            "|---|---|---|---|",
        ]
        for k in keys:
            what = k.tooltip or k.description
            row = [f"`{cell(key_label(k))}`", cell(what), "yes" if k.mutating else "", id_cell(k)]
            out.append("| " + " | ".join(row) + " |")
    return "\n".join([*out, *dialogs_markdown()]) + "\n"


def dialogs_markdown() -> list[str]:
    """One table for every dialog's keys (most have only Esc), each key once with its dialogs,
    then what each dialog is. No dialog key changes AWS: the pane's key that opened it does."""
    out = [
        "\n## Dialogs\n",
        "| key | what it does | dialogs | id |",
        "|---|---|---|---|",
    ]
    seen: list[Key] = []
    for dialog in DIALOGS:
        seen += [k for k in keys_of(dialog) if k not in seen]
    for k in seen:
        where = ", ".join(d for d in DIALOGS if d in k.panes)
        what = k.tooltip or k.description
        out.append(f"| `{cell(key_label(k))}` | {cell(what)} | {where} | {id_cell(k)} |")
    out.append("")
    out += [f"- `{d}`: {DIALOG_TITLES[d]}" for d in DIALOGS]
    return out


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "docs/keys.md")
    path.write_text(markdown(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
