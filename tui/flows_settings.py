"""Service settings (``u``): the dialog, then the one UpdateService with what changed.

The checks and the plan are aws/service_settings.py's; this is the ask -> confirm -> execute
path every action takes (tui/flow.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.flow import app_of, confirm_and_execute, launch, service_key, service_target

if TYPE_CHECKING:
    from aws.models import Service
    from tui.action_pane import ActionPane


def service_settings(screen: ActionPane, service: Service) -> None:
    from aws import service_settings as settings
    from tui.screens.dialogs.settings import SettingsScreen

    async def flow() -> None:
        new = await app_of(screen).push_screen_wait(SettingsScreen(service))
        if new is None:
            return
        plan = settings.plan_settings(service, new)
        await confirm_and_execute(screen, plan, unchanged=settings.unchanged(service, new))

    launch(screen, service_key(service), "Service settings", flow, service_target(service))
