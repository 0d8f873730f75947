"""``ecsdeck problems|changes --profiles/--regions/--contexts``: every context read, each line
with its account and region, a broken profile one stderr line while the others answer.

The profiles point at the planted-problem sandbox: ``root`` (account 123456789012, problems in
us-east-1, nothing in eu-west-1), ``other`` (an assumed role of account 111111111111: empty) and
``broken`` (a ``source_profile`` that does not exist).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aws.sandbox.planted import EXPECTED
from tests.aws.test_contexts import write_profiles
from tests.tui.test_cli_problems import ecsdeck, lines


@pytest.fixture
def aws_config(sandbox_problems: str, tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "aws-config"
    write_profiles(config, sandbox_problems)
    (tmp_path / "config.toml").write_text(
        '[contexts.oncall]\nprofiles = ["root", "other", "broken"]\n'
        'regions = ["us-east-1", "eu-west-1"]\n'
    )
    return {"AWS_CONFIG_FILE": str(config), "ECSDECK_CONFIG_DIR": str(tmp_path)}


def check_problems(done: object) -> None:
    rows = lines(done.stdout)  # type: ignore[attr-defined]
    assert done.returncode == 1, done.stderr  # type: ignore[attr-defined]
    found = {(r["kind"], r["cluster"], r["service"]) for r in rows if r["severity"] == "error"}
    assert found == set(EXPECTED)
    assert {(r["account"], r["region"], r["profile"]) for r in rows} == {
        ("123456789012", "us-east-1", "root")
    }


def test_problems_across_profiles_and_regions_name_the_broken_one(
    aws_config: dict[str, str],
) -> None:
    done = ecsdeck(
        "problems", "--json", "--profiles", "root,other,broken", "--regions",
        "us-east-1,eu-west-1", **aws_config,
    )  # fmt: skip
    check_problems(done)
    errors = done.stderr.splitlines()
    assert len(errors) == 2 and all("source_profile" in e for e in errors)
    assert errors[0].startswith("ecsdeck: broken in us-east-1: ")
    assert errors[1].startswith("ecsdeck: broken in eu-west-1: ")


def test_problems_of_a_named_set_from_config_toml(aws_config: dict[str, str]) -> None:
    done = ecsdeck("problems", "--json", "--contexts", "oncall", **aws_config)
    check_problems(done)
    assert len(done.stderr.splitlines()) == 2


def test_plain_lines_carry_account_and_region(aws_config: dict[str, str]) -> None:
    # `--regions '*'` is planned in tests/aws/test_contexts.py; here two regions keep it quick
    # (every ECS region is 30-odd client bundles a profile).
    regions = "us-east-1,eu-west-1"
    done = ecsdeck("problems", "--profiles", "root,other", "--regions", regions, **aws_config)
    assert done.returncode == 1 and done.stderr == ""
    out = done.stdout.splitlines()
    assert len(out) == len(EXPECTED)
    assert all(line.startswith("root (123456789012)  us-east-1  ") for line in out)


def test_only_broken_contexts_exit_2(aws_config: dict[str, str]) -> None:
    done = ecsdeck("problems", "--profiles", "broken", "--regions", "us-east-1", **aws_config)
    assert (done.returncode, done.stdout) == (2, "")
    assert len(done.stderr.splitlines()) == 1 and "broken in us-east-1" in done.stderr


def test_an_unknown_set_is_refused_naming_the_flag(aws_config: dict[str, str]) -> None:
    done = ecsdeck("problems", "--contexts", "oncal", **aws_config)
    assert done.returncode == 2
    path = Path(aws_config["ECSDECK_CONFIG_DIR"]) / "config.toml"
    assert done.stderr.splitlines() == [
        f"ecsdeck: --contexts oncal: no [contexts.oncal] in {path}: did you mean 'oncall'?"
    ]


def test_changes_across_contexts_carry_account_and_region(aws_config: dict[str, str]) -> None:
    done = ecsdeck("changes", "--json", "--since", "30d", "--contexts", "oncall", **aws_config)
    assert done.returncode == 0, done.stderr
    rows = lines(done.stdout)
    accounts = {"root": "123456789012", "other": "111111111111"}
    assert all(r["account"] == accounts[r["profile"]] for r in rows)
    assert all(r["region"] in ("us-east-1", "eu-west-1") for r in rows)
    assert ("root", "us-east-1") in {(r["profile"], r["region"]) for r in rows}
    assert [r["at"] for r in rows] == sorted((r["at"] for r in rows), reverse=True)
    assert sum("broken in" in e for e in done.stderr.splitlines()) == 2
