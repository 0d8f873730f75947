"""JSON as ecsdeck shows it (`y`, a revision's body, a confirmation's plan): indented, text as
text, and inert on a terminal. Pure formatting: the JSON view, the dialogs and the flows use it."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime
from typing import Any

from tui.text import utc_stamp

#: What json.dumps leaves raw with ensure_ascii off and a terminal must not get: DEL and the C1
#: controls, bidi controls ("trojan source"), line/paragraph separators (it escapes C0 itself).
_UNSAFE = re.compile(r"[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def readable_json(data: object, default: Any = None) -> str:
    """Indented JSON with text as text (``•`` or ``é``, not ``\\u2022``) and only what could
    act on a terminal escaped, so it stays valid JSON and a hostile value stays inert."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=default or _iso)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _iso(value: object) -> str:
    """Datetimes as the AWS CLI prints them (ISO 8601), so `y` diffs against its output."""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def to_json(resource: object) -> str:
    """An ecsdeck model as JSON (for what AWS has no Describe call for), in the one format the
    app shows times in."""
    data = (
        dataclasses.asdict(resource)  # type: ignore[call-overload]
        if dataclasses.is_dataclass(resource) and not isinstance(resource, type)
        else resource
    )
    return readable_json(data, default=_plain)


def _plain(value: object) -> str:
    """Datetimes in the one format the app shows times in; anything else as its text."""
    return utc_stamp(value) if isinstance(value, datetime) else str(value)
