"""Request bodies checked against the field types of the vendor's request schemas.

A field of the wrong type, or ``null`` where the spec types a field without
``nullable``, is refused (400 by default) before anything is read; unknown fields
are ignored, as the schemas allow additional properties. Field types, from
``tmc-subset.json``: ``"string"``, ``"boolean"``, ``"object"``, ``"int32"``,
``"int64"``, ``"string[]"``, or a tuple of allowed string values (an enum).
"""

from __future__ import annotations

from flask import request

from tmc_emulator.errors import ApiError
from tmc_emulator.paging import INT32_MAX, INT64_MAX

TASK_FILTERS = {  # TaskFiltersRequest
    "artifactId": "string", "environmentId": "string", "name": "string", "runtimeId": "string",
    "runtimeRunProfileId": "string", "runtimeType": "string", "triggerType": "string",
    "workspaceId": "string", "tags": "string[]", "limit": "int32", "offset": "int32",
}
SCHEDULED_EVENTS = {  # ScheduledEventsRequest (runtime checked as an object, then its fields)
    "environmentId": "string", "from": "int64", "to": "int64", "limit": "int32", "offset": "int32",
    "tags": "string[]", "workspaceIds": "string[]", "runtime": "object",
}
EVENTS_RUNTIME = {  # ScheduledEventsRequestRuntime
    "id": "string",
    "type": ("CLOUD", "REMOTE_ENGINE", "REMOTE_ENGINE_CLUSTER", "CLOUD_EXCLUSIVE", "PIPELINE_ENGINE"),
}
EXECUTABLE_TASK = {  # Executabletask
    "executable": "string", "logLevel": ("OFF", "ERROR", "WARN", "INFO"), "parameters": "object",
    "timeout": "int32",
}
PLAN_EXECUTABLE = {  # PlanExecutable
    "executable": "string", "executionPlanId": "string", "rerunOnlyFailedTasks": "boolean", "stepId": "string",
}
PAUSE_DETAILS = {  # TaskPauseDetails / PlanPauseDetails (user, pauseDate: read-only, refused elsewhere)
    "pause": "boolean", "pauseContext": "string", "userType": ("HUMAN", "SERVICE"),
}
TOKEN_REQUEST = {"audience": "string", "grant_type": "string"}  # TokenRequest


def json_object(schema_name: str, status: int = 400, empty_ok: bool = False) -> dict:
    """The request body as a JSON object, whatever its ``Content-Type``.

    :param schema_name: vendor schema name, for the message (e.g. ``"TaskFiltersRequest"``).
    :param empty_ok: an empty body counts as ``{}``.
    :raises ApiError: ``status`` when the body is not a JSON object.
    """
    body = request.get_json(force=True, silent=True)
    if body is None and empty_ok and not request.get_data():
        return {}
    if not isinstance(body, dict):
        raise ApiError(status, f"The request body must be a JSON object ({schema_name})")
    return body


def check_fields(body: dict, fields: dict, required: tuple[str, ...] = (), status: int = 400) -> dict:
    """Refuse a body whose known fields have the wrong type or are missing.

    :param fields: ``{name: type}`` (see the module doc).
    :param required: names that must be present (and not ``null``).
    :raises ApiError: ``status`` naming the field and the expected type.
    :returns: ``body``.
    """
    for name in required:
        if body.get(name) is None:
            raise ApiError(status, f"'{name}' is required")
    for name, kind in fields.items():
        if name in body and not _has_type(body[name], kind):
            expected = f"one of {', '.join(kind)}" if isinstance(kind, tuple) else _WORDS[kind]
            raise ApiError(status, f"'{name}' must be {expected}, got {body[name]!r}"[:300])
    return body


_WORDS = {"string": "a string", "boolean": "a boolean", "object": "a JSON object",
          "int32": "a 32-bit integer", "int64": "a 64-bit integer", "string[]": "an array of strings"}


def _has_type(value, kind) -> bool:
    if isinstance(kind, tuple):
        return isinstance(value, str) and value in kind
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "string[]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind in ("int32", "int64"):
        limit = INT32_MAX if kind == "int32" else INT64_MAX
        return isinstance(value, int) and not isinstance(value, bool) and -limit - 1 <= value <= limit
    raise ValueError(f"unknown field type {kind!r}")
