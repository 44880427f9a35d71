"""Filtered lists kept between the page requests of one paged read.

A client reads a list page by page (``limit`` ≤ 100): at 30,000 tasks, 300 requests
with the same filters. Filtering the whole store at each page made a full read
quadratic; this cache keeps the filtered list (records, not renderings: a page is
rendered when asked, so pause details are always current) until the store's
``version`` moves (a task or plan added, triggers changed). Pausing never changes
which records a filter selects, so pauses do not invalidate it.
"""

from __future__ import annotations

import threading
from typing import Callable, Hashable


class ListCache:
    """At most ``size`` filtered lists, keyed by the filter; dropped when the version moves.

    :param size: entries kept (oldest dropped first).
    """

    def __init__(self, size: int = 64) -> None:
        self._lock = threading.Lock()
        self._size = size
        self._version: int | None = None
        self._entries: dict[Hashable, list] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, version: int, build: Callable[[], list]) -> list:
        """The list for ``key`` at store ``version``, built with ``build()`` when missing."""
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version
            found = self._entries.get(key)
            if found is not None:
                self.hits += 1
                return found
            self.misses += 1
        value = build()
        with self._lock:
            if self._version == version:
                if len(self._entries) >= self._size:
                    self._entries.pop(next(iter(self._entries)))
                self._entries[key] = value
        return value
