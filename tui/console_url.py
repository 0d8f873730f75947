"""`o`: the AWS console page of the selected row, shown and copied (OSC 52, like `c` and `y`).

The address is built by ``aws.console`` (pure, region-aware); this module only finds what the
pane has selected and the context an address needs (the pane's cluster, an image's repository).
Not a screen: every pane (tui/screens/base.py) and the problems view call it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws import console
from aws.ecr_models import Repository
from aws.models import Service
from tui.deck import clients_of

if TYPE_CHECKING:
    from textual.screen import Screen

    from aws.models import Cluster


def url_of(screen: Screen[Any], resource: object) -> str | None:
    """The console address of ``resource`` as ``screen`` shows it; None when it has no page.
    Any screen: what a pane is about (its cluster, repository, service) is read if it has it,
    so this module needs no pane class (and tui/screens/base.py, which imports it, none back)."""
    region = clients_of(screen).region or "us-east-1"
    if isinstance(resource, dict):  # the task-definition panes select a family or a revision
        ref = resource.get("arn") or resource.get("family")
        return console.task_definition_url(str(ref), region) if ref else None
    here = getattr(screen, "current_cluster", None)
    cluster: Cluster | None = here() if callable(here) else None
    repository = getattr(screen, "repo", None)
    service = getattr(screen, "service", None)
    return console.url_for(
        resource,
        region=region,
        cluster=cluster.arn if cluster else None,
        repository=repository if isinstance(repository, Repository) else None,
        service=service if isinstance(service, Service) else None,
    )


def copy_console_url(screen: Screen[Any], resource: object) -> None:
    url = url_of(screen, resource)
    if url is None:
        screen.notify("This row has no page of its own in the AWS console.", severity="warning")
        return
    screen.app.copy_to_clipboard(url)
    screen.notify(url, title="Copied the AWS console URL", markup=False, timeout=10)
