"""What every client (aws.session) is told to skip: two per-request costs, one per client.

A problems read of twelve account-regions sends a few thousand requests from one Python
process, and botocore spends about 2 ms of CPU on each. Two parts of that are pure overhead
for this tool, and botocore lets a caller replace both through its public settings:

* **The User-Agent.** botocore rebuilds it for every request from a dozen components (SDK,
  OS, language, retry mode, feature ids), twice, sanitising each: about a tenth of the
  per-request CPU. ``Config(user_agent=...)`` sends a fixed string instead; ours names
  ecsdeck first, so a change made from it reads as ecsdeck in CloudTrail's ``userAgent`` (the
  timeline's WHERE column), then the SDK and Python, as the SDK's own string would.
* **Timestamps.** ECS answers carry many (each deployment and event has two or three), and
  botocore turns each epoch number into a datetime in the machine's local zone through
  dateutil's ``tzlocal``, which is slow. :func:`parse_timestamp` gives the same instant, aware,
  in UTC (what the rest of the code compares and shows anyway); ISO-8601 strings (the XML
  APIs: ELBv2, EC2, CloudWatch) go through ``datetime.fromisoformat``; anything else falls
  back to botocore's own parser.

And one per-client cost, skipped through aiobotocore's ``http_session_cls`` setting:

* **The TLS context.** Each client's HTTP session builds its own ``ssl.SSLContext`` on its
  first request and loads the whole CA bundle into it: tens of milliseconds of CPU and a few
  hundred KB each. Twelve account-regions open a dozen clients each, so a first read across
  them spent seconds loading the same certificates a hundred times over.
  :class:`SharedTLSSession` builds one context per distinct TLS setting (CA bundle, client
  certificate, proxy) for the whole process; an ``SSLContext`` is meant to be shared by
  many connections.
"""

from __future__ import annotations

import platform
import ssl
import threading
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any

from aiobotocore.httpsession import AIOHTTPSession
from botocore.utils import parse_timestamp as botocore_parse_timestamp

if TYPE_CHECKING:
    from aiobotocore.session import AioSession


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


#: The User-Agent of every request, built once (see the module's docstring).
USER_AGENT = (
    f"ecsdeck/{_version('ecsdeck')} aiobotocore/{_version('aiobotocore')} "
    f"python/{platform.python_version()}"
)  # aiobotocore's session adds "botocore/<version>" after it


def parse_timestamp(value: Any) -> datetime:
    """A timestamp field of an answer as an aware datetime (epoch seconds and ISO-8601
    strings in UTC; botocore's parser for any other form)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            pass
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    parsed_by_botocore: datetime = botocore_parse_timestamp(value)
    return parsed_by_botocore


def tune_session(session: AioSession) -> None:
    """Have every client this session creates parse timestamps with :func:`parse_timestamp`."""
    factory = session.get_component("response_parser_factory")
    factory.set_parser_defaults(timestamp_parser=parse_timestamp)


#: One (endpoint, proxy) TLS context pair per distinct TLS setting, for the whole process.
_TLS: dict[tuple[Any, ...], tuple[ssl.SSLContext, ssl.SSLContext | None]] = {}
_TLS_LOCK = threading.Lock()


class SharedTLSSession(AIOHTTPSession):
    """aiobotocore's HTTP session, with its TLS contexts built once per process and setting
    instead of once per client (see the module's docstring).

    aiobotocore builds them in ``_build_ssl_contexts`` (off the event loop, in a thread), the
    one place that reads the CA bundle; the key holds everything that method reads."""

    # Set by AIOHTTPSession.__init__ (not in its type stubs).
    _verify: bool | str | None
    _cert_file: str | None
    _key_file: str | None
    _proxy_config: Any

    def _build_ssl_contexts(
        self, proxy_url: str | None
    ) -> tuple[ssl.SSLContext, ssl.SSLContext | None]:
        proxy_settings = self._proxy_config.settings or {}
        key = (
            self._verify,
            self._cert_file,
            self._key_file,
            proxy_url,
            repr(sorted(proxy_settings.items())) if proxy_url else None,
        )
        with _TLS_LOCK:  # concurrent first requests wait for one build, not one each
            built = _TLS.get(key)
            if built is None:
                built = _TLS[key] = super()._build_ssl_contexts(proxy_url)  # type: ignore[misc]
        return built
