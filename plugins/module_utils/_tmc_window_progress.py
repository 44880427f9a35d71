# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Progress of a long bulk step, told while it runs: done/total, rate and time left, at least every 30 seconds.

At the account maximum a phase sends tens of thousands of requests at the API's rate limit, for many minutes; the
operator (and the AWX job's event stream) must see it move. Counting is thread-safe: the bulk calls finish on the
client's worker threads. A line is told when a call ends 30 s after the last line; while the step runs as a context
manager, a watcher thread also tells it when no call ended for 30 s (every worker waiting on a ``Retry-After``, a
slow API), so that a stalled step is seen stalled, not silent.
"""

from __future__ import annotations

import threading
import time

EVERY_SECONDS = 30


def _duration(seconds) -> str:
    seconds = int(round(seconds))
    return "%d min %02d s" % divmod(seconds, 60) if seconds >= 60 else "%d s" % seconds


class Progress:
    """Counts the calls of one bulk step and tells how far it is.

    :param say: ``say(line)``. :param label: what the step does, e.g. ``"Window CHG0042: pausing tasks"``.
    :param total: calls due (int). :param every: seconds between two lines (default :data:`EVERY_SECONDS`).
    :param clock: monotonic seconds (default ``time.monotonic``).
    """

    def __init__(self, say, label, total, every=None, clock=None):
        self.say, self.label, self.total = say, label, total
        self.every = EVERY_SECONDS if every is None else every
        self.clock = clock or time.monotonic
        self.done, self._lock = 0, threading.Lock()
        self.start = self.last = self.clock()
        self._stopped, self._watcher = threading.Event(), None

    def __enter__(self):
        """Start the watcher thread (daemon): it tells the line when none was told for ``every`` seconds."""
        self._watcher = threading.Thread(target=self._watch, name="talend-progress", daemon=True)
        self._watcher.start()
        return self

    def __exit__(self, *exc_info):
        self._stopped.set()
        self._watcher.join()
        return False

    def _watch(self) -> None:
        while not self._stopped.wait(min(max(self.every, 0.05), 1.0)):
            self._tell_if_due()

    def line(self, now) -> str:
        """``"<label>: 1,200/10,000 done, 30.0/s, about 4 min 53 s left"``."""
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else None
        tail = ", about %s left" % _duration(left) if left is not None else ""
        return "%s: %s/%s done, %.1f/s%s" % (self.label, format(self.done, ","), format(self.total, ","), rate, tail)

    def tick(self, count=1) -> None:
        """Count ``count`` finished calls; tell the progress when ``every`` seconds passed since the last line."""
        with self._lock:
            self.done += count
        self._tell_if_due()

    def _tell_if_due(self) -> None:
        """Tell the line when ``every`` seconds passed since the last one and calls are still due."""
        with self._lock:
            now = self.clock()
            if now - self.last < self.every or self.done >= self.total:
                return
            self.last = now
            text = self.line(now)
        self.say(text)
