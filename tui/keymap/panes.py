"""The keys of the app, of every live pane and table, and of each live pane, in footer order."""

from __future__ import annotations

from tui.keymap.key import Key
from tui.keymap.service_keys import SERVICE_KEYS

# Footer labels are one short word so every action key fits a 120-column footer (with Help,
# Quit, Refresh, Filter, Back and the palette); the tooltip is the full text `?` shows. Keys
# with show=False have no room in the footer; `?` lists them.
PANE_KEYS: tuple[Key, ...] = (
    # -- app: every screen ---------------------------------------------------------------------
    Key(("app",), "q", "quit", "Quit"),
    Key(("app",), "question_mark", "help", "Help", key_display="?"),
    Key(
        ("app",),
        "ctrl+r",
        "reload_credentials",
        "Reload credentials",
        tooltip="Re-read AWS credentials (after aws sso login) and poll again",
        show=False,
    ),
    Key(
        ("app",),
        "ctrl+g",
        "give_up",
        "Give up waiting",
        tooltip="Give up waiting for a change AWS has not answered (it may still apply)",
        id="give_up",
        show=False,
    ),
    # Works on every pane; shown in the footer of the clusters pane only (its own `!` below),
    # since the service panes' footers are full of action keys at 120 columns.
    Key(
        ("app",),
        "exclamation_mark",
        "problems",
        "Problems",
        tooltip="Problems: everything wrong in the region right now",
        key_display="!",
        show=False,
        palette=True,
    ),
    # -- polling: every live pane. Help and Quit first so a narrow footer never cuts them off.
    Key(
        ("polling",),
        "question_mark",
        "app.help",
        "Help",
        tooltip="Help: every key of this pane",
        id="help",
        key_display="?",
    ),
    Key(("polling",), "q", "app.quit", "Quit", tooltip="Quit ecsdeck", id="quit"),
    Key(("polling",), "r", "refresh_now", "Refresh", tooltip="Refresh this pane now", id="refresh"),
    Key(("polling",), "slash", "start_filter", "Filter", id="filter", key_display="/"),
    Key(
        ("polling",),
        "colon",
        "start_command",
        "Cmd",
        tooltip="Command: :clusters, :svc CLUSTER, :region NAME, :q … (Tab completes)",
        id="command",
        key_display=":",
        show=False,
    ),
    Key(
        ("polling",),
        "escape",
        "back",
        "Back",
        tooltip="Clear the filter, or go up one pane",
        id="back",
    ),
    Key(
        ("polling",),
        "c",
        "copy_arn",
        "Copy",
        tooltip="Copy the selected row's ARN (OSC 52: works over SSH and tmux)",
        id="copy",
        show=False,
    ),
    Key(
        ("polling",),
        "y",
        "show_json",
        "Raw",
        tooltip="Show the selected row as JSON, and copy it",
        id="json",
        show=False,
    ),
    Key(
        ("polling",),
        "o",
        "console_url",
        "Console",
        tooltip="Show and copy the AWS console URL of the selected row (OSC 52)",
        id="console_url",
        show=False,
    ),
    # -- table: every table (Home/End go to the first/last row, g/G as in k9s and vim) ----------
    Key(("table",), "home,g", "scroll_top", "First row", id="first_row", show=False),
    Key(("table",), "end,G", "scroll_bottom", "Last row", id="last_row", show=False),
    # -- clusters ------------------------------------------------------------------------------
    Key(("clusters",), "enter", "open", "Services", tooltip="Show this cluster's services"),
    # The first pane has the footer room `:` lacks elsewhere: a newcomer learns it here.
    Key(
        ("clusters",),
        "colon",
        "start_command",
        "Command",
        tooltip="Command: :clusters, :svc CLUSTER, :region NAME, :q … (Tab completes)",
        key_display=":",
    ),
    # The app's `!`, shown here: the first pane is where an on-call starts.
    Key(
        ("clusters",),
        "exclamation_mark",
        "app.problems",
        "Problems",
        tooltip="Problems: everything wrong in the region right now",
        key_display="!",
    ),
    *SERVICE_KEYS,
    # -- instances -----------------------------------------------------------------------------
    Key(("instances",), "enter", "open", "Tasks", tooltip="Tasks placed on this instance"),
    Key(
        ("instances",),
        "D",
        "drain_instance",
        "Drain",
        tooltip="Drain: set the instance DRAINING (its service tasks move elsewhere)",
        id="drain_instance",
        mutating=True,
    ),
    Key(
        ("instances",),
        "A",
        "activate_instance",
        "Activate",
        tooltip="Activate: set the instance ACTIVE again (tasks can be placed on it)",
        id="activate_instance",
        mutating=True,
    ),
    # -- revisions -----------------------------------------------------------------------------
    Key(
        ("revisions",),
        "space",
        "mark_revision",
        "Mark",
        tooltip="Mark this revision (then = on another diffs the two)",
        id="mark_revision",
    ),
    Key(
        ("revisions",),
        "equals_sign",
        "diff_revisions",
        "Diff",
        tooltip="Diff against the marked revision (none marked: against the previous one)",
        id="diff_revisions",
        key_display="=",
    ),
    Key(
        ("revisions",),
        "d",
        "deploy_revision",
        "Deploy",
        tooltip="Deploy this revision to the service (from :td, pick a service of the family)",
        id="deploy_revision",
        mutating=True,
    ),
    Key(
        ("revisions",),
        "X",
        "deregister_revision",
        "Deregister",
        tooltip="Deregister this revision (refused while a service runs it)",
        id="deregister_revision",
        key_display="X",
        mutating=True,
    ),
    # -- images --------------------------------------------------------------------------------
    Key(
        ("images",),
        "R",
        "image_to_service",
        "Revision",
        tooltip="New revision of a service with this image (then offers to deploy it)",
        id="image_to_service",
        mutating=True,
    ),
    # -- sessions (port forwards: local processes, not AWS) ------------------------------------
    Key(
        ("sessions",),
        "x",
        "stop_session",
        "Stop",
        tooltip="Stop the selected port forward (its session-manager-plugin)",
        id="stop_session",
    ),
    # -- schedules -----------------------------------------------------------------------------
    Key(
        ("schedules",),
        "R",
        "run_now",
        "Run now",
        tooltip="Run the schedule's task now, with its target's parameters",
        id="run_now",
        mutating=True,
    ),
    Key(
        ("schedules",),
        "T",
        "toggle_schedule",
        "Enable/Disable",
        tooltip="Enable or disable the schedule (a rule: every target of it)",
        id="toggle_schedule",
        mutating=True,
    ),
    # -- problems ------------------------------------------------------------------------------
    Key(("problems",), "enter", "open", "Open", tooltip="Open the culprit: service, task, target"),
    Key(
        ("problems",),
        "w",
        "changes",
        "Changes",
        tooltip="What changed in the hour before this began, for its service (or cluster)",
        id="problem_changes",
    ),
    # -- contexts (`:ctx`) ---------------------------------------------------------------------
    Key(("contexts",), "space", "mark", "Mark", tooltip="Mark or unmark this context"),
    Key(
        ("contexts",),
        "enter",
        "apply",
        "Show marked",
        tooltip="Narrow the view to the marked contexts (none marked: this one)",
    ),
    Key(("contexts",), "a", "show_all", "All", tooltip="Show every context again"),
)
