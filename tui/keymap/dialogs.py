"""The keys of the dialogs (tui/screens/dialogs/): one scope per dialog, named as in ``DIALOGS``.

A dialog asks before a change, so none of its keys is ``mutating``: the change starts from the
pane's key that opened it. Order is each dialog's own (Ctrl+S before Esc in the editor, Esc
before ``c`` in the confirmation): keep it.
"""

from __future__ import annotations

from tui.keymap.key import Key

#: Every dialog, in the order docs/keys.md lists them. ``dialog``: the keys of every dialog
#: built on the scrolling frame (tui/screens/dialogs/frame.py: confirm, ask, switch).
DIALOGS = (
    "dialog",
    "confirm",
    "ask",
    "switch",
    "scale",
    "bulk_scale",
    "stop_task",
    "deploy",
    "settings",
    "run_task",
    "exec_preflight",
    "port_forward",
    "image_picker",
    "editor",
    "discard",
)
#: The dialogs Esc cancels (the discard question answers "keep editing" instead).
CANCELLED_BY_ESC = tuple(d for d in DIALOGS if d not in ("dialog", "discard"))

DIALOG_KEYS: tuple[Key, ...] = (
    # -- dialog: priority, so a focused list or button never swallows them ----------------------
    *(
        Key(("dialog",), key, f"body({how!r})", label, id=key_id, show=False, priority=True)
        for key, how, label, key_id in (
            ("pageup", "page_up", "Page up", "dialog_page_up"),
            ("pagedown", "page_down", "Page down", "dialog_page_down"),
            ("home", "home", "Top", "dialog_top"),
            ("end", "end", "Bottom", "dialog_bottom"),
        )
    ),
    # -- editor (e: the task definition as JSON, when neither $VISUAL nor $EDITOR is set) -------
    Key(("editor",), "ctrl+s", "save", "Check and continue", id="editor_save", priority=True),
    # -- every dialog but the discard question --------------------------------------------------
    Key(CANCELLED_BY_ESC, "escape", "cancel", "Cancel", id="cancel"),
    # -- confirm (the plan of a change, before it is sent) --------------------------------------
    Key(
        ("confirm",),
        "c",
        "copy_cli",
        "Copy CLI",
        tooltip="Copy the aws CLI lines as shown",
        id="copy_cli",
    ),
    Key(
        ("confirm",),
        "ctrl+r",
        "toggle_secrets",
        "Show/hide secrets",
        id="confirm_secrets",
        show=False,
    ),
    Key(
        ("editor",),
        "ctrl+r",
        "toggle_secrets",
        "Show/hide secrets",
        id="editor_secrets",
        priority=True,
    ),
    # -- discard (Esc in the editor with edits) -------------------------------------------------
    Key(("discard",), "y", "answer(True)", "Discard", id="discard_yes"),
    Key(("discard",), "n,escape", "answer(False)", "Keep editing", id="discard_no"),
)
