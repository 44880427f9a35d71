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

from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import select_executables

SUMMARY_KEYS = ("id", "name", "paused", "pause_context", "pause_user", "pause_date")
STEP_SELECT = "Select the tasks (and plans) of each selector"
STEP_EXPLICIT = "Read the explicit tasks and plans"
STEP_FIND = "Find the tasks and plans of each scope that still carry the window marker"
STEP_FIND_EXPLICIT = "Find the explicit tasks and plans that still carry the window marker"


class PhaseError(Exception):
    """A step that stopped the phase; ``str()`` is ``"<step>: <message>"``."""


def slim(entries) -> list:
    """Summaries with only what the phase and its report use (:data:`SUMMARY_KEYS`): a window of 10,000
    tasks holds no environment, workspace or tags of each."""
    return [{k: e.get(k) for k in SUMMARY_KEYS} for e in entries]


def _unique(entries) -> list:
    """``entries`` without a second entry of the same ``id`` (the first one is kept)."""
    seen = {}
    for entry in entries:
        seen.setdefault(entry["id"], entry)
    return list(seen.values())


@dataclass
class Sorted:
    """Summaries of one kind sorted for the pause phase.

    :param to_pause: not paused: the window pauses them. :param held: paused with this window's marker.
    :param foreign: paused by someone else (another window included): left alone.
    """

    to_pause: list = field(default_factory=list)
    held: list = field(default_factory=list)
    foreign: list = field(default_factory=list)


def sort_for_pause(entries, window) -> Sorted:
    """Sort summaries (dicts with ``paused`` and ``pause_context``) by who holds them (:class:`Sorted`)."""
    out = Sorted()
    for entry in entries:
        if not entry["paused"]:
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
    """

    tasks: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    empty_selectors: list = field(default_factory=list)

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


def select_for_pause(client, request) -> Selection:
    """Read what the pause phase selects: each distinct selector once, then the explicit ids.

    :param client: a ``TalendClient``. :param request: a ``WindowRequest``.
    :returns: a :class:`Selection` in selection order.
    :raises PhaseError: a selector or an explicit id could not be read (every selector is tried first).
    """
    selection, errors = Selection(), []
    for selector in dict.fromkeys(request.selectors):
        try:
            found = select_executables(client, **selector.filters())
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


def select_for_resume(client, request) -> Selection:
    """What still carries the window's marker at the end of its context, while paused: in the scope of each
    selector and among the explicit ids.

    :returns: a :class:`Selection` (``empty_selectors`` unused).
    :raises PhaseError: a scope or an explicit id could not be read.
    """
    window, selection, errors = request.window, Selection(), []
    for environment, workspace in resume_scopes(request.selectors):
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
