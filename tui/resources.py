"""Every resource ecsdeck can show, in one registry: the `:` command line, its completion, help,
deep links (``--cluster``/``--service``) and Back all read it, so a new pane is one entry.

An entry names the resource, its k9s-style aliases, what its one argument is, and its opener: an
async function that reads what the pane needs (by name: ``DescribeClusters`` and
``DescribeServices`` accept names, so the 230th service of a cluster costs one call, not a
listing) and makes the pane the only one on the stack. Back then goes up the hierarchy from it
(service -> services of its cluster -> clusters) whatever way the pane was opened
(the router's ``parent``, tui/router.py). An entry without an opener says it is coming in a later version.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws import ecs
from aws.errors import explain
from tui.text import clean

if TYPE_CHECKING:
    from aws.models import Cluster
    from tui.deck import DeckApp

Opener = Callable[["DeckApp", "str | None"], Awaitable[None]]

COMING = "coming in a later version"


@dataclass(frozen=True, slots=True)
class Resource:
    name: str
    #: Other words for it, as in k9s (`:svc`, `:cl`, `:td`).
    aliases: tuple[str, ...]
    #: One line for help and the completion list.
    summary: str
    #: What the one argument names (CLUSTER, FAMILY, NAME); empty: none.
    arg: str = ""
    #: The argument is required (`:profile NAME`), not defaulted from the current pane.
    needs_arg: bool = False
    #: Reads and opens the pane; None: not built yet (says "coming in a later version").
    open: Opener | None = None
    #: Where completion finds values for the argument: "clusters", "profiles", "regions".
    completes: str = ""


# --- moving between panes -----------------------------------------------------------------------


def current_cluster(app: DeckApp) -> Cluster | None:
    """The cluster the user is looking at (or has selected, on the clusters pane)."""
    for screen in reversed(app.screen_stack):
        here = getattr(screen, "current_cluster", None)
        if callable(here):
            cluster: Cluster | None = here()
            return cluster
    return None


def _say(app: DeckApp, text: str, severity: str = "warning") -> None:
    app.notify(clean(text, 400), severity=severity, markup=False)  # type: ignore[arg-type]


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


async def find_cluster(app: DeckApp, name: str, how: str = "") -> Cluster | None:
    """One DescribeClusters by name or ARN; None (and a notice with the closest name) if none.
    ``how`` ends the notice: how the name was chosen, when the user did not type it."""
    found = await ecs.read_clusters(app.clients, [name])
    if found:
        app.remember_clusters([c.name for c in found])
        return found[0]
    hint = did_you_mean(name, app.cluster_names)
    _say(app, f"No cluster named {name!r} in this region.{hint}{how}")
    return None


async def _cluster_for(app: DeckApp, name: str | None, command: str) -> Cluster | None:
    if name:
        return await find_cluster(app, name)
    cluster = current_cluster(app)
    if cluster is None:
        _say(app, f"Which cluster? Type :{command} CLUSTER (Tab completes the name).")
    return cluster


# --- the openers ----------------------------------------------------------------------------------


async def open_clusters(app: DeckApp, _: str | None = None) -> None:

    await app.show("clusters")


async def open_services(app: DeckApp, cluster_name: str | None) -> None:

    cluster = await _cluster_for(app, cluster_name, "services")
    if cluster is not None:
        await app.show("services", cluster=cluster)


async def open_tasks(app: DeckApp, cluster_name: str | None) -> None:

    cluster = await _cluster_for(app, cluster_name, "tasks")
    if cluster is not None:
        await app.show("tasks", cluster=cluster)


async def open_instances(app: DeckApp, cluster_name: str | None) -> None:

    cluster = await _cluster_for(app, cluster_name, "instances")
    if cluster is not None:
        await app.show("instances", cluster=cluster)


async def open_ecr(app: DeckApp, cluster_name: str | None) -> None:
    """The repositories; USED BY and `R` look at the named cluster, else the current one."""

    cluster = await find_cluster(app, cluster_name) if cluster_name else current_cluster(app)
    if cluster_name and cluster is None:
        return
    await app.show("repositories", cluster=cluster)


async def open_taskdefs(app: DeckApp, family: str | None) -> None:

    if family:
        await app.show("revisions", family=family)
    else:
        await app.show("families")


async def open_service(app: DeckApp, cluster_name: str, service_name: str, how: str = "") -> None:
    """A service by name: one DescribeClusters and one DescribeServices, whatever the size of
    the cluster (ListServices only for the closest name when there is no such service).
    Missing pieces fall back up the hierarchy with a notice that ends with ``how`` (how the
    cluster was chosen, when the user did not name it)."""
    from aws.models import arn_tail

    cluster = await find_cluster(app, cluster_name, how)
    if cluster is None:
        await open_clusters(app)
        return
    found = await ecs.describe_services(app.clients, cluster.arn, [service_name])
    if not found:
        names = [arn_tail(a) for a in await ecs.list_service_arns(app.clients, cluster.arn)]
        hint = did_you_mean(arn_tail(service_name), names)
        _say(app, f"No service named {service_name!r} in cluster {cluster.name!r}.{hint}{how}")
        await app.show("services", cluster=cluster)
        return
    await app.show("service", cluster=cluster, service=found[0])


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
                await app.show("services", cluster=found)
        else:
            await open_clusters(app)
    except Exception as exc:
        _say(app, f"Could not open {service or cluster}: {explain(exc)}", "error")
        await open_clusters(app)


def via_action(action: str, elsewhere: str = "") -> Opener:
    """An opener for a view another part of the app owns as a key action (``!`` problems, ``p``
    deployments): runs the pane's or the app's ``action_<action>``. On a pane without it,
    ``elsewhere`` says where it is (deployments: pick a service first); without ``elsewhere``
    the view is coming in a later version."""

    async def run_action(app: DeckApp, _: str | None) -> None:
        for node in (app.screen, app):
            if hasattr(node, f"action_{action}"):
                await node.run_action(action)
                return
        resource = find(action)
        summary = resource.summary.lower() if resource else action
        if elsewhere:
            _say(app, f":{action} ({summary}): {elsewhere}", "information")
        else:
            _say(app, f":{action} ({summary}) is {COMING}.", "information")

    return run_action


async def _pick(
    app: DeckApp, title: str, names: list[str], current: str | None, empty: str
) -> str | None:
    from tui.screens.dialogs.picker import PickerScreen

    if not names:
        _say(app, empty)
        return None
    return await app.push_screen_wait(PickerScreen(title, names, current))


def _known(app: DeckApp, what: str, name: str, names: list[str], where: str) -> bool:
    """Refuse a name that is not one of ``names`` before switching to it: a switch to a
    mistyped region would only fail later, on every call, in AWS's words."""
    if name in names:
        return True
    _say(
        app,
        f"Unknown {what} {name!r} ({where}).{did_you_mean(name, names)} :{what} alone lists them.",
    )
    return False


async def switch_profile(app: DeckApp, name: str | None) -> None:
    """`:profile NAME`, or a picker of ~/.aws/config's profiles (SSO ones included)."""
    from aws.session import available_profiles, profile_files

    # An unknown NAME is refused by switch_account, in words that say where profiles come from.
    profiles = available_profiles()
    empty = f"No profiles to pick from: none in {' or '.join(profile_files())}."
    name = name or await _pick(app, "Profiles", profiles, app.settings.profile, empty)
    if name:
        await app.switch_account(profile=name)


async def switch_region(app: DeckApp, name: str | None) -> None:
    """`:region NAME`, or a picker of the regions ECS is offered in."""
    from aws.session import ecs_regions

    regions = ecs_regions()
    if name and not _known(app, "region", name, regions, "not a region ECS is offered in"):
        return
    empty = "No regions to pick from (botocore lists none for ECS)."
    name = name or await _pick(app, "Regions", regions, app.clients.region, empty)
    if name:
        await app.switch_account(region=name)


async def quit_app(app: DeckApp, _: str | None) -> None:
    app.exit()


async def show_help(app: DeckApp, _: str | None) -> None:
    await app.run_action("help")


# --- the registry ---------------------------------------------------------------------------------

RESOURCES: tuple[Resource, ...] = (
    Resource("clusters", ("cl", "cluster"), "Every cluster of the region", open=open_clusters),
    Resource(
        "services",
        ("svc", "service"),
        "Services of a cluster (the current one without CLUSTER)",
        arg="CLUSTER",
        open=open_services,
        completes="clusters",
    ),
    Resource(
        "tasks",
        ("task",),
        "Every task of a cluster, with or without a service",
        arg="CLUSTER",
        open=open_tasks,
        completes="clusters",
    ),
    # Views owned by their key actions (`!` problems, `p` deployments of the selected service).
    Resource(
        "problems",
        ("pb", "problem"),
        "What is wrong across the clusters",
        open=via_action("problems"),
    ),
    Resource(
        "deployments",
        ("dp", "deploy"),
        "Rollouts of the selected service, in progress and recent",
        open=via_action(
            "deployments",
            "pick a service first (Enter on a cluster, then the cursor on a service), "
            "then :dp or p.",
        ),
    ),
    Resource(
        "instances",
        ("ci", "instance"),
        "Container instances of a cluster",
        arg="CLUSTER",
        open=open_instances,
        completes="clusters",
    ),
    Resource(
        "taskdefs",
        ("td", "taskdef"),
        "Task definition families, or one family's revisions",
        arg="FAMILY",
        open=open_taskdefs,
    ),
    Resource(
        "ecr",
        ("repos",),
        "ECR repositories and their images (USED BY: services of CLUSTER, or the current one)",
        arg="CLUSTER",
        open=open_ecr,
        completes="clusters",
    ),
    Resource(
        "reload",
        ("creds",),
        "Re-read AWS credentials (after aws sso login) and poll again (also Ctrl+R)",
        open=via_action("reload_credentials"),
    ),
    Resource(
        "profile",
        ("prof",),
        "Switch AWS profile (reopens the clients and the clusters pane); alone: a picker",
        arg="NAME",
        open=switch_profile,
        completes="profiles",
    ),
    Resource(
        "region",
        ("reg",),
        "Switch AWS region (reopens the clients and the clusters pane); alone: a picker",
        arg="NAME",
        open=switch_region,
        completes="regions",
    ),
    Resource("help", ("h",), "Every key of this pane", open=show_help),
    Resource("quit", ("q", "q!", "exit"), "Leave ecsdeck", open=quit_app),
)

_BY_WORD = {w: r for r in RESOURCES for w in (r.name, *r.aliases)}


def find(word: str) -> Resource | None:
    return _BY_WORD.get(word.lower())


def command_words() -> list[str]:
    """Names first (registry order), then aliases: what completion offers."""
    return [r.name for r in RESOURCES] + [a for r in RESOURCES for a in r.aliases]


def completions(app: DeckApp, resource: Resource) -> list[str]:
    """What the argument of ``resource`` can be, for Tab: cluster names (the clusters pane's and
    those found by name), the profiles of ~/.aws/config, the regions ECS is offered in."""
    from aws.session import available_profiles, ecs_regions

    if resource.completes == "clusters":
        names = list(app.cluster_names)
        for screen in app.screen_stack:
            clusters = getattr(screen, "clusters", None)
            if isinstance(clusters, dict):
                names += [c.name for c in clusters.values() if c.name not in names]
        return names
    if resource.completes == "profiles":
        return available_profiles()
    if resource.completes == "regions":
        return ecs_regions()
    return []


def complete(value: str, values_for: Callable[[Resource], list[str]]) -> str | None:
    """The completed command line for ``value`` (the typed text kept as typed), or None.

    ``svc`` -> ``services`` is not offered (an alias is a complete word); ``ser`` -> ``services``,
    ``svc we`` -> ``svc web-fargate``.
    """
    if " " not in value:
        word = value.lower().removeprefix(":")
        if not word or word in _BY_WORD:
            return None
        match = next((w for w in command_words() if w.startswith(word)), None)
        return value + match[len(word) :] if match else None
    head, _, rest = value.partition(" ")
    resource = find(head.removeprefix(":"))
    prefix = rest.lstrip()
    if resource is None or " " in prefix:
        return None
    for candidate in values_for(resource):
        if candidate.lower().startswith(prefix.lower()) and candidate != prefix:
            return value + candidate[len(prefix) :]
    return None


async def run(app: DeckApp, line: str) -> None:
    """Run one command line (``svc prod``, ``:q``): open, switch, or say what is wrong."""
    words = line.strip().removeprefix(":").split()
    if not words:
        return
    word, args = words[0], words[1:]
    resource = find(word)
    if resource is None:
        close = difflib.get_close_matches(word.lower(), command_words(), n=1, cutoff=0.5)
        hint = f" Did you mean :{close[0]}?" if close else ""
        _say(app, f"Unknown command :{word}.{hint} (? lists the keys, README the commands)")
        return
    if resource.open is None:
        _say(app, f":{resource.name} ({resource.summary.lower()}) is {COMING}.", "information")
        return
    if len(args) > 1 or (args and not resource.arg):
        usage = f":{resource.name} {resource.arg}".rstrip()
        _say(app, f"Too many words: {usage}")
        return
    if resource.needs_arg and not args:
        _say(
            app, f":{resource.name} needs a {resource.arg.lower()}: :{resource.name} {resource.arg}"
        )
        return
    try:
        await resource.open(app, args[0] if args else None)
    except Exception as exc:
        _say(app, f":{resource.name}: {explain(exc)}", "error")
