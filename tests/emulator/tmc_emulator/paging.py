"""Query/body parameter parsing and the vendor page shape ``{items, limit, offset, total}``."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from tmc_emulator.errors import ApiError

MAX_LIMIT = 100
INT32_MAX = 2**31 - 1
"""Largest ``format: int32`` value (``limit``, ``offset``, ``lastDays``): larger is 400 [S]."""
INT64_MAX = 2**63 - 1
"""Largest ``format: int64`` value (``from``, ``to`` in epoch ms)."""


def parse_int(value: Any, name: str, minimum: int | None = None,
              maximum: int | None = None) -> int | None:
    """An integer query or body value (``None``, absent, stays ``None``; ``""`` is no integer).

    :param maximum: upper bound; ``None`` = :data:`INT64_MAX` (every integer of the
        spec is ``int32`` or ``int64``: a value no Java ``long`` holds is refused).
    :raises ApiError: 400 when not an integer or out of ``[minimum, maximum]``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ApiError(400, f"'{name}' must be an integer")
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise ApiError(400, f"'{name}' must be an integer, got {value!r}")
    maximum = INT64_MAX if maximum is None else maximum
    if minimum is not None and number < minimum:
        raise ApiError(400, f"'{name}' must be greater than or equal to {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ApiError(400, f"'{name}' must be less than or equal to {maximum}, got {number}")
    return number


def limit_offset(limit_raw: Any, offset_raw: Any, min_limit: int = 1) -> tuple[int, int]:
    """``(limit, offset)`` with the vendor defaults (100, 0).

    A limit above 100 is answered with at most 100 items and ``limit: 100``
    (tolerant reading of "Must be in range [1, 100]"); below ``min_limit`` → 400.
    Both are ``int32``: above :data:`INT32_MAX` → 400.
    """
    limit = parse_int(limit_raw, "limit", minimum=min_limit, maximum=INT32_MAX)
    offset = parse_int(offset_raw, "offset", minimum=0, maximum=INT32_MAX)
    limit = MAX_LIMIT if limit is None else min(limit, MAX_LIMIT)
    return limit, offset or 0


def page(items: Sequence, limit: int, offset: int, render: Callable[[Any], dict]) -> dict:
    """Slice ``items`` and render only the page: ``{items, limit, offset, total}``."""
    return {
        "items": [render(item) for item in items[offset:offset + limit]],
        "limit": limit,
        "offset": offset,
        "total": len(items),
    }


def name_matches(name: str, wanted: str, mode: str) -> bool:
    """Case-insensitive ``prefix``, ``contains`` or ``exact`` name match."""
    name_l, wanted_l = name.lower(), wanted.lower()
    if mode == "prefix":
        return name_l.startswith(wanted_l)
    if mode == "contains":
        return wanted_l in name_l
    return name == wanted
