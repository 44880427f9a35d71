"""The emulator clock: real time plus an adjustable offset, in epoch milliseconds.

Everything time-dependent in the emulator (token expiry, execution progress,
the default ``from`` of an events search, pause dates) reads this clock, so a
test moves time forward with ``POST /_emulator/clock`` instead of sleeping.
The rate limiter is the only exception: it uses the real monotonic clock.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone


class EmulatorClock:
    """Wall clock with an offset, optionally frozen.

    :param start_epoch_ms: when given, the clock starts at this instant
        (epoch milliseconds) instead of the real current time.
    :param frozen: when true, time only moves through :meth:`advance`.
    """

    def __init__(self, start_epoch_ms: int | None = None, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._offset_ms = 0
        self._frozen_at: int | None = None
        if start_epoch_ms is not None:
            self._offset_ms = int(start_epoch_ms) - _real_ms()
        if frozen:
            self._frozen_at = self.now_ms()

    def now_ms(self) -> int:
        """Current emulator time in epoch milliseconds (int)."""
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return _real_ms() + self._offset_ms

    def advance(self, seconds: float) -> int:
        """Move the clock forward by ``seconds`` (may be fractional, must be >= 0).

        :returns: the new current time in epoch milliseconds.
        """
        delta = int(round(float(seconds) * 1000))
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += delta
            else:
                self._offset_ms += delta
        return self.now_ms()

    def set_now(self, epoch_ms: int) -> int:
        """Jump to ``epoch_ms`` (epoch milliseconds); returns it."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = int(epoch_ms)
            else:
                self._offset_ms = int(epoch_ms) - _real_ms()
        return self.now_ms()

    def freeze(self, frozen: bool) -> None:
        """Stop (``True``) or restart (``False``) the flow of time at the current instant."""
        now = self.now_ms()
        with self._lock:
            if frozen:
                self._frozen_at = now
            else:
                self._frozen_at = None
                self._offset_ms = now - _real_ms()

    @property
    def frozen(self) -> bool:
        """Whether time only moves through :meth:`advance`."""
        return self._frozen_at is not None


def _real_ms() -> int:
    return time.time_ns() // 1_000_000


def iso_utc(epoch_ms: int) -> str:
    """Format epoch milliseconds as ISO 8601 UTC with milliseconds, e.g. ``2023-01-13T14:42:58.341Z``."""
    dt = datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def parse_iso(text: str) -> int:
    """Parse an ISO 8601 date-time (``Z`` or offset; naive means UTC) into epoch milliseconds."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1000)
