# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The requests this controller sent to one API host in the last minute, shared by its processes.

The vendor allows a number of requests *per minute per source IP*: every module run (and every
fork of a play) on one controller spends the same budget. :class:`RequestWindow` counts request
starts in 0.1 s ticks over a sliding window; :class:`SharedRequestWindow` keeps those counts in a
small file (``tick count`` lines, no secret) under an exclusive ``flock``, so that a module run
knows what the runs before it or beside it sent.

One file per API host, named after :func:`api_host_key`: the scheme-less, normalised ``host:port``, so
that tenants reached through one API host from this controller spend one budget, and spellings of one
host (case, trailing ``/``, default port, ``localhost`` or ``127.0.0.1``) never split it.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import ipaddress
import math
import os
import stat
import threading
import time
from urllib.parse import urlsplit

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_files import ensure_private_directory

DEFAULT_PORTS = {"https": 443, "http": 80}
LOOPBACK = "loopback"
"""The one name of every loopback host (``localhost``, ``127.0.0.0/8``, ``::1``) in a window key."""

TICK_SECONDS = 0.1
"""Granularity of the counts: a start is recorded at the end of its tick, so it leaves the
window no earlier than ``window`` seconds after it happened."""


class RequestWindow:
    """At most ``limit`` request starts in any ``window`` seconds, counted in memory.

    Not thread-safe by itself: :class:`~._tmc_ratelimit.RateLimiter` serialises the calls.

    :param limit: starts allowed per window (int >= 1).
    :param window: window length in seconds (float > 0; the vendor's 60 s plus a margin).
    :param clock: wall clock in epoch seconds (tests pass a fake one).
    """

    shared = False

    def __init__(self, limit: int, window: float, clock=time.time) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._ticks: dict[int, int] = {}

    def take(self) -> float:
        """Record one start now when the window has room.

        :returns: 0.0 when recorded; else the seconds (> 0) until the oldest starts leave the
            window and one more may fit (nothing recorded).
        :raises OSError: the shared file could not be read or written (shared windows only).
        """
        ticks = self._load()
        now = self._clock()
        wait = _admit(ticks, now, self.limit, self.window)
        if wait == 0.0:
            tick = int(math.floor(now / TICK_SECONDS)) + 1
            ticks[tick] = ticks.get(tick, 0) + 1
        self._store(ticks)
        return wait

    def _load(self) -> dict:
        return self._ticks

    def _store(self, ticks: dict) -> None:
        self._ticks = ticks


def _admit(ticks: dict, now: float, limit: int, window: float) -> float:
    """Drop from ``ticks`` (``{tick: count}``, changed in place) what left the window; 0.0 when
    one more start fits, else the seconds until it does."""
    horizon = now + window + 1.0  # a tick further ahead comes from a clock set back: forget it
    for tick in [t for t in ticks if t * TICK_SECONDS + window <= now or t * TICK_SECONDS > horizon]:
        del ticks[tick]
    excess = sum(ticks.values()) - limit + 1
    if excess <= 0:
        return 0.0
    for tick in sorted(ticks):
        excess -= ticks[tick]
        if excess <= 0:
            return max(tick * TICK_SECONDS + window - now, 0.001)
    return window  # not reached: the ticks hold more than excess


def api_host_key(base_url: str) -> str:
    """The API host whose request budget ``base_url`` spends, as ``host:port`` (no scheme, no path).

    The vendor counts requests per source IP at each API host, so the key is the host as the client
    reaches it: lower case, the port written out (443 for ``https``, 80 for ``http`` when none is
    given), path and trailing ``/`` dropped. Every loopback name (``localhost``, ``127.0.0.0/8``,
    ``::1``) is :data:`LOOPBACK`: they reach one machine, whose server on that port sees one source
    address (``http://127.0.0.1:8787`` and ``http://localhost:8787/`` are one emulator). Other names are
    not resolved: a public API host answers from changing addresses (CDN, load balancers) while its
    count follows the host, and a DNS lookup here would cost a request's time for nothing.

    :param base_url: API base URL (str), e.g. ``https://api.eu.cloud.talend.com``.
    :returns: e.g. ``api.eu.cloud.talend.com:443``, ``loopback:8787``.
    :raises ValueError: the URL has no host or a port that is not a number.
    """
    parts = urlsplit(base_url.strip())
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError("API URL %r has no host" % (base_url,))
    port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 443)
    return "%s:%d" % (LOOPBACK if is_loopback_host(host) else host, port)


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` (any case) and loopback addresses (``127.0.0.0/8``, ``::1``); no DNS lookup.

    :param host: a URL's host name or address, without brackets (str).
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SharedRequestWindow(RequestWindow):
    """A :class:`RequestWindow` whose counts live in a file shared by every process of this user.

    The file is ``<directory>/ratelimit-<sha256(api_host_key(base_url))[:16]>.window``, mode 0600, in a
    directory of the current user that is not readable by others (created 0700). Each
    :meth:`take` holds an exclusive ``flock`` on the file while it reads, updates and writes
    the counts (about 0.1 ms; at most ``window / 0.1`` short lines).

    :param limit: starts allowed per window (int >= 1).
    :param window: window length in seconds.
    :param directory: directory for the file (str).
    :param base_url: API base URL the counts belong to (one budget per :func:`api_host_key`).
    :param clock: wall clock in epoch seconds.
    :raises OSError: the directory or the file cannot be used (not ours, a symlink, not writable).
    :raises ValueError: ``base_url`` has no host.
    """

    shared = True

    def __init__(self, limit: int, window: float, directory: str, base_url: str, clock=time.time) -> None:
        super().__init__(limit, window, clock)
        ensure_private_directory(directory)
        self.key = api_host_key(base_url)
        name = "ratelimit-%s.window" % hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:16]
        self.path = os.path.join(directory, name)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
        self._lock = threading.Lock()
        info = os.fstat(self._fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            os.close(self._fd)
            raise OSError(errno.EPERM, "not a regular file of the current user", self.path)

    def take(self) -> float:
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                return super().take()
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _load(self) -> dict:
        size = os.fstat(self._fd).st_size
        ticks: dict[int, int] = {}
        for line in os.pread(self._fd, size, 0).decode("ascii", "replace").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
                ticks[int(parts[0])] = ticks.get(int(parts[0]), 0) + int(parts[1])
        return ticks

    def _store(self, ticks: dict) -> None:
        data = "".join("%d %d\n" % (tick, count) for tick, count in sorted(ticks.items())).encode("ascii")
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def close(self) -> None:
        """Close the file (the counts stay for the next process)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
