# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Every window still open in a scope, found from the markers on the tenant (``talend_window_info``).

No local state: a window is open while a paused task or plan carries a ``pauseContext`` that ends with its
marker (:func:`~._tmc_window_marker.window_of`). Its planned end is the note the pause phase wrote before
the marker (:func:`~._tmc_window_end.planned_end_of`).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import select_executables
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_end import planned_end_of
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import (
    MARKER_PREFIX,
    check_window_id,
    window_of,
)


def open_windows(client, window_id=None, environment=None, workspace=None, clock=time.time) -> list:
    """One entry per window that still holds a paused task or plan in the scope.

    Reads lists only: ``GET /orchestration/executables/tasks`` (``getAvailableTasks``) and
    ``GET /orchestration/executables/plans`` (``getAvailablePlans``), every page, in the environment or
    workspace (none: the whole account), plus ``GET /orchestration/environments`` / ``workspaces`` to
    resolve names. Only when the task list carries no pause details at all (the vendor spec does not
    promise them) is each task's detail read (see ``_tmc_selection.complete_pause_details``).

    :param client: a ``TalendClient``.
    :param window_id: only this window (str following ``check_window_id``), or None for every window.
    :param environment: environment id or exact name, or None.
    :param workspace: workspace id or exact name, or None.
    :param clock: wall clock in epoch seconds, for ``overdue``.
    :returns: list of ``{window_id, tasks, plans (counts), task_ids, plan_ids (sorted), paused_since
        (earliest pauseDate as the API wrote it, or None), paused_by (sorted users), planned_end
        (``2026-12-08T05:00:00Z`` or None), overdue (bool)}``, oldest window first.
    :raises TalendConfigError: a bad window id, an unknown or ambiguous environment or workspace.
    :raises TalendApiError: the API failed.
    """
    if window_id is not None:
        check_window_id(window_id)
    selected = select_executables(client, environment=environment, workspace=workspace, paused=True,
                                  pause_context_contains=MARKER_PREFIX, include_plans=True)
    held = {}
    for kind in ("tasks", "plans"):
        for item in selected[kind]:
            found = window_of(item["pause_context"])
            if found is not None and (window_id is None or found == window_id):
                held.setdefault(found, {"tasks": [], "plans": []})[kind].append(item)
    now = datetime.fromtimestamp(clock(), tz=timezone.utc)
    windows = [window_entry(found, items["tasks"], items["plans"], now) for found, items in held.items()]
    return sorted(windows, key=lambda w: (w["paused_since"] is None, _instant(w["paused_since"]) or now, w["window_id"]))


def window_entry(window_id: str, tasks: list, plans: list, now: datetime) -> dict:
    """The entry of one window from the task and plan summaries it holds (see :func:`open_windows`).

    With several planned ends (the window paused in several runs), the latest counts: the window is
    overdue once every end it announced has passed.

    :param tasks: task summaries (``_tmc_selection.task_summary``) held by the window.
    :param plans: plan summaries (``_tmc_plans.plan_summary``) held by the window.
    :param now: aware ``datetime``.
    """
    items = tasks + plans
    dates = [d for d in (i["pause_date"] for i in items) if _instant(d) is not None]
    ends = [e for e in (planned_end_of(i["pause_context"]) for i in items) if e is not None]
    end = max(ends) if ends else None
    return {
        "window_id": window_id,
        "tasks": len(tasks),
        "plans": len(plans),
        "task_ids": sorted(t["id"] for t in tasks),
        "plan_ids": sorted(p["id"] for p in plans),
        "paused_since": min(dates, key=_instant) if dates else None,
        "paused_by": sorted({i["pause_user"] for i in items if i["pause_user"]}),
        "planned_end": end.strftime("%Y-%m-%dT%H:%M:%SZ") if end else None,
        "overdue": end is not None and now > end,
    }


def _instant(value):
    """Aware ``datetime`` of an API date (ISO 8601, ``Z`` or offset), or None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
