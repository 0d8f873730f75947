"""Settings of many contexts: ``--profiles``, ``--regions`` (or ``*``), ``--contexts NAME`` and
``[contexts.NAME]`` tables; each refusal one line naming the file or flag, the key and what is
expected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui import config
from tui.context_sets import ContextPlan


def write(text: str) -> Path:
    path = Path(os.environ["ECSDECK_CONFIG_DIR"]) / "config.toml"
    path.write_text(text)
    return path


def refused(argv: list[str]) -> str:
    with pytest.raises(config.SettingsError) as caught:
        config.load(argv)
    return str(caught.value)


ONCALL = '[contexts.oncall]\nprofiles = ["prod", "staging"]\nregions = ["us-east-1", "eu-west-1"]\n'


def test_flags_give_profiles_x_regions() -> None:
    plan = config.load(["--profiles", "prod, staging", "--regions", "us-east-1,eu-west-1"])
    assert plan.context_plan() == ContextPlan(["prod", "staging"], ["us-east-1", "eu-west-1"])
    assert config.load(["--regions", "*"]).context_plan() == ContextPlan([None], "*")
    assert config.load(["--profile", "prod"]).context_plan() is None  # one context, as before


def test_a_named_set_and_flags_narrowing_it() -> None:
    write(ONCALL)
    oncall = config.load(["--contexts", "oncall"]).context_plan()
    assert oncall == ContextPlan(["prod", "staging"], ["us-east-1", "eu-west-1"])
    narrowed = config.load(["--contexts", "oncall", "--regions", "eu-west-1"]).context_plan()
    assert narrowed == ContextPlan(["prod", "staging"], ["eu-west-1"])
    write('context_set = "all"\n[contexts.all]\nprofiles = ["prod"]\nregions = "*"\n')
    assert config.load([]).context_plan() == ContextPlan(["prod"], "*")


def test_environment_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECSDECK_PROFILES", "a,b")
    monkeypatch.setenv("ECSDECK_REGIONS", "*")
    assert config.load([]).context_plan() == ContextPlan(["a", "b"], "*")


def test_refusals_name_where_the_key_and_what_is_expected() -> None:
    path = write(ONCALL)
    assert refused(["--contexts", "oncal"]) == (
        f"--contexts oncal: no [contexts.oncal] in {path}: did you mean 'oncall'?"
    )
    assert refused(["--profiles", "prod,"]).startswith(
        "--profiles prod,: profiles must be AWS profile names, e.g. prod,staging"
    )
    write('[contexts.x]\nprofiles = ["a"]\nregion = ["b"]\n')
    assert refused([]) == f"{path}: [contexts.x]: unknown key 'region': did you mean 'regions'?"
    write("[contexts.x]\nprofiles = []\n")
    assert refused([]) == (
        f'{path}: [contexts.x] profiles must be AWS profile names, e.g. prod,staging (["prod", '
        '"staging"] in a file) (got [])'
    )
    write('[contexts.x]\nprofiles = ["a"]\nregions = 3\n')
    assert refused([]).startswith(f"{path}: [contexts.x] regions must be region names")


def test_a_bad_contexts_variable_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECSDECK_CONTEXTS", "oncall")
    assert refused([]) == "ECSDECK_CONTEXTS='oncall': contexts must be a JSON object of tables"
