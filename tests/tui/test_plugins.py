"""``[plugins.NAME]`` and ``[aliases]``: settings checks and variable substitution as plain unit
tests (hostile AWS names reach the program as one literal argument each), then one pilot test:
an alias opens its pane, a plugin key confirms and runs in the background on the selection."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from tests.tui.conftest import notes, wait_for
from tests.tui.test_config import refused, write
from tui import config, plugins
from tui.config_plugins import PluginSpec, check_aliases
from tui.resources import command_words

# Nothing here looks at problems: the reader's whole-account first read is held back.
pytestmark = pytest.mark.usefixtures("no_problems_reader")

RECORD = "import json, sys; open(sys.argv[1], 'w').write(json.dumps(sys.argv[2:]))"
HOSTILE = {"SERVICE": "x; rm -rf ~", "CLUSTER": "$(id)", "TASK": "`id` $HOME", "ARN": "a b"}


def test_variables_are_replaced_inside_each_argument_and_never_read_again() -> None:
    command = ["prog", "$SERVICE", "--cluster=${CLUSTER}", "$TASK", "$ARN", "$UNKNOWN", "$REGION"]
    assert plugins.expand(command, {**HOSTILE, "REGION": "eu-west-1"}) == [
        "prog",
        "x; rm -rf ~",
        "--cluster=$(id)",
        "`id` $HOME",
        "a b",
        "$UNKNOWN",
        "eu-west-1",
    ]
    assert plugins.expand(["$SERVICE"], {"SERVICE": "$CLUSTER"}) == ["$CLUSTER"]


def test_hostile_values_arrive_as_one_literal_argument_each(tmp_path: Path) -> None:
    out = tmp_path / "argv.json"
    command = [sys.executable, "-c", RECORD, str(out), "$SERVICE", "$CLUSTER", "$TASK", "$ARN"]
    code = asyncio.run(plugins._background(plugins.expand(command, HOSTILE)))
    assert code == 0
    assert json.loads(out.read_text()) == ["x; rm -rf ~", "$(id)", "`id` $HOME", "a b"]
    assert asyncio.run(plugins._background(["/no/such/program"])) == 127


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ('key = "ctrl+t"\nscopes = ["pod"]\ncommand = ["x"]', "scopes must be a list of scopes"),
        ('key = "s"\nscopes = ["service"]\ncommand = ["x"]', "key 's' is already 'Scale'"),
        ('key = "ctrl+t"\nscopes = ["task"]\ncommand = [""]', "command must be a list"),
        ('key = "ctrl+t"\nscopes = ["task"]\ncommand = []', "command must be a list"),
        ('key = "ctrl+t"\nscopes = ["task"]', "command is missing"),
        ('key = "ctrl+t"\nscopes = ["task"]\ncommand = ["x"]\nshell = 1', "unknown key 'shell'"),
    ],
)
def test_a_bad_plugin_is_refused_in_one_line(tmp_path, monkeypatch, table, says) -> None:
    path = write(tmp_path, monkeypatch, f"[plugins.p]\n{table}\n")
    message = refused()
    assert message.startswith(f"{path}: [plugins.p]") and says in message, message


def test_a_bad_alias_is_refused_in_one_line(tmp_path, monkeypatch) -> None:
    words = set(command_words())
    assert check_aliases({"svc": "clusters"}, words) == (
        "[aliases] 'svc' is already the :svc command: pick another word"
    )
    assert check_aliases({"web": "nope x"}, words) == "[aliases] 'web': :nope is not a command"
    assert check_aliases({"web": "svc web-fargate"}, words) is None
    write(tmp_path, monkeypatch, '[aliases]\nweb = ""\n')
    assert "[aliases] 'web': the command line is empty" in refused()


def test_good_plugins_and_aliases_load(tmp_path, monkeypatch) -> None:
    write(
        tmp_path,
        monkeypatch,
        '[aliases]\nweb = "svc web-fargate"\n[plugins.tail]\nkey = "ctrl+t"\n'
        'scopes = ["service", "task"]\ncommand = ["aws", "logs", "tail", "$SERVICE"]\n',
    )
    settings = config.load([])
    assert settings.aliases == {"web": "svc web-fargate"}
    assert settings.plugins["tail"] == PluginSpec(
        key="ctrl+t", scopes=["service", "task"], command=["aws", "logs", "tail", "$SERVICE"]
    )


async def test_alias_and_background_plugin_with_confirmation(frozen_sandbox, make_app, tmp_path):
    from tests.tui.test_actions import select_row
    from tests.tui.test_navigation import command, loaded_clusters
    from tui.render.help import key_table
    from tui.screens.dialogs.ask import AskScreen
    from tui.screens.services import ServicesScreen

    out = tmp_path / "argv.json"
    rec = PluginSpec(
        key="ctrl+t",
        scopes=["task", "service"],
        command=[sys.executable, "-c", RECORD, str(out), "$SERVICE", "$CLUSTER", "$REGION", "$ARN"],
        confirm=True,
        background=True,
    )
    app = make_app(frozen_sandbox, plugins={"rec": rec}, aliases={"web": "svc web-fargate"})
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded_clusters(app, pilot)
        await pilot.press("ctrl+t")  # a cluster is no scope of it: said, nothing run
        await wait_for(pilot, lambda: "Plugin rec works on a selected task, service" in notes(app))
        await command(pilot, "web")
        screen = await wait_for(
            pilot, lambda: isinstance(app.screen, ServicesScreen) and app.screen
        )
        await wait_for(pilot, lambda: screen.services)
        await select_row(pilot, screen.services_table, "catalog-api")
        assert any("Plugin rec" in str(row) for row in key_table(screen).columns[1]._cells)
        await pilot.press("ctrl+t")
        ask = await wait_for(pilot, lambda: isinstance(app.screen, AskScreen) and app.screen)
        assert "catalog-api" in ask.body.plain and str(out) in ask.body.plain
        ask.query_one("#ok").press()
        await wait_for(pilot, lambda: "exited with 0" in notes(app))
    argv = json.loads(out.read_text())
    assert argv[:3] == ["catalog-api", "web-fargate", "us-east-1"]
    assert argv[3].endswith("service/web-fargate/catalog-api")
