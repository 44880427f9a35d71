# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Client-side rate limiting and retry backoff for the Talend Cloud API client."""

from __future__ import annotations

import random
import threading
import time

DEFAULT_RATE_LIMIT = 1500
"""Requests per minute; below the vendor's 1800 per minute per source IP."""


class RateLimiter:
    """Spaces requests evenly so that no more than ``per_minute`` start in any minute.

    Thread-safe: every worker thread of a bulk run calls :meth:`acquire` before each
    attempt (retries included), so the limit holds for the whole client.

    :param per_minute: requests per minute, a positive integer.
    :param clock: monotonic clock in seconds (tests pass a fake one).
    :param sleep: sleep function taking seconds (tests pass a fake one).
    :raises ValueError: if ``per_minute`` is not a positive integer.
    """

    def __init__(self, per_minute: int, clock=time.monotonic, sleep=time.sleep) -> None:
        if not isinstance(per_minute, int) or isinstance(per_minute, bool) or per_minute < 1:
            raise ValueError("rate_limit must be a positive integer (requests per minute), got %r" % (per_minute,))
        self.per_minute = per_minute
        self.interval = 60.0 / per_minute
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = None

    def acquire(self) -> float:
        """Block until this caller may send one request.

        :returns: seconds waited.
        """
        with self._lock:
            now = self._clock()
            slot = now if self._next_slot is None or self._next_slot < now else self._next_slot
            self._next_slot = slot + self.interval
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return max(wait, 0.0)


def backoff_delay(attempt: int, retry_after: str | None = None, base: float = 0.5, cap: float = 30.0,
                  rand=random.random) -> float:
    """Seconds to wait before retry number ``attempt`` (1 for the first retry).

    Honours a ``Retry-After`` header given in seconds (capped at ``cap``); otherwise an
    exponential backoff ``base * 2**(attempt-1)`` capped at ``cap``, with full jitter
    between half and all of it.

    :param attempt: retry number, 1-based.
    :param retry_after: value of the ``Retry-After`` response header, if any.
    :param base: first backoff in seconds.
    :param cap: longest wait in seconds.
    :param rand: random source returning a float in [0, 1).
    """
    if retry_after:
        try:
            return min(max(float(retry_after), 0.0), cap)
        except ValueError:
            pass  # an HTTP date: fall back to the computed backoff
    delay = min(cap, base * (2 ** max(attempt - 1, 0)))
    return delay * (0.5 + rand() / 2)
