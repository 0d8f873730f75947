"""The audit log: JSON lines for every mutation attempt (sent, failed or refused).

Location: ``audit.jsonl`` in the state directory (``aws.state.state_dir``: ``$ECSDECK_STATE_DIR``,
else ``$XDG_STATE_HOME/ecsdeck``, else ``~/.local/state/ecsdeck``). The file is created with mode
0600. A call that is sent is written twice with the same ``id``: an ``intent`` line, flushed to
disk before the request leaves, then its result (``ok``/``error``, or ``abandoned`` when the user
gave up waiting for AWS's answer: the change may or may not have been applied), so a crash
mid-call still leaves a record; ``read`` merges the two (a call with no result reads as
``intent``). Secrets are masked by ``aws.secrets.mask`` with every ``environment`` value hidden (``REDACTED``).
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aws.secrets import REDACTED, mask
from aws.state import state_dir

__all__ = ["REDACTED", "AuditLog", "account_of", "default_path", "new_id", "redact"]


def default_path() -> Path:
    return state_dir() / "audit.jsonl"


def redact(value: Any) -> Any:
    """A copy of ``value`` as the audit log keeps it: every ``environment`` value and every
    other secret (``secrets`` valueFrom, repository credentials) hidden."""
    return mask(value, all_environment=True)


def account_of(arn: str | None) -> str | None:
    """The account id of an ARN (``arn:aws:sts::123456789012:assumed-role/...``), or None."""
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" and parts[4] else None


def new_id() -> str:
    """An id tying a call's ``intent`` line to its result line."""
    return uuid.uuid4().hex[:16]


class AuditLog:
    """Append-only JSON Lines file. ``path`` None: the default location, read at creation."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    def record(
        self,
        *,
        identity: str | None,
        region: str | None,
        cluster: str | None,
        service: str | None,
        call: str,
        params: dict[str, Any],
        result: str,
        error: str | None,
        response_summary: dict[str, Any] | None,
        id: str | None = None,
        account: str | None = None,
        profile: str | None = None,
    ) -> None:
        """Append one line, flushed to disk before returning. ``result`` is "intent" (about to
        be sent), "ok", "error", "abandoned" (given up while waiting for the answer) or
        "refused"; ``id`` ties an intent to its result. ``account`` (else the one in the
        ``identity`` ARN) and ``profile`` say where the call went: with several accounts open
        the region alone does not. Raises OSError."""
        entry = {
            "id": id or new_id(),
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "identity": identity,
            "account": account or account_of(identity),
            "region": region,
            "profile": profile,
            "cluster": cluster,
            "service": service,
            "call": call,
            "params": redact(params),
            "result": result,
            "error": error,
            "response": response_summary,
        }
        line = json.dumps(entry, default=str, separators=(",", ":")) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())

    def read(self) -> list[dict[str, Any]]:
        """Every call, oldest first: an intent and its result (same ``id``) are one entry, the
        result's (an intent never completed stays ``intent``). A missing file is an empty log,
        a torn line is skipped."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out: list[dict[str, Any]] = []
        where: dict[str, int] = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(value, dict):
                continue
            key = value.get("id")
            if isinstance(key, str) and key in where:
                out[where[key]] = value  # the result completes its intent
                continue
            if isinstance(key, str):
                where[key] = len(out)
            out.append(value)
        return out
