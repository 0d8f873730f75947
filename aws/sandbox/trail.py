"""CloudTrail for the sandbox: every write call it receives is recorded, and ``LookupEvents``
reads them back.

moto keeps trails as configuration only (``LookupEvents`` is not implemented), so "who changed
this service" could not be asked of the sandbox. :class:`Trail` is a WSGI wrapper in front of
moto: a successful call whose action is not a read (``Describe*``, ``List*``, ``Get*`` ...) from
any client (the seeder, the app, a test's boto3) becomes a management event as CloudTrail writes
it: ``userIdentity`` from the access key of the request's signature (a key moto never minted is
an IAM user of the default account named after the key; an assumed role's key is that role's
session in the role's account, as CloudTrail says it), ``eventTime`` from :func:`aws.sandbox.clock.now`, ``eventName``,
``eventSource`` (``ecs.amazonaws.com`` ...), ``requestParameters``, ``sourceIPAddress`` and
``userAgent``. Event ids come from the seed and the request (:mod:`.ids`), not from the order
requests arrive in.

``LookupEvents`` answers as AWS does: newest first, at most 50 a page (``MaxResults`` above 50
is ``InvalidMaxResultsException``), one lookup attribute (``EventSource``, ``EventName``,
``ResourceName``, ``Username``, ``EventId``, ``ReadOnly``), ``StartTime``/``EndTime`` inclusive,
``NextToken`` paging, per account and Region (a trail is the account's own). Denying it is the ``deny-cloudtrail`` outage (:mod:`.outage`).
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from aws.sandbox import accounts, ids
from aws.sandbox.clock import now
from aws.sandbox.state import DEFAULT_WHERE, LOCK

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

LOOKUP_TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
READ_PREFIXES = ("Describe", "List", "Get", "Lookup", "BatchGet", "Search", "Head", "Validate")
#: Request parameters that name a resource (CloudTrail's ``Resources`` of the event).
RESOURCE_KEYS = ("cluster", "service", "taskDefinition", "family", "resourceId", "task")
#: CloudTrail keeps 90 days; the sandbox keeps this many events per Region, oldest dropped.
KEEP = 100_000
MAX_RESULTS = 50


class Trail:
    """Records write calls passing to ``app`` and answers ``LookupEvents`` itself."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        #: (account, Region) -> events, oldest first; each carries its sequence number for paging.
        self.events: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._seq = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if target == LOOKUP_TARGET:
            return self._lookup(environ, start_response)
        call = _call(environ)
        if call is None:
            return self.app(environ, start_response)
        identity = ids.request_identity(environ)
        status: list[str] = []

        def recording_start(code: str, headers: Any, *rest: Any) -> Any:
            status.append(code)
            return start_response(code, headers, *rest)

        body = list(self.app(environ, recording_start))
        if status and status[0].startswith("2"):
            self.record(environ, identity, *call)
        return body

    def record(
        self,
        environ: dict[str, Any],
        identity: tuple[object, ...],
        name: str,
        service: str,
        params: Any,
    ) -> None:
        region, key = _scope(environ)
        with LOCK:  # ids' counters are shared with moto's requests
            event_id = ids.uuid_for(*ids.numbered("cloudtrail", *identity))
        when = now()
        caller = user_identity(key)
        account = str(caller["accountId"])
        event = {
            "eventVersion": "1.09",
            "userIdentity": caller,
            "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": f"{service}.amazonaws.com",
            "eventName": name,
            "awsRegion": region,
            "sourceIPAddress": str(environ.get("REMOTE_ADDR", "127.0.0.1")),
            "userAgent": str(environ.get("HTTP_USER_AGENT", "")),
            "requestParameters": params if isinstance(params, dict) else None,
            "eventID": event_id,
            "readOnly": False,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
        }
        with self._lock:
            self._seq += 1
            kept = self.events.setdefault((account, region), [])
            kept.append({"seq": self._seq, "time": when, "event": event})
            del kept[:-KEEP]

    def _lookup(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        region, key = _scope(environ)
        where = (accounts.request_account(key), region)
        request = _json_body(environ)
        limit = int(request.get("MaxResults") or MAX_RESULTS)
        if not 1 <= limit <= MAX_RESULTS:
            return _error(start_response, "InvalidMaxResultsException", "MaxResults 1 to 50")
        attributes = request.get("LookupAttributes") or []
        if len(attributes) > 1:
            return _error(start_response, "InvalidLookupAttributesException", "one attribute")
        start, end = _time(request.get("StartTime")), _time(request.get("EndTime"))
        before = int(request["NextToken"]) if request.get("NextToken") else None
        with self._lock:
            kept = list(self.events.get(where, ()))
        page: list[dict[str, Any]] = []
        token: str | None = None
        for item in reversed(kept):
            if before is not None and item["seq"] >= before:
                continue
            if (start and item["time"] < start) or (end and item["time"] > end):
                continue
            if attributes and not _matches(item["event"], attributes[0]):
                continue
            if len(page) == limit:
                token = str(page[-1]["seq"])
                break
            page.append(item)
        answer: dict[str, Any] = {"Events": [_summary(i) for i in page]}
        if token:
            answer["NextToken"] = token
        return _json(start_response, "200 OK", answer)


def user_identity(key: str) -> dict[str, Any]:
    """CloudTrail's ``userIdentity`` of the caller signing with ``key``: an assumed role's
    session in the role's account, else an IAM user of the account the key belongs to."""
    account = accounts.request_account(key)
    role = _assumed_role(account, key)
    if role is not None:
        return {
            "type": "AssumedRole",
            "principalId": key,
            "arn": role.arn,
            "accountId": account,
            "accessKeyId": key,
            "sessionContext": {"sessionIssuer": {"type": "Role", "arn": role.role_arn}},
        }
    return {
        "type": "IAMUser",
        "principalId": key,
        "arn": f"arn:aws:iam::{account}:user/{key}",
        "accountId": account,
        "accessKeyId": key,
        "userName": key,
    }


def _assumed_role(account: str, key: str) -> Any:
    """moto's record of the role session ``key`` was minted for (None: not an assumed role)."""
    if account == DEFAULT_WHERE[0]:
        return None
    from moto.sts.models import sts_backends

    return sts_backends[account]["aws"].get_assumed_role_from_access_key(key)


def _call(environ: dict[str, Any]) -> tuple[str, str, Any] | None:
    """(eventName, service, parameters) of a write call, None for a read or the control plane."""
    path = str(environ.get("PATH_INFO", ""))
    if path.startswith(("/moto-api", "/ecsdeck/")):
        return None
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    service = _service(environ)
    form: dict[str, Any] | None = None
    if target:
        name = target.rpartition(".")[2]
    else:
        form = _form(environ)
        name = str(form.pop("Action", ""))
        form.pop("Version", None)
    if not name or not service or name.startswith(READ_PREFIXES):
        return None
    return name, service, _json_body(environ) if form is None else form  # a write: parsed only now


def _service(environ: dict[str, Any]) -> str:
    auth = str(environ.get("HTTP_AUTHORIZATION", ""))
    scope = auth.partition("Credential=")[2].split(",", 1)[0].split("/")
    return scope[3] if len(scope) >= 5 else ""


def _scope(environ: dict[str, Any]) -> tuple[str, str]:
    """(Region, access key id) of the request's signature."""
    auth = str(environ.get("HTTP_AUTHORIZATION", ""))
    scope = auth.partition("Credential=")[2].split(",", 1)[0].split("/")
    key = scope[0] or "anonymous"
    return (scope[2] if len(scope) >= 5 else "us-east-1") or "us-east-1", key


def _raw(environ: dict[str, Any]) -> bytes:
    """The body, left readable for moto."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _json_body(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(_raw(environ) or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _form(environ: dict[str, Any]) -> dict[str, str]:
    from urllib.parse import parse_qsl

    pairs = parse_qsl(str(environ.get("QUERY_STRING", "")))
    if str(environ.get("CONTENT_TYPE", "")).startswith("application/x-www-form-urlencoded"):
        pairs += parse_qsl(_raw(environ).decode("utf-8", "replace"))
    return dict(pairs)


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _resources(event: dict[str, Any]) -> list[dict[str, str]]:
    params = event.get("requestParameters") or {}
    found = []
    for key in RESOURCE_KEYS:
        value = params.get(key)
        if isinstance(value, str) and value:
            found.append(
                {"ResourceType": f"AWS::ECS::{key[0].upper()}{key[1:]}", "ResourceName": value}
            )
    return found


def _matches(event: dict[str, Any], attribute: dict[str, Any]) -> bool:
    key, value = attribute.get("AttributeKey"), attribute.get("AttributeValue")
    if key == "ResourceName":
        return any(r["ResourceName"] == value for r in _resources(event))
    field = {
        "EventSource": "eventSource",
        "EventName": "eventName",
        "EventId": "eventID",
        "ReadOnly": "readOnly",
    }.get(str(key))
    if key == "Username":
        return bool(_username(event) == value)
    return field is not None and str(event.get(field)).lower() == str(value).lower()


def _username(event: dict[str, Any]) -> str:
    """LookupEvents' ``Username``: an IAM user's name, an assumed role's session name."""
    caller = event["userIdentity"]
    return str(caller.get("userName") or caller["arn"].rsplit("/", 1)[-1])


def _summary(item: dict[str, Any]) -> dict[str, Any]:
    event = item["event"]
    return {
        "EventId": event["eventID"],
        "EventName": event["eventName"],
        "ReadOnly": "false",
        "AccessKeyId": event["userIdentity"]["accessKeyId"],
        "EventTime": item["time"].timestamp(),
        "EventSource": event["eventSource"],
        "Username": _username(event),
        "Resources": _resources(event),
        "CloudTrailEvent": json.dumps(event),
    }


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))]
    )
    return [data]


def _error(start_response: StartResponse, code: str, message: str) -> list[bytes]:
    return _json(start_response, "400 Bad Request", {"__type": code, "message": message})
