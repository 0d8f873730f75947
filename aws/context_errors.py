"""Why a context cannot start, in one line naming the profile, the region and the fix.

``aws.errors.explain`` says what went wrong with a call; here the same error is said for one
context of many, so the line must also say which profile and region, and what to do about it
there (the login command for that profile, the permission on that role).
"""

from __future__ import annotations

import asyncio
import re

from botocore import exceptions as bx

from aws.errors import ACCESS_DENIED, BAD_CREDENTIALS, error_code, explain, is_expired_credentials

#: Regions an account must opt in to (AWS's list; the others are enabled for every account).
#: Credentials are refused there until it does, which says nothing about regions on its own.
OPT_IN = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)


def why_not(
    profile: str | None, region: str, exc: BaseException, timeout: float | None = None
) -> str:
    """``prod in eu-south-1: <what went wrong>: <the fix>``."""
    return f"{profile or 'default'} in {region}: {_reason(profile, region, exc, timeout)}"


def _reason(profile: str | None, region: str, exc: BaseException, timeout: float | None) -> str:
    name = profile or "default"
    if isinstance(exc, asyncio.TimeoutError | TimeoutError) and timeout is not None:
        return f"no answer within {timeout:g} s (the others go on; Ctrl+R tries again)"
    if isinstance(exc, bx.InvalidConfigError) and "source_profile" in str(exc):
        return _missing_source(str(exc), name)
    if isinstance(exc, bx.ProfileNotFound):
        return f"no profile {name!r} in the AWS config (aws configure list-profiles)"
    if is_expired_credentials(exc):
        return f"the SSO session has expired: run aws sso login --profile {name}"
    code = error_code(exc)
    if code in ACCESS_DENIED and getattr(exc, "operation_name", "") == "AssumeRole":
        role = _role_of(profile) or "the role"
        return (
            f"{code} on AssumeRole: the source identity needs sts:AssumeRole on {role}, "
            "and the role's trust policy must allow it"
        )
    if code in BAD_CREDENTIALS and region in OPT_IN:
        return (
            f"{code}: the region is not enabled for this account (enable it under Account > "
            "AWS Regions, or leave it out of --regions)"
        )
    return explain(exc)


def _missing_source(message: str, name: str) -> str:
    """botocore's sentence names the profile twice and the fix came after it, cut off on a
    120-column line: say the missing name once, then the fix."""
    missing = re.search(r'source_profile "([^"]*)"', message)
    if missing is None:
        return f"{message} (add that profile to the AWS config, or fix source_profile in [{name}])"
    return (
        f'source_profile "{missing[1]}" does not exist: add that profile to the AWS config,'
        f" or fix source_profile in [{name}]"
    )


def _role_of(profile: str | None) -> str | None:
    from botocore.session import Session

    try:
        role = Session(profile=profile).get_scoped_config().get("role_arn")
    except Exception:
        return None
    return str(role) if role else None
