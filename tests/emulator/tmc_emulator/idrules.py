"""Fault rules kept per task or plan id, each used up by a number of requests (``count``).

Shared by :mod:`tmc_emulator.late_pause` and :mod:`tmc_emulator.run_outcomes`.
"""

from __future__ import annotations

import threading


def parse_ids(spec: dict, key: str) -> list[str]:
    """The non-empty list of ids under ``key``.

    :raises ValueError: not a non-empty list of non-empty strings.
    """
    ids = spec[key]
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise ValueError(f"{key} must be a non-empty list of task or plan ids")
    return ids


def parse_count(spec: dict) -> int:
    """``count`` (default 1; -1 = until cleared).

    :raises ValueError: not a positive integer or -1.
    """
    count = spec.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count == 0 or count < -1:
        raise ValueError("count must be a positive integer or -1 (until cleared)")
    return count


class IdRules:
    """``{id: rule}``; a rule has ``remaining`` (-1 = unlimited) and ``describe()``. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_id: dict = {}

    def put(self, ids: list[str], make) -> None:
        """Set ``make()`` (a new rule) for each id."""
        with self._lock:
            for record_id in ids:
                self.by_id[record_id] = make()

    def take(self, record_id: str):
        """The rule for the next request on ``record_id`` (or ``None``), using up one of its count."""
        with self._lock:
            rule = self.by_id.get(record_id)
            if rule is not None and rule.remaining > 0:
                rule.remaining -= 1
                if rule.remaining == 0:
                    del self.by_id[record_id]
            return rule

    def clear(self) -> None:
        """Forget every rule."""
        with self._lock:
            self.by_id.clear()

    def describe(self) -> dict:
        """``{id: rule.describe()}`` sorted by id."""
        with self._lock:
            return {i: r.describe() for i, r in sorted(self.by_id.items())}
