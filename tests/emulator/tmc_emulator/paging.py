"""Query/body parameter parsing and the vendor page shape ``{items, limit, offset, total}``."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from tmc_emulator.errors import ApiError

MAX_LIMIT = 100


def parse_int(value: Any, name: str, minimum: int | None = None,
              maximum: int | None = None) -> int | None:
    """An integer query or body value (``None`` stays ``None``).

    :raises ApiError: 400 when not an integer or out of ``[minimum, maximum]``.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ApiError(400, f"'{name}' must be an integer")
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise ApiError(400, f"'{name}' must be an integer, got {value!r}")
    if minimum is not None and number < minimum:
        raise ApiError(400, f"'{name}' must be greater than or equal to {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ApiError(400, f"'{name}' must be less than or equal to {maximum}, got {number}")
    return number


def limit_offset(limit_raw: Any, offset_raw: Any, min_limit: int = 1) -> tuple[int, int]:
    """``(limit, offset)`` with the vendor defaults (100, 0).

    A limit above 100 is answered with at most 100 items and ``limit: 100``
    (tolerant reading of "Must be in range [1, 100]"); below ``min_limit`` → 400.
    """
    limit = parse_int(limit_raw, "limit", minimum=min_limit)
    offset = parse_int(offset_raw, "offset", minimum=0)
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
