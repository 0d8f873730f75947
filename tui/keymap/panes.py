"""The keys of the app, of every live pane and table, and of each live pane, in footer order."""

from __future__ import annotations

from tui.keymap.key import Key

# Panes sharing keys: the service actions are on the services list and the service pane, the
# task actions on the service pane and the tasks pane.
SERVICE_PANES = ("services", "service")
TASK_PANES = ("service", "tasks")

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
    # -- services, service, tasks --------------------------------------------------------------
    # Enter is named on the first pane's footer; here the action keys need the room.
    Key(
        ("services",),
        "enter",
        "open",
        "Tasks",
        tooltip="Tasks and targets of this service",
        show=False,
    ),
    Key(
        ("service",),
        "tab",
        "switch_pane",
        "Tasks/Targets",
        tooltip="Move between tasks and targets",
        id="switch_pane",
        show=False,
    ),
    Key(
        TASK_PANES,
        "x",
        "stop_task",
        "Stop",
        tooltip="Stop the selected task, with a reason",
        id="stop_task",
        mutating=True,
        palette=True,
    ),
    Key(
        TASK_PANES,
        "E",
        "exec",
        "Exec",
        tooltip="ECS Exec: a shell in a container of the task (checks first)",
        id="exec",
        show=False,
        mutating=True,
        palette=True,
    ),
    *(
        Key(SERVICE_PANES, key, action, label, tooltip=tip, id=action, mutating=True, palette=True)
        for key, action, label, tip in (
            ("s", "scale", "Scale", "Scale: set the desired task count"),
            ("d", "deploy", "Deploy", "Deploy a revision of the task definition"),
            ("b", "rollback", "Rollback", "Roll back to the previous revision"),
            ("f", "force_deployment", "Force", "Force a new deployment"),
            ("i", "new_image", "Image", "Register a revision with a new ECR image"),
            ("e", "edit_taskdef", "JSON", "Edit the task definition as JSON"),
            ("l", "switch_launch_type", "Launch", "Switch EC2 <-> Fargate"),
        )
    ),
    Key(
        ("services",),
        "n",
        "instances",
        "Instances",
        tooltip="Container instances of this cluster (EC2 capacity): drain, activate",
        id="instances",
        show=False,
    ),
    # `p` (as in e1s): a view, not a change, so it opens in read-only mode too.
    Key(
        SERVICE_PANES,
        "p",
        "deployments",
        "Deployments",
        tooltip="Deployments: rollout state and reason, circuit breaker, alarms",
        show=False,
        palette=True,
    ),
    Key(
        ("service",),
        "L",
        "task_logs",
        "Logs",
        tooltip="Logs of the selected task: follow, filter, save",
        id="task_logs",
        show=False,
    ),
    Key(
        SERVICE_PANES,
        "M",
        "service_logs",
        "Svc logs",
        tooltip="Logs of every task of the service, merged",
        id="service_logs",
        show=False,
    ),
    Key(
        ("service",),
        "a",
        "autoscaling",
        "Scaling",
        tooltip="Auto Scaling: range, policies and last activities",
        id="autoscaling",
        show=False,
    ),
    Key(
        ("service",),
        "t",
        "revisions",
        "Revisions",
        tooltip="The task definition's revisions: diff, deploy, deregister",
        id="revisions",
        show=False,
    ),
    Key(
        ("service",),
        "v",
        "events",
        "Events",
        tooltip="All of the service's events, newest first",
        id="events",
        show=False,
    ),
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
    # -- problems ------------------------------------------------------------------------------
    Key(("problems",), "enter", "open", "Open", tooltip="Open the culprit: service, task, target"),
)
