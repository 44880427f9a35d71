"""Processing: task and plan executions (list, detail, start, stop)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from tmc_emulator.auth import require_operator, visible_workspaces
from tmc_emulator.bodies import EXECUTABLE_TASK, PLAN_EXECUTABLE, check_fields, json_object
from tmc_emulator.errors import ApiError
from tmc_emulator.executions import (
    PLAN_STATUSES, STATUS_FILTER_MATCHES, TASK_STATUSES, TaskExecution,
    job_execution_status, plan_execution_status, task_execution_status)
from tmc_emulator.paging import limit_offset, page, parse_int
from tmc_emulator.pause import empty_response
from tmc_emulator.routes_orchestration import visible_task
from tmc_emulator.routes_plans import visible_plan
from tmc_emulator.runs import start_plan_run, start_task_run
from tmc_emulator.runtime import EmulatorRuntime, runtime

blueprint = Blueprint("processing", __name__)

DAY_MS = 86_400_000
MAX_RANGE_MS = 60 * DAY_MS


def time_window(rt: EmulatorRuntime) -> tuple[int, int]:
    """``(from_ms, to_ms)`` of ``lastDays`` / ``from`` / ``to`` (default: the last 60 days).

    :raises ApiError: 400 when ``lastDays`` is outside 1..60, ``from`` > ``to`` or the
        range exceeds 60 days.
    """
    args = request.args
    now = rt.clock.now_ms()
    last_days = parse_int(args.get("lastDays"), "lastDays", minimum=1, maximum=60)
    from_ms = parse_int(args.get("from"), "from", minimum=0)
    to_ms = parse_int(args.get("to"), "to", minimum=0)
    if from_ms is None and to_ms is None:
        return now - (last_days or 60) * DAY_MS, now
    to_ms = now if to_ms is None else to_ms
    from_ms = to_ms - MAX_RANGE_MS if from_ms is None else from_ms
    if from_ms > to_ms:
        raise ApiError(400, f"'from' ({from_ms}) must not be after 'to' ({to_ms})")
    if to_ms - from_ms > MAX_RANGE_MS:
        raise ApiError(400, "The datetime period must not exceed a 60-day range")
    return from_ms, to_ms


def status_filter(allowed: tuple[str, ...]) -> set[str] | None:
    """Statuses matching ``?status=`` (``terminated`` covers its sub statuses); 400 if unknown."""
    status = request.args.get("status")
    if status is None:
        return None
    if status not in allowed:
        raise ApiError(400, f"Invalid status '{status}', expected one of {', '.join(allowed)}")
    return STATUS_FILTER_MATCHES.get(status, {status})


def _task_executions_page(rt: EmulatorRuntime, executions, statuses: set[str] | None, presorted: bool = False):
    limit, offset = limit_offset(request.args.get("limit"), request.args.get("offset"))
    from_ms, to_ms = time_window(rt)
    now = rt.clock.now_ms()
    selected = [ex for ex in executions if ex.overlaps(from_ms, to_ms)
                and (statuses is None or ex.phase(now)[0] in statuses)]
    if not presorted:
        selected.sort(key=lambda ex: ex.trigger_ms, reverse=True)
    store = rt.store
    return page(selected, limit, offset,
                lambda ex: task_execution_status(ex, store.tasks.get(ex.task_id), now))


@blueprint.get("/processing/executables/tasks/executions")
def list_task_executions():
    """Paged ``TaskExecutionStatus``, newest first; filters ``environmentId``,
    ``workspaceId``, ``status``, ``lastDays``, ``from``/``to``."""
    rt = runtime()
    statuses = status_filter(TASK_STATUSES)
    env_id, ws_id = request.args.get("environmentId"), request.args.get("workspaceId")
    with rt.lock:
        store = rt.store
        if env_id and ws_id and ws_id in store.workspaces \
                and store.workspaces[ws_id]["environmentId"] != env_id:
            raise ApiError(400, f"Workspace {ws_id} does not belong to environment {env_id}")
        visible = visible_workspaces(g.principal, store.workspaces)
        wanted = {w for w, ws in store.workspaces.items()
                  if (not ws_id or w == ws_id) and (not env_id or ws["environmentId"] == env_id)
                  and (visible is None or w in visible)}
        # the executions of those workspaces, newest first, kept between the pages of a read
        executions = store.execution_lists.get(
            frozenset(wanted), (store.version, store.executions_version),
            lambda: sorted((ex for ex in store.task_executions.values()
                            if store.tasks[ex.task_id]["workspaceId"] in wanted),
                           key=lambda ex: ex.trigger_ms, reverse=True))
        return jsonify(_task_executions_page(rt, executions, statuses, presorted=True))


@blueprint.get("/processing/executables/tasks/<taskId>/executions")
def list_executions_of_task(taskId: str):
    """Paged ``TaskExecutionStatus`` of one task; 404 unknown task."""
    rt = runtime()
    statuses = status_filter(TASK_STATUSES)
    with rt.lock:
        visible_task(rt, taskId)
        executions = rt.store.executions_by_task.get(taskId, [])
        return jsonify(_task_executions_page(rt, executions, statuses))


@blueprint.get("/processing/executions/<id_except('plans'):executionId>")
def get_execution(executionId: str):
    """``JobExecutionStatusV21`` of one task execution; 404 unknown."""
    rt = runtime()
    with rt.lock:
        ex = _execution(rt, executionId)
        task = visible_task(rt, ex.task_id)
        return jsonify(job_execution_status(ex, task, task["workspaceId"], rt.store.account["id"],
                                            rt.clock.now_ms()))


@blueprint.post("/processing/executions")
def start_execution():
    """Run a task now: 201 ``{executionId}``; 404 unknown, 405 paused [S], 403 not operator.

    The run is ``MANUAL``, by the caller; it lasts ``default_dispatch_seconds`` +
    ``default_run_seconds`` and ends ``default_final_status`` unless a
    ``run_outcome_ids`` fault names the task (:mod:`tmc_emulator.run_outcomes`).
    """
    rt = runtime()
    body = check_fields(json_object("Executabletask"), EXECUTABLE_TASK, required=("executable",))
    if not body["executable"]:
        raise ApiError(400, "'executable' (the task id) is required")
    with rt.lock:
        task = visible_task(rt, body["executable"])
        require_operator(g.principal, task["workspaceId"], f"run task {task['id']}")
        if (rt.store.settle(task).get("taskPauseDetails") or {}).get("pause"):
            raise ApiError(405, f"Current Task {task['id']} is paused, it can't be executed",
                           "Method Not Allowed")
        ex = start_task_run(rt, task, "MANUAL", g.principal["name"], g.principal["userType"])
    return jsonify({"executionId": ex.execution_id}), 201


@blueprint.delete("/processing/executions/<id_except('plans'):executionId>")
def stop_execution(executionId: str):
    """Stop an execution: 204 with ``Content-Type: text/plain`` [F]; 406 when the
    ``Accept`` header excludes ``text/plain`` [F]; 400 when it already ended [A]."""
    rt = runtime()
    if request.headers.get("Accept") and request.accept_mimetypes.quality("text/plain") <= 0:
        raise ApiError(406, "Could not find acceptable representation: this operation answers "
                            "text/plain", "Not Acceptable")
    with rt.lock:
        ex = _execution(rt, executionId)
        task = visible_task(rt, ex.task_id)
        require_operator(g.principal, task["workspaceId"], f"stop execution {executionId}")
        now = rt.clock.now_ms()
        if not ex.is_in_flight(now):
            raise ApiError(400, f"Execution {executionId} has already ended "
                                f"(status {ex.phase(now)[0]})")
        ex.stopped_ms = now
    return empty_response(204, "text/plain")


def _execution(rt: EmulatorRuntime, execution_id: str) -> TaskExecution:
    ex = rt.store.task_executions.get(execution_id)
    if ex is None:
        raise ApiError(404, f"Execution {execution_id} not found", "Not found - resource not found")
    return ex


@blueprint.get("/processing/executables/plans/executions")
def list_plan_executions():
    """Paged ``PlanExecutionStatus``, newest first; filters ``environmentId``,
    ``workspaceId``, ``status`` (plan enum), ``lastDays``, ``from``/``to``."""
    rt = runtime()
    statuses = status_filter(PLAN_STATUSES)
    limit, offset = limit_offset(request.args.get("limit"), request.args.get("offset"))
    env_id, ws_id = request.args.get("environmentId"), request.args.get("workspaceId")
    with rt.lock:
        store = rt.store
        from_ms, to_ms = time_window(rt)
        now = rt.clock.now_ms()
        visible = visible_workspaces(g.principal, store.workspaces)
        selected = []
        for ex in store.plan_executions.values():
            plan = store.plans.get(ex.plan_id)
            if plan is None:
                continue
            ws = store.workspaces[plan["workspaceId"]]
            if (ws_id and ws["id"] != ws_id) or (env_id and ws["environmentId"] != env_id) \
                    or (visible is not None and ws["id"] not in visible):
                continue
            if not ex.overlaps(from_ms, to_ms) or (statuses and ex.status(now) not in statuses):
                continue
            selected.append(ex)
        selected.sort(key=lambda ex: ex.trigger_ms, reverse=True)
        return jsonify(page(selected, limit, offset, lambda ex: plan_execution_status(ex, now)))


@blueprint.post("/processing/executions/plans")
def start_plan_execution():
    """Run a plan now: 201 ``{executionId}``; 404 unknown, 405 paused plan [S].

    With ``executionPlanId`` (re-run of an earlier execution of that plan [S]): 404 when
    unknown, 400 when it is another plan's [A], 422 when it did not fail [S].
    Duration and outcome as for tasks (``run_outcome_ids``; a plan ends
    ``execution_successful`` unless the fault says ``execution_failed``).
    """
    rt = runtime()
    body = check_fields(json_object("PlanExecutable"), PLAN_EXECUTABLE, required=("executable",))
    if not body["executable"]:
        raise ApiError(400, "'executable' (the plan id) is required")
    with rt.lock:
        plan = visible_plan(rt, body["executable"])
        require_operator(g.principal, plan["workspaceId"], f"run plan {plan['id']}")
        if (rt.store.settle(plan).get("planPauseDetails") or {}).get("pause"):
            raise ApiError(405, f"Plan {plan['id']} is paused, it can't be executed",
                           "Method Not Allowed")
        if body.get("executionPlanId"):
            _check_rerun(rt, plan["id"], body["executionPlanId"])
        ex = start_plan_run(rt, plan, "MANUAL", g.principal["name"], g.principal["userType"])
    return jsonify({"executionId": ex.execution_id}), 201


def _check_rerun(rt: EmulatorRuntime, plan_id: str, execution_id: str) -> None:
    """Refuse a re-run of an execution that is unknown (404), of another plan (400) or did not fail (422)."""
    earlier = rt.store.plan_executions.get(execution_id)
    if earlier is None:
        raise ApiError(404, f"Plan execution {execution_id} not found", "Not found - resource not found")
    if earlier.plan_id != plan_id:
        raise ApiError(400, f"Plan execution {execution_id} is not an execution of plan {plan_id}")
    status = earlier.status(rt.clock.now_ms())
    if status != "execution_failed":
        raise ApiError(422, f"Plan execution {execution_id} cannot be re-run: its status is {status}, "
                            "only a failed execution can", "Unprocessable Entity")
