"""The command-line flags: the TUI's, and those every ``ecsdeck`` command shares.

Values are not checked here but by the settings fields (``tui.config``), so a bad value is one
line naming the flag, whichever command it was given to.
"""

from __future__ import annotations

import argparse

#: Settings whose flag is not ``--`` + the name with dashes.
FLAG_OF = {"context_set": "--contexts"}


def parser() -> argparse.ArgumentParser:
    """The TUI's flags: the account ones (as every command has) and what the app shows."""
    p = command_parser(
        "ecsdeck", "A terminal cockpit for AWS ECS: clusters, services, tasks, target health."
    )
    p.epilog = f"{p.epilog} Commands: ecsdeck problems --help."
    # Values are checked by the settings fields (one line naming the flag), not by argparse.
    p.add_argument("--refresh", help="seconds between refreshes (default 3)")
    p.add_argument("--read-only", action="store_const", const=True, help="refuse every mutation")
    p.add_argument("--max-desired", dest="max_desired", help="scale cap before confirm")
    p.add_argument("--cluster", help="open this cluster (name or ARN) at start")
    p.add_argument("--service", help="open this service (name or ARN) at start")
    return p


def command_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """A parser with the flags every ecsdeck command shares: which account, and ``--demo``."""
    from tui import __version__

    p = argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog="AWS settings not given here come from the standard chain "
        "(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws/config, SSO).",
    )
    p.add_argument("--profile", help="AWS profile name")
    p.add_argument("--region", help="AWS region, e.g. eu-west-1")
    p.add_argument("--endpoint-url", dest="endpoint_url", help="ECS/ELB/ECR endpoint override")
    p.add_argument("--profiles", help="several AWS profiles at once, e.g. prod,staging")
    p.add_argument("--regions", help="several regions at once, e.g. us-east-1,eu-west-1, or '*'")
    p.add_argument(
        "--contexts", dest="context_set", metavar="NAME", help="the [contexts.NAME] of config.toml"
    )
    p.add_argument("--demo", action="store_const", const=True, help="use the built-in sandbox")
    for flag, metavar, text in (
        ("--demo-latency-ms", "MS", "milliseconds of latency per request, like a network round trip"),
        ("--demo-accounts", "N", "serve N accounts, one AWS profile each (assume-role past the first)"),
        ("--demo-regions", "R1,R2", "seed every account in these regions (default us-east-1)"),
    ):  # fmt: skip
        p.add_argument(
            flag, dest=flag[2:].replace("-", "_"), metavar=metavar, help=f"with --demo: {text}"
        )
    p.add_argument(
        "--demo-throttle",
        dest="demo_throttle",
        action="store_const",
        const=True,
        help="with --demo: throttle calls past AWS's API rate limits",
    )
    p.add_argument("--version", action="version", version=f"ecsdeck {__version__}")
    return p
