"""Errors in plain words, so the UI can show them without importing botocore.

``explain(exc)`` -> one line an on-call can act on, with the raw AWS code kept in front;
``error_code(exc)`` -> the AWS error code (``ClientError``) or None; ``is_retryable(exc)`` -> worth
trying again later (throttling, 5xx, network) as opposed to a problem a retry will not fix.
"""

from __future__ import annotations

import asyncio
import functools
import re
from typing import Any

from botocore import exceptions as bx

THROTTLING = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "LimitExceededException",
        "ProvisionedThroughputExceededException",
    }
)
ACCESS_DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException"}
)
EXPIRED = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
)
BAD_CREDENTIALS = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "AuthFailure",
    }
)
SERVER = frozenset(
    {
        "ServerException",
        "InternalFailure",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)

#: Plain words for codes whose AWS message alone is terse.
PLAIN = {
    "InvalidParameterException": "AWS rejected a parameter",
    "ValidationError": "AWS rejected a parameter",
    "ValidationException": "AWS rejected a parameter",
    "ClientException": "the request was refused",
    "ServiceNotFoundException": "the service does not exist (deleted, or in another cluster)",
    "ServiceNotActiveException": "the service is not ACTIVE (draining or deleted)",
    "ClusterNotFoundException": "the cluster does not exist in this account and region",
    "TargetGroupNotFound": "the target group does not exist",
    "LoadBalancerNotFound": "the load balancer does not exist",
    "RepositoryNotFoundException": "the ECR repository does not exist",
    "ImageNotFoundException": "the image does not exist",
    "ResourceNotFoundException": "the resource does not exist",
    "PlatformUnknownException": "the platform version is unknown",
    "UnsupportedFeatureException": "the feature is not available in this region",
}

_PERFORM = re.compile(r"perform:\s*([\w-]+:[\w*-]+)")
_SERVICE_LABEL = {
    "ecs": "ECS",
    "elbv2": "ELB",
    "ecr": "ECR",
    "logs": "CloudWatch Logs",
    "sts": "STS",
}


@functools.cache
def _operations() -> dict[str, tuple[str, str]]:
    """Operation name -> (IAM prefix, label), from the botocore models (loaded on first need)."""
    import botocore.session

    session = botocore.session.get_session()
    out: dict[str, tuple[str, str]] = {}
    for name, label in _SERVICE_LABEL.items():
        try:
            model = session.get_service_model(name)
        except Exception:  # pragma: no cover - model data always ships with botocore
            continue
        prefix = model.signing_name or name
        if name == "elbv2":
            prefix = "elasticloadbalancing"
        for op in model.operation_names:
            out.setdefault(op, (prefix, label))
    return out


def _service_of(operation: str | None) -> tuple[str | None, str | None]:
    if not operation:
        return None, None
    return _operations().get(operation, (None, None))


def _client_error_parts(exc: bx.ClientError) -> tuple[str, str, str, int, int | None]:
    response: dict[str, Any] = getattr(exc, "response", {}) or {}
    error = response.get("Error") or {}
    meta = response.get("ResponseMetadata") or {}
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or "").strip()
    operation = str(getattr(exc, "operation_name", "") or "")
    retries = int(meta.get("RetryAttempts") or 0)
    status = meta.get("HTTPStatusCode")
    return code, message, operation, retries, int(status) if status else None


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a ClientError (e.g. ``ThrottlingException``); else None."""
    if isinstance(exc, bx.ClientError):
        return _client_error_parts(exc)[0]
    return None


def is_expired_credentials(exc: BaseException) -> bool:
    """The credentials (or the SSO token behind them) have expired: only a new login helps."""
    if isinstance(exc, bx.SSOError | bx.TokenRetrievalError | bx.UnauthorizedSSOTokenError):
        return True
    return error_code(exc) in EXPIRED


def is_retryable(exc: BaseException) -> bool:
    """True for throttling, AWS server errors, timeouts and connection failures."""
    if isinstance(exc, bx.ClientError):
        code, _, _, _, status = _client_error_parts(exc)
        return code in THROTTLING or code in SERVER or (status is not None and status >= 500)
    return isinstance(
        exc,
        bx.EndpointConnectionError
        | bx.ConnectionError
        | bx.ConnectTimeoutError
        | bx.HTTPClientError  # a connection closed mid-answer, a read timeout (botocore retries both)
        | asyncio.TimeoutError
        | TimeoutError
        | ConnectionError,
    )


def _with(message: str) -> str:
    return f" ({message})" if message else ""


def _explain_client_error(exc: bx.ClientError) -> str:
    code, message, operation, retries, status = _client_error_parts(exc)
    prefix, label = _service_of(operation)
    if code in ACCESS_DENIED:
        m = _PERFORM.search(message)
        action = (
            m.group(1) if m else (f"{prefix}:{operation}" if prefix else operation or "this API")
        )
        return f"{code}: you are not allowed to call {action}{_with(message)}"
    if code in THROTTLING:
        what = f"{label} API" if label else "API"
        tail = f"; retried {retries} times" if retries else "; not retried"
        return f"{code}: AWS is rate-limiting this account's {what} ({operation}){tail}"
    if code in EXPIRED:
        return f"{code}: your AWS session has expired: run aws sso login or refresh the credentials"
    if code in BAD_CREDENTIALS:
        why = "AWS does not accept these credentials (wrong keys, profile or account)"
        return f"{code}: {why}{_with(message)}"
    if code in SERVER or (status is not None and status >= 500):
        where = operation or "the call"
        return f"{code}: AWS had an internal error on {where}; try again{_with(message)}"
    plain = PLAIN.get(code)
    if plain:
        return f"{code}: {plain}{_with(message)}"
    return f"{code}: {message or 'the request failed'}" + (f" ({operation})" if operation else "")


def explain(exc: BaseException) -> str:
    """One line in plain words, keeping the raw AWS code or exception name in front."""
    if isinstance(exc, bx.ClientError):
        return _explain_client_error(exc)
    kw: dict[str, Any] = getattr(exc, "kwargs", {}) or {}
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return "No AWS credentials found: set AWS_PROFILE or run aws sso login"
    if isinstance(exc, bx.SSOError | bx.TokenRetrievalError | bx.UnauthorizedSSOTokenError):
        why = "the AWS SSO session has expired or is missing: run aws sso login"
        return f"{type(exc).__name__}: {why}"
    if isinstance(exc, bx.ProfileNotFound):
        return f"The AWS profile {kw.get('profile')!r} is not in ~/.aws/config"
    if isinstance(exc, bx.NoRegionError):
        return "No AWS region set: set AWS_REGION or pass --region"
    if isinstance(exc, bx.InvalidRegionError):
        return f"{kw.get('region_name')!r} is not a valid AWS region name"
    if isinstance(exc, bx.ConnectTimeoutError):
        return f"Timed out connecting to {kw.get('endpoint_url')} (is the network or VPN up?)"
    if isinstance(exc, bx.ReadTimeoutError):
        return f"Timed out waiting for an answer from {kw.get('endpoint_url')}"
    if isinstance(exc, bx.ConnectionClosedError):
        url = kw.get("endpoint_url") or "the AWS endpoint"
        return f"The connection to {url} closed before it answered (a proxy or VPN dropping it?)"
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectionError):
        url = kw.get("endpoint_url") or "the AWS endpoint"
        return f"Cannot reach the endpoint {url} ({_reason(kw.get('error'))})"
    if isinstance(exc, bx.ParamValidationError):
        return f"Invalid request: {param_report(str(kw.get('report', exc)))}".strip()
    if isinstance(exc, ValueError) and "Invalid endpoint" in str(exc):
        return f"{exc}: the endpoint URL must look like https://host[:port]"
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return "Timed out waiting for AWS"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


#: botocore's parameter-validation lines (botocore/validate.py), to be said in words.
_INVALID_TYPE = re.compile(
    r"Invalid type for (?:document )?parameter (?P<name>.+?), value: (?P<value>.*), "
    r"type: <class '(?P<got>\w+)'>, valid types: (?P<valid>.+)$"
)
_MISSING = re.compile(r'Missing required parameter in (?P<where>.+?): "(?P<name>.+)"$')
_UNKNOWN = re.compile(r'Unknown parameter in (?P<where>.+?): "(?P<name>.+?)", must be one of')
_RANGE = re.compile(
    r"Invalid (?P<what>value|length) for parameter (?P<name>.+?), value: (?P<value>.*), "
    r"valid min (?:value|length): (?P<min>.+)$"
)
_KINDS = {
    "int": "a number",
    "float": "a number",
    "Decimal": "a number",
    "str": "text",
    "bool": "true or false",
    "list": "a list",
    "tuple": "a list",
    "dict": "an object",
    "datetime": "a date and time",
    "bytes": "bytes",
    "bytearray": "bytes",
}


def _given(value: str, kind: str) -> str:
    if kind == "str":
        return f"the text {value!r}"
    if kind in ("int", "float", "Decimal"):
        return f"the number {value}"
    if kind == "NoneType":
        return "nothing"
    return f"{_KINDS.get(kind, kind)} ({value[:60]})"


def _param_line(line: str) -> str:
    line = line.strip()
    if m := _INVALID_TYPE.match(line):
        kinds = re.findall(r"<class '(\w+)'>", m["valid"])
        wanted = " or ".join(dict.fromkeys(_KINDS.get(k, k) for k in kinds)) or m["valid"]
        return f"{m['name']} must be {wanted}, got {_given(m['value'], m['got'])}"
    if m := _MISSING.match(line):
        return f"{m['where']} needs {m['name']}"
    if m := _UNKNOWN.match(line):
        return f"{m['where']} has no parameter {m['name']}"
    if m := _RANGE.match(line):
        unit = "" if m["what"] == "value" else " long"
        return f"{m['name']} must be at least {m['min']}{unit}, got {m['value'][:60]}"
    return line


def param_report(report: str) -> str:
    """botocore's ParamValidationError report, one clause per problem, in words:
    ``desiredCount must be a number, got the text '3'``."""
    lines = [ln for ln in report.splitlines() if ln.strip()]
    if lines and lines[0].strip().startswith("Parameter validation failed"):
        lines = lines[1:]
    return "; ".join(_param_line(ln) for ln in lines) or report


def _causes(error: object) -> list[object]:
    """The error, its ``os_error`` (aiohttp) and its cause/context chain."""
    out: list[object] = []
    todo: list[object] = [error]
    while todo and len(out) < 10:
        e = todo.pop(0)
        if e is None or any(e is seen for seen in out):
            continue
        out.append(e)
        todo += [getattr(e, "os_error", None), getattr(e, "__cause__", None)]
        todo.append(getattr(e, "__context__", None))
    return out


def _reason(error: object) -> str:
    import socket
    import ssl

    chain = _causes(error)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "host name not found"
    if any(isinstance(e, ssl.SSLError | ssl.CertificateError) for e in chain):
        return "TLS/certificate error"
    if any(isinstance(e, TimeoutError) for e in chain):
        return "timed out"
    text = " ".join(str(e) for e in chain).lower()
    if "refused" in text:
        return "connection refused"
    if any(s in text for s in ("name or service not known", "nodename nor servname")):
        return "host name not found"
    if "timed out" in text or "timeout" in text:
        return "timed out"
    if "certificate" in text or "ssl error" in text:
        return "TLS/certificate error"
    if "unreachable" in text:
        return "network unreachable"
    return str(error) if error else "no connection"
