# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Plans: list, detail, pause state and the tasks a plan runs (its chart)."""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import map_concurrently
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import PLAN, pause_state


def plan_summary(plan: dict) -> dict:
    """Flatten a plan (``PlanExecutableDetails``, id in ``executable``) for the modules' results.

    :param plan: list item or detail.
    :returns: ``{id, name, environment: {id, name}, workspace: {id, name}, paused, pause_context,
        pause_user, pause_date}``.
    """
    workspace = plan.get("workspace") or {}
    environment = workspace.get("environment") or {}
    state = pause_state(plan.get(PLAN.pause_details_key))
    return {
        "id": plan.get("executable") or plan.get("id"),
        "name": plan.get("name"),
        "environment": {"id": environment.get("id"), "name": environment.get("name")},
        "workspace": {"id": workspace.get("id"), "name": workspace.get("name")},
        "paused": state["paused"],
        "pause_context": state["pause_context"],
        "pause_user": state["pause_user"],
        "pause_date": state["pause_date"],
    }


def chart_task_ids(step) -> set:
    """Every task id a plan chart refers to (``PlanStep`` tree).

    Follows ``nextStep`` and ``stepOnException``; reads ``taskIds`` and the ``id`` of each
    ``flows`` entry.

    :param step: the ``chart`` of a plan (dict) or None.
    :returns: set of str.
    """
    found, stack = set(), [step] if isinstance(step, dict) else []
    while stack:
        current = stack.pop()
        found.update(t for t in current.get("taskIds") or [] if t)
        found.update(f.get("id") for f in current.get("flows") or [] if isinstance(f, dict) and f.get("id"))
        stack.extend(current[k] for k in ("nextStep", "stepOnException") if isinstance(current.get(k), dict))
    return found


def list_plans(client, environment_id=None, workspace_id=None, need_chart=False) -> list:
    """Every plan of an environment or workspace (``GET /orchestration/executables/plans``, ``getAvailablePlans``).

    Reads every page. When no item of the answer carries ``planPauseDetails`` (or, with
    ``need_chart``, ``chart``) (the vendor spec lists both on items but a tenant may leave them
    out), each plan's detail is read (``GET /orchestration/executables/plans/{planId}``) and
    merged into its item.

    :param environment_id: environment id, or None.
    :param workspace_id: workspace id, or None.
    :param need_chart: the caller needs each plan's ``chart`` (see :func:`chart_task_ids`).
    :returns: plans as dicts of the API (``PlanExecutableDetails``), see :func:`plan_summary`.
    :raises TalendApiError: the API failed.
    """
    params = {k: v for k, v in (("environmentId", environment_id), ("workspaceId", workspace_id)) if v}
    items = list(client.iter_pages("GET", PLAN.path, params=params))
    complete = any(PLAN.pause_details_key in i for i in items) and (
        not need_chart or any("chart" in i for i in items))
    if not items or complete:
        return items
    details = map_concurrently(client, lambda i: client.get(PLAN.item_path(i["executable"])), items)
    return [dict(i, **(d or {})) for i, d in zip(items, details)]


def read_plans(client, plan_ids) -> list:
    """Read each plan's detail (``GET /orchestration/executables/plans/{planId}``, ``getPlan``) concurrently.

    :param plan_ids: validated ids (list of str).
    :returns: plans as dicts of the API (``PlanExecutableDetails``) in the order of ``plan_ids``.
    :raises TalendApiError: the first failed read; a 404 says which id is unknown.
    """
    def one(plan_id):
        try:
            return client.get(PLAN.item_path(plan_id)) or {}
        except TalendApiError as exc:
            if exc.status != 404:
                raise
            raise exc.with_hint("No plan with id %s: check the plan ids and the region." % plan_id) from None

    return map_concurrently(client, one, plan_ids)
