"""Every key of ecsdeck, as data: one entry per binding, with the panes it belongs to and whether
it changes AWS.

Screens declare ``BINDINGS = keymap.bindings_for("service")`` and nothing else about keys, so a
pane's keys are read here rather than from the screen that happens to define them (no screen
imports another for its keys). The footer's read-only mode, ``[keys]`` remapping, the command
palette and ``docs/keys.md`` read the same entries. This module imports no screen.

A pane's bindings come in the order of ``KEYS``: that order is the footer's, so keep it.
Textual merges a screen's bindings with those of its base classes, so the ``polling`` keys
(every live pane's: Help, Quit, Refresh, Filter, ...) are declared once, by ``PollingScreen``.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

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


@dataclass(frozen=True)
class Key:
    """One binding. ``mutating``: the action starts a change to AWS (read-only mode refuses it,
    and the footer leaves it out there). ``palette``: the command palette lists it by name."""

    panes: tuple[str, ...]
    key: str
    action: str
    description: str = ""
    tooltip: str = ""
    id: str | None = None
    key_display: str | None = None
    show: bool = True
    mutating: bool = False
    palette: bool = False

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.description,
            show=self.show,
            key_display=self.key_display,
            tooltip=self.tooltip,
            id=self.id,
        )


# Panes sharing keys: the service actions are on the services list and the service pane, the
# task actions on the service pane and the tasks pane.
SERVICE_PANES = ("services", "service")
TASK_PANES = ("service", "tasks")
CLOSE = "Close"

# Footer labels are one short word so every action key fits a 120-column footer (with Help,
# Quit, Refresh, Filter, Back and the palette); the tooltip is the full text `?` shows. Keys
# with show=False have no room in the footer; `?` lists them.
KEYS: tuple[Key, ...] = (
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
    # -- logs (task or service logs: a screen of its own, not a live pane) ----------------------
    Key(("logs",), "question_mark", "app.help", "Help", key_display="?"),
    Key(("logs",), "escape", "back", "Back", tooltip="Clear the filter, or close the logs"),
    Key(
        ("logs",),
        "space",
        "pause",
        "Pause",
        tooltip="Pause / resume following (no reads while paused)",
        id="logs_pause",
    ),
    Key(
        ("logs",),
        "slash",
        "local_filter",
        "Filter",
        tooltip="Filter lines shown (plain text, local)",
        id="logs_filter",
        key_display="/",
    ),
    Key(
        ("logs",),
        "f",
        "pattern",
        "Pattern",
        tooltip="CloudWatch filter pattern (sent as filterPattern)",
        id="logs_pattern",
    ),
    Key(
        ("logs",),
        "0",
        "window('tail')",
        "Window",
        tooltip="0 the last lines · 1 5m · 2 15m · 3 1h · 4 since the task started",
        id="logs_tail",
        key_display="0-4",
    ),
    *(
        Key(("logs",), digit, f"window({window!r})", label, tooltip=tip, id=key_id, show=False)
        for digit, window, label, tip, key_id in (
            ("1", "5m", "5m", "Lines of the last 5 minutes", "logs_5m"),
            ("2", "15m", "15m", "Lines of the last 15 minutes", "logs_15m"),
            ("3", "1h", "1h", "Lines of the last hour", "logs_1h"),
            ("4", "start", "Start", "Lines since the task started", "logs_since_start"),
        )
    ),
    Key(("logs",), "w", "wrap", "Wrap", tooltip="Wrap long lines on/off", id="logs_wrap"),
    Key(("logs",), "t", "stamps", "Time", tooltip="Timestamps on/off", id="logs_timestamps"),
    Key(
        ("logs",),
        "c",
        "container",
        "Container",
        tooltip="All containers, or one (task logs)",
        id="logs_container",
    ),
    Key(
        ("logs",),
        "p",
        "previous",
        "Previous",
        tooltip="Logs of the service's last stopped task",
        id="logs_previous",
    ),
    Key(
        ("logs",),
        "s",
        "save",
        "Save",
        tooltip="Save the lines kept to a file (path shown)",
        id="logs_save",
    ),
    Key(
        ("logs",),
        "r",
        "reload",
        "Reload",
        tooltip="Read the last lines again",
        id="logs_reload",
        show=False,
    ),
    Key(("logs",), "q", "app.quit", "Quit", show=False),
    # -- task_detail (Enter on a task) ---------------------------------------------------------
    Key(("task_detail",), "escape,q,enter", "dismiss", CLOSE),
    Key(("task_detail",), "r", "load_logs", "Reload logs"),
    # L as on the service pane (where l is Launch type); l too, as in k9s.
    Key(
        ("task_detail",),
        "L,l",
        "open_logs",
        "Logs",
        tooltip="Follow, filter and save this task's logs",
        key_display="L",
    ),
    Key(
        ("task_detail",),
        "E",
        "exec",
        "Exec",
        tooltip="ECS Exec into a container of this task",
        id="exec",
        mutating=True,
    ),
    Key(
        ("task_detail",),
        "o",
        "console_url",
        "Console",
        tooltip="Show and copy the task's console URL",
    ),
    # -- dialogs and views opened over a pane: each closes with the key that opened it ----------
    Key(("events",), "escape,q,v", "dismiss", CLOSE),
    Key(("autoscaling",), "escape,q,a", "dismiss", CLOSE),
    Key(("json",), "escape,q,y", "dismiss", CLOSE),
    Key(("json",), "c", "copy", "Copy", tooltip="Copy the JSON again"),
    Key(("json",), "u", "reveal", "Unmask", tooltip="Show (and copy) the masked values"),
    Key(("diff",), "escape,q,equals_sign", "dismiss", CLOSE),
    Key(("help",), "escape,q,question_mark", "dismiss", CLOSE),
    Key(("picker",), "escape", "dismiss_none", "Cancel"),
    Key(("picker",), "down", "move(1)", show=False),
    Key(("picker",), "up", "move(-1)", show=False),
    Key(("command_line",), "tab", "complete", "Complete", show=False),
    Key(("command_line",), "up", "history(-1)", "Older command", show=False),
    Key(("command_line",), "down", "history(1)", "Newer command", show=False),
)


def keys_of(pane: str) -> list[Key]:
    """The keys ``pane`` declares itself, in footer order (not those of ``app``, ``polling``
    or ``table`` it also has)."""
    if pane not in PANES:
        raise KeyError(f"no pane {pane!r}; panes: {', '.join(PANES)}")
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


def mutating_actions() -> set[str]:
    """The actions that change AWS: read-only mode refuses them, and its footer leaves them out."""
    return {k.action for k in KEYS if k.mutating}


def palette_keys() -> list[Key]:
    """The keys the command palette lists by name (each where its pane has the action)."""
    return [k for k in KEYS if k.palette]
