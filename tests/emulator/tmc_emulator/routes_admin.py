"""Admin API under ``/_emulator/`` (loopback peers only, no auth).

Payloads and answers are listed in ``tests/emulator/README.md``.
"""

from __future__ import annotations

import copy

from flask import Blueprint, jsonify, request

from tmc_emulator.clock import iso_utc
from tmc_emulator.config import FINAL_STATUSES, validate_config
from tmc_emulator.errors import ApiError
from tmc_emulator.executions import plan_execution_status, task_execution_status
from tmc_emulator.generate import generate_plans, generate_tasks
from tmc_emulator.schedules import resolve_relative_trigger, validate_trigger
from tmc_emulator.paging import parse_int
from tmc_emulator.runs import new_plan_execution, new_task_execution
from tmc_emulator.runtime import runtime
from tmc_emulator.state import DataError

blueprint = Blueprint("admin", __name__, url_prefix="/_emulator")


def _body(default: dict | None = None) -> dict:
    body = request.get_json(force=True, silent=True)
    if body is None and not request.get_data():
        body = {} if default is None else default
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object")
    return body


@blueprint.get("/health")
def health():
    """``{"status": "ok", "now_ms": <emulator time>}``; used by ``emulatorctl start``."""
    return jsonify({"status": "ok", "now_ms": runtime().clock.now_ms()})


@blueprint.post("/reset")
def reset():
    """Back to the seeded data; body ``{"data_path": "..."}`` optionally loads another file."""
    rt = runtime()
    body = _body()
    try:
        rt.reset(body.get("data_path"))
    except (OSError, ValueError, DataError) as exc:
        raise ApiError(400, f"Cannot load data: {exc}") from exc
    return jsonify({"status": "reset", "data_path": rt.data_path, "now_ms": rt.clock.now_ms()})


@blueprint.get("/state")
def state():
    """Whole state: data, pause details, triggers, executions, token counts, clock, config."""
    rt = runtime()
    with rt.lock:
        now = rt.clock.now_ms()
        snap = rt.store.snapshot(now)
        snap["taskExecutions"] = [task_execution_status(ex, rt.store.tasks.get(ex.task_id), now)
                                  for ex in rt.store.task_executions.values()]
        snap["planExecutions"] = [plan_execution_status(ex, now)
                                  for ex in rt.store.plan_executions.values()]
        snap["tokens"] = rt.credentials.counts(now)
        snap["clock"] = {"now_ms": now, "now": iso_utc(now), "frozen": rt.clock.frozen}
        snap["config"] = rt.config
        snap["faults"] = rt.faults.describe()
        snap["data_path"] = rt.data_path
    return jsonify(snap)


@blueprint.route("/config", methods=["GET", "POST"])
def config():
    """GET: current config. POST ``{key: value, ...}``: change keys, answers the new config."""
    rt = runtime()
    if request.method == "POST":
        try:
            changes = validate_config(_body())
        except ValueError as exc:
            raise ApiError(400, str(exc)) from exc
        with rt.lock:
            was_on = rt.config["scheduler"]
            rt.config.update(changes)
            if was_on and not rt.config["scheduler"]:
                rt.scheduler.disable()
        rt.tick()  # turned on: runs start from now on
    return jsonify(rt.config)


@blueprint.route("/faults", methods=["GET", "POST", "DELETE"])
def faults():
    """POST one fault object or a list (see :mod:`tmc_emulator.faults`); DELETE clears; GET lists."""
    rt = runtime()
    if request.method == "DELETE":
        rt.faults.clear()
    elif request.method == "POST":
        body = request.get_json(force=True, silent=True)
        specs = body if isinstance(body, list) else [body]
        try:
            for spec in specs:
                rt.faults.add(spec)
        except ValueError as exc:
            raise ApiError(400, str(exc)) from exc
    return jsonify(rt.faults.describe())


@blueprint.post("/tokens/expire")
def expire_tokens():
    """Every issued service-account token expires now; ``{"include_pats": true}`` also
    revokes the PATs until the next reset. Answers ``{"expired": n}``."""
    rt = runtime()
    body = _body()
    count = rt.credentials.expire_all(rt.clock.now_ms(), bool(body.get("include_pats")))
    return jsonify({"expired": count})


@blueprint.route("/clock", methods=["GET", "POST"])
def clock():
    """GET ``{now_ms, now, frozen}``. POST ``{"advance_seconds": N}``, ``{"set_epoch_ms": T}``
    and/or ``{"freeze": bool}``."""
    rt = runtime()
    if request.method == "POST":
        body = _body()
        if "freeze" in body:
            rt.clock.freeze(bool(body["freeze"]))
        if "set_epoch_ms" in body:
            before = rt.clock.now_ms()
            if rt.clock.set_now(parse_int(body["set_epoch_ms"], "set_epoch_ms", minimum=0)) < before:
                with rt.lock:
                    rt.store.version += 1  # lists kept "from now" were computed from a later now
        if "advance_seconds" in body:
            seconds = body["advance_seconds"]
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
                raise ApiError(400, "advance_seconds must be a non-negative number")
            rt.clock.advance(seconds)
    now = rt.clock.now_ms()
    return jsonify({"now_ms": now, "now": iso_utc(now), "frozen": rt.clock.frozen})


@blueprint.route("/requests", methods=["GET", "DELETE"])
def requests_log():
    """GET counters plus the last ``?last=N`` (default 100) entries; DELETE zeroes them."""
    rt = runtime()
    if request.method == "DELETE":
        rt.requests.clear(rt.config["request_log_size"])  # a request_log_size set since takes effect here
    last = parse_int(request.args.get("last"), "last", minimum=0)
    return jsonify(rt.requests.summary(100 if last is None else last))


@blueprint.post("/<kind>/generate")
def generate(kind: str):
    """Add generated tasks (``/tasks/generate``) or plans (``/plans/generate``). Body
    ``{"count": N, "environment_id"?, "workspace_id"?, "seed": "bench", "name_prefix": "",
    "tags"?: [...] (tasks), "paused_every": 0, "with_schedules": false, "triggers"?: [...],
    "triggers_every": 1}``. Answers ``{"generated", "total_tasks", "total_plans", "first_id", "last_id"}``."""
    rt = runtime()
    if kind not in ("tasks", "plans"):
        raise ApiError(404, f"No route for {request.path}")
    body = _body()
    triggers = body.get("triggers")
    if triggers is not None and not isinstance(triggers, list):
        raise ApiError(400, "'triggers' must be a list of triggers")
    every = parse_int(body.get("triggers_every", 1), "triggers_every", minimum=1)
    for trigger in copy.deepcopy(triggers or []):
        try:
            validate_trigger(resolve_relative_trigger(trigger, 0))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ApiError(400, f"bad trigger {trigger!r}: {exc}") from exc
    count = parse_int(body.get("count"), "count", minimum=1, maximum=100_000)
    if count is None:
        raise ApiError(400, "'count' is required")
    seed = str(body.get("seed", "bench"))
    with rt.lock:
        store = rt.store
        if body.get("workspace_id"):
            if body["workspace_id"] not in store.workspaces:
                raise ApiError(404, f"Workspace {body['workspace_id']} not found")
            ws_ids = [body["workspace_id"]]
        else:
            env = body.get("environment_id")
            if env and env not in store.environments:
                raise ApiError(404, f"Environment {env} not found")
            ws_ids = [w for w, ws in store.workspaces.items() if not env or ws["environmentId"] == env]
        if not ws_ids:
            raise ApiError(400, "No workspace to put the tasks in")
        series = seed if kind == "tasks" else f"plans:{seed}"
        start = store.generated.get(series, 0)
        common = {"seed": seed, "start_index": start, "name_prefix": str(body.get("name_prefix", "")),
                  "paused_every": int(body.get("paused_every", 0) or 0),
                  "with_schedules": bool(body.get("with_schedules", False)),
                  "triggers": triggers, "triggers_every": every}
        records = (generate_tasks(count, ws_ids, tags=body.get("tags"), **common) if kind == "tasks"
                   else generate_plans(count, ws_ids, **common))
        add = store.add_task if kind == "tasks" else store.add_plan
        for record in records:
            add(record)
        store.generated[series] = start + count
    return jsonify({"generated": count, "total_tasks": len(store.tasks), "total_plans": len(store.plans),
                    "first_id": records[0]["id"], "last_id": records[-1]["id"]}), 201


@blueprint.post("/executions")
def start_execution():
    """Start an execution regardless of pause state (a run already under way).

    Body ``{"task_id": ..., "duration_seconds": 300, "dispatch_seconds": 0,
    "triggered_seconds_ago": 0, "final_status": "execution_successful",
    "execution_type": "SCHEDULED", "user": "scheduler", "user_type": "HUMAN",
    "engine_id": null}`` or ``{"plan_id": ..., "duration_seconds": ...}``.
    Answers 201 ``{"executionId"}``.
    """
    rt = runtime()
    body = _body()
    final = body.get("final_status")
    duration = body.get("duration_seconds")
    ago = float(body.get("triggered_seconds_ago", 0) or 0)
    with rt.lock:
        if body.get("plan_id"):
            plan = rt.store.plans.get(body["plan_id"])
            if plan is None:
                raise ApiError(404, f"Plan {body['plan_id']} not found")
            ex = new_plan_execution(rt, plan, body.get("execution_type", "SCHEDULED"),
                                    body.get("user", "scheduler"), body.get("user_type", "HUMAN"),
                                    run_s=duration, final_status=final or "execution_successful")
        else:
            if rt.store.tasks.get(body.get("task_id") or "") is None:
                raise ApiError(404, f"Task {body.get('task_id')} not found")
            if final is not None and final not in FINAL_STATUSES:
                raise ApiError(400, f"final_status must be one of {FINAL_STATUSES}")
            ex = new_task_execution(rt, body["task_id"], body.get("execution_type", "SCHEDULED"),
                                    body.get("user", "scheduler"), body.get("user_type", "HUMAN"),
                                    dispatch_s=body.get("dispatch_seconds"), run_s=duration,
                                    final_status=final, engine_id=body.get("engine_id"))
        ex.trigger_ms -= int(ago * 1000)
    return jsonify({"executionId": ex.execution_id}), 201


@blueprint.put("/<kind>/<record_id>/triggers")
def set_triggers(kind: str, record_id: str):
    """Replace the triggers (schedule) of a task or plan, e.g. a one-off run during a window.

    ``PUT /_emulator/tasks/<id>/triggers`` (or ``plans``) with a list of triggers as in the
    data file; ``{"type": "ONCE", "inSeconds": N}`` is N seconds after the emulator time.
    Answers the stored triggers; 400 when one cannot be evaluated, 404 unknown id.
    """
    rt = runtime()
    if kind not in ("tasks", "plans"):
        raise ApiError(404, f"No route for {request.path}")
    triggers = request.get_json(force=True, silent=True)
    if not isinstance(triggers, list):
        raise ApiError(400, "Body must be a JSON list of triggers")
    with rt.lock:
        record = (rt.store.tasks if kind == "tasks" else rt.store.plans).get(record_id)
        if record is None:
            raise ApiError(404, f"{kind[:-1].title()} {record_id} not found")
        try:
            rt.store.set_triggers(record, triggers, kind[:-1])
        except DataError as exc:
            raise ApiError(400, str(exc)) from exc
    return jsonify(record["triggers"])


@blueprint.put("/<kind>/<record_id>/pause-details")
def set_pause_details(kind: str, record_id: str):
    """Overwrite pause details as someone else would have left them.

    ``PUT /_emulator/tasks/<id>/pause-details`` (or ``plans``) with the details object
    (``pause`` bool required; ``pauseContext``, ``user``, ``userType``, ``pauseDate``
    stored as given) or ``null`` to remove the key (a never-paused record).
    """
    rt = runtime()
    if kind not in ("tasks", "plans"):
        raise ApiError(404, f"No route for {request.path}")
    details = request.get_json(force=True, silent=True)
    if details is not None and (not isinstance(details, dict) or not isinstance(details.get("pause"), bool)):
        raise ApiError(400, "Body must be null or an object with a boolean 'pause'")
    key = "taskPauseDetails" if kind == "tasks" else "planPauseDetails"
    with rt.lock:
        record = (rt.store.tasks if kind == "tasks" else rt.store.plans).get(record_id)
        if record is None:
            raise ApiError(404, f"{kind[:-1].title()} {record_id} not found")
        rt.store.pending_pause.pop(record_id, None)
        if details is None:
            record.pop(key, None)
        else:
            record[key] = details
    return jsonify(record.get(key))
