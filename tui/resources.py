"""Every `:` command, in one registry: the command line, its completion, help and the palette
read it, so a new command is one entry.

An entry names the resource, its k9s-style aliases, what its one argument is, and its opener
(tui/openers.py: reads what the pane needs by name, then makes it the one pane on the stack;
Back then goes up the router's hierarchy from it, tui/router.py). An entry without an opener
says it is coming in a later version."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws.errors import explain
from tui.openers import (
    open_changes,
    open_clusters,
    open_contexts,
    open_ecr,
    open_instances,
    open_run,
    open_schedules,
    open_services,
    open_sessions,
    open_taskdefs,
    open_tasks,
    quit_app,
    say,
    show_help,
    switch_profile,
    switch_region,
)

if TYPE_CHECKING:
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
            say(app, f":{action} ({summary}): {elsewhere}", "information")
        else:
            say(app, f":{action} ({summary}) is {COMING}.", "information")

    return run_action


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
        "changes",
        ("ch", "change"),
        "What changed and who did it (the current cluster or service; CLUSTER; or the account)",
        arg="CLUSTER",
        open=open_changes,
        completes="clusters",
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
        "ctx",
        ("contexts", "context"),
        "The contexts (profile x region), how each stands; narrow the view to some",
        open=open_contexts,
    ),
    Resource(
        "sessions",
        ("pf", "forwards"),
        "Port forwards started here (F on a task): ports, age, state; x stops one",
        open=open_sessions,
    ),
    Resource(
        "schedules",
        ("sch", "schedule"),
        "EventBridge schedules and rules that run ECS tasks: next run, last run, run now",
        open=open_schedules,
    ),
    Resource(
        "run",
        (),
        "Run a one-off task of FAMILY[:REV] (alone: like the service on screen), then follow it",
        arg="FAMILY",
        open=open_run,
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
        "Switch AWS profile (across contexts: show its contexts only); alone: a picker",
        arg="NAME",
        open=switch_profile,
        completes="profiles",
    ),
    Resource(
        "region",
        ("reg",),
        "Switch AWS region (across contexts: show its contexts only); alone: a picker",
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
    alias = app.settings.aliases.get(words[0])
    if alias:  # [aliases]: one word for a command line (never another alias)
        words = alias.strip().removeprefix(":").split() + words[1:]
    word, args = words[0], words[1:]
    resource = find(word)
    if resource is None:
        close = difflib.get_close_matches(word.lower(), command_words(), n=1, cutoff=0.5)
        hint = f" Did you mean :{close[0]}?" if close else ""
        say(app, f"Unknown command :{word}.{hint} (? lists the keys, README the commands)")
        return
    if resource.open is None:
        say(app, f":{resource.name} ({resource.summary.lower()}) is {COMING}.", "information")
        return
    if len(args) > 1 or (args and not resource.arg):
        usage = f":{resource.name} {resource.arg}".rstrip()
        say(app, f"Too many words: {usage}")
        return
    if resource.needs_arg and not args:
        say(
            app, f":{resource.name} needs a {resource.arg.lower()}: :{resource.name} {resource.arg}"
        )
        return
    try:
        await resource.open(app, args[0] if args else None)
    except Exception as exc:
        say(app, f":{resource.name}: {explain(exc)}", "error")
