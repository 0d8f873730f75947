"""Who the app is talking as: account, principal ARN, region and endpoint."""

from __future__ import annotations

from aws import convert as cv
from aws.models import Identity
from aws.paging import call
from aws.session import Clients


async def whoami(c: Clients) -> Identity:
    """STS GetCallerIdentity plus the clients' region and endpoint.

    Raises whatever the call raises (no credentials, expired token, unreachable endpoint): the
    caller decides how to show it, usually with ``aws.errors.explain``.
    """
    response = await call(c, c.sts.get_caller_identity)
    arn = cv.s(response, "Arn")
    if arn:
        c.caller_arn = arn  # the audit log's identity, without asking STS again per change
    return Identity(
        account=cv.s(response, "Account"),
        arn=arn,
        region=c.region,
        endpoint=c.endpoint,
    )
