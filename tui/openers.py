"""What the `:` commands and the deep links (``--cluster``/``--service``) do: read what a pane
needs by name (``DescribeClusters`` and ``DescribeServices`` accept names, so the 230th service of
a cluster costs one call, not a listing), then make it the one pane on the stack
(``DeckApp.show``), or switch profile or region. A name that is not there falls back up the
hierarchy with a notice naming the closest one. Across contexts a cluster's name is looked up
in every ready one (tui/context_lookup.py) and its panes open in the context it was found in."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from aws import ecs
from aws.errors import explain
from aws.models import Cluster, Service
from tui.app_contexts import several
from tui.context_lookup import Place, choose, clusters_named, place_of, searched
from tui.text import clean

if TYPE_CHECKING:
    from tui.deck import DeckApp


# --- moving between panes -----------------------------------------------------------------------


def current_place(app: DeckApp) -> Place | None:
    """The cluster on screen and the context it is in."""
    cluster = current_cluster(app)
    return place_of(app, cluster) if cluster is not None else None


def current_cluster(app: DeckApp) -> Cluster | None:
    """The cluster the user is looking at (or has selected, on the clusters pane)."""
    for screen in reversed(app.screen_stack):
        here = getattr(screen, "current_cluster", None)
        if callable(here):
            cluster: Cluster | None = here()
            return cluster
    return None


def say(app: DeckApp, text: str, severity: str = "warning") -> None:
    app.notify(clean(text, 400), severity=severity, markup=False)  # type: ignore[arg-type]


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


async def find_cluster(app: DeckApp, name: str, how: str = "") -> Place | None:
    """One DescribeClusters by name or ARN (across contexts: in each, and a picker when two
    have it); None (and a notice with the closest name) if none. ``how`` ends the notice: how
    the name was chosen, when the user did not type it."""
    if several(app):
        return await _find_across(app, name, how)
    found = await ecs.read_clusters(app.clients, [name])
    if found:
        app.remember_clusters([c.name for c in found])
        return Place(found[0])
    hint = did_you_mean(name, app.cluster_names)
    say(app, f"No cluster named {name!r} in this region.{hint}{how}")
    return None


async def _find_across(app: DeckApp, name: str, how: str) -> Place | None:
    found, failed = await clusters_named(app, name)
    app.remember_clusters(sorted({p.cluster.name for p in found}))
    if found:
        return await choose(app, name, found)
    hint = did_you_mean(name, app.cluster_names)
    unasked = f" Could not ask {'; '.join(failed)}." if failed else ""
    say(app, f"No cluster named {name!r} in {searched(app)}.{hint}{unasked}{how}")
    return None


async def _cluster_for(app: DeckApp, name: str | None, command: str) -> Place | None:
    if name:
        return await find_cluster(app, name)
    place = current_place(app)
    if place is None:
        say(app, f"Which cluster? Type :{command} CLUSTER (Tab completes the name).")
    return place


# --- the openers ----------------------------------------------------------------------------------


async def open_clusters(app: DeckApp, _: str | None = None) -> None:

    await app.show("clusters")


async def open_contexts(app: DeckApp, _: str | None = None) -> None:
    if app.contexts is None:
        say(
            app,
            "One context: ecsdeck --profiles A,B --regions R1,R2 watches several.",
            "information",
        )
        return
    await app.show("contexts")


async def open_services(app: DeckApp, cluster_name: str | None) -> None:

    place = await _cluster_for(app, cluster_name, "services")
    if place is not None:
        await app.show("services", **place.pane())


async def open_changes(app: DeckApp, cluster_name: str | None) -> None:
    """The timeline of CLUSTER; without it, of the service or cluster on screen, else the
    account-Region."""
    if cluster_name:
        place = await find_cluster(app, cluster_name)
        if place is not None:
            await app.show("changes", **place.pane())
        return
    # The pane's own cluster and service, not the clusters pane's selection: there, the account.
    cluster = getattr(app.screen, "cluster", None)
    service = getattr(app.screen, "service", None)
    if not isinstance(cluster, Cluster):
        await app.show("changes")
    elif isinstance(service, Service):
        await app.show("changes", cluster=cluster, service=service)
    else:
        await app.show("changes", cluster=cluster)


async def open_tasks(app: DeckApp, cluster_name: str | None) -> None:

    place = await _cluster_for(app, cluster_name, "tasks")
    if place is not None:
        await app.show("tasks", **place.pane())


async def open_instances(app: DeckApp, cluster_name: str | None) -> None:

    place = await _cluster_for(app, cluster_name, "instances")
    if place is not None:
        await app.show("instances", **place.pane())


async def open_ecr(app: DeckApp, cluster_name: str | None) -> None:
    """The repositories; USED BY and `R` look at the named cluster, else the current one."""

    place = await find_cluster(app, cluster_name) if cluster_name else current_place(app)
    if cluster_name and place is None:
        return
    await app.show("repositories", **(place.pane() if place else {"cluster": None}))


async def open_taskdefs(app: DeckApp, family: str | None) -> None:

    if family:
        await app.show("revisions", family=family)
    else:
        await app.show("families")


async def open_schedules(app: DeckApp, _: str | None = None) -> None:
    await app.show("schedules")


async def open_run(app: DeckApp, family: str | None) -> None:
    """`:run FAMILY[:REV]` in the cluster on screen (like its service when the pane shows one
    of that family); `:run` alone on a service pane runs a task like that service."""
    from tui.flows_run import run_like_service, run_revision

    screen: Any = app.screen
    service = getattr(screen, "service", None)
    service = service if isinstance(service, Service) else None
    if not family:
        if service is None:
            say(app, "Which task definition? Type :run FAMILY[:REV] (or R on a service pane).")
        else:
            run_like_service(screen, service)
        return
    cluster = current_cluster(app)
    if cluster is None:
        say(app, ":run runs in the cluster on screen: open a cluster first (:svc CLUSTER).")
        return
    run_revision(screen, family, cluster.name, service)


async def open_service(app: DeckApp, cluster_name: str, service_name: str, how: str = "") -> None:
    """A service by name: one DescribeClusters and one DescribeServices, whatever the size of
    the cluster (ListServices only for the closest name when there is no such service).
    Missing pieces fall back up the hierarchy with a notice that ends with ``how`` (how the
    cluster was chosen, when the user did not name it)."""
    from aws.models import arn_tail

    place = await find_cluster(app, cluster_name, how)
    if place is None:
        await open_clusters(app)
        return
    cluster, clients = place.cluster, place.clients(app)
    found = await ecs.describe_services(clients, cluster.arn, [service_name])
    if not found:
        names = [arn_tail(a) for a in await ecs.list_service_arns(clients, cluster.arn)]
        hint = did_you_mean(arn_tail(service_name), names)
        say(app, f"No service named {service_name!r} in cluster {cluster.name!r}.{hint}{how}")
        await app.show("services", **place.pane())
        return
    await app.show("service", service=found[0], **place.pane())


def cluster_of(service: str) -> str:
    """The cluster of a service given alone: named in its ARN
    (``arn:aws:ecs:…:service/CLUSTER/NAME``), else ECS's ``default`` cluster."""
    parts = service.split(":", 5)[-1].split("/") if service.startswith("arn:") else []
    return parts[1] if len(parts) == 3 else "default"


async def open_start(app: DeckApp, cluster: str | None, service: str | None) -> None:
    """Where ``--cluster``/``--service`` (or config.toml's cluster/service) start the app."""
    try:
        if service:
            how = ""
            if not cluster and not service.startswith("arn:"):
                how = (
                    " --service alone looks in ECS's default cluster: name the cluster with"
                    " --cluster NAME (or give the service's ARN)."
                )
            await open_service(app, cluster or cluster_of(service), service, how)
        elif cluster:
            found = await find_cluster(app, cluster)
            if found is None:
                await open_clusters(app)
            else:
                await app.show("services", **found.pane())
        else:
            await open_clusters(app)
    except Exception as exc:
        say(app, f"Could not open {service or cluster}: {explain(exc)}", "error")
        await open_clusters(app)


async def _pick(
    app: DeckApp, title: str, names: list[str], current: str | None, empty: str
) -> str | None:
    from tui.screens.dialogs.picker import PickerScreen

    if not names:
        say(app, empty)
        return None
    return await app.push_screen_wait(PickerScreen(title, names, current))


def _known(app: DeckApp, what: str, name: str, names: list[str], where: str) -> bool:
    """Refuse a name that is not one of ``names`` before switching to it: a switch to a
    mistyped region would only fail later, on every call, in AWS's words."""
    if name in names:
        return True
    say(
        app,
        f"Unknown {what} {name!r} ({where}).{did_you_mean(name, names)} :{what} alone lists them.",
    )
    return False


async def switch_profile(app: DeckApp, name: str | None) -> None:
    """`:profile NAME`, or a picker of ~/.aws/config's profiles (SSO ones included); across
    contexts, the view narrows to that profile's (tui/context_narrow.py)."""
    from aws.session import available_profiles, profile_files

    if several(app):
        from tui.context_narrow import narrow_to

        await narrow_to(app, "profile", name)
        return

    # An unknown NAME is refused by switch_account, in words that say where profiles come from.
    profiles = available_profiles()
    empty = f"No profiles to pick from: none in {' or '.join(profile_files())}."
    name = name or await _pick(app, "Profiles", profiles, app.settings.profile, empty)
    if name:
        await app.switch_account(profile=name)


async def switch_region(app: DeckApp, name: str | None) -> None:
    """`:region NAME`, or a picker of the regions ECS is offered in; across contexts, the
    view narrows to that region's (tui/context_narrow.py)."""
    from aws.session import ecs_regions

    if several(app):
        from tui.context_narrow import narrow_to

        await narrow_to(app, "region", name)
        return

    regions = ecs_regions()
    if name and not _known(app, "region", name, regions, "not a region ECS is offered in"):
        return
    empty = "No regions to pick from (botocore lists none for ECS)."
    name = name or await _pick(app, "Regions", regions, app.clients.region, empty)
    if name:
        await app.switch_account(region=name)


async def open_sessions(app: DeckApp, _: str | None = None) -> None:
    await app.show("sessions")


async def quit_app(app: DeckApp, _: str | None) -> None:
    app.exit()


async def show_help(app: DeckApp, _: str | None) -> None:
    await app.run_action("help")
