# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Client-side rate limiting and retry backoff for the Talend Cloud API client."""

from __future__ import annotations

import email.utils
import random
import threading
import time

DEFAULT_RATE_LIMIT = 1500
"""Requests per minute; below the vendor's 1800 per minute per source IP."""

WINDOW_SECONDS = 60.0
"""The vendor counts requests per minute: a sliding window of this many seconds."""

DEFAULT_MARGIN_SECONDS = 0.5
"""Added to each window: a request may reach the server up to this much later (relative to the
one ``per_minute`` requests before it) than it left the limiter without being counted twice in one
window. Costs ``0.5 / 60`` = 0.8 % of the rate."""

RETRY_AFTER_CAP_SECONDS = 120.0
"""Longest ``Retry-After`` honoured; a longer one is cut to this."""


class RateLimiter:
    """Keeps request starts within ``per_minute`` in any 60 s (+ ``margin``) window.

    Two ways, one guarantee:

    * **Window** (with a ``window``, normally a shared
      :class:`~._tmc_ratewindow.SharedRequestWindow`): a request starts as soon as fewer than
      ``per_minute`` starts of this controller, counted across its processes, fall in the last
      ``60 s + margin``. A run after a quiet minute goes at the speed of ``max_workers``; a long
      one settles at ``per_minute``. This is the vendor's published measure (requests per minute
      per source IP), and what a sliding-window server (the emulator) counts.
    * **Paced**: one start every ``(60 s + margin) / per_minute``, never a burst, not even after
      an idle time. Used when no window is given (nothing tells this process what the others
      sent), and for the rest of the run after a 429 (the server counts differently than
      assumed: a token bucket with a small burst, or another client on the same source IP).
      Starts still enter the window, so the other processes see them.

    The ``margin`` absorbs the jitter between leaving this limiter and reaching the server
    (thread wake-ups, the network, the server's own scheduling).

    Thread-safe: every worker thread of a bulk run calls :meth:`acquire` before each attempt
    (retries included), so the limit holds for the whole client. :meth:`hold` (on a 429) makes
    every worker wait, including those already waiting for a slot.

    :param per_minute: requests per minute, a positive integer.
    :param clock: monotonic clock in seconds (tests pass a fake one).
    :param sleep: sleep function taking seconds (tests pass a fake one).
    :param margin: seconds added to each 60 s window (float >= 0), see :data:`DEFAULT_MARGIN_SECONDS`.
    :param window: a :class:`~._tmc_ratewindow.RequestWindow` of ``per_minute`` starts per
        ``60 s + margin``, or None for paced starts only.
    :raises ValueError: if ``per_minute`` is not a positive integer or ``margin`` is negative.
    """

    def __init__(self, per_minute: int, clock=time.monotonic, sleep=time.sleep,
                 margin: float = DEFAULT_MARGIN_SECONDS, window=None) -> None:
        if not isinstance(per_minute, int) or isinstance(per_minute, bool) or per_minute < 1:
            raise ValueError("rate_limit must be a positive integer (requests per minute), got %r" % (per_minute,))
        if margin < 0:
            raise ValueError("margin must be 0 or more seconds, got %r" % (margin,))
        self.per_minute = per_minute
        self.interval = (WINDOW_SECONDS + margin) / per_minute
        self.window_seconds = WINDOW_SECONDS + margin
        self.window = window
        self.paced = window is None
        self.window_error = None
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = float("-inf")
        self._hold_until = float("-inf")

    def _reserve(self) -> tuple[float, float]:
        """Take the next free slot; returns ``(now, slot)`` in clock seconds. Caller holds the lock."""
        now = self._clock()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self.interval
        return now, slot

    def acquire(self) -> float:
        """Block until this caller may send one request.

        Paced: a slot taken before a :meth:`hold` that ends after it is given up and a new one
        taken after the hold. Window: waits for any hold, then until the window has room.

        :returns: seconds waited.
        """
        waited = self._acquire_paced() if self.paced else 0.0
        while True:
            with self._lock:
                if self.window is None:
                    return waited
                wait = self._hold_until - self._clock()
                if wait <= 0:
                    try:
                        wait = self.window.take()
                    except OSError as exc:  # the shared file went away or became unwritable: pace from now on
                        self.window_error = "%s: %s" % (getattr(self.window, "path", "window"), exc.strerror or exc)
                        self.window = None
                        wait = None
                    if wait is not None and wait <= 0:
                        return waited
            if wait is None:
                if self.paced:
                    return waited
                self.paced = True
                return waited + self._acquire_paced()
            self._sleep(wait)
            waited += wait

    def _acquire_paced(self) -> float:
        with self._lock:
            now, slot = self._reserve()
        waited = 0.0
        while True:
            wait = slot - now
            if wait > 0:
                self._sleep(wait)
                waited += wait
            with self._lock:
                if self._hold_until <= slot:
                    return waited
                now, slot = self._reserve()

    def hold(self, seconds: float) -> None:
        """Let no request start during the next ``seconds`` (a 429 answer: every worker backs off).

        Holds do not add up: the one ending last wins. After it, starts are paced (one every
        ``(60 s + margin) / per_minute``) for the rest of this limiter's life.

        :param seconds: float >= 0.
        """
        with self._lock:
            self.paced = True
            until = self._clock() + max(seconds, 0.0)
            if until > self._hold_until:
                self._hold_until = until
                self._next_slot = max(self._next_slot, until)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header value, or None when absent or unreadable.

    :param value: delta-seconds (``"3"``, ``"1.5"``) or an HTTP date (``"Sun, 29 Nov 2026 09:30:00 GMT"``).
    :param now: current epoch seconds for the HTTP date form (default ``time.time()``).
    :returns: float >= 0, or None.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        date = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if date is None or date.tzinfo is None:
        return None
    return max(date.timestamp() - (time.time() if now is None else now), 0.0)


def backoff_delay(attempt: int, retry_after: str | None = None, base: float = 0.5, cap: float = 30.0,
                  rand=random.random, retry_after_cap: float = RETRY_AFTER_CAP_SECONDS) -> float:
    """Seconds to wait before retry number ``attempt`` (1 for the first retry).

    Honours a ``Retry-After`` header (seconds or HTTP date, capped at ``retry_after_cap``);
    otherwise an exponential backoff ``base * 2**(attempt-1)`` capped at ``cap``, with
    jitter between half and all of it.

    :param attempt: retry number, 1-based.
    :param retry_after: value of the ``Retry-After`` response header, if any.
    :param base: first backoff in seconds.
    :param cap: longest computed backoff in seconds.
    :param rand: random source returning a float in [0, 1).
    :param retry_after_cap: longest ``Retry-After`` honoured, in seconds.
    """
    seconds = retry_after_seconds(retry_after)
    if seconds is not None:
        return min(seconds, retry_after_cap)
    delay = min(cap, base * (2 ** max(attempt - 1, 0)))
    return delay * (0.5 + rand() / 2)
