"""Scheduled occurrences of task and plan triggers (for ``events/search``).

A trigger in the data file is one of::

    {"name": "Nightly 02:00 UTC", "type": "CRON", "cron": "0 2 * * *", "timeZone": "UTC"}
    {"name": "Every 15 minutes", "type": "INTERVAL", "intervalMinutes": 15,
     "startDate": "2024-01-01T00:00:00Z"}
    {"name": "Go-live", "type": "ONCE", "at": "2025-06-01T08:00:00Z"}

Cron: 5 fields (minute hour day-of-month month day-of-week), with ``*``, lists,
ranges and steps; day-of-week 0 or 7 is Sunday; when both day fields are
restricted a day matches either (classic cron). Times in ``timeZone``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterator
from zoneinfo import ZoneInfo

from tmc_emulator.clock import iso_utc, parse_iso

_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


@lru_cache(maxsize=256)
def parse_cron(expr: str) -> tuple[tuple[int, ...], tuple[int, ...], frozenset, frozenset, frozenset, bool, bool]:
    """``(minutes, hours, days, months, weekdays, dom_restricted, dow_restricted)``.

    :raises ValueError: malformed expression.
    """
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"cron expression needs 5 fields: {expr!r}")
    sets = [_field(text, lo, hi) for text, (lo, hi) in zip(fields, _RANGES)]
    weekdays = frozenset(d % 7 for d in sets[4])
    return (tuple(sorted(sets[0])), tuple(sorted(sets[1])), frozenset(sets[2]), frozenset(sets[3]),
            weekdays, fields[2] != "*", fields[4] != "*")


def _field(text: str, lo: int, hi: int) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        body, dummy, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if body == "*":
            start, end = lo, hi
        elif "-" in body:
            start_text, end_text = body.split("-", 1)
            start, end = int(start_text), int(end_text)
        else:
            start = int(body)
            end = hi if step_text else start
        if step < 1 or start < lo or end > hi or start > end:
            raise ValueError(f"cron field {text!r} out of range {lo}-{hi}")
        values.update(range(start, end + 1, step))
    return values


def occurrences(trigger: dict, from_ms: int, to_ms: int) -> Iterator[int]:
    """Epoch ms of every occurrence of ``trigger`` in ``[from_ms, to_ms]``, ascending."""
    kind = trigger.get("type", "CRON").upper()
    if kind == "CRON":
        yield from _cron_occurrences(trigger, from_ms, to_ms)
    elif kind == "INTERVAL":
        step = int(float(trigger["intervalMinutes"]) * 60_000)
        start = parse_iso(trigger.get("startDate", "1970-01-01T00:00:00Z"))
        first = start if from_ms <= start else start + -(-(from_ms - start) // step) * step
        yield from range(first, to_ms + 1, step)
    elif kind == "ONCE":
        when = parse_iso(trigger["at"])
        if from_ms <= when <= to_ms:
            yield when


def _cron_occurrences(trigger: dict, from_ms: int, to_ms: int) -> Iterator[int]:
    minutes, hours, days, months, weekdays, dom_r, dow_r = parse_cron(trigger["cron"])
    tz = ZoneInfo(trigger.get("timeZone") or "UTC")
    first = datetime.fromtimestamp(from_ms / 1000, tz=timezone.utc).astimezone(tz).date()
    last = datetime.fromtimestamp(to_ms / 1000, tz=timezone.utc).astimezone(tz).date()
    day: date = first - timedelta(days=1)
    while day <= last + timedelta(days=1):
        if day.month in months and _day_matches(day, days, weekdays, dom_r, dow_r):
            for hour in hours:
                for minute in minutes:
                    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
                    when = int(local.timestamp() * 1000)
                    if from_ms <= when <= to_ms:
                        yield when
        day += timedelta(days=1)


def _day_matches(day: date, days: frozenset, weekdays: frozenset, dom_r: bool, dow_r: bool) -> bool:
    dom_ok = day.day in days
    dow_ok = (day.isoweekday() % 7) in weekdays
    if dom_r and dow_r:
        return dom_ok or dow_ok
    return dom_ok and dow_ok


def resolve_relative_trigger(trigger: dict, now_ms: int) -> dict:
    """Turn ``{"type": "ONCE", "inSeconds": N}`` into ``{"type": "ONCE", "at": <now + N s, ISO>}``
    (in place; other triggers unchanged). The data file and the admin API use it so that a
    one-off run lies at a known distance from the emulator time.

    :raises ValueError: ``inSeconds`` is not a number.
    """
    if isinstance(trigger, dict) and "inSeconds" in trigger and "at" not in trigger:
        seconds = trigger.pop("inSeconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise ValueError("inSeconds must be a number of seconds")
        trigger["at"] = iso_utc(now_ms + int(seconds * 1000))
    return trigger


def validate_trigger(trigger: dict) -> None:
    """Raise ``ValueError`` when a trigger of the data file cannot be evaluated."""
    kind = trigger.get("type", "CRON").upper()
    if kind == "CRON":
        parse_cron(trigger["cron"])
        ZoneInfo(trigger.get("timeZone") or "UTC")
    elif kind == "INTERVAL":
        if float(trigger["intervalMinutes"]) <= 0:
            raise ValueError("intervalMinutes must be positive")
        parse_iso(trigger.get("startDate", "1970-01-01T00:00:00Z"))
    elif kind == "ONCE":
        parse_iso(trigger["at"])
    else:
        raise ValueError(f"unknown trigger type {kind!r}")
