# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The select step of the window engine: what a phase works on, read-only.

The pause phase reads each distinct selector once, then the explicit ids, and sorts what it found into what
to pause, what this window holds already and what someone else paused. The resume phase finds what still
carries the window's marker at the end of its ``pauseContext`` (``Window.holds``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK, shared_text
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_plans import list_plans, plan_summary
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import select_executables, task_summary
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import window_of

SUMMARY_KEYS = ("id", "name", "paused", "pause_context", "pause_user", "pause_date")
SHARED_KEYS = ("id", "name")
"""Summary texts also parsed elsewhere (the pause record, the report's summary): one object each (``shared_text``)."""
STEP_SELECT = "Select the tasks (and plans) of each selector"
STEP_EXPLICIT = "Read the explicit tasks and plans"
STEP_FIND = "Find the tasks and plans of each scope that still carry the window marker"
STEP_FIND_EXPLICIT = "Find the explicit tasks and plans that still carry the window marker"
STEP_FIND_ACCOUNT = "Find every task and plan that still carries the window marker"


class PhaseError(Exception):
    """A step that stopped the phase; ``str()`` is ``"<step>: <message>"``."""


def slim(entries) -> list:
    """Summaries with only what the phase and its report use (:data:`SUMMARY_KEYS`, ``where``: the environment
    and workspace names, ``environment_id``, ``workspace_id``): a window of 10,000 tasks holds no tags or nested
    dicts of each."""
    return [dict({k: shared_text(e.get(k)) if k in SHARED_KEYS else e.get(k) for k in SUMMARY_KEYS},
                 where=shared_text(where(e)), environment_id=shared_text((e.get("environment") or {}).get("id")),
                 workspace_id=shared_text((e.get("workspace") or {}).get("id"))) for e in entries]


def paused_since(entry):
    """When ``entry`` (a summary) was paused, ISO 8601 or None: its ``paused_at`` when a step set one (the pause
    phase: when its calls ended), else the ``pause_date`` read from the API. Read in place: a window of 30,000 tasks
    copies no summary to add the time."""
    return entry["paused_at"] if "paused_at" in entry else entry.get("pause_date")


def where(summary) -> str:
    """``"<environment> / <workspace>"`` of a task or plan summary (names, ``?`` when unknown)."""
    return "%s / %s" % ((summary.get("environment") or {}).get("name") or "?",
                        (summary.get("workspace") or {}).get("name") or "?")


def _unique(entries) -> list:
    """``entries`` without a second entry of the same ``id`` (the first one is kept, unless its pause state is not
    known, ``paused`` None, and a later one's is)."""
    seen = {}
    for entry in entries:
        if entry["id"] not in seen or (seen[entry["id"]].get("paused") is None and entry.get("paused") is not None):
            seen[entry["id"]] = entry
    return list(seen.values())


@dataclass
class Sorted:
    """Summaries of one kind sorted for the pause phase.

    :param to_pause: not paused: the window pauses them. :param held: paused with this window's marker.
    :param foreign: paused by someone else (another window included): left alone.
    :param unknown: tasks of a list without pause details (cold tenant) whose state is not known (``paused`` None):
        they are in ``to_pause`` too, and the pause ``PUT`` tells (``_tmc_window_cold.settle_unknown``).
    """

    to_pause: list = field(default_factory=list)
    held: list = field(default_factory=list)
    foreign: list = field(default_factory=list)
    unknown: list = field(default_factory=list)


def sort_for_pause(entries, window) -> Sorted:
    """Sort summaries (dicts with ``paused`` and ``pause_context``) by who holds them (:class:`Sorted`); a summary
    whose ``paused`` is None goes to ``to_pause`` and ``unknown``."""
    out = Sorted()
    for entry in entries:
        if entry["paused"] is None:
            out.to_pause.append(entry)
            out.unknown.append(entry)
        elif not entry["paused"]:
            out.to_pause.append(entry)
        elif window.holds(entry.get("pause_context")):
            out.held.append(entry)
        else:
            out.foreign.append(entry)
    return out


@dataclass
class Selection:
    """What a phase selected: summaries (``_tmc_selection``, :data:`SUMMARY_KEYS`), unique by id.

    :param tasks: task summaries; :param plans: plan summaries.
    :param empty_selectors: the given keys of each selector that selected nothing (pause phase).
    :param searched: resume phase: ``account`` (every task and plan the credentials see) or ``selectors`` (only the
        selectors' scopes and the explicit ids: the task list carries no pause details).
    :param other_windows: resume phase: ``{window id: count}`` of what other windows hold in the selectors' scopes.
    :param outside_scope: resume phase: ids held by this window found outside the selectors' scopes.
    :param seen: resume phase: ``{id: summary}`` now of the ids the window's pause record holds (for drift).
    :param scope_entries: resume phase: ``{id: (kind, name, where)}`` of every task and plan in the scopes of the
        selectors that name only an environment or workspace (for drift: what was created there).
    :param foreign_marked: resume phase: what carries the marker but was paused by an account that never paused for
        this window (left paused).
    :param resumed_before: resume phase: tasks active with this window's resume context (``Window.resumed``): an
        earlier resume run of the window brought them back (their ``pause_date`` is when); a re-run after a run
        killed mid-catch-up finds there the tasks that may still owe a catch-up run.
    """

    tasks: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    empty_selectors: list = field(default_factory=list)
    searched: str = "selectors"
    other_windows: dict = field(default_factory=dict)
    outside_scope: list = field(default_factory=list)
    seen: dict = field(default_factory=dict)
    scope_entries: dict = field(default_factory=dict)
    foreign_marked: list = field(default_factory=list)
    resumed_before: list = field(default_factory=list)

    def names(self) -> dict:
        """``{id: name}`` of every task and plan selected."""
        return {e["id"]: e["name"] for e in self.tasks + self.plans}


def _explicit(client, request, step, **filters) -> tuple:
    if not request.task_ids and not request.plan_ids:
        return [], []
    try:
        found = select_executables(client, task_ids=list(request.task_ids), plan_ids=list(request.plan_ids),
                                   **filters)
    except TalendError as exc:
        raise PhaseError("%s: %s" % (step, exc)) from None
    return slim(found["tasks"]), slim(found["plans"])


def select_for_pause(client, request, leave_pause_state_unknown=False) -> Selection:
    """Read what the pause phase selects: each distinct selector once, then the explicit ids.

    :param client: a ``TalendClient``. :param request: a ``WindowRequest``.
    :param leave_pause_state_unknown: a selector whose task list carries no pause details (cold tenant) sends no
        read per task: its tasks' ``paused`` is None (the pause phase, not in check mode: its ``PUT`` tells). False:
        each such task is read (``GET .../tasks/{taskId}``), as check mode and the plan phase need. Explicit ids are
        read either way.
    :returns: a :class:`Selection` in selection order.
    :raises PhaseError: a selector or an explicit id could not be read (every selector is tried first).
    """
    selection, errors = Selection(), []
    for selector in dict.fromkeys(request.selectors):
        try:
            found = select_executables(client, leave_pause_state_unknown=leave_pause_state_unknown,
                                       **selector.filters())
        except TalendError as exc:
            errors.append(str(exc))
            continue
        selection.tasks += slim(found["tasks"])
        selection.plans += slim(found["plans"])
        if not found["tasks"] and not found["plans"]:
            selection.empty_selectors.append(selector.given())
    if errors:
        raise PhaseError("%s: %s" % (STEP_SELECT, " ".join(dict.fromkeys(errors))))
    tasks, plans = _explicit(client, request, STEP_EXPLICIT)
    selection.tasks = _unique(selection.tasks + tasks)
    selection.plans = _unique(selection.plans + plans)
    return selection


def resume_scopes(selectors) -> list:
    """``[(environment, workspace)]`` to search for the marker: one per distinct pair of the selectors, or
    ``[(None, None)]`` (the whole account) when a selector gives neither; ``[]`` without selectors."""
    scopes = list(dict.fromkeys(s.scope() for s in selectors))
    return [(None, None)] if (None, None) in scopes else scopes


def _in_scopes(summary, scopes) -> bool:
    env, ws = summary.get("environment") or {}, summary.get("workspace") or {}
    return any((e is None or e in (env.get("id"), env.get("name"))) and (w is None or w in (ws.get("id"), ws.get("name")))
               for e, w in scopes)


def _search_account(client, window, scopes, pure_scopes=(), expected=()):
    """One paged read of every task (``GET /orchestration/executables/tasks``, no filter) and plan: what ends
    with this window's marker, what other windows hold in ``scopes``, the state of the ``expected`` ids and what
    lies in ``pure_scopes``; None when no task of the list carries pause details (a task never paused has none: the
    list shows them when one does; then the caller searches the scopes and reads each task)."""
    found = Selection(searched="")
    others, expected = Counter(), set(expected)
    for kind, items in (("tasks", client.iter_pages("GET", TASK.path)), ("plans", None)):
        if kind == "plans":
            if not found.searched:
                return None   # no task of the account carries pause details: the list does not show them
            items = list_plans(client)
        summary_of = task_summary if kind == "tasks" else plan_summary
        for item in items:
            if kind == "tasks" and TASK.pause_details_key in item:
                found.searched = "account"   # a task never paused has no pause details: one that has them says so
            entry = summary_of(item)
            kept = None   # the one slim summary of this entry, shared by every list that keeps it
            in_scope = not scopes or _in_scopes(entry, scopes)
            if pure_scopes and _in_scopes(entry, pure_scopes):
                kept = slim([entry])[0]
                found.scope_entries[entry["id"]] = (kind[:-1], kept["name"], kept["where"])
            if entry["id"] in expected:
                kept = kept or slim([entry])[0]
                found.seen[entry["id"]] = kept
            if not entry["paused"]:
                if kind == "tasks" and window.resumed(entry["pause_context"]):
                    found.resumed_before.append(kept or slim([entry])[0])
                continue
            owner = window_of(entry["pause_context"])
            if owner == window.id:
                getattr(found, kind).append(kept or slim([entry])[0])
                if not in_scope:
                    found.outside_scope.append(entry["id"])
            elif owner is not None and in_scope:
                others[owner] += 1
    found.other_windows = dict(sorted(others.items()))
    return found


def select_for_resume(client, request, expected=()) -> Selection:
    """What still carries the window's marker at the end of its ``pauseContext``, while paused, wherever the
    credentials see it: one paged read of every task and plan of the account, so that a task moved to another
    workspace or an environment renamed during the window cannot hide it. The selectors only tell what counts as
    in scope (for other windows, drift and what was found outside).

    A tenant whose task list carries no pause details would need one read per task of the account: then only the
    selectors' scopes and the explicit ids are searched (``searched`` says so).

    :param expected: ids the window's pause record holds (their state now goes into ``seen``, for drift).
    :returns: a :class:`Selection`.
    :raises PhaseError: a read failed.
    """
    window = request.window
    scopes = resume_scopes(request.selectors)
    pure = [s.scope() for s in request.selectors if set(s.given()) <= {"environment", "workspace", "include_plans"}]
    try:
        found = _search_account(client, window, scopes, pure, expected)
    except TalendError as exc:
        raise PhaseError("%s: %s" % (STEP_FIND_ACCOUNT, exc)) from None
    if found is not None:
        return found
    return _select_scopes_for_resume(client, request, scopes)


def _select_scopes_for_resume(client, request, scopes) -> Selection:
    """:func:`select_for_resume` on a tenant whose lists carry no pause details: the scope of each selector and
    the explicit ids only. :raises PhaseError: a scope or an explicit id could not be read."""
    window, selection, errors = request.window, Selection(searched="selectors"), []
    for environment, workspace in scopes:
        try:
            found = select_executables(client, environment=environment, workspace=workspace, include_plans=True,
                                       paused=True, pause_context_contains=window.marker)
        except TalendError as exc:
            errors.append(str(exc))
            continue
        selection.tasks += slim(found["tasks"])
        selection.plans += slim(found["plans"])
    if errors:
        raise PhaseError("%s: %s" % (STEP_FIND, " ".join(dict.fromkeys(errors))))
    tasks, plans = _explicit(client, request, STEP_FIND_EXPLICIT, paused=True,
                             pause_context_contains=window.marker)
    selection.tasks = [t for t in _unique(selection.tasks + tasks) if window.holds(t["pause_context"])]
    selection.plans = [p for p in _unique(selection.plans + plans) if window.holds(p["pause_context"])]
    return selection
