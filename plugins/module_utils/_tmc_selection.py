# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Selection of tasks: environments and workspaces by name or id, task lists, pause details."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK, pause_state

ENVIRONMENTS_PATH = "/orchestration/environments"
WORKSPACES_PATH = "/orchestration/workspaces"


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
    :raises TalendApiError: the first failed read (404 for an unknown id).
    """
    return [task_summary(d) for d in _map(client, lambda i: client.get(TASK.item_path(i)), task_ids)]


def list_tasks(client, environment_id=None, workspace_id=None, name=None) -> list:
    """List tasks with ``GET /orchestration/executables/tasks`` (``getTasks``), every page.

    ``name`` is sent as a filter (the API matches it as a prefix) and then matched exactly here.
    When no item of the answer carries ``taskPauseDetails`` (the vendor spec does not promise
    it on list items), each task's detail is read to know its pause state.

    :returns: summaries (see :func:`task_summary`).
    """
    params = {k: v for k, v in (("environmentId", environment_id), ("workspaceId", workspace_id), ("name", name)) if v}
    items = [i for i in client.iter_pages("GET", TASK.path, params=params) if name is None or i.get("name") == name]
    return complete_pause_details(client, items)


def complete_pause_details(client, items) -> list:
    """Summaries of list ``items``; reads details only when no item carries pause details."""
    if not items or any(TASK.pause_details_key in i for i in items):
        return [task_summary(i) for i in items]
    details = _map(client, lambda i: client.get(TASK.item_path(i["executable"])), items)
    return [task_summary(i, (d or {}).get(TASK.pause_details_key) or {}) for i, d in zip(items, details)]


def _map(client, function, values) -> list:
    values = list(values)
    workers = max(1, min(client.max_workers, len(values)))
    if workers == 1:
        return [function(v) for v in values]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, values))


def select_tasks(client, task_ids=None, environment=None, workspace=None, name=None, paused=None,
                 pause_context_contains=None) -> list:
    """Tasks matching every given filter (a filter left None does not restrict).

    :param task_ids: validated ids; read one by one.
    :param environment: environment id or exact name.
    :param workspace: workspace id or exact name.
    :param name: exact task name.
    :param paused: keep only paused (True) or not paused (False) tasks.
    :param pause_context_contains: keep only tasks whose ``pauseContext`` contains this text.
    :returns: task summaries, sorted by environment, workspace and name.
    :raises TalendConfigError: unknown environment or workspace, or no filter at all.
    """
    if not any(v is not None for v in (task_ids, environment, workspace, name)):
        raise TalendConfigError("Give at least one of task_ids, environment, workspace or name to select tasks.")
    env = resolve_environment(client, environment) if environment else None
    ws = resolve_workspace(client, workspace, env["id"] if env else None) if workspace else None
    if task_ids is not None:
        tasks = read_tasks(client, task_ids)
        tasks = [t for t in tasks
                 if (env is None or t["environment"]["id"] == env["id"])
                 and (ws is None or t["workspace"]["id"] == ws["id"])
                 and (name is None or t["name"] == name)]
    else:
        tasks = list_tasks(client, env["id"] if env else None, ws["id"] if ws else None, name)
    if paused is not None:
        tasks = [t for t in tasks if t["paused"] == paused]
    if pause_context_contains is not None:
        tasks = [t for t in tasks if pause_context_contains in (t["pause_context"] or "")]
    return sorted(tasks, key=lambda t: (t["environment"]["name"] or "", t["workspace"]["name"] or "", t["name"] or "", t["id"]))
