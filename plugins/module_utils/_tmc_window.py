# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""One phase of a maintenance window in one process: select, sort, pause or resume, read back, record.

The selection (every task and plan summary) and the results of the pause calls stay in this process:
the caller gets the report record and the ids, never thousands of summaries to hand around. Each step
behaves like the module the ``maintenance_window`` role ran for it before (``talend_task_info``,
``talend_plan_pause``, ``talend_task_pause``): an id that fails does not stop the others, an error that
stops a step is kept as ``"<step>: <message>"`` and ends the phase.
"""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import PLAN, TASK
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_pause import set_pause_states
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_report import (
    build_run,
    entry_records,
    utc_now,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import select_executables

SELECTOR_KEYS = ("environment", "workspace", "name", "tags", "scheduled_from", "scheduled_to")
STEP_SELECT = "Select the tasks (and plans) of each selector"
STEP_EXPLICIT = "Read the explicit tasks and plans"
STEP_FIND = "Find the tasks and plans of each scope that still carry the window marker"
STEP_FIND_EXPLICIT = "Find the explicit tasks and plans that still carry the window marker"


class PhaseError(Exception):
    """A step that stopped the phase; ``str()`` is ``"<step>: <message>"``."""


def marker_of(window_id) -> str:
    """The window marker put in ``pauseContext``, e.g. ``[maintenance-window:CHG0042]``."""
    return "[maintenance-window:%s]" % window_id


def given(selector) -> dict:
    """The keys of a selector that were given (empty strings, lists and a false ``include_plans`` dropped)."""
    return {k: v for k, v in (selector or {}).items() if v not in (None, "", [], False)}


def _filters(selector) -> dict:
    """``select_executables`` arguments of a selector (a YAML timestamp becomes its text)."""
    out = {k: (selector.get(k) or None) for k in SELECTOR_KEYS}
    for k in ("scheduled_from", "scheduled_to"):
        if out[k] is not None:
            out[k] = str(out[k])
    out["include_plans"] = bool(selector.get("include_plans"))
    return out


SUMMARY_KEYS = ("id", "name", "paused", "pause_context", "pause_user", "pause_date")


def slim(entries) -> list:
    """Summaries with only what the phase and its report use (:data:`SUMMARY_KEYS`): a window of 10,000
    tasks holds no environment, workspace or tags of each."""
    return [{k: e.get(k) for k in SUMMARY_KEYS} for e in entries]


def _unique(entries) -> list:
    """``entries`` without a second entry of the same ``id`` (the first one is kept)."""
    seen, out = set(), []
    for entry in entries:
        if entry["id"] not in seen:
            seen.add(entry["id"])
            out.append(entry)
    return out


def _step(name, function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except TalendError as exc:
        raise PhaseError("%s: %s" % (name, exc)) from None


def select_for_pause(client, selectors, task_ids, plan_ids) -> dict:
    """Read what the pause phase selects: each selector, then the explicit ids (read-only).

    :param selectors: list of dicts with the keys of :data:`SELECTOR_KEYS` and ``include_plans``.
    :param task_ids: validated explicit task ids (list of str); ``plan_ids`` the same for plans.
    :returns: ``{tasks, plans, empty_selectors}``: summaries (``talend_task_info``'s), unique by id in
        selection order, and the given keys of each selector that selected nothing.
    :raises PhaseError: a selector or an explicit id could not be read (every selector is tried first).
    """
    tasks, plans, empty, errors = [], [], [], []
    for selector in selectors or []:
        try:
            found = select_executables(client, **_filters(selector))
        except TalendError as exc:
            errors.append(str(exc))
            continue
        tasks += slim(found["tasks"])
        plans += slim(found["plans"])
        if not found["tasks"] and not found["plans"]:
            empty.append(given(selector))
    if errors:
        raise PhaseError("%s: %s" % (STEP_SELECT, " ".join(dict.fromkeys(errors))))
    if task_ids or plan_ids:
        found = _step(STEP_EXPLICIT, select_executables, client, task_ids=list(task_ids or []),
                      plan_ids=list(plan_ids or []))
        tasks += slim(found["tasks"])
        plans += slim(found["plans"])
    return {"tasks": _unique(tasks), "plans": _unique(plans), "empty_selectors": empty}


def resume_scopes(selectors) -> list:
    """``[(environment, workspace)]`` to search for the marker: one per distinct pair of the selectors, or
    ``[("", "")]`` (the whole account) when a selector gives neither; ``[]`` without selectors."""
    scopes = list(dict.fromkeys((s.get("environment") or "", s.get("workspace") or "") for s in selectors or []))
    return [("", "")] if ("", "") in scopes else scopes


def select_for_resume(client, marker, selectors, task_ids, plan_ids) -> dict:
    """What still carries ``marker`` while paused, in the scopes of the selectors and among the explicit ids.

    :returns: ``{tasks, plans}`` summaries, unique by id.
    :raises PhaseError: a scope or an explicit id could not be read.
    """
    tasks, plans, errors = [], [], []
    for environment, workspace in resume_scopes(selectors):
        try:
            found = select_executables(client, environment=environment or None, workspace=workspace or None,
                                       include_plans=True, paused=True, pause_context_contains=marker)
        except TalendError as exc:
            errors.append(str(exc))
            continue
        tasks += slim(found["tasks"])
        plans += slim(found["plans"])
    if errors:
        raise PhaseError("%s: %s" % (STEP_FIND, " ".join(dict.fromkeys(errors))))
    if task_ids or plan_ids:
        found = _step(STEP_FIND_EXPLICIT, select_executables, client, task_ids=list(task_ids or []),
                      plan_ids=list(plan_ids or []), paused=True, pause_context_contains=marker)
        tasks += slim(found["tasks"])
        plans += slim(found["plans"])
    return {"tasks": _unique(tasks), "plans": _unique(plans)}


def sort_selection(entries, marker) -> dict:
    """Sort summaries into ``to_pause`` (not paused: summaries), ``held`` (paused with ``marker``: ids) and
    ``foreign`` (paused by someone else: summaries)."""
    out = {"to_pause": [], "held": [], "foreign": []}
    for entry in entries:
        if not entry["paused"]:
            out["to_pause"].append(entry)
        elif isinstance(entry.get("pause_context"), str) and marker in entry["pause_context"]:
            out["held"].append(entry["id"])
        else:
            out["foreign"].append(entry)
    return out


def set_states(client, kind, ids, paused, pause_context, check_mode):
    """The registered result a pause module would give for ``ids``: ``{<kind.plural>, changed, failures?,
    failed_ids?, failed?}``, or ``{failed: True, msg}`` when the call failed as a whole; None without ids."""
    if not ids:
        return None
    try:
        entries, failures = set_pause_states(client, kind, ids, paused, pause_context, check_mode=check_mode)
    except TalendError as exc:
        return {"failed": True, "msg": str(exc), "changed": False}
    result = {kind.plural: entries, "changed": any(e["changed"] for e in entries)}
    if failures:
        result.update(failed=True, failed_ids=[f["id"] for f in failures], failures=failures)
    return result


def _changed(result, plural) -> list:
    return [e["id"] for e in (result or {}).get(plural) or [] if e.get("changed")]


def _failed_ids(result, ids) -> list:
    """Ids of a call that failed: its ``failed_ids``, or every id when it failed as a whole."""
    if not result or not result.get("failed"):
        return []
    return list(result["failed_ids"]) if "failed_ids" in result else list(ids)


def _refused(result) -> set:
    """Ids answered with an HTTP status below 500: refused for sure (no answer or a 5xx may have been applied)."""
    return {f["id"] for f in (result or {}).get("failures") or [] if f.get("status") is not None and f["status"] < 500}


def run_pause(client, window_id, reason, selectors, task_ids, plan_ids, check_mode=False) -> dict:
    """The pause phase: select, pause the plans then the tasks with ``"<reason> <marker>"``, read back lost answers.

    :param client: a ``TalendClient``.
    :param window_id: validated window id; ``reason`` the text before the marker.
    :param selectors: list of selector dicts; ``task_ids`` / ``plan_ids`` validated explicit ids.
    :param check_mode: no ``PUT`` and no read-back (the pause calls read each state instead).
    :returns: dict ``selection`` (:func:`select_for_pause`, None when it failed), ``tasks`` / ``plans``
        (:func:`sort_selection` of each), ``tasks_result`` / ``plans_result`` (:func:`set_states`),
        ``tasks_at`` / ``plans_at`` (ISO 8601), ``confirmed`` (ids read back with the marker), ``paused_task_ids``,
        ``paused_plan_ids`` (what the window holds), ``newly_paused`` (ids), ``failed_ids`` (not paused),
        ``error`` (``"<step>: <message>"`` or None).
    """
    marker = marker_of(window_id)
    out = {"selection": None, "tasks": sort_selection([], marker), "plans": sort_selection([], marker),
           "tasks_result": None, "plans_result": None, "tasks_at": None, "plans_at": None, "confirmed": [],
           "paused_task_ids": [], "paused_plan_ids": [], "newly_paused": [], "failed_ids": [], "error": None}
    try:
        selection = select_for_pause(client, selectors, task_ids, plan_ids)
    except PhaseError as exc:
        out["error"] = str(exc)
        return out
    out["selection"] = selection
    tasks, plans = sort_selection(selection["tasks"], marker), sort_selection(selection["plans"], marker)
    out.update(tasks=tasks, plans=plans)
    context = "%s %s" % (reason, marker)
    plan_ids_due = [p["id"] for p in plans["to_pause"]]
    task_ids_due = [t["id"] for t in tasks["to_pause"]]
    out["plans_result"] = set_states(client, PLAN, plan_ids_due, True, context, check_mode)
    out["plans_at"] = utc_now()
    out["tasks_result"] = set_states(client, TASK, task_ids_due, True, context, check_mode)
    out["tasks_at"] = utc_now()
    changed_tasks, changed_plans = _changed(out["tasks_result"], "tasks"), _changed(out["plans_result"], "plans")
    refused = _refused(out["tasks_result"]) | _refused(out["plans_result"])
    done = set(changed_tasks) | set(changed_plans) | refused
    uncertain_tasks = [i for i in task_ids_due if i not in done]
    uncertain_plans = [i for i in plan_ids_due if i not in done]
    confirmed_tasks, confirmed_plans = [], []
    if not check_mode and (uncertain_tasks or uncertain_plans):
        try:  # only makes the report exact; a re-run of the pause phase finds the marker anyway
            found = select_executables(client, task_ids=uncertain_tasks, plan_ids=uncertain_plans, paused=True,
                                       pause_context_contains=marker)
            confirmed_tasks = [t["id"] for t in found["tasks"]]
            confirmed_plans = [p["id"] for p in found["plans"]]
        except TalendError:
            pass
    confirmed = confirmed_tasks + confirmed_plans
    out["confirmed"] = confirmed
    out["paused_task_ids"] = list(dict.fromkeys(tasks["held"] + changed_tasks + confirmed_tasks))
    out["paused_plan_ids"] = list(dict.fromkeys(plans["held"] + changed_plans + confirmed_plans))
    out["newly_paused"] = list(dict.fromkeys(changed_tasks + confirmed_tasks + changed_plans + confirmed_plans))
    failed = _failed_ids(out["tasks_result"], task_ids_due) + _failed_ids(out["plans_result"], plan_ids_due)
    out["failed_ids"] = [i for i in failed if i not in set(confirmed)]
    return out


def run_resume(client, window_id, selectors, task_ids, plan_ids, check_mode=False) -> dict:
    """The resume phase: find what still carries the marker, resume the tasks then the plans.

    :returns: dict ``selection`` (``{tasks, plans}`` found with the marker, None when that failed),
        ``tasks_result`` / ``plans_result``, ``tasks_at`` / ``plans_at``, ``resumed_task_ids``,
        ``resumed_plan_ids``, ``error``.
    """
    marker = marker_of(window_id)
    out = {"selection": None, "tasks_result": None, "plans_result": None, "tasks_at": None, "plans_at": None,
           "resumed_task_ids": [], "resumed_plan_ids": [], "error": None}
    try:
        selection = select_for_resume(client, marker, selectors, task_ids, plan_ids)
    except PhaseError as exc:
        out["error"] = str(exc)
        return out
    out["selection"] = selection
    context = "Resumed at the end of maintenance window %s" % window_id
    out["tasks_result"] = set_states(client, TASK, [t["id"] for t in selection["tasks"]], False, context, check_mode)
    out["tasks_at"] = utc_now()
    out["plans_result"] = set_states(client, PLAN, [p["id"] for p in selection["plans"]], False, context, check_mode)
    out["plans_at"] = utc_now()
    out["resumed_task_ids"] = _changed(out["tasks_result"], "tasks")
    out["resumed_plan_ids"] = _changed(out["plans_result"], "plans")
    return out


def phase_run(phase, window_id, outcome, started, reason=None) -> dict:
    """The report record (``_tmc_report.build_run``) of a phase outcome of :func:`run_pause` / :func:`run_resume`."""
    marker = marker_of(window_id)
    selection = outcome["selection"] or {"tasks": [], "plans": []}
    confirmed = outcome.get("confirmed") or []
    tasks = entry_records(phase, marker, selection["tasks"], outcome["tasks_result"], outcome["tasks_at"], confirmed)
    plans = entry_records(phase, marker, selection["plans"], outcome["plans_result"], outcome["plans_at"], confirmed)
    return build_run(phase, marker, tasks, plans, started, reason=reason, error=outcome["error"])
