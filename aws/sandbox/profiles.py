"""The AWS config and credentials files that reach the sandbox's accounts as real ones would.

``ecsdeck --demo --demo-accounts N`` points ``AWS_CONFIG_FILE`` / ``AWS_SHARED_CREDENTIALS_FILE``
at these, so the app resolves the demo's profiles through the standard chain, not a sandbox
special case: the first account's profile holds static keys; every other is an assume-role
profile (``role_arn`` + ``source_profile``), which botocore turns into an STS AssumeRole call
whose keys moto ties to the role's account (:mod:`.accounts`). Each profile carries
``endpoint_url`` (botocore reads it from a profile since 1.31), so every client of it, STS
included, talks to the sandbox.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

from aws.sandbox import accounts


@dataclass(frozen=True, slots=True)
class DemoProfiles:
    config_file: Path
    credentials_file: Path
    #: Profile names, the root (static keys) first, then one per other account.
    names: tuple[str, ...]


def write_profiles(url: str, count: int, region: str, directory: Path) -> DemoProfiles:
    """Write ``config`` and ``credentials`` for ``count`` accounts into ``directory``."""
    config = configparser.ConfigParser()
    credentials = configparser.ConfigParser()
    names = []
    root = accounts.label(0)
    for index, account in enumerate(accounts.account_ids(count)):
        name = accounts.label(index)
        names.append(name)
        section: dict[str, str] = {"region": region, "endpoint_url": url}
        if index == 0:
            key, secret = accounts.ROOT_KEYS
            credentials[name] = {"aws_access_key_id": key, "aws_secret_access_key": secret}
        else:
            section.update(
                role_arn=accounts.role_arn(account),
                source_profile=root,
                role_session_name="ecsdeck-demo",
            )
        config[f"profile {name}"] = section
    out = DemoProfiles(directory / "config", directory / "credentials", tuple(names))
    with out.config_file.open("w") as f:
        config.write(f)
    with out.credentials_file.open("w") as f:
        credentials.write(f)
    out.credentials_file.chmod(0o600)
    return out
