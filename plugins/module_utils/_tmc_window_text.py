# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""What a phase of a maintenance window tells the operator, as lines of text (see ``_tmc_window``).

Lists of names stop after :data:`NAME_LIMIT` entries and say how many more the report holds: a window
of 10,000 tasks prints a readable line, not 10,000 names.
"""

from __future__ import annotations

import json

NAME_LIMIT = 50


def name_list(names, limit=NAME_LIMIT) -> str:
    """``"a, b, c"``; past ``limit`` names ``"a, b, ... and 7 more (see the report)"``.

    :param names: list of str (None stands for a missing name and prints as ``None``).
    """
    names = ["%s" % (n,) for n in names]
    if len(names) <= limit:
        return ", ".join(names)
    return "%s and %d more (see the report)" % (", ".join(names[:limit]), len(names) - limit)


def _counted(count, noun, names) -> str:
    """``"2 task(s): a, b"`` or ``"0 task(s)"``."""
    text = name_list(names)
    return "%d %s(s)%s" % (count, noun, (": " + text) if text else "")


def pause_messages(window_id, outcome, check_mode=False) -> tuple:
    """Lines of the pause phase: about the selection (selectors that select nothing, what someone else paused
    and is left alone, an empty selection, what an earlier run of the window holds), then what was paused.

    :param outcome: the dict of ``_tmc_window.run_pause``.
    :returns: ``(selection lines: list of str, what was paused: str or None)``; ``([], None)`` when the
        selection failed, ``None`` for the second when nothing was due.
    """
    selection = outcome["selection"]
    if selection is None:
        return [], None
    tasks, plans = outcome["tasks"], outcome["plans"]
    lines = []
    for selector in selection["empty_selectors"]:
        lines.append("Window %s: selector %s selects no task%s. Check its environment, workspace, name, tags and "
                     "schedule window." % (window_id, json.dumps(selector),
                                           " and no plan" if selector.get("include_plans") else ""))
    foreign = tasks["foreign"] + plans["foreign"]
    if foreign:
        lines.append("Window %s leaves alone %d task(s) or plan(s) paused by someone else, to stay paused after the "
                     "window: %s" % (window_id, len(foreign), name_list(
                         ["%s (paused: %s)" % (e["name"], e.get("pause_context") or "") for e in foreign])))
    due_tasks, due_plans = len(tasks["to_pause"]), len(plans["to_pause"])
    held_tasks, held_plans = len(tasks["held"]), len(plans["held"])
    selected = len(selection["tasks"]) + len(selection["plans"])
    if not due_tasks and not due_plans:
        if not selected:
            why = "the selectors and ids select no task and no plan."
        else:
            why = "the %d task(s) and %d plan(s) selected are paused already (%d by this window, %d by someone " \
                  "else)." % (len(selection["tasks"]), len(selection["plans"]), held_tasks + held_plans,
                              selected - held_tasks - held_plans)
        lines.append("Window %s: nothing to pause: %s" % (window_id, why))
        return lines, None
    if held_tasks + held_plans:
        lines.append("Window %s: an earlier run already paused %d task(s) and %d plan(s) of this selection; they "
                     "keep their marker. %d task(s) and %d plan(s) are left to pause."
                     % (window_id, held_tasks, held_plans, due_tasks, due_plans))
    names = {e["id"]: e["name"] for e in tasks["to_pause"] + plans["to_pause"]}
    newly = set(outcome["newly_paused"])
    new_tasks = [names[e["id"]] for e in tasks["to_pause"] if e["id"] in newly]
    new_plans = [names[e["id"]] for e in plans["to_pause"] if e["id"] in newly]
    earlier = ", %d of them paused by an earlier run" % (held_tasks + held_plans) if held_tasks + held_plans else ""
    failed = outcome["failed_ids"]
    return lines, ("Window %s: %s %s and %s. The window holds %d task(s) and %d plan(s) paused%s.%s" % (
        window_id, "would pause" if check_mode else "paused", _counted(len(new_tasks), "task", new_tasks),
        _counted(len(new_plans), "plan", new_plans), len(outcome["paused_task_ids"]),
        len(outcome["paused_plan_ids"]), earlier,
        " %d could not be paused (see above and the report); the drain is skipped." % len(failed) if failed else ""))


def resume_messages(window_id, outcome, check_mode=False) -> tuple:
    """Lines of the resume phase: ``nothing to resume for window <id>``, or what was resumed.

    :param outcome: the dict of ``_tmc_window.run_resume``.
    :returns: ``(selection lines: list of str, what was resumed: str or None)``, as :func:`pause_messages`.
    """
    selection = outcome["selection"]
    if selection is None:
        return [], None
    if not selection["tasks"] and not selection["plans"]:
        return ["nothing to resume for window %s: nothing in the selectors' scope is paused with the marker "
                "[maintenance-window:%s]. If a pause ran with this id, check the window id and that the "
                "selectors name the environment or workspace the pause used." % (window_id, window_id)], None
    resumed = set(outcome["resumed_task_ids"]) | set(outcome["resumed_plan_ids"])
    tasks = [t["name"] for t in selection["tasks"] if t["id"] in resumed]
    plans = [p["name"] for p in selection["plans"] if p["id"] in resumed]
    return [], "Window %s: %s %s and %s." % (window_id, "would resume" if check_mode else "resumed",
                                             _counted(len(tasks), "task", tasks), _counted(len(plans), "plan", plans))


def report_message(window_id, written) -> str:
    """``Window <id>: report <json> (<status>[, everything found with the marker is back]); summary <md>.``

    :param written: the dict of ``_tmc_report.write_report`` (``json_path``, ``markdown_path``, ``document``).
    """
    summary = written["document"]["summary"]
    return "Window %s: report %s (%s%s); summary %s." % (
        window_id, written["json_path"], summary["status"],
        ", everything found with the marker is back" if summary["all_back"] else "", written["markdown_path"])
