# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Progress of a long bulk step, told while it runs: done/total, rate and time left, at least every 30 seconds.

At the account maximum a phase sends tens of thousands of requests at the API's rate limit, for many minutes; the
operator (and the AWX job's event stream) must see it move. Counting is thread-safe: the bulk calls finish on the
client's worker threads. One :class:`Pulse` per phase keeps the cadence: its watcher thread tells a line whenever
nothing was told for :data:`SILENCE_SECONDS`, whatever the phase does (a selection of 300 pages, a read-back, every
worker waiting on a ``Retry-After``): the progress of the bulk step going on when there is one, else how long the
phase has run. A stalled phase is seen stalled, never silent.
"""

from __future__ import annotations

import contextlib
import threading
import time

EVERY_SECONDS = 30
"""The promise: a running phase tells a line at least this often (seconds)."""
SILENCE_SECONDS = 28
"""Seconds without a line after which the pulse tells one (the watcher looks every second: lines stay under
:data:`EVERY_SECONDS` apart with the time a line takes to reach the play's output)."""


def _duration(seconds) -> str:
    seconds = int(round(seconds))
    return "%d min %02d s" % divmod(seconds, 60) if seconds >= 60 else "%d s" % seconds


class Progress:
    """Counts the calls of one bulk step and says how far it is (:meth:`line`); a :class:`Pulse` tells it.

    :param label: what the step does, e.g. ``"Window CHG0042: pausing tasks"``. :param total: calls due (int).
    :param clock: monotonic seconds (default ``time.monotonic``).
    """

    def __init__(self, label, total, clock=None):
        self.label, self.total = label, total
        self.clock = clock or time.monotonic
        self.done, self._lock = 0, threading.Lock()
        self.start = self.clock()

    def line(self, now) -> str:
        """``"<label>: 1,200/10,000 done, 30.0/s, about 4 min 53 s left"``."""
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else None
        tail = ", about %s left" % _duration(left) if left is not None else ""
        return "%s: %s/%s done, %.1f/s%s" % (self.label, format(self.done, ","), format(self.total, ","), rate, tail)

    def tick(self, count=1) -> None:
        """Count ``count`` finished calls (thread-safe)."""
        with self._lock:
            self.done += count


class Pulse:
    """The ``say`` of one phase: tells each line it is given, and a line of its own whenever nothing was told for
    ``silence`` seconds while it runs as a context manager (a daemon watcher thread).

    :param say: ``say(line)`` (the operator's output). :param label: e.g. ``"Window CHG0042"``.
    :param silence: seconds (default :data:`SILENCE_SECONDS`). :param clock: monotonic seconds.
    :ivar progress: the :class:`Progress` of the bulk step going on (see :meth:`following`), or None.
    """

    def __init__(self, say, label, silence=None, clock=None):
        self._say, self.label = say, label
        self.silence = SILENCE_SECONDS if silence is None else silence
        self.clock = clock or time.monotonic
        self.start = self.last = self.clock()
        self.progress, self._lock = None, threading.Lock()
        self._stopped, self._watcher = threading.Event(), None

    def __call__(self, line) -> None:
        with self._lock:
            self.last = self.clock()
        self._say(line)

    def __enter__(self):
        self._watcher = threading.Thread(target=self._watch, name="talend-pulse", daemon=True)
        self._watcher.start()
        return self

    def __exit__(self, *exc_info):
        self._stopped.set()
        self._watcher.join()
        return False

    def _watch(self) -> None:
        while not self._stopped.wait(min(max(self.silence, 0.05), 1.0)):
            self.beat()

    @contextlib.contextmanager
    def following(self, progress):
        """Context manager: while it lasts, the lines of the pulse are ``progress``'s."""
        self.progress = progress
        try:
            yield progress
        finally:
            self.progress = None

    def beat(self) -> None:
        """Tell a line when nothing was told for ``silence`` seconds: the progress of the bulk step going on (while
        calls are due), else how long the phase has run."""
        with self._lock:
            now = self.clock()
            if now - self.last < self.silence:
                return
            self.last = now
            progress = self.progress
            if progress is not None and progress.done < progress.total:
                text = progress.line(now)
            else:
                text = "%s: still working, %s into the phase" % (self.label, _duration(now - self.start))
        self._say(text)
