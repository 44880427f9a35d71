"""Admin API: change the tenant behind the collection's back (``/_emulator/``, loopback only).

What someone else does during a window: move a task or plan to another workspace,
rename it, retag it, delete it, rename an environment or a workspace (two
environments with one name included). Payloads and answers in ``tests/emulator/README.md``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from tmc_emulator.errors import ApiError
from tmc_emulator.runtime import runtime

blueprint = Blueprint("admin_records", __name__, url_prefix="/_emulator")

_EXECUTABLE_FIELDS = {"workspaceId": str, "name": str, "description": str, "tags": list}
_PLACE_FIELDS = {"name": str, "description": str}


def _changes(allowed: dict) -> dict:
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict) or not body:
        raise ApiError(400, f"Body must be a JSON object with some of {sorted(allowed)}")
    for key, value in body.items():
        kind = allowed.get(key)
        if kind is None:
            raise ApiError(400, f"Unknown field {key!r}; expected some of {sorted(allowed)}")
        if not isinstance(value, kind) or (kind is str and key in ("name", "workspaceId") and not value) \
                or (kind is list and not all(isinstance(v, str) for v in value)):
            raise ApiError(400, f"{key!r} must be a non-empty string" if kind is str else f"{key!r} must be "
                                "a list of strings")
    return body


@blueprint.patch("/<kind>/<record_id>")
def change_record(kind: str, record_id: str):
    """``PATCH /_emulator/tasks/<id>`` (or ``plans``) with some of ``{workspaceId, name, description,
    tags}``; ``PATCH /_emulator/environments/<id>`` (or ``workspaces``) with some of ``{name,
    description}``. Answers the record as stored; 404 unknown id or workspace, 400 a bad field."""
    rt = runtime()
    store = rt.store
    tables = {"tasks": store.tasks, "plans": store.plans, "environments": store.environments,
              "workspaces": store.workspaces}
    if kind not in tables:
        raise ApiError(404, f"No route for {request.path}")
    changes = _changes(_EXECUTABLE_FIELDS if kind in ("tasks", "plans") else _PLACE_FIELDS)
    with rt.lock:
        record = tables[kind].get(record_id)
        if record is None:
            raise ApiError(404, f"{kind[:-1].title()} {record_id} not found")
        if "workspaceId" in changes and changes["workspaceId"] not in store.workspaces:
            raise ApiError(404, f"Workspace {changes['workspaceId']} not found")
        record.update(changes)
        store.version += 1  # list filters (workspace, environment, name, tags) answer differently now
    return jsonify(record)


@blueprint.delete("/<kind>/<record_id>")
def delete_record(kind: str, record_id: str):
    """``DELETE /_emulator/tasks/<id>`` (or ``plans``): gone, with its executions (the API then
    answers 404 for it). Answers ``{"deleted": id, "executions": n}``; 404 unknown id."""
    rt = runtime()
    if kind not in ("tasks", "plans"):
        raise ApiError(404, f"No route for {request.path}")
    with rt.lock:
        if record_id not in (rt.store.tasks if kind == "tasks" else rt.store.plans):
            raise ApiError(404, f"{kind[:-1].title()} {record_id} not found")
        removed = rt.store.remove_record(kind, record_id)
    return jsonify({"deleted": record_id, "executions": removed})
