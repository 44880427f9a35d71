"""Request counters and the recent request log (``GET /_emulator/requests``).

Entries hold method, path (no query string), route template, status, the
principal's name and timings; never a header value, so no token is ever kept.
"""

from __future__ import annotations

import collections
import threading
import time


class RequestLog:
    """Counts of public API requests and the last ``size`` entries."""

    def __init__(self, size: int = 500) -> None:
        self._lock = threading.Lock()
        self._size = size
        self.clear()

    def clear(self, size: int | None = None) -> None:
        """Zero the counters and drop the entries (optionally resizing the log)."""
        with self._lock:
            if size:
                self._size = size
            self.total = 0
            self.by_route: collections.Counter = collections.Counter()
            self.by_status: collections.Counter = collections.Counter()
            self.rate_limited = 0
            self.faults_injected = 0
            self.connections_reset = 0
            self.entries: collections.deque = collections.deque(maxlen=self._size)

    def record(self, method: str, path: str, route: str, status: int | str, emulator_ms: int,
               duration_ms: float, principal: str | None = None, note: str | None = None) -> None:
        """Add one request.

        :param route: route template, e.g. ``/orchestration/executables/tasks/{taskId}``.
        :param status: HTTP status (int) or ``"reset"`` for a dropped connection.
        :param emulator_ms: emulator time of the request (epoch ms).
        :param note: ``"rate_limited"``, ``"fault"`` or ``None``.
        """
        with self._lock:
            self.total += 1
            self.by_route[f"{method} {route}"] += 1
            self.by_status[str(status)] += 1
            if note == "rate_limited":
                self.rate_limited += 1
            elif note == "fault":
                self.faults_injected += 1
            if status == "reset":
                self.connections_reset += 1
            entry = {"method": method, "path": path, "route": route, "status": status,
                     "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                     "emulatorTimeMs": emulator_ms, "durationMs": round(duration_ms, 2)}
            if principal:
                entry["user"] = principal
            if note:
                entry["note"] = note
            self.entries.append(entry)

    def summary(self, last: int = 100) -> dict:
        """Counters plus the last ``last`` entries (oldest first)."""
        with self._lock:
            entries = list(self.entries)[-last:] if last > 0 else []
            return {
                "total": self.total,
                "byRoute": dict(self.by_route),
                "byStatus": dict(self.by_status),
                "rateLimited": self.rate_limited,
                "faultsInjected": self.faults_injected,
                "connectionsReset": self.connections_reset,
                "entries": entries,
            }
