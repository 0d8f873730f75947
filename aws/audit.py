"""The audit log: one JSON line per mutation attempt (sent, failed or refused).

Location: ``$ECSDECK_STATE_DIR/audit.jsonl``, else ``$XDG_STATE_HOME/ecsdeck/audit.jsonl``, else
``~/.local/state/ecsdeck/audit.jsonl``. The file is created with mode 0600. Values of container
``environment`` entries are replaced by "<redacted>" (they often hold secrets); everything else
in the parameters is logged as sent.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REDACTED = "<redacted>"


def default_path() -> Path:
    state = os.environ.get("ECSDECK_STATE_DIR")
    if state:
        return Path(state) / "audit.jsonl"
    xdg = os.environ.get("XDG_STATE_HOME")
    if xdg:
        return Path(xdg) / "ecsdeck" / "audit.jsonl"
    return Path.home() / ".local" / "state" / "ecsdeck" / "audit.jsonl"


def redact(value: Any) -> Any:
    """A copy of ``value`` with every ``environment: [{name, value}]`` value hidden."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k == "environment" and isinstance(v, list):
                out[k] = [
                    {**e, "value": REDACTED} if isinstance(e, dict) and "value" in e else e
                    for e in v
                ]
            else:
                out[k] = redact(v)
        return out
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


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
    ) -> None:
        """Append one line. ``result`` is "ok", "error" or "refused". Raises OSError."""
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "identity": identity,
            "region": region,
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

    def read(self) -> list[dict[str, Any]]:
        """Every entry, oldest first; a missing file is an empty log, a torn line is skipped."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out: list[dict[str, Any]] = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                out.append(value)
        return out
