"""Settings go through one schema whatever the layer: file -> ECSDECK_* -> flags.

Wrong types are converted when they spell a value (``refresh = "5"``) and refused in one line
otherwise; ``read_only = "no"`` is False; unknown keys name the closest valid one; out-of-range
values say what is expected. Each message names the file, variable or flag and the key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui import config


def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    monkeypatch.setenv("ECSDECK_CONFIG_DIR", str(tmp_path))
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def refused(argv: list[str] | None = None) -> str:
    with pytest.raises(config.SettingsError) as err:
        config.load(argv or [])
    message = str(err.value)
    assert "\n" not in message
    return message


def test_strings_that_spell_a_value_are_converted(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, 'refresh = "5"\nmax_desired = "20"\nread_only = "no"\n')
    s = config.load([])
    assert (s.refresh, s.max_desired, s.read_only) == (5.0, 20, False)


@pytest.mark.parametrize("text", ['"no"', '"false"', '"off"', '"0"', "false", "0"])
def test_read_only_no_is_never_true(tmp_path, monkeypatch, text) -> None:
    write(tmp_path, monkeypatch, f"read_only = {text}\n")
    assert config.load([]).read_only is False


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('refresh = "abc"', "refresh must be at least 0.2 seconds (a number) (got 'abc')"),
        ("refresh = true", "refresh must be at least 0.2 seconds"),
        ("refresh = 0.05", "refresh must be at least 0.2 seconds"),
        ('read_only = "maybe"', "read_only must be true or false"),
        ("max_desired = 2.5", "max_desired must be 0 or more"),
        ("max_desired = -1", "max_desired must be 0 or more"),
        ("max_attempts = 0", "max_attempts must be 1 or more, at most 20"),
        ("max_attempts = 500", "max_attempts must be 1 or more, at most 20"),
        ("region = 5", "region must be an AWS region name"),
        ("[keys]\nscale = 5", "keys must be a table of action"),
        ('keys = "S"', "keys must be a table of action"),
    ],
)
def test_bad_file_values_name_file_key_and_expectation(tmp_path, monkeypatch, text, words):
    path = write(tmp_path, monkeypatch, text + "\n")
    message = refused()
    assert message.startswith(f"{path}: ")
    assert words in message


def test_unknown_key_names_the_closest(tmp_path, monkeypatch) -> None:
    path = write(tmp_path, monkeypatch, "refesh = 5\n")
    assert refused() == f"{path}: unknown key 'refesh': did you mean 'refresh'?"
    write(tmp_path, monkeypatch, "readonly = true\n")
    assert "did you mean 'read_only'?" in refused()
    write(tmp_path, monkeypatch, "zzz = 1\n")
    assert "valid keys: profile, region" in refused()


def test_environment_layer(monkeypatch) -> None:
    monkeypatch.setenv("ECSDECK_READ_ONLY", "no")
    monkeypatch.setenv("ECSDECK_REFRESH", "7")
    monkeypatch.setenv("ECSDECK_PROFILE", "")  # empty: not set
    monkeypatch.setenv("ECSDECK_KEYS", '{"scale": "S"}')
    s = config.load([])
    assert (s.read_only, s.refresh, s.profile, s.keys) == (False, 7.0, None, {"scale": "S"})
    monkeypatch.setenv("ECSDECK_READ_ONLY", "nah")
    assert refused().startswith("ECSDECK_READ_ONLY='nah': read_only must be true or false")
    monkeypatch.delenv("ECSDECK_READ_ONLY")
    monkeypatch.setenv("ECSDECK_KEYS", "scale=S")
    assert refused().startswith("ECSDECK_KEYS='scale=S': keys must be a JSON object")
    monkeypatch.delenv("ECSDECK_KEYS")
    monkeypatch.setenv("ECSDECK_REFERSH", "2")
    assert refused() == "ECSDECK_REFERSH: unknown setting: did you mean ECSDECK_REFRESH?"
    monkeypatch.delenv("ECSDECK_REFERSH")
    monkeypatch.setenv("ECSDECK_SOMETHING_ELSE", "x")  # not a misspelling: not ours to judge
    assert config.load([]).refresh == 7.0


def test_layers_later_wins_and_flags_are_checked_the_same_way(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, 'refresh = 10\nread_only = true\ncluster = "prod"\n')
    monkeypatch.setenv("ECSDECK_REFRESH", "4")
    s = config.load(["--refresh", "2", "--service", "web"])
    assert (s.refresh, s.read_only, s.cluster, s.service) == (2.0, True, "prod", "web")
    assert config.load(["--cluster", "dev"]).cluster == "dev"
    assert refused(["--refresh", "abc"]).startswith("--refresh abc: refresh must be at least")
    assert refused(["--max-desired", "x"]).startswith("--max-desired x: max_desired must be")


def test_new_navigation_settings(tmp_path, monkeypatch) -> None:
    write(
        tmp_path,
        monkeypatch,
        'cluster = "prod"\nservice = "web"\n[keys]\nscale = "S"\nrefresh_now = "ctrl+r"\n',
    )
    s = config.load([])
    assert (s.cluster, s.service) == ("prod", "web")
    assert s.keys == {"scale": "S", "refresh_now": "ctrl+r"}
    assert config.Settings().keys == {} and config.Settings().cluster is None


def test_relist_below_refresh_names_where(tmp_path, monkeypatch) -> None:
    path = write(tmp_path, monkeypatch, "relist = 1\n")
    assert refused(["--refresh", "2"]).startswith(f"{path}: relist (1.0) must be at least refresh")


def test_validate_checks_a_built_settings_object() -> None:
    with pytest.raises(config.SettingsError, match="refresh must be at least"):
        config.validate(config.Settings(refresh=0))
    assert config.validate(config.Settings()) == config.Settings()


def test_each_layer_overrides_the_one_below_for_the_same_key(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, "refresh = 10\n")
    assert config.load([]).refresh == 10.0
    monkeypatch.setenv("ECSDECK_REFRESH", "4")
    assert config.load([]).refresh == 4.0
    assert config.load(["--refresh", "2"]).refresh == 2.0


def test_a_higher_layer_replaces_the_keys_table_rather_than_merging(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, '[keys]\nscale = "S"\n')
    monkeypatch.setenv("ECSDECK_KEYS", '{"refresh_now": "R"}')
    assert config.load([]).keys == {"refresh_now": "R"}
    monkeypatch.setenv("ECSDECK_KEYS", "")  # blank: an empty table, still replacing the file's
    assert config.load([]).keys == {}


def test_file_keys_are_matched_exactly(tmp_path, monkeypatch) -> None:
    path = write(tmp_path, monkeypatch, "Refresh = 5\n")
    assert refused() == f"{path}: unknown key 'Refresh': did you mean 'refresh'?"


def test_settings_built_directly_read_no_file_and_no_environment(tmp_path, monkeypatch) -> None:
    write(tmp_path, monkeypatch, "refresh = 10\n")
    monkeypatch.setenv("ECSDECK_READ_ONLY", "yes")
    s = config.Settings(refresh=1)
    assert (s.refresh, s.read_only) == (1.0, False)
    with pytest.raises(config.SettingsError, match=r"^settings: unknown key 'refesh'"):
        config.Settings(refesh=1)
