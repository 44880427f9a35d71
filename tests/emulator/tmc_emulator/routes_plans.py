"""Orchestration: plans (list, detail, pause) and scheduled events search."""

from __future__ import annotations

import bisect

from flask import Blueprint, g, jsonify, request

from tmc_emulator.auth import can_see, visible_workspaces
from tmc_emulator.clock import iso_utc
from tmc_emulator.bodies import EVENTS_RUNTIME, SCHEDULED_EVENTS, check_fields, json_object
from tmc_emulator.errors import ApiError
from tmc_emulator.paging import limit_offset, name_matches, page, parse_int
from tmc_emulator.pause import change_pause
from tmc_emulator.runtime import EmulatorRuntime, runtime
from tmc_emulator.schedules import occurrences
from tmc_emulator.views import plan_details

blueprint = Blueprint("plans", __name__)

MAX_EVENTS_WINDOW_MS = 31 * 86_400_000


def plan_task_ids(step: dict | None) -> set[str]:
    """Every task id referenced by a plan chart (``PlanStep`` tree)."""
    out: set[str] = set()
    stack = [step] if step else []
    while stack:
        current = stack.pop()
        out.update(current.get("taskIds") or [])
        out.update(f.get("id") for f in current.get("flows") or [] if f.get("id"))
        for key in ("nextStep", "stepOnException"):
            if current.get(key):
                stack.append(current[key])
    return out


@blueprint.get("/orchestration/executables/plans")
def list_plans():
    """Paged ``PlanExecutableDetails``; filters ``environmentId``, ``workspaceId``,
    ``name`` (prefix, like tasks), ``taskId`` (plans using it), ``planId``."""
    rt = runtime()
    args = request.args
    limit, offset = limit_offset(args.get("limit"), args.get("offset"))
    filters = tuple(args.get(k) for k in ("workspaceId", "environmentId", "name", "planId", "taskId"))
    with rt.lock:
        store = rt.store
        visible = visible_workspaces(g.principal, store.workspaces)
        key = ("plans", None if visible is None else frozenset(visible), rt.config["list_name_match"], filters)
        out = store.lists.get(key, store.version,
                              lambda: _filter_plans(store, visible, rt.config["list_name_match"], *filters))
        return jsonify(page(out, limit, offset, lambda p: plan_details(store, p)))


def _filter_plans(store, visible, name_mode, ws_id, env_id, name, plan_id, task_id) -> list[dict]:
    out = []
    for plan in store.plans.values():
        ws = store.workspaces[plan["workspaceId"]]
        if visible is not None and ws["id"] not in visible:
            continue
        if ws_id and ws["id"] != ws_id:
            continue
        if env_id and ws["environmentId"] != env_id:
            continue
        if name and not name_matches(plan["name"], name, name_mode):
            continue
        if plan_id and plan["id"] != plan_id:
            continue
        if task_id and task_id not in plan_task_ids(plan.get("chart")):
            continue
        out.append(plan)
    return out


@blueprint.get("/orchestration/executables/plans/<planId>")
def get_plan(planId: str):
    """``PlanExecutableDetails`` with ``planPauseDetails`` when it has any; 404 unknown."""
    rt = runtime()
    with rt.lock:
        return jsonify(plan_details(rt.store, visible_plan(rt, planId)))


@blueprint.put("/orchestration/executables/plans/<planId>/pause")
def pause_plan(planId: str):
    """Pause or resume a plan: 202 changed, 204 unchanged."""
    rt = runtime()
    with rt.lock:
        return change_pause(rt, visible_plan(rt, planId), "planPauseDetails", "plan")


def visible_plan(rt: EmulatorRuntime, plan_id: str) -> dict:
    """The stored plan; 404 unknown, 403 when the caller cannot see its workspace."""
    plan = rt.store.plans.get(plan_id)
    if plan is None:
        raise ApiError(404, f"Plan with id {plan_id} not found", "Not found - resource not found")
    if not can_see(g.principal, plan["workspaceId"]):
        raise ApiError(403, f"No permission on the workspace of plan {plan_id}",
                       "Forbidden - no permissions to access resource")
    return plan


@blueprint.post("/orchestration/executables/events/search")
def search_events():
    """Scheduled occurrences in ``[from, to]`` (epoch ms) of the environment's tasks and plans.

    Body ``{environmentId (required), to (required), from (default now), workspaceIds,
    tags, limit, offset}``; items ``{id, sourceTriggerName, date, type: TASK|PLAN}``
    sorted by date. 400 on a missing/invalid field or a window over 31 days [A],
    404 on an unknown environment.
    """
    rt = runtime()
    body = check_fields(json_object("ScheduledEventsRequest"), SCHEDULED_EVENTS,
                        required=("environmentId", "to"))
    check_fields(body.get("runtime") or {}, EVENTS_RUNTIME)
    env_id = body["environmentId"]
    if not env_id:
        raise ApiError(400, "'environmentId' is required")
    to_ms = parse_int(body.get("to"), "to", minimum=0)
    from_ms = parse_int(body.get("from"), "from", minimum=0)
    limit, offset = limit_offset(body.get("limit"), body.get("offset"))
    ws_ids = _string_list(body, "workspaceIds")
    tags = set(_string_list(body, "tags") or ())
    with rt.lock:
        store = rt.store
        from_now = from_ms is None
        if from_now:
            from_ms = rt.clock.now_ms()
        if to_ms < from_ms:
            raise ApiError(400, f"'to' ({to_ms}) must not be before 'from' ({from_ms})")
        if to_ms - from_ms > MAX_EVENTS_WINDOW_MS:
            raise ApiError(400, "The period between 'from' and 'to' must not exceed 31 days")
        if env_id not in store.environments:
            raise ApiError(404, f"Environment {env_id} not found")
        visible = visible_workspaces(g.principal, store.workspaces)
        wanted = {w for w, ws in store.workspaces.items() if ws["environmentId"] == env_id
                  and (not ws_ids or w in ws_ids) and (visible is None or w in visible)}
        with_paused = rt.config["events_include_paused"]
        if with_paused:  # the answer does not depend on pause states: one computation per paged read
            # without 'from' (= now) the pages of a read come at different times: keep the list from
            # the first page's now and drop, at each page, the occurrences now passed (nothing can enter)
            key = ("events", None if from_now else from_ms, to_ms, frozenset(wanted), frozenset(tags))
            events = store.lists.get(key, store.version, lambda: _events(store, wanted, tags, from_ms, to_ms, True))
            if from_now:
                events = events[bisect.bisect_left(events, (from_ms,)):]
        else:
            store.settle_due()
            events = _events(store, wanted, tags, from_ms, to_ms, False)
    return jsonify(page(events, limit, offset, lambda e: {
        "id": e[2], "sourceTriggerName": e[3], "date": iso_utc(e[0]), "type": e[1]}))


def _events(store, wanted: set, tags: set, from_ms: int, to_ms: int, with_paused: bool
            ) -> list[tuple[int, str, str, str]]:
    """``(epoch ms, "TASK"|"PLAN", id, trigger name)`` of every occurrence in ``[from_ms, to_ms]``,
    sorted, of the records of the ``wanted`` workspaces carrying every tag of ``tags``."""
    events: list[tuple[int, str, str, str]] = []
    for kind, records, key in (("TASK", store.tasks, "taskPauseDetails"),
                               ("PLAN", store.plans, "planPauseDetails")):
        for record in records.values():
            if record["workspaceId"] not in wanted or not record.get("triggers"):
                continue
            if tags and not tags.issubset(record.get("tags") or ()):
                continue
            if not with_paused and (record.get(key) or {}).get("pause"):
                continue
            for trigger in record["triggers"]:
                for when in occurrences(trigger, from_ms, to_ms):
                    events.append((when, kind, record["id"], trigger.get("name", "")))
    events.sort()
    return events


def _string_list(body: dict, key: str) -> list[str] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, f"'{key}' must be an array of strings")
    return value
