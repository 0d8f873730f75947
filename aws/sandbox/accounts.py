"""The sandbox's accounts, reached as on AWS: the first with static keys, the others through STS.

moto ties a request to an account by its access key: keys it never minted belong to the default
account (123456789012), and the keys ``AssumeRole`` returns belong to the account named in the
role ARN (moto's ``sts`` backend records them in that account's IAM backend). So a client that
assumes ``arn:aws:iam::<account>:role/ecsdeck-sandbox`` with the sandbox's root keys works in
that account, as one would with ``role_arn`` + ``source_profile`` in ``~/.aws/config``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3

from aws.sandbox.state import DEFAULT_WHERE

#: The root keys: any key moto did not mint is the default account's.
ROOT_KEYS = ("sandbox", "sandbox")
ROLE_NAME = "ecsdeck-sandbox"
#: What each account is for, by position; also its profile name and its clusters' suffix.
LABELS = ("prod", "staging", "shared", "dev", "qa", "data", "edge", "sec")


def account_ids(count: int) -> list[str]:
    """``count`` 12-digit ids, the default account first: 123456789012, 234567900123, ... (each a fixed step apart)"""
    first = int(DEFAULT_WHERE[0])
    return [f"{(first + i * 111_111_111_111) % 10**12:012d}" for i in range(count)]


def label(index: int) -> str:
    """The name of the account at ``index`` (``acct7`` past the named ones)."""
    return LABELS[index] if index < len(LABELS) else f"acct{index}"


def role_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:role/{ROLE_NAME}"


@cache
def credentials(url: str, account: str) -> dict[str, str]:
    """boto3 client keyword arguments that act in ``account``: the root keys for the default
    one, an assumed role's temporary keys for the others (once per account)."""
    root = {"aws_access_key_id": ROOT_KEYS[0], "aws_secret_access_key": ROOT_KEYS[1]}
    if account == DEFAULT_WHERE[0]:
        return root
    sts: Any = boto3.client("sts", endpoint_url=url, region_name=DEFAULT_WHERE[1], **root)  # type: ignore[call-overload]
    found = sts.assume_role(RoleArn=role_arn(account), RoleSessionName="ecsdeck-sandbox-seed")
    keys = found["Credentials"]
    return {
        "aws_access_key_id": keys["AccessKeyId"],
        "aws_secret_access_key": keys["SecretAccessKey"],
        "aws_session_token": keys["SessionToken"],
    }


def request_account(access_key: str) -> str:
    """The account moto answers a request signed with ``access_key`` in."""
    if not access_key or access_key == ROOT_KEYS[0]:
        return DEFAULT_WHERE[0]
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key)
