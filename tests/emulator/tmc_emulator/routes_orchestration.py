"""Orchestration: environments, workspaces and tasks (list, search, detail, pause)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from tmc_emulator.auth import can_see, visible_workspaces
from tmc_emulator.bodies import TASK_FILTERS, check_fields, json_object
from tmc_emulator.errors import ApiError
from tmc_emulator.fiql import compile_query
from tmc_emulator.paging import INT32_MAX, limit_offset, name_matches, page, parse_int
from tmc_emulator.pause import change_pause
from tmc_emulator.runtime import EmulatorRuntime, runtime
from tmc_emulator.views import environment_info, task_extract, task_v21, workspace_info

blueprint = Blueprint("orchestration", __name__)

RUNTIME_TYPES = ("CLOUD", "REMOTE_ENGINE", "REMOTE_ENGINE_CLUSTER", "CLOUD_EXCLUSIVE", "PIPELINE_ENGINE")


@blueprint.get("/orchestration/environments")
def list_environments():
    """Bare array of ``EnvironmentInfo`` the caller can see; ``?query=`` FIQL filter.

    A query that does not parse matches nothing (``[]``): the spec declares no 400 on
    this operation (it does on workspaces) [S], what a live tenant answers is unknown [A].
    """
    rt = runtime()
    try:
        predicate = _query_predicate()
    except ApiError:
        return jsonify([])
    with rt.lock:
        visible = visible_workspaces(g.principal, rt.store.workspaces)
        env_ids = None if visible is None else {rt.store.workspaces[w]["environmentId"] for w in visible}
        items = [environment_info(e) for e in rt.store.environments.values()
                 if env_ids is None or e["id"] in env_ids]
    return jsonify([i for i in items if predicate(i)])


@blueprint.get("/orchestration/workspaces")
def list_workspaces():
    """Bare array of ``WorkspaceInfo`` (nested ``environment``); ``?query=`` FIQL filter."""
    rt = runtime()
    predicate = _query_predicate()
    with rt.lock:
        items = [workspace_info(rt.store, w) for w in rt.store.workspaces.values()
                 if can_see(g.principal, w["id"])]
    return jsonify([i for i in items if predicate(i)])


def _query_predicate():
    query = request.args.get("query")
    return compile_query(query) if query else (lambda record: True)


@blueprint.get("/orchestration/executables/tasks")
def list_tasks():
    """Paged ``TaskExtract``; filters ``environmentId``, ``workspaceId``, ``name`` (prefix),
    ``artifactId``, ``runtimeType``, ``runtimeId``, ``runtimeRunProfileId``."""
    rt = runtime()
    args = request.args
    limit, offset = limit_offset(args.get("limit"), args.get("offset"))
    runtime_type = args.get("runtimeType")
    if runtime_type is not None and runtime_type not in RUNTIME_TYPES:
        raise ApiError(400, f"Invalid runtimeType '{runtime_type}', expected one of {', '.join(RUNTIME_TYPES)}")
    with rt.lock:
        tasks = select_tasks(rt, environment_id=args.get("environmentId"),
                             workspace_id=args.get("workspaceId"), name=args.get("name"),
                             name_mode=rt.config["list_name_match"], artifact_id=args.get("artifactId"),
                             runtime_type=runtime_type, runtime_id=args.get("runtimeId"),
                             run_profile_id=args.get("runtimeRunProfileId"))
        include = rt.config["list_includes_pause_details"]
        return jsonify(page(tasks, limit, offset, lambda t: task_extract(rt.store, t, include)))


@blueprint.post("/orchestration/executables/tasks/search")
def search_tasks():
    """Paged ``TaskExtract`` for a ``TaskFiltersRequest`` body; ``tags`` must all match,
    ``name`` is a case-insensitive "contains" [S] (config ``search_name_match``),
    ``environmentId`` and ``workspaceId`` are exclusive [S]."""
    rt = runtime()
    body = check_fields(json_object("TaskFiltersRequest", empty_ok=True), TASK_FILTERS)
    tags = body.get("tags")
    if body.get("environmentId") and body.get("workspaceId"):
        raise ApiError(400, "environmentId and workspaceId are exclusive filters: provide only one")
    limit = parse_int(body.get("limit"), "limit", minimum=0, maximum=INT32_MAX)
    offset = parse_int(body.get("offset"), "offset", minimum=0, maximum=INT32_MAX) or 0
    limit = 100 if limit is None else min(limit, 100)
    if body.get("runtimeType") and body["runtimeType"] not in RUNTIME_TYPES:
        raise ApiError(400, f"Invalid runtimeType '{body['runtimeType']}'")
    with rt.lock:
        if body.get("environmentId") and body["environmentId"] not in rt.store.environments:
            raise ApiError(404, f"Environment {body['environmentId']} not found")
        if body.get("workspaceId") and body["workspaceId"] not in rt.store.workspaces:
            raise ApiError(404, f"Workspace {body['workspaceId']} not found")
        tasks = select_tasks(rt, environment_id=body.get("environmentId"),
                             workspace_id=body.get("workspaceId"), name=body.get("name"),
                             name_mode=rt.config["search_name_match"], tags=tags,
                             artifact_id=body.get("artifactId"), runtime_type=body.get("runtimeType"),
                             runtime_id=body.get("runtimeId"),
                             run_profile_id=body.get("runtimeRunProfileId"))
        include = rt.config["list_includes_pause_details"]
        return jsonify(page(tasks, limit, offset, lambda t: task_extract(rt.store, t, include)))


def select_tasks(rt: EmulatorRuntime, environment_id: str | None = None,
                 workspace_id: str | None = None, name: str | None = None,
                 name_mode: str = "prefix", tags: list[str] | None = None,
                 artifact_id: str | None = None, runtime_type: str | None = None,
                 runtime_id: str | None = None, run_profile_id: str | None = None) -> list[dict]:
    """Stored tasks visible to ``g.principal`` matching every given filter, in store order.

    One pass over the tasks (O(n)) for the first page of a read, then the same list from
    ``store.lists`` for the next pages; the caller holds ``rt.lock``.
    """
    store = rt.store
    visible = visible_workspaces(g.principal, store.workspaces)
    if workspace_id:
        ws_ok = {workspace_id}
    elif environment_id:
        ws_ok = {w for w, ws in store.workspaces.items() if ws["environmentId"] == environment_id}
    else:
        ws_ok = None
    if visible is not None:
        ws_ok = visible if ws_ok is None else ws_ok & visible
    key = ("tasks", None if ws_ok is None else frozenset(ws_ok), name, name_mode, frozenset(tags or ()),
           artifact_id, runtime_type, runtime_id, run_profile_id)
    return store.lists.get(key, store.version, lambda: _filter_tasks(
        store, ws_ok, name, name_mode, set(tags or ()), artifact_id, runtime_type, runtime_id, run_profile_id))


def _filter_tasks(store, ws_ok, name, name_mode, wanted_tags, artifact_id, runtime_type, runtime_id,
                  run_profile_id) -> list[dict]:
    out = []
    for task in store.tasks.values():
        if ws_ok is not None and task["workspaceId"] not in ws_ok:
            continue
        if name and not name_matches(task["name"], name, name_mode):
            continue
        if wanted_tags and not wanted_tags.issubset(task["tags"]):
            continue
        if artifact_id and task["artifact"].get("id") != artifact_id:
            continue
        rt_info = task.get("runtime") or {}
        if runtime_type and rt_info.get("type") != runtime_type:
            continue
        if runtime_id and rt_info.get("id") != runtime_id:
            continue
        if run_profile_id and rt_info.get("runProfileId") != run_profile_id:
            continue
        out.append(task)
    return out


@blueprint.get("/orchestration/executables/tasks/<id_except('search'):taskId>")
def get_task(taskId: str):
    """``TaskV21`` of one task; 404 unknown, 403 not visible."""
    rt = runtime()
    with rt.lock:
        task = visible_task(rt, taskId)
        return jsonify(task_v21(rt.store, task))


@blueprint.put("/orchestration/executables/tasks/<taskId>/pause")
def pause_task(taskId: str):
    """Pause or resume a task: 202 changed, 204 unchanged (see :mod:`tmc_emulator.pause`)."""
    rt = runtime()
    with rt.lock:
        task = visible_task(rt, taskId)
        return change_pause(rt, task, "taskPauseDetails", "task")


def visible_task(rt: EmulatorRuntime, task_id: str) -> dict:
    """The stored task; 404 unknown, 403 when the caller cannot see its workspace."""
    task = rt.store.tasks.get(task_id)
    if task is None:
        raise ApiError(404, f"Task with id {task_id} not found", "Not found - resource not found")
    if not can_see(g.principal, task["workspaceId"]):
        raise ApiError(403, f"No permission on the workspace of task {task_id}",
                       "Forbidden - no permissions to access resource")
    return task
