"""The keys of the service panes (the services list, a service, the tasks list): the most of
any pane, kept apart so each keymap module stays readable. Order is the footer's: keep it."""

from __future__ import annotations

from tui.keymap.key import Key

# Panes sharing keys: the service actions are on the services list and the service pane, the
# task actions on the service pane and the tasks pane.
SERVICE_PANES = ("services", "service")
TASK_PANES = ("service", "tasks")

SERVICE_KEYS: tuple[Key, ...] = (
    # -- services, service, tasks --------------------------------------------------------------
    # Enter is named on the first pane's footer; here the action keys need the room.
    Key(
        ("services",),
        "enter",
        "open",
        "Tasks",
        tooltip="Tasks and targets of this service",
        id="services_open",
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
    Key(
        TASK_PANES,
        "F",
        "port_forward",
        "Forward",
        tooltip="Port forward: a local port to the task or a host it reaches (SSM, as e1s)",
        id="port_forward",
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
            # ECS has no "restart": a forced new deployment is one (the palette finds both).
            (
                "f",
                "force_deployment",
                "Force",
                "Force new deployment (restart): replace every task, same revision",
            ),
            ("i", "new_image", "Image", "Register a revision with a new ECR image"),
            ("e", "edit_taskdef", "JSON", "Edit the task definition as JSON"),
            ("l", "switch_launch_type", "Launch", "Switch EC2 <-> Fargate"),
        )
    ),
    Key(
        SERVICE_PANES,
        "u",
        "service_settings",
        "Settings",
        tooltip="Service settings: grace period, percentages, circuit breaker, alarms, exec, tags",
        id="service_settings",
        show=False,
        mutating=True,
        palette=True,
    ),
    # Marks (as k9s): s and f then act on every marked service, with one confirmation.
    Key(
        ("services",),
        "space",
        "toggle_mark",
        "Mark",
        tooltip="Mark / unmark this service (s scale and f restart every marked one)",
        id="mark",
        show=False,
    ),
    Key(
        ("services",),
        "ctrl+@,ctrl+space",
        "clear_marks",
        "Clear marks",
        tooltip="Clear every mark",
        id="clear_marks",
        key_display="Ctrl+Space",
        show=False,
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
    Key(
        ("services",),
        "dollar_sign",
        "toggle_cost",
        "Cost",
        tooltip="Show or hide the COST column: what each service costs a month",
        id="toggle_cost",
        key_display="$",
        show=False,
        palette=True,
    ),
    # `p` (as in e1s): a view, not a change, so it opens in read-only mode too.
    Key(
        SERVICE_PANES,
        "p",
        "deployments",
        "Deployments",
        tooltip="Deployments: rollout state and reason, circuit breaker, alarms",
        id="deployments",
        show=False,
        palette=True,
    ),
    Key(
        ("service",),
        "R",
        "run_task",
        "Run",
        tooltip="Run a one-off task like this service (a migration, a backfill), then follow it",
        id="run_task",
        show=False,
        mutating=True,
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
    Key(
        ("service",),
        "w",
        "changes",
        "Changes",
        tooltip="What changed: deployments, registrations, scaling, and who made each call",
        id="changes",
        show=False,
        palette=True,
    ),
)
