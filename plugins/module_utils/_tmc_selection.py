# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Selection of tasks and plans: environments and workspaces by name or id, lists, filters."""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import map_concurrently
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError, TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK, pause_state
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_plans import (
    chart_task_ids,
    list_plans,
    plan_summary,
    read_plans,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import parse_window, scheduled_ids

ENVIRONMENTS_PATH = "/orchestration/environments"
WORKSPACES_PATH = "/orchestration/workspaces"
TASK_SEARCH_PATH = "/orchestration/executables/tasks/search"


def selector_options() -> dict:
    """``argument_spec`` entries of the filters a selection takes, shared by ``talend_task_info`` and the selectors
    of ``talend_window_phase``. The schedule bounds are ``raw``: YAML turns an unquoted timestamp into a date-time,
    which :func:`select_executables` accepts as well as ISO 8601 text."""
    return dict(
        environment=dict(type="str"),
        workspace=dict(type="str"),
        name=dict(type="str"),
        tags=dict(type="list", elements="str"),
        scheduled_from=dict(type="raw"),
        scheduled_to=dict(type="raw"),
        include_plans=dict(type="bool", default=False),
    )


def resolve_environment(client, environment: str) -> dict:
    """Return ``{id, name}`` of the environment whose id or exact name is ``environment``.

    Calls ``GET /orchestration/environments`` (operation ``getEnvironments``, a bare array).

    :raises TalendConfigError: no such environment (the message lists the known names).
    :raises TalendApiError: the API failed.
    """
    environments = client.get(ENVIRONMENTS_PATH) or []
    for env in environments:
        if environment in (env.get("id"), env.get("name")):
            return {"id": env.get("id"), "name": env.get("name")}
    names = sorted(e.get("name") or e.get("id") for e in environments)
    raise TalendConfigError("Unknown environment %r; known environments: %s." % (environment, ", ".join(names) or "none"))


def resolve_workspace(client, workspace: str, environment_id: str | None = None) -> dict:
    """Return ``{id, name, environment: {id, name}}`` of a workspace given by id or exact name.

    Calls ``GET /orchestration/workspaces`` (operation ``getWorkspaces``). A name found in several
    environments needs ``environment_id`` to tell them apart.

    :raises TalendConfigError: unknown or ambiguous workspace (the message lists candidates).
    """
    workspaces = client.get(WORKSPACES_PATH) or []
    matches = [
        w for w in workspaces
        if workspace in (w.get("id"), w.get("name"))
        and (environment_id is None or (w.get("environment") or {}).get("id") == environment_id)
    ]
    if len(matches) == 1:
        w = matches[0]
        env = w.get("environment") or {}
        return {"id": w.get("id"), "name": w.get("name"), "environment": {"id": env.get("id"), "name": env.get("name")}}
    if not matches:
        scope = " in that environment" if environment_id else ""
        names = sorted({w.get("name") for w in workspaces if w.get("name")})
        raise TalendConfigError("Unknown workspace %r%s; known workspaces: %s." % (workspace, scope, ", ".join(names) or "none"))
    candidates = ", ".join("%s (id %s, environment %s)" % (w.get("name"), w.get("id"), (w.get("environment") or {}).get("name"))
                           for w in matches)
    raise TalendConfigError("Workspace %r is ambiguous: %s. Give the environment or the workspace id." % (workspace, candidates))


def task_summary(item: dict, details=None) -> dict:
    """Flatten a task list item (``TaskExtract``, id in ``executable``) or a ``TaskV21`` detail.

    :param item: list item or detail.
    :param details: ``taskPauseDetails`` from a separate detail read, when the item lacks it.
    :returns: ``{id, name, environment: {id, name}, workspace: {id, name}, tags, paused,
        pause_context, pause_user, pause_date}``.
    """
    workspace = item.get("workspace") or {}
    environment = workspace.get("environment") or {}
    state = pause_state(details if details is not None else item.get(TASK.pause_details_key))
    return {
        "id": item.get("executable") or item.get("id"),
        "name": item.get("name"),
        "environment": {"id": environment.get("id"), "name": environment.get("name")},
        "workspace": {"id": workspace.get("id"), "name": workspace.get("name")},
        "tags": list(item.get("tags") or []),
        "paused": state["paused"],
        "pause_context": state["pause_context"],
        "pause_user": state["pause_user"],
        "pause_date": state["pause_date"],
    }


def read_tasks(client, task_ids) -> list:
    """Read each task's detail (``GET /orchestration/executables/tasks/{taskId}``, ``getTask``) concurrently.

    :param task_ids: validated ids.
    :returns: summaries (see :func:`task_summary`) in the order of ``task_ids``.
    :raises TalendApiError: the first failed read; a 404 says which id is unknown.
    """
    def one(task_id):
        try:
            return task_summary(client.get(TASK.item_path(task_id)) or {})
        except TalendApiError as exc:
            if exc.status != 404:
                raise
            raise exc.with_hint("No task with id %s: check the task ids and the region." % task_id) from None

    return map_concurrently(client, one, task_ids)


def list_task_items(client, environment_id=None, workspace_id=None, name=None) -> list:
    """``TaskExtract`` items of ``GET /orchestration/executables/tasks`` (``getAvailableTasks``), every page.

    ``name`` is sent as a filter (the API matches it as a prefix) and then matched exactly here; pause
    details are not completed (see :func:`complete_pause_details`). :raises TalendApiError: the API failed.
    """
    params = {k: v for k, v in (("environmentId", environment_id), ("workspaceId", workspace_id), ("name", name)) if v}
    return [_lean(i) for i in client.iter_pages("GET", TASK.path, params=params) if name is None or i.get("name") == name]


def search_task_items(client, environment_id=None, workspace_id=None, name=None, tags=None) -> list:
    """Items carrying every tag of ``tags``: ``POST /orchestration/executables/tasks/search`` (``listAvailableTasks``).

    Every page. The API takes ``environmentId`` or ``workspaceId``, not both: the workspace is sent when given
    (it lies in one environment). ``name`` narrows the answer and is then matched exactly here; pause details
    are not completed. :raises TalendApiError: the API failed.
    """
    body = {"tags": list(tags or [])}
    if workspace_id:
        body["workspaceId"] = workspace_id
    elif environment_id:
        body["environmentId"] = environment_id
    if name:
        body["name"] = name
    return [_lean(i) for i in client.iter_pages("POST", TASK_SEARCH_PATH, body=body) if name is None or i.get("name") == name]


ITEM_KEYS = ("executable", "id", "name", "workspace", "tags", TASK.pause_details_key)
"""What a selection reads of a task list item (:func:`task_summary`); the rest of each page is not kept."""


def _lean(item) -> dict:
    """``item`` with only :data:`ITEM_KEYS`: at 30,000 tasks the artifacts, runtimes and triggers of every item would
    otherwise stay in memory until the selection is sorted."""
    return {k: item[k] for k in ITEM_KEYS if k in item}


def complete_pause_details(client, items) -> list:
    """Summaries of list ``items``; reads each detail only when no item carries pause details."""
    if not items or any(TASK.pause_details_key in i for i in items):
        return [task_summary(i) for i in items]
    details = map_concurrently(client, lambda i: client.get(TASK.item_path(i["executable"])), items)
    return [task_summary(i, (d or {}).get(TASK.pause_details_key) or {}) for i, d in zip(items, details)]


def _check_unique_name(tasks, name):
    if name is None or len(tasks) < 2:
        return
    candidates = "; ".join("%s (id %s, environment %s, workspace %s)" % (
        t["name"], t["id"], t["environment"]["name"], t["workspace"]["name"]) for t in _sorted(tasks))
    raise TalendConfigError(
        "Task name %r is ambiguous: %d tasks carry it: %s. Add the environment or workspace, or give task ids."
        % (name, len(tasks), candidates))


def _in_scope(entry, env, ws) -> bool:
    return (env is None or entry["environment"]["id"] == env["id"]) and (ws is None or entry["workspace"]["id"] == ws["id"])


def _sorted(entries) -> list:
    return sorted(entries, key=lambda e: (e["environment"]["name"] or "", e["workspace"]["name"] or "",
                                          e["name"] or "", e["id"] or ""))


def select_executables(client, task_ids=None, plan_ids=None, environment=None, workspace=None, name=None,
                       tags=None, paused=None, pause_context_contains=None, scheduled_from=None,
                       scheduled_to=None, include_plans=False, leave_pause_state_unknown=False) -> dict:
    """Tasks (and plans) matching every given filter; a filter left None does not restrict.

    With ``task_ids`` or ``plan_ids`` exactly those are read (the filters narrow them) and nothing
    is listed; otherwise tasks are listed (with ``tags``: searched) in the environment/workspace,
    and with ``include_plans`` plans as well. ``name`` and ``tags`` describe tasks: a listed plan
    is kept when one of its steps runs a task they match. A ``name`` matching several tasks is an
    error. With a window, only what has a scheduled run inside it is kept (one events search per
    environment concerned).

    :param task_ids: validated task ids (list of str), or None.
    :param plan_ids: validated plan ids (list of str), or None.
    :param environment: environment id or exact name.
    :param workspace: workspace id or exact name.
    :param name: exact task name.
    :param tags: list of str, all must be on the task.
    :param paused: keep only paused (True) or not paused (False) ones.
    :param pause_context_contains: keep only those whose pause context contains this text.
    :param scheduled_from: window start, ISO 8601 with offset (str or aware datetime).
    :param scheduled_to: window end, ISO 8601 with offset.
    :param include_plans: select plans too.
    :param leave_pause_state_unknown: when the listed tasks carry no pause details (a cold tenant), do not read
        each task: their summaries say ``paused`` None (not known from the list). For a caller whose next request
        to each task tells its state anyway (the pause phase's ``PUT``: 202 active, 204 paused already). Ignored
        with ``task_ids``/``plan_ids`` (each is read), ``paused`` or ``pause_context_contains`` (they need the state).
    :returns: ``{"tasks": [...], "plans": [...]}`` summaries (see :func:`task_summary`,
        :func:`plan_summary`) sorted by environment, workspace and name; ``plans`` is empty
        unless ``include_plans`` or ``plan_ids``.
    :raises TalendConfigError: bad window, no filter at all, unknown environment or workspace,
        ambiguous name (before any change; the window before any request).
    :raises TalendApiError: the API failed.
    """
    window = parse_window(scheduled_from, scheduled_to)
    tags = list(tags) if tags else None
    if tags and not all(isinstance(t, str) and t.strip() for t in tags):
        raise TalendConfigError("tags must be non-empty strings, got %r." % (tags,))
    if not any(v is not None for v in (task_ids, plan_ids, environment, workspace, name, tags, window,
                                       pause_context_contains)):
        raise TalendConfigError("Give at least one of task_ids, plan_ids, environment, workspace, name, tags, "
                                "scheduled_from/scheduled_to or pause_context_contains to select tasks.")
    env = resolve_environment(client, environment) if environment else None
    ws = resolve_workspace(client, workspace, env["id"] if env else None) if workspace else None
    ids_mode = task_ids is not None or plan_ids is not None
    with_plans = include_plans or plan_ids is not None

    if ids_mode:
        tasks = [t for t in read_tasks(client, task_ids or []) if _in_scope(t, env, ws)
                 and (name is None or t["name"] == name) and set(tags or ()).issubset(t["tags"])]
        plans = [plan_summary(p) for p in read_plans(client, plan_ids or [])] if with_plans else []
        plans = [p for p in plans if _in_scope(p, env, ws)]
    else:
        env_id, ws_id = (env or {}).get("id"), (ws or {}).get("id")
        if tags:
            items = search_task_items(client, env_id, ws_id, name, tags)
        else:
            items = list_task_items(client, env_id, ws_id, name)
        tasks = [task_summary(i) for i in items]  # pause state not known yet when the list lacks it
        _check_unique_name(tasks, name)
        plans = []
        if with_plans:
            matched = {t["id"] for t in tasks}
            for plan in list_plans(client, env_id, ws_id, need_chart=bool(name or tags)):
                if (name is None and not tags) or chart_task_ids(plan.get("chart")) & matched:
                    plans.append(plan_summary(plan))

    if window is not None:
        found = _scheduled(client, window, tasks + plans, env, ws, None if with_plans else tags)
        tasks = [t for t in tasks if t["id"] in found["TASK"]]
        plans = [p for p in plans if p["id"] in found["PLAN"]]
    if not ids_mode:
        # pause details last, so that a list without them costs one read per task still selected; when the
        # items kept carry them, ``tasks`` already are their summaries (same items, same order)
        kept_items = items
        if window is not None:
            kept = {t["id"] for t in tasks}
            kept_items = [i for i in items if (i.get("executable") or i.get("id")) in kept]
        del items
        if kept_items and not any(TASK.pause_details_key in i for i in kept_items):
            if leave_pause_state_unknown and paused is None and pause_context_contains is None:
                tasks = [dict(t, paused=None) for t in tasks]
            else:
                tasks = complete_pause_details(client, kept_items)
        del kept_items
    if paused is not None:
        tasks = [t for t in tasks if t["paused"] == paused]
        plans = [p for p in plans if p["paused"] == paused]
    if pause_context_contains is not None:
        tasks = [t for t in tasks if pause_context_contains in (t["pause_context"] or "")]
        plans = [p for p in plans if pause_context_contains in (p["pause_context"] or "")]
    return {"tasks": _sorted(tasks), "plans": _sorted(plans)}


def _scheduled(client, window, candidates, env, ws, tags) -> dict:
    """``{"TASK": ids, "PLAN": ids}`` with an event in ``window``: one events search per environment.

    The environment is the one of ``env`` or ``ws`` when given, else each environment of the
    ``candidates`` (task and plan summaries).
    """
    if env is not None or ws is not None:
        environment_ids = [env["id"] if env else ws["environment"]["id"]]
    else:
        environment_ids = sorted({e["environment"]["id"] for e in candidates if e["environment"]["id"]})
    found = {"TASK": set(), "PLAN": set()}
    for environment_id in environment_ids:
        events = scheduled_ids(client, environment_id, window, [ws["id"]] if ws else None, tags)
        found["TASK"] |= events["TASK"]
        found["PLAN"] |= events["PLAN"]
    return found
