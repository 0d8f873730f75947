"""``ecsdeck problems`` against the planted-problem sandbox: the real command line once, then
``tui.main.main`` in this process.

Exit 1 with the planted problems (JSON lines or aligned plain lines), 0 on a clean cluster, 2
with one line on stderr for an unknown cluster or an endpoint that does not answer.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3

from aws.problem_models import Problem
from aws.sandbox.planted import EXPECTED
from tui import cli_problems

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("account", "region", "cluster", "service", "kind", "what", "why", "since", "target")


def ecsdeck(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``ecsdeck ARGS`` as the console script runs it (``tui.main.main``), in this process: a
    subprocess costs a second of imports a call, and the suite runs dozens. ``env`` is set for
    the call and the environment restored after (``--demo`` sets AWS keys); output captured.
    ``real_ecsdeck`` runs the real command line, for the tests that need a process."""
    from tui.main import main

    saved = dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (exc.code is not None)
                if isinstance(exc.code, str):
                    err.write(exc.code + "\n")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(list(args), int(code), out.getvalue(), err.getvalue())


def real_ecsdeck(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **env},
    )


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def test_json_lists_every_planted_problem_and_exits_1(sandbox_problems: str) -> None:
    done = real_ecsdeck("problems", "--json", "--endpoint-url", sandbox_problems)
    assert done.returncode == 1, done.stderr
    rows = lines(done.stdout)
    found = {(r["kind"], r["cluster"], r["service"]) for r in rows if r["severity"] == "error"}
    assert found == set(EXPECTED)
    for row in rows:
        assert all(key in row for key in (*FIELDS, "console_url")), row
        assert row["account"] == "123456789012" and row["region"] == "us-east-1"
        assert row["target"].startswith("arn:aws:ecs:us-east-1:123456789012:")
        page = "ec2" if row["kind"] == "instance" else "ecs"  # an agent: its EC2 instance
        assert row["console_url"].startswith(f"https://us-east-1.console.aws.amazon.com/{page}/")
        datetime.fromisoformat(row["seen"])
        if row["since"] is not None:  # None only where no onset is known: "seen" says when
            assert datetime.fromisoformat(row["since"]).tzinfo is not None
    by_kind = {r["kind"]: r for r in rows}
    for kind in ("stopped", "rollout", "stuck"):  # AWS dates these
        assert by_kind[kind]["since"] is not None
    assert by_kind["stopped"]["target"].split(":task/")[1].startswith("analytics-prod/")
    assert "circuit breaker" in by_kind["rollout"]["why"]


def test_plain_output_is_one_aligned_line_per_problem(sandbox_problems: str) -> None:
    done = ecsdeck("problems", "--endpoint-url", sandbox_problems)
    assert done.returncode == 1, done.stderr
    out = done.stdout.splitlines()
    assert len(out) == len(EXPECTED)
    for _, cluster, service in EXPECTED:
        assert any(cluster in line and (service or "-") in line for line in out)
    # aligned: the KIND column starts at the same offset on every line
    kinds = [f" {kind} " for kind, *_ in EXPECTED]
    offsets = {min(line.index(k) for k in kinds if k in line) for line in out}
    assert len(offsets) == 1


def test_cluster_narrows_and_settings_come_from_the_environment(sandbox_problems: str) -> None:
    done = ecsdeck(
        "problems", "--json", "--cluster", "billing-prod", ECSDECK_ENDPOINT_URL=sandbox_problems
    )
    assert done.returncode == 1, done.stderr
    assert [(r["kind"], r["cluster"]) for r in lines(done.stdout)] == [("rollout", "billing-prod")]


def test_a_clean_cluster_exits_0(sandbox_problems: str) -> None:
    ecs = boto3.client("ecs", endpoint_url=sandbox_problems, region_name="us-east-1")
    names = {arn.rsplit("/", 1)[1] for arn in ecs.list_clusters()["clusterArns"]}
    clean = sorted(names - {cluster for _, cluster, _ in EXPECTED})[0]
    done = ecsdeck("problems", "--json", "--cluster", clean, "--endpoint-url", sandbox_problems)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_unknown_cluster_exits_2_naming_the_closest(sandbox_problems: str) -> None:
    done = ecsdeck("problems", "--cluster", "billing-prd", "--endpoint-url", sandbox_problems)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "ecsdeck: no cluster named 'billing-prd' in us-east-1: did you mean 'billing-prod'?"
    ]


def test_dead_endpoint_exits_2_with_one_line() -> None:
    done = ecsdeck("problems", "--endpoint-url", "http://127.0.0.1:9", ECSDECK_MAX_ATTEMPTS="2")
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert "Cannot reach the endpoint http://127.0.0.1:9" in done.stderr


def test_bad_setting_exits_2_with_one_line() -> None:
    done = ecsdeck("problems", "--endpoint-url", "localhost:4566")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "ecsdeck: --endpoint-url 'localhost:4566' must start with http:// or https://"
    ]


def test_the_command_never_loads_textual(sandbox_problems: str) -> None:
    code = (
        "import sys\n"
        "from tui.main import main\n"
        "try:\n"
        f"    main(['problems', '--cluster', 'ops-ec2', '--endpoint-url', {sandbox_problems!r}])\n"
        "except SystemExit as exit:\n"
        "    print(exit.code, 'textual' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.stdout.splitlines()[-1] == "1 False", done.stderr


def test_plain_lines_carry_no_terminal_escapes(capsys: Any) -> None:
    from datetime import UTC

    hostile = Problem(
        key="k",
        kind="stopped",
        cluster_arn="arn:aws:ecs:us-east-1:1:cluster/c",
        cluster_name="c\x1b]0;owned\x07",
        what="out of memory",
        why="boom \x1b[31mred\x1b[0m\nnext\u202eline",
        service_name="svc\x9b2J",
    )
    cli_problems.print_problems([hostile], "us-east-1", datetime.now(UTC), as_json=False)
    cli_problems.print_problems([hostile], "us-east-1", datetime.now(UTC), as_json=True)
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 2
    assert not any(ch in out for ch in "\x1b\x07\x9b\u202e")
    assert json.loads(out.splitlines()[1])["why"] == hostile.why  # the data, kept exact


def test_demo_works_out_of_the_box() -> None:
    done = ecsdeck("problems", "--demo", "--json")
    assert done.returncode == 1, done.stderr
    rows = lines(done.stdout)
    assert rows and all(row["account"] == "123456789012" for row in rows)


def test_an_onset_aws_does_not_give_is_not_pretended(sandbox_problems: str) -> None:
    """A disconnected agent has no start time in AWS (onset "seen"): JSON ``since`` is null and
    the plain line says ``seen`` with its age, never ``since`` as if it were the onset."""
    flags = ("problems", "--cluster", "ops-ec2", "--endpoint-url", sandbox_problems)
    done = ecsdeck(*flags, "--json")
    assert done.returncode == 1, done.stderr
    (row,) = lines(done.stdout)
    assert row["kind"] == "instance"
    assert row["since"] is None
    datetime.fromisoformat(row["seen"])
    done = ecsdeck(*flags)
    assert done.returncode == 1, done.stderr
    (line,) = done.stdout.splitlines()
    assert " seen " in line and " since " not in line, line
