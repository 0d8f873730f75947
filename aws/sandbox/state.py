"""What the request handlers and the simulator share: the lock and the target health overrides.

Kept apart from :mod:`.moto_patches` so every part of the sandbox can import them without
importing the patches (and the patches without importing the parts).
"""

from __future__ import annotations

import threading

#: Serialises moto request handling against simulator edits. Re-entrant: a patched backend method
#: may run inside a request that already holds it.
LOCK = threading.RLock()

#: (target group ARN, target id, port) -> (state, reason, description). Absent means "healthy".
HEALTH: dict[tuple[str, str, int], tuple[str, str | None, str | None]] = {}
