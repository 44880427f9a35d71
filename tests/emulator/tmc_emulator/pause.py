"""Pause / resume of tasks and plans (``PUT .../{id}/pause``), shared by both routes.

202 when the state changed, 204 when it already was in that state [S]. On 204
nothing is written, not even a new ``pauseContext`` [A]. On a change the
details become ``{pause, pauseContext (when sent), user, userType, pauseDate}``
with the caller's name and type and the emulator time. The schedule (triggers)
is never touched.
"""

from __future__ import annotations

from flask import Response, g

from tmc_emulator.auth import require_operator
from tmc_emulator.bodies import PAUSE_DETAILS, check_fields, json_object
from tmc_emulator.clock import iso_utc
from tmc_emulator.errors import ApiError
from tmc_emulator.late_pause import pending_for
from tmc_emulator.runtime import EmulatorRuntime


def read_pause_body() -> tuple[bool, str | None]:
    """``(pause, pauseContext)`` of the JSON body.

    :raises ApiError: 400 when the body is not an object, ``pause`` is missing or
        not a boolean, ``pauseContext`` is not a string, ``userType`` is not
        ``HUMAN``/``SERVICE``, or it sets ``user`` or ``pauseDate``, which the spec
        marks read-only (the API records who paused and when) [S] fields, [A] 400.
    """
    body = check_fields(json_object('{"pause": true|false, "pauseContext": "..."}'), PAUSE_DETAILS,
                        required=("pause",))
    pause, context = body["pause"], body.get("pauseContext")
    read_only = [key for key in ("user", "pauseDate") if key in body]
    if read_only:
        raise ApiError(400, f"{', '.join(read_only)} cannot be set: read-only, the API records who "
                            "paused and when")
    return pause, context


def change_pause(rt: EmulatorRuntime, record: dict, details_key: str, kind: str) -> Response:
    """Apply a pause/resume request to a task or plan record (caller holds ``rt.lock``).

    :param record: the stored task or plan dict.
    :param details_key: ``"taskPauseDetails"`` or ``"planPauseDetails"``.
    :param kind: ``"task"`` or ``"plan"`` (for messages).
    :returns: an empty 202 or 204 response.
    """
    pause, context = read_pause_body()
    if rt.faults.is_pause_forbidden(record["id"]):
        raise ApiError(403, f"User '{g.principal['name']}' is not allowed to pause or resume "
                            f"{kind} {record['id']}: the TMC_OPERATOR permission and the AUTHOR "
                            f"permission on workspace {record['workspaceId']} are required",
                       "Forbidden - no permissions to access resource")
    require_operator(g.principal, record["workspaceId"], f"pause or resume {kind} {record['id']}")
    store = rt.store
    current = store.settle(record).get(details_key) or {}
    if bool(current.get("pause")) == pause:
        return empty_response(204)
    details: dict = {"pause": pause}
    if context is not None:
        details["pauseContext"] = context
    details["user"] = g.principal["name"]
    details["userType"] = g.principal["userType"]
    details["pauseDate"] = iso_utc(rt.clock.now_ms())
    rule = rt.faults.late_pause.take(record["id"])
    if rule is not None:
        store.pending_pause[record["id"]] = pending_for(rule, details_key, details, rt.clock.now_ms())
    else:
        store.pending_pause.pop(record["id"], None)
        record[details_key] = details
    return empty_response(202)


def empty_response(status: int, mimetype: str | None = None) -> Response:
    """A body-less response; no ``Content-Type`` unless ``mimetype`` is given."""
    resp = Response(status=status)
    if mimetype:
        resp.headers["Content-Type"] = mimetype
    else:
        resp.headers.pop("Content-Type", None)
    return resp
