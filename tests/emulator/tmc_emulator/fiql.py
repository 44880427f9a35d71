"""A small FIQL evaluator for ``?query=`` of environments and workspaces.

Supported: ``selector==value`` and ``selector!=value`` with ``*`` wildcards,
``;`` (and) binding tighter than ``,`` (or), dotted selectors such as
``environment.id``. Parentheses and ``=op=`` operators answer 400.
Matching is case-sensitive; booleans compare as ``true``/``false``.
"""

from __future__ import annotations

import fnmatch
import re

from tmc_emulator.errors import ApiError

_CONSTRAINT = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*)(==|!=)(.*)$")


def compile_query(query: str):
    """Parse a FIQL string into a predicate ``f(record: dict) -> bool``.

    :raises ApiError: 400 on unsupported or malformed syntax.
    """
    if "(" in query or ")" in query:
        raise ApiError(400, f"Unsupported FIQL query (grouping is not supported): {query}")
    alternatives = []
    for part in query.split(","):
        constraints = []
        for raw in part.split(";"):
            match = _CONSTRAINT.match(raw.strip())
            if not match or match.group(3) == "":
                raise ApiError(400, f"Invalid FIQL constraint {raw!r} in query {query!r}")
            constraints.append(match.groups())
        alternatives.append(constraints)

    def predicate(record: dict) -> bool:
        return any(all(_holds(record, sel, op, val) for sel, op, val in group)
                   for group in alternatives)

    return predicate


def _holds(record: dict, selector: str, op: str, value: str) -> bool:
    current = record
    for key in selector.split("."):
        current = current.get(key) if isinstance(current, dict) else None
    if isinstance(current, bool):
        current = "true" if current else "false"
    text = "" if current is None else str(current)
    found = fnmatch.fnmatchcase(text, value) if "*" in value else text == value
    return found if op == "==" else not found
