"""Injected faults and the per-source-IP rate limit.

Fault rules (``POST /_emulator/faults``, one object or a list):

* ``{"status": 503, "count": 3, "path": "<regex>", "method": "PUT", "retry_after": 1,
  "message": "...", "detail": "...", "when": "before"}``: the next ``count`` matching
  requests answer ``status`` with an ``ErrorResponse``. ``when: "after"`` lets the
  request take effect first, then replaces its answer (a lost answer).
* ``{"reset_connection": N, "path": ..., "method": ..., "when": "before"|"after"}``:
  the next N matching requests get their TCP connection reset, no answer.
* ``{"delay_ms": 2000, "count": N, "path": ..., "method": ...}``: the next N matching
  requests are answered that much later (for client timeouts).
* ``{"forbid_pause_ids": ["<task or plan id>", ...]}``: pausing or resuming those ids
  answers 403.
* ``{"set_fields": {"version": 7, "items.*.name": null}, "count": N, "path": ..., "method": ...}``:
  a deliberately wrong answer: in the JSON body of the next N matching successful (2xx)
  answers each dotted field path gets that value (``*`` = every item of a list; a
  missing field is added). Used to prove that the conformance tests catch an answer
  that is off the vendor spec, and to test clients against malformed answers.

``path`` is a Python regex searched in the request path (no query string);
missing means every public path. ``count: -1`` means until cleared.
"""

from __future__ import annotations

import collections
import math
import re
import threading
import time
from dataclasses import dataclass

from tmc_emulator.late_pause import LatePauseRules
from tmc_emulator.run_outcomes import RunOutcomeRules


@dataclass
class FaultRule:
    """One queued fault; ``remaining`` < 0 means unlimited."""

    kind: str  # "status" | "reset" | "delay" | "set_fields"
    remaining: int
    path: re.Pattern | None
    method: str | None
    when: str = "before"
    status: int = 0
    retry_after: float | None = None
    message: str | None = None
    detail: str = ""
    delay_ms: int = 0
    fields: dict | None = None
    executables: frozenset | None = None

    def matches(self, method: str, path: str, when: str, executable_of=None) -> bool:
        """Whether this rule applies to a request at this stage.

        :param executable_of: ``f() -> str | None``, the ``executable`` of the request
            body (read only when the rule has ``executable_ids``).
        """
        if self.remaining == 0 or self.when != when:
            return False
        if self.method and self.method != method:
            return False
        if self.path is not None and self.path.search(path) is None:
            return False
        return self.executables is None or (executable_of is not None and executable_of() in self.executables)

    def describe(self) -> dict:
        """JSON view for ``GET /_emulator/faults``."""
        out = {"kind": self.kind, "remaining": self.remaining, "when": self.when,
               "path": self.path.pattern if self.path else None, "method": self.method}
        if self.kind == "status":
            out.update(status=self.status, retry_after=self.retry_after)
        if self.executables is not None:
            out["executable_ids"] = sorted(self.executables)
        if self.kind == "delay":
            out["delay_ms"] = self.delay_ms
        if self.kind == "set_fields":
            out["set_fields"] = self.fields
        return out


class FaultQueue:
    """Queued fault rules and ids whose pause is forbidden."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rules: list[FaultRule] = []
        self.forbid_pause_ids: set[str] = set()
        self.late_pause = LatePauseRules()
        self.run_outcomes = RunOutcomeRules()

    def add(self, spec: dict) -> list[dict]:
        """Add rules from one spec dict (see module doc); returns their descriptions.

        :raises ValueError: malformed spec.
        """
        if not isinstance(spec, dict):
            raise ValueError("a fault must be a JSON object")
        if "late_pause_ids" in spec:
            self.late_pause.add(spec)
            return []
        if "run_outcome_ids" in spec:
            self.run_outcomes.add(spec)
            return []
        added: list[FaultRule] = []
        ids = spec.get("forbid_pause_ids")
        if ids is not None:
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise ValueError("forbid_pause_ids must be a list of ids")
            with self._lock:
                self.forbid_pause_ids.update(ids)
        path = spec.get("path")
        try:
            pattern = re.compile(path) if path else None
        except re.error as exc:
            raise ValueError(f"path is not a valid regex: {exc}") from exc
        method = spec.get("method")
        method = method.upper() if isinstance(method, str) else None
        when = spec.get("when", "before")
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        if "reset_connection" in spec:
            added.append(FaultRule("reset", _count(spec["reset_connection"]), pattern, method, when))
        if "status" in spec:
            status = spec["status"]
            if not isinstance(status, int) or not 400 <= status <= 599:
                raise ValueError("status must be an integer 400..599")
            retry_after = spec.get("retry_after")
            if retry_after is not None and (isinstance(retry_after, bool)
                                            or not isinstance(retry_after, (int, float))):
                raise ValueError("retry_after must be a number of seconds")
            executables = spec.get("executable_ids")
            if executables is not None and (not isinstance(executables, list) or not executables
                                            or not all(isinstance(i, str) for i in executables)):
                raise ValueError("executable_ids must be a non-empty list of task or plan ids")
            added.append(FaultRule("status", _count(spec.get("count", 1)), pattern, method, when,
                                   status=status, retry_after=retry_after,
                                   message=spec.get("message"), detail=spec.get("detail", ""),
                                   executables=None if executables is None else frozenset(executables)))
        if "delay_ms" in spec:
            delay = spec["delay_ms"]
            if isinstance(delay, bool) or not isinstance(delay, int) or delay < 0:
                raise ValueError("delay_ms must be a non-negative integer")
            added.append(FaultRule("delay", _count(spec.get("count", 1)), pattern, method, "before",
                                   delay_ms=delay))
        if "set_fields" in spec:
            fields = spec["set_fields"]
            if not isinstance(fields, dict) or not fields or not all(
                    isinstance(k, str) and k and "" not in k.split(".") for k in fields):
                raise ValueError("set_fields must map dotted field paths (e.g. \"items.*.name\") to values")
            added.append(FaultRule("set_fields", _count(spec.get("count", 1)), pattern, method, "after",
                                   fields=dict(fields)))
        if not added and ids is None:
            raise ValueError("a fault needs status, reset_connection, delay_ms, set_fields, "
                             "forbid_pause_ids or late_pause_ids")
        with self._lock:
            self.rules.extend(added)
        return [r.describe() for r in added]

    def take(self, method: str, path: str, when: str, kinds: tuple[str, ...],
             executable_of=None) -> FaultRule | None:
        """The first rule of one of ``kinds`` matching the request; uses up one of its count.

        :param executable_of: ``f() -> str | None``, the request body's ``executable``.
        """
        with self._lock:
            for rule in self.rules:
                if rule.kind in kinds and rule.matches(method, path, when, executable_of):
                    if rule.remaining > 0:
                        rule.remaining -= 1
                    if rule.remaining == 0:
                        self.rules.remove(rule)
                    return rule
        return None

    def is_pause_forbidden(self, executable_id: str) -> bool:
        """Whether pausing/resuming this id must answer 403."""
        return executable_id in self.forbid_pause_ids

    def clear(self) -> None:
        """Drop every rule and forbidden id."""
        with self._lock:
            self.rules.clear()
            self.forbid_pause_ids.clear()
        self.late_pause.clear()
        self.run_outcomes.clear()

    def describe(self) -> dict:
        """JSON view of the queue."""
        with self._lock:
            return {"rules": [r.describe() for r in self.rules],
                    "forbid_pause_ids": sorted(self.forbid_pause_ids),
                    "late_pause": self.late_pause.describe(),
                    "run_outcomes": self.run_outcomes.describe()}


def set_fields(document, fields: dict):
    """Apply ``{"a.b": value, "items.*.c": value}`` to a parsed JSON document in place.

    A path through something that is not an object (or a list, for ``*`` and indexes)
    is skipped; the last key is set even when it was absent.

    :returns: the document.
    """
    for dotted, value in fields.items():
        _set_path(document, dotted.split("."), value)
    return document


def _set_path(node, keys: list[str], value) -> None:
    key, rest = keys[0], keys[1:]
    if isinstance(node, list):
        if key == "*":
            targets = range(len(node))
        elif key.isdigit() and int(key) < len(node):
            targets = [int(key)]
        else:
            return
        for index in targets:
            if rest:
                _set_path(node[index], rest, value)
            else:
                node[index] = value
    elif isinstance(node, dict):
        if not rest:
            node[key] = value
        elif key in node:
            _set_path(node[key], rest, value)


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value == 0 or value < -1:
        raise ValueError("count / reset_connection must be a positive integer or -1 (unlimited)")
    return value


class RateLimiter:
    """Sliding 60 s window per source IP on the real monotonic clock.

    A refused request is not counted in the window.
    """

    WINDOW_S = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, collections.deque] = {}

    def check(self, source: str, limit_per_minute: int) -> float | None:
        """Record a request from ``source``; ``None`` when allowed, else seconds to wait (float)."""
        if limit_per_minute <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(source, collections.deque())
            while hits and hits[0] <= now - self.WINDOW_S:
                hits.popleft()
            if len(hits) >= limit_per_minute:
                return max(0.001, hits[0] + self.WINDOW_S - now)
            hits.append(now)
        return None

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._hits.clear()


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` value: whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(seconds)))
