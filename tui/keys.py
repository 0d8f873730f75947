"""The action ids ``[keys]`` in config.toml can remap (``scale = "S"``), from the bindings
themselves, so a new binding with an id is remappable without a list kept by hand."""

from __future__ import annotations

from textual.binding import Binding


def action_ids() -> set[str]:
    from tui.actions import SERVICE_BINDINGS, TASK_BINDINGS
    from tui.app import EcsDeckApp
    from tui.screens.base import PollingScreen
    from tui.screens.ecr import IMAGE_BINDINGS
    from tui.screens.instances import INSTANCE_BINDINGS
    from tui.screens.service import ServiceScreen
    from tui.screens.services import ServicesScreen
    from tui.screens.taskdefs import REVISION_BINDINGS
    from tui.widgets.live_table import LiveTable

    bindings = [
        *EcsDeckApp.BINDINGS,
        *SERVICE_BINDINGS,
        *TASK_BINDINGS,
        *PollingScreen.BINDINGS,
        *ServiceScreen.BINDINGS,
        *ServicesScreen.BINDINGS,
        *REVISION_BINDINGS,
        *LiveTable.BINDINGS,
        *INSTANCE_BINDINGS,
        *IMAGE_BINDINGS,
    ]
    return {b.id for b in bindings if isinstance(b, Binding) and b.id}
