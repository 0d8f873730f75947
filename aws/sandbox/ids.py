"""Identifiers that are a function of the seed and of the resource, not of when or in what order
it was made.

moto mints its ids (task ids, deployment ids, container instance ids, ENIs and their private IPs,
instance and VPC ids, load balancer ARNs) from one process-wide ``mock_random``. Seeding it once
makes the n-th draw repeat, but which resource gets the n-th draw depends on everything drawn
before it: the moto and botocore versions (each draws a different number of times per request),
the order threaded requests arrive in, the hash seed. So the same seed gave another account on
another machine.

Here every resource gets its own stream instead: :func:`minting` seeds ``mock_random`` from a
digest of (seed, the resource's identity, an ordinal among resources of that identity) for the
draws that make it, then puts the process-wide stream back. The identity is what names the
resource (cluster, group, deployment, family, the request that created it); the ordinal counts
resources of the same identity, so the second task of a deployment differs from the first.
Without :func:`use_seed` (a plain moto server, ``mock_aws`` tests) nothing changes.

Every call happens under :data:`aws.sandbox.state.LOCK` (the patched dispatcher, the simulator,
the seeder), so the counters and ``mock_random`` are never shared by two threads at once.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl

from aws.sandbox.state import DEFAULT_WHERE, where

_seed: list[int] = []
#: Digest of (seed, identity) -> how many resources of that identity were minted.
_counts: dict[bytes, int] = {}


def use_seed(seed: int | None) -> None:
    """Derive ids from ``seed`` from now on (None: leave moto's draws alone)."""
    _seed.clear()
    _counts.clear()
    if seed is not None:
        _seed.append(seed)


def seeded() -> bool:
    return bool(_seed)


def digest(*identity: object) -> bytes:
    """sha256 of (seed, identity): the same on every machine, Python and hash seed. Outside the
    default account and region the identity also holds them (the same cluster name in two
    accounts is two clusters); in the default one it is what it always was."""
    here = where()
    inside = [] if here == DEFAULT_WHERE else [list(here)]
    text = json.dumps([_seed[0] if _seed else None, *identity, *inside], default=str)
    return hashlib.sha256(text.encode()).digest()


def numbered(*identity: object) -> tuple[object, ...]:
    """``identity`` plus its ordinal: 0 the first time this identity is asked for, then 1..."""
    key = digest(*identity)
    n = _counts.get(key, 0)
    _counts[key] = n + 1
    return (*identity, n)


def uuid_for(*identity: object) -> str:
    """A version-4-shaped UUID for the resource."""
    return str(uuid.UUID(bytes=digest(*identity)[:16], version=4))


def number_for(low: int, high: int, *identity: object) -> int:
    """An integer in [low, high] for the resource."""
    return low + int.from_bytes(digest(*identity)[:16]) % (high - low + 1)


@contextmanager
def minting(*identity: object) -> Iterator[None]:
    """moto's draws inside come from the resource's own stream: (seed, identity, ordinal)."""
    if not _seed:
        yield
        return
    from moto.moto_api._internal import mock_random

    saved = mock_random.getstate()
    mock_random.seed(int.from_bytes(digest(*numbered(*identity))))
    try:
        yield
    finally:
        mock_random.setstate(saved)


@contextmanager
def for_request(environ: dict[str, Any]) -> Iterator[None]:
    """A request's draws (the resources it creates) from the request's own stream."""
    if not _seed:
        yield
        return
    with minting(*request_identity(environ)):
        yield


# ------------------------------------------------------------------ what identifies a resource

#: Parameters botocore fills with a fresh uuid4 (idempotency tokens): not part of the identity.
_TOKENS = ("clienttoken", "clientrequesttoken", "idempotencytoken")


def request_where(environ: dict[str, Any]) -> tuple[str, str]:
    """(account, region) a request is answered in: the account its access key belongs to (an
    assumed role's keys: the role's account), the region of its credential scope."""
    from aws.sandbox.accounts import request_account

    auth = str(environ.get("HTTP_AUTHORIZATION", ""))
    scope = auth.partition("Credential=")[2].split(",", 1)[0].split("/")
    if len(scope) < 5:
        return DEFAULT_WHERE
    return request_account(scope[0]), scope[2] or DEFAULT_WHERE[1]


def request_identity(environ: dict[str, Any]) -> tuple[object, ...]:
    """What a request asks for, without what differs between two sends of it (signature, date,
    idempotency token): the service of its credential scope, its target header, path, query and
    parameters. ``wsgi.input`` is left readable for moto."""
    auth = str(environ.get("HTTP_AUTHORIZATION", ""))
    scope = auth.partition("Credential=")[2].split(",", 1)[0].split("/")
    service = scope[3] if len(scope) >= 5 else ""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = b""
    if length > 0:
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
    return (
        "request",
        service,
        str(environ.get("HTTP_X_AMZ_TARGET", "")),
        str(environ.get("REQUEST_METHOD", "")),
        str(environ.get("PATH_INFO", "")),
        _params(str(environ.get("QUERY_STRING", ""))),
        _body(body, str(environ.get("CONTENT_TYPE", ""))),
    )


def _params(query: str) -> list[tuple[str, str]]:
    pairs = parse_qsl(query, keep_blank_values=True)
    return sorted((k, v) for k, v in pairs if not k.lower().endswith(_TOKENS))


def _body(body: bytes, content_type: str) -> object:
    text = body.decode("utf-8", "replace")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _params(text)
    if "json" in content_type:
        try:
            return _without_tokens(json.loads(text or "{}"))
        except ValueError:
            return text
    return text


def _without_tokens(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_tokens(v) for k, v in value.items() if not k.lower().endswith(_TOKENS)}
    if isinstance(value, list):
        return [_without_tokens(v) for v in value]
    return value


# ------------------------------------------------------------------ moto's constructors

#: (module, class, identity of the constructed object from its bound arguments).
Identity = Callable[[dict[str, Any]], tuple[object, ...]]
CONSTRUCTORS: tuple[tuple[str, str, Identity], ...] = (
    (
        "moto.ecs.models",
        "Task",
        lambda a: (
            "task",
            a["cluster"].name,
            a.get("group"),
            a.get("started_by"),
            a["task_definition"].arn,
        ),
    ),
    ("moto.ecs.models", "Service", lambda a: ("service", a["cluster"].name, a["service_name"])),
    (
        "moto.ecs.models",
        "ContainerInstance",
        lambda a: ("container-instance", a["cluster_name"], a["ec2_instance_id"]),
    ),
)


def minted(init: Callable[..., None], identity: Identity) -> Callable[..., None]:
    """``init`` (a moto constructor) drawing from the new object's own stream."""
    import inspect

    signature = inspect.signature(init)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        if not _seed:
            init(self, *args, **kwargs)
            return
        bound = signature.bind(self, *args, **kwargs).arguments
        with minting(*identity(bound)):
            init(self, *args, **kwargs)

    return wrapper
