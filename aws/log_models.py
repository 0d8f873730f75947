"""A CloudWatch Logs event as the log views read it, with the task an awslogs stream names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class LogEvent:
    timestamp: datetime | None
    message: str
    stream: str | None
    #: FilterLogEvents' id of the event (GetLogEvents gives none): the merged follow's cursor.
    event_id: str | None = None

    @property
    def task_id(self) -> str | None:
        """The task an awslogs stream (``prefix/container/task-id``) belongs to."""
        parts = (self.stream or "").split("/")
        return parts[-1] if len(parts) >= 3 else None

    @property
    def container(self) -> str | None:
        parts = (self.stream or "").split("/")
        return parts[-2] if len(parts) >= 3 else None
