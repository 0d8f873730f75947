"""`y`: the selected resource as AWS's Describe call returns it (aws.describe), read-only and
already on the clipboard; secrets masked (aws.secrets) until `u`. A resource AWS has no Describe
call for (a problem: ecsdeck's own finding) shows ecsdeck's model, and its title says so.

The reading and the title are here; the view is the router's ``json`` pane, so the panes that
offer `y` (all of them, through tui/screens/base.py) do not import it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws import describe
from aws.errors import explain
from aws.models import Service
from tui.deck import clients_of, deck_of
from tui.json_text import readable_json, to_json

if TYPE_CHECKING:
    from textual.screen import Screen


async def show_resource(screen: Screen[Any], resource: object) -> None:
    """`y` on ``resource``: describe it again and show (and copy) AWS's answer, masked. Any
    screen (its ``service``, if it has one, completes what a task's description needs)."""
    service = getattr(screen, "service", None)
    try:
        found = await describe.describe(
            clients_of(screen), resource, service if isinstance(service, Service) else None
        )
    except Exception as exc:
        screen.notify(f"Could not describe it: {explain(exc)}", severity="error", markup=False)
        return
    name = getattr(resource, "name", None) or getattr(resource, "id", "")
    if found is None:
        text, revealed = to_json(resource), None
        title = f"{type(resource).__name__.lower()} {name} (ecsdeck's view: AWS has no call for it)"
    else:
        text = readable_json(found.body)
        revealed = readable_json(found.real) if found.real != found.body else None
        title = found.request.cli(**_target(screen))
        if found.jq:
            title += f" | jq '{found.jq}'"
    screen.app.copy_to_clipboard(text)
    deck_of(screen).open("json", title=title, text=text, revealed=revealed)


def _target(screen: Screen[Any]) -> dict[str, str | None]:
    from tui.plan_text import cli_target
    from tui.where import where_of

    return cli_target(where_of(screen) if hasattr(screen, "deck") else screen.app)
