"""The keys of the screens opened over a pane: logs, task detail, the views and dialogs."""

from __future__ import annotations

from tui.keymap.key import Key

CLOSE = "Close"

VIEW_KEYS: tuple[Key, ...] = (
    # -- logs (task or service logs: a screen of its own, not a live pane) ----------------------
    Key(("logs",), "question_mark", "app.help", "Help", id="logs_help", key_display="?"),
    Key(
        ("logs",),
        "escape",
        "back",
        "Back",
        tooltip="Clear the filter, or close the logs",
        id="logs_back",
    ),
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
    Key(("logs",), "q", "app.quit", "Quit", id="logs_quit", show=False),
    # -- task_detail (Enter on a task) ---------------------------------------------------------
    Key(("task_detail",), "escape,q,enter", "dismiss", CLOSE, id="task_detail_close"),
    Key(("task_detail",), "r", "load_logs", "Reload logs", id="task_detail_reload_logs"),
    # L as on the service pane (where l is Launch type); l too, as in k9s.
    Key(
        ("task_detail",),
        "L,l",
        "open_logs",
        "Logs",
        tooltip="Follow, filter and save this task's logs",
        id="task_detail_logs",
        key_display="L",
    ),
    Key(
        ("task_detail",),
        "E",
        "exec",
        "Exec",
        tooltip="ECS Exec into a container of this task",
        id="task_detail_exec",
        remap_with="exec",
        mutating=True,
    ),
    Key(
        ("task_detail",),
        "F",
        "port_forward",
        "Forward",
        tooltip="Port forward: a local port to this task (SSM)",
        id="task_detail_port_forward",
        remap_with="port_forward",
        mutating=True,
    ),
    Key(
        ("task_detail",),
        "o",
        "console_url",
        "Console",
        tooltip="Show and copy the task's console URL",
        id="task_detail_console_url",
    ),
    # -- dialogs and views opened over a pane: each closes with the key that opened it ----------
    Key(("events",), "escape,q,v", "dismiss", CLOSE, id="events_close"),
    Key(("autoscaling",), "escape,q,a", "dismiss", CLOSE, id="autoscaling_close"),
    Key(("json",), "escape,q,y", "dismiss", CLOSE, id="json_close"),
    Key(("json",), "c", "copy", "Copy", tooltip="Copy the JSON again", id="json_copy"),
    Key(
        ("json",),
        "u",
        "reveal",
        "Unmask",
        tooltip="Show (and copy) the masked values",
        id="json_reveal",
    ),
    Key(("diff",), "escape,q,equals_sign", "dismiss", CLOSE, id="diff_close"),
    Key(("help",), "escape,q,question_mark", "dismiss", CLOSE, id="help_close"),
    Key(("picker",), "escape", "dismiss_none", "Cancel", id="picker_cancel"),
    Key(("picker",), "down", "move(1)", id="picker_down", show=False),
    Key(("picker",), "up", "move(-1)", id="picker_up", show=False),
    Key(("command_line",), "tab", "complete", "Complete", id="command_complete", show=False),
    Key(("command_line",), "up", "history(-1)", "Older command", id="command_older", show=False),
    Key(("command_line",), "down", "history(1)", "Newer command", id="command_newer", show=False),
)
