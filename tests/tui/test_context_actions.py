"""Across contexts, actions and problems stay in the context of the resource (issue 18).

One multi-account sandbox for the module (2 accounts x 2 regions; planted problems in every
other context) reached through the profiles ``--demo --demo-accounts 2`` writes: ``prod`` (the
root keys, 123456789012) and ``staging`` (an assumed role of another account). The app opens
all four contexts; the app's own clients are prod's in us-east-1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from aws import ecs
from aws.audit import AuditLog
from aws.contexts import ContextState
from aws.sandbox import accounts
from tests.conftest import _spawn_sandbox
from tests.tui.conftest import notes, wait_for
from tui import main as tui_main
from tui.config import Settings
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.scale import ScaleScreen

REGIONS = ["us-east-1", "eu-west-1"]
ARGS = (
    "--seed", "7", "--no-simulate", "--accounts", "2", "--regions", ",".join(REGIONS),
    "--context-clusters", "2",
)  # fmt: skip
STAGING = accounts.account_ids(2)[1]

pytestmark = pytest.mark.xdist_group("context_actions")


@pytest.fixture(scope="module")
def contexts_sandbox() -> Iterator[str]:
    yield from _spawn_sandbox(*ARGS)


@pytest.fixture
def settings(contexts_sandbox: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Every profile x region of the demo's AWS config, the shell's AWS settings put aside."""
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.setenv(name, "/nonexistent")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    demo = Settings(demo=True, demo_accounts=2, demo_regions=",".join(REGIONS))
    opened = tui_main.demo_profiles(demo, contexts_sandbox, REGIONS)
    return opened.model_copy(update={"demo": False, "refresh": 1.0})


def staging_ecs(url: str, region: str) -> Any:
    keys = accounts.credentials(url, STAGING)
    return boto3.client("ecs", endpoint_url=url, region_name=region, **keys)  # type: ignore[call-overload]


def state_named(app: Any, profile: str, region: str) -> ContextState:
    return next(
        s for s in app.contexts.states if (s.context.profile, s.context.region) == (profile, region)
    )


async def all_open(pilot: Any) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.contexts and len(app.contexts.ready) == 4, timeout=60)


async def test_actions_and_problems_stay_in_the_context_of_the_resource(
    settings: Settings, contexts_sandbox: str
) -> None:
    """One app for both checks (each app opens four contexts)."""
    from tui.app import EcsDeckApp

    app = EcsDeckApp(settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await all_open(pilot)
        cluster, service, wanted = await scale_in_staging(pilot)
        await run_in_staging(pilot)
        await problems_across(pilot)
    check_sent_to_staging(contexts_sandbox, cluster, service, wanted)


async def scale_in_staging(pilot: Any) -> tuple[Any, Any, int]:
    """Scale a service of staging's eu-west-1 from its pane: the confirmation says where."""
    app = pilot.app
    state = state_named(app, "staging", "eu-west-1")
    assert state.account == STAGING and app.clients is not state.clients
    [cluster, *_] = await ecs.read_clusters(state.clients)
    app.open("services", cluster=cluster, aws=state.context)
    await wait_for(pilot, lambda: getattr(app.screen, "services", None))
    screen = app.screen
    service = screen.selected_service()
    assert service is not None and STAGING in service.arn and "eu-west-1" in service.arn
    wanted = service.desired + 1
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
    await pilot.press(*str(wanted), "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    dialog = app.screen
    title = str(dialog.query_one("#title").render())
    assert f"account {STAGING} · eu-west-1 · profile staging" in title
    shown = "\n".join(t.plain for t in dialog.query_one("#plan").content.renderables)
    assert "--region eu-west-1 --profile staging" in shown
    await pilot.press("tab", "enter")
    await wait_for(pilot, lambda: "Done: UpdateService" in notes(app))
    return cluster, service, wanted


async def run_in_staging(pilot: Any) -> None:
    """Run a task like a staging service: its task definition is read, the task run and then
    followed with staging's eu-west-1 clients, not the app's own (prod, us-east-1)."""
    from tui.run_status import RunStatus
    from tui.screens.dialogs.run_task import RunTaskScreen
    from tui.screens.logs import LogsScreen
    from tui.screens.service import ServiceScreen

    app = pilot.app
    staging = state_named(app, "staging", "eu-west-1")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))
    await pilot.press("R")
    dialog = await wait_for(
        pilot, lambda: app.screen if isinstance(app.screen, RunTaskScreen) else None
    )
    dialog.query_one("#next").press()
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    shown = "\n".join(t.plain for t in app.screen.query_one("#plan").content.renderables)
    assert "--region eu-west-1 --profile staging" in shown
    await pilot.press("tab", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen))
    follow = app.screen.query_one(RunStatus)
    theirs, ours = staging.clients.calls.total, app.clients.calls.total
    before = (theirs["ecs.DescribeTasks"], ours["ecs.DescribeTasks"])
    await wait_for(pilot, lambda: theirs["ecs.DescribeTasks"] > before[0], timeout=15)
    assert follow.stale is None and ours["ecs.DescribeTasks"] == before[1]
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(app.screen, ServiceScreen))


def check_sent_to_staging(contexts_sandbox: str, cluster: Any, service: Any, wanted: int) -> None:
    """The change, its audit line and its CloudTrail event are staging's, in eu-west-1."""

    def desired(region: str) -> list[int]:
        client = staging_ecs(contexts_sandbox, region)
        try:
            found = client.describe_services(cluster=cluster.name, services=[service.name])
        except client.exceptions.ClusterNotFoundException:
            return []
        return [s["desiredCount"] for s in found["services"]]

    # the service changed in staging's eu-west-1, and nowhere else (the root account's keys
    # and staging's us-east-1 do not even have a service by that ARN)
    assert desired("eu-west-1") == [wanted]
    assert desired("us-east-1") == []
    [line] = [r for r in AuditLog().read() if r.get("service") == service.name]
    assert (line["account"], line["region"], line["profile"]) == (STAGING, "eu-west-1", "staging")
    assert line["result"] == "ok" and f":{STAGING}:assumed-role/" in line["identity"]
    # the sandbox's CloudTrail recorded the call in staging's trail, with staging's caller
    trail = boto3.client(
        "cloudtrail",
        endpoint_url=contexts_sandbox,
        region_name="eu-west-1",
        **accounts.credentials(contexts_sandbox, STAGING),
    )  # type: ignore[call-overload]
    events = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "UpdateService"}]
    )["Events"]
    assert events and all(f":{STAGING}:" in e["CloudTrailEvent"] for e in events)
    root = boto3.client(
        "cloudtrail",
        endpoint_url=contexts_sandbox,
        region_name="eu-west-1",
        **accounts.credentials(contexts_sandbox, accounts.account_ids(1)[0]),
    )  # type: ignore[call-overload]
    mine = root.lookup_events(
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": service.name}]
    )["Events"]
    assert all(f'"desiredCount": {wanted}' not in e["CloudTrailEvent"] for e in mine)


async def problems_across(pilot: Any) -> None:
    """`!` lists every context's problems; Enter opens the culprit in its own context."""
    from tui.app import pane_name

    app = pilot.app
    app.action_problems()
    await wait_for(pilot, lambda: pane_name(app.screen) == "problems")
    screen, feed = app.screen, app.problems
    await wait_for(pilot, lambda: feed.by_context and len(feed.by_context.reports) == 4)
    await wait_for(pilot, lambda: screen.problems_table.row_count == len(feed.problems))
    # one watch per context (its own allowances), the problems of every context merged
    assert len({id(w) for w in feed.by_context.watches.values()}) == 4
    where = {
        (s.context.profile, s.context.region) for p in feed.problems if (s := feed.context_of(p))
    }
    assert where == {("prod", "us-east-1"), ("prod", "eu-west-1"), ("staging", "eu-west-1")}
    table = screen.problems_table
    assert [str(c.label) for c in table.columns.values()][:3] == [
        "PROBLEM",
        "ACCOUNT",
        "REGION",
    ]
    staging = state_named(app, "staging", "eu-west-1").context
    culprit = next(
        p for p in feed.problems if p.kind == "rollout" and feed.context_of(p).context == staging
    )
    assert table.get_cell(culprit.key, "account").plain == f"staging ({STAGING})"
    assert table.get_cell(culprit.key, "region").plain == "eu-west-1"
    table.move_cursor(row=table.shown_keys().index(culprit.key))
    await keys_read_the_culprit_in_its_context(pilot, screen, culprit)
    await pilot.press("enter")
    await wait_for(pilot, lambda: pane_name(app.screen) == "service")
    assert app.screen.aws_context == staging
    assert app.screen.service.arn == culprit.service_arn


async def keys_read_the_culprit_in_its_context(pilot: Any, screen: Any, culprit: Any) -> None:
    """`y` and `o` on a row of prod's eu-west-1, a plugin's variables on staging's: each in
    its row's account and region (the view itself was opened from a staging pane)."""
    from tui import plugins

    app, feed, table = pilot.app, pilot.app.problems, screen.problems_table
    prod = state_named(app, "prod", "eu-west-1").context
    other = next(p for p in feed.problems if feed.context_of(p).context == prod)
    table.move_cursor(row=table.shown_keys().index(other.key))
    await pilot.press("y")
    shown = await wait_for(
        pilot, lambda: app.screen if type(app.screen).__name__ == "JsonScreen" else None
    )
    assert "--region eu-west-1 --profile prod" in shown.title_text, shown.title_text
    arn = other.task_arn or other.container_instance_arn or other.service_arn or other.cluster_arn
    assert arn in shown.text  # described by prod's eu-west-1 bundle
    await pilot.press("escape")
    await wait_for(pilot, lambda: app.screen is screen)
    await pilot.press("o")
    await wait_for(pilot, lambda: "console.aws" in notes(app))
    assert "eu-west-1" in notes(app) and "us-east-1" not in notes(app)
    table.move_cursor(row=table.shown_keys().index(culprit.key))
    values = plugins.variables(app, screen, screen.selected_resource())
    assert (values["PROFILE"], values["REGION"], values["ACCOUNT"]) == (
        "staging",
        "eu-west-1",
        STAGING,
    )
