# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""What a phase of a maintenance window tells the operator, as lines of text (see ``_tmc_window_engine``).

Lists of names stop after :data:`NAME_LIMIT` entries and say how many more the report holds: a window
of 10,000 tasks prints a readable line, not 10,000 names.
"""

from __future__ import annotations

import json

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import window_of
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_runs import iso

NAME_LIMIT = 50
FAILURE_LIMIT = 20


def name_list(names, limit=NAME_LIMIT) -> str:
    """``"a, b, c"``; past ``limit`` names ``"a, b, ... and 7 more (see the report)"``.

    :param names: list of str (None stands for a missing name and prints as ``None``).
    """
    names = ["%s" % (n,) for n in names]
    if len(names) <= limit:
        return ", ".join(names)
    return "%s and %d more (see the report)" % (", ".join(names[:limit]), len(names) - limit)


def _counted(count, noun, names, limit=NAME_LIMIT) -> str:
    """``"2 task(s): a, b"`` or ``"0 task(s)"``."""
    text = name_list(names, limit)
    return "%d %s(s)%s" % (count, noun, (": " + text) if text else "")


def _left_alone(window_id, foreign) -> list:
    """Lines about what is paused by someone else: other windows by their id, then the rest."""
    by_window, others = {}, []
    for entry in foreign:
        owner = window_of(entry.get("pause_context"))
        if owner is not None:
            by_window.setdefault(owner, []).append(entry["name"])
        else:
            others.append(entry)
    lines = ["Window %s: %d task(s) or plan(s) of this selection are held by window %s: they stay paused and come "
             "back when window %s resumes: %s" % (window_id, len(names), owner, owner, name_list(names))
             for owner, names in sorted(by_window.items())]
    if others:
        lines.append("Window %s leaves alone %d task(s) or plan(s) paused by someone else, to stay paused after the "
                     "window: %s" % (window_id, len(others), name_list(
                         ["%s (paused: %s)" % (e["name"], e.get("pause_context") or "") for e in others])))
    return lines


def pause_messages(outcome) -> tuple:
    """Lines of the pause phase: about the selection (selectors that select nothing, what another window or
    someone else holds, an empty selection, what an earlier run of the window holds), then what was paused.

    :param outcome: a ``PhaseOutcome`` of the pause phase (``_tmc_window_engine``).
    :returns: ``(selection lines: list of str, what was paused: str or None)``; ``([], None)`` when the
        selection failed, ``None`` for the second when nothing was due.
    """
    selection, window_id = outcome.selection, outcome.request.window.id
    if selection is None:
        return [], None
    tasks, plans = outcome.tasks, outcome.plans
    lines = []
    for selector in selection.empty_selectors:
        lines.append("Window %s: selector %s selects no task%s. Check its environment, workspace, name, tags and "
                     "schedule window." % (window_id, json.dumps(selector),
                                           " and no plan" if selector.get("include_plans") else ""))
    lines += _left_alone(window_id, tasks.foreign + plans.foreign)
    due_tasks, due_plans = len(tasks.to_pause), len(plans.to_pause)
    held_tasks, held_plans = len(tasks.held), len(plans.held)
    selected = len(selection.tasks) + len(selection.plans)
    if not due_tasks and not due_plans:
        if not selected:
            why = "the selectors and ids select no task and no plan."
        else:
            why = "the %d task(s) and %d plan(s) selected are paused already (%d by this window, %d by someone " \
                  "else)." % (len(selection.tasks), len(selection.plans), held_tasks + held_plans,
                              selected - held_tasks - held_plans)
        lines.append("Window %s: nothing to pause: %s" % (window_id, why))
        return lines, None
    if held_tasks + held_plans:
        lines.append("Window %s: an earlier run already paused %d task(s) and %d plan(s) of this selection; they "
                     "keep their marker. %d task(s) and %d plan(s) are left to pause."
                     % (window_id, held_tasks, held_plans, due_tasks, due_plans))
    newly = set(outcome.newly_paused())
    new_tasks = [e["name"] for e in tasks.to_pause if e["id"] in newly]
    new_plans = [e["name"] for e in plans.to_pause if e["id"] in newly]
    earlier = ", %d of them paused by an earlier run" % (held_tasks + held_plans) if held_tasks + held_plans else ""
    failed = outcome.failed_ids()
    return lines, ("Window %s: %s %s and %s. The window holds %d task(s) and %d plan(s) paused%s.%s" % (
        window_id, "would pause" if outcome.check_mode else "paused", _counted(len(new_tasks), "task", new_tasks),
        _counted(len(new_plans), "plan", new_plans), len(outcome.held_task_ids()), len(outcome.held_plan_ids()),
        earlier, " %d could not be paused (see above and the report); the drain is skipped." % len(failed)
        if failed else ""))


def _search_lines(window_id, selection) -> list:
    """What the resume's search found besides the window's own tasks: where it looked, what was found outside the
    selectors' scopes, which other windows hold tasks there."""
    lines = []
    if selection.searched != "account":
        lines.append("Window %s: this tenant's task list carries no pause details, so the resume looked for the marker "
                     "only in the selectors' scopes and among the explicit ids (reading every task of the account "
                     "would cost one request per task); a task moved out of those scopes is not found." % window_id)
    if selection.outside_scope:
        found = {e["id"]: e for e in selection.tasks + selection.plans}
        lines.append("Window %s: %d task(s) or plan(s) held by this window were found outside the selectors' scope "
                     "(moved, or paused from another scope) and are resumed too: %s" % (
                         window_id, len(selection.outside_scope), name_list(
                             ["%s (%s)" % (found[i]["name"], found[i]["where"]) for i in selection.outside_scope])))
    if selection.foreign_marked:
        lines.append("Window %s: %d task(s) or plan(s) end their pauseContext with this window's marker but were paused "
                     "by an account that never paused for this window (by hand, or by another tool): they are left "
                     "paused: %s" % (window_id, len(selection.foreign_marked), name_list(
                         ["%s (paused by %s: %s)" % (e["name"], e.get("pause_user"), e.get("pause_context"))
                          for e in selection.foreign_marked])))
    if selection.other_windows:
        lines.append("Window %s: other windows still hold tasks or plans in this scope and keep them until they "
                     "resume: %s." % (window_id, ", ".join("window %s (%d)" % item
                                                           for item in selection.other_windows.items())))
    return lines


def resume_messages(outcome) -> tuple:
    """Lines of the resume phase: where the search looked and what else it found, ``nothing to resume for window
    <id>``, or what was resumed.

    :param outcome: a ``PhaseOutcome`` of the resume phase.
    :returns: ``(selection lines: list of str, what was resumed: str or None)``, as :func:`pause_messages`.
    """
    selection, window = outcome.selection, outcome.request.window
    if selection is None:
        return [], None
    lines = _search_lines(window.id, selection)
    if not selection.tasks and not selection.plans:
        where_looked = "the account" if selection.searched == "account" else "the selectors' scopes"
        return lines + ["nothing to resume for window %s: nothing in %s is paused with the marker %s at the end of its "
                        "pauseContext. If a pause ran with this id, check the window id (and the credentials: they "
                        "must see the tasks the pause used)." % (window.id, where_looked, window.marker)], None
    resumed = set(outcome.resumed_task_ids()) | set(outcome.resumed_plan_ids())
    tasks = [t["name"] for t in selection.tasks if t["id"] in resumed]
    plans = [p["name"] for p in selection.plans if p["id"] in resumed]
    return lines, "Window %s: %s %s and %s." % (window.id, "would resume" if outcome.check_mode else "resumed",
                                                _counted(len(tasks), "task", tasks), _counted(len(plans), "plan", plans))


def report_message(window_id, report) -> str:
    """``Window <id>: report <json> (<status>[, everything found with the marker is back]), one file per run in
    <runs directory>; summary <md>.``

    :param report: the ``WindowReport`` after its last record.
    """
    summary = report.document["summary"]
    return "Window %s: report %s (%s%s), one file per run in %s; summary %s." % (
        window_id, report.json_path, summary["status"],
        ", everything found with the marker is back" if summary["all_back"] else "", report.runs_path,
        report.markdown_path)


def _failure(f) -> str:
    return "%s %s%s: %s%s%s" % (
        f["kind"], f["id"], " (%s)" % f["name"] if f.get("name") else "", "HTTP %s " % f["status"] if f.get("status")
        else "", f.get("message") or f["result"], " (request id %s)" % f["request_id"] if f.get("request_id") else "")


def failure_message(outcome, failures, attempted, report_path=None) -> str:
    """The message a failed phase ends with: what stopped it or which ids failed, hints, what to run next.

    :param outcome: the ``PhaseOutcome``. :param failures: ``run_failures`` of its record (list of dicts).
    :param attempted: how many tasks and plans a change was due for (int).
    :param report_path: the JSON report, or None.
    """
    request, window = outcome.request, outcome.request.window
    phase = request.phase
    if outcome.drain is not None and outcome.drain.error:
        return "Window %s: %s%s" % (window.id, outcome.drain.error, " Report: %s." % report_path if report_path else "")
    if outcome.error:
        text = "Window %s: the %s phase stopped at %s" % (window.id, phase, outcome.error.rstrip("."))
    else:
        text = "Window %s: the %s phase could not %s %d of %d task(s) or plan(s): %s" % (
            window.id, phase, phase, len(failures), attempted, "; ".join(_failure(f) for f in failures[:FAILURE_LIMIT]))
        if len(failures) > FAILURE_LIMIT:
            text += "; and %d more (see the report)" % (len(failures) - FAILURE_LIMIT)
    text += "."
    statuses = {f.get("status") for f in failures}
    if 403 in statuses:
        text += (" A 403 on pause or resume means the account lacks the TMC_OPERATOR permission or the AUTHOR role on "
                 "the workspace: grant both.")
    if 429 in statuses:
        text += (" A 429 means the API's rate limit held through every retry: run the phase again later, or lower "
                 "talend_rate_limit or talend_max_workers.")
    if not outcome.changed_anything() and not outcome.unsure_anything():
        text += " Nothing was changed."
    elif phase == "pause":
        text += (" What was paused keeps the marker %s. Run the pause phase again to pause what is left (what the "
                 "window holds stays as it is), or bring everything back with -e maintenance_window_phase=resume "
                 "-e maintenance_window_id=%s." % (window.marker, window.id))
    else:
        text += (" What was not resumed still carries the marker %s: run the resume phase again." % window.marker)
    if report_path:
        text += " Report: %s." % report_path
    return text


def _first(items, show, limit=10) -> str:
    text = "; ".join(show(i) for i in items[:limit])
    return text + ("; and %d more (see the report)" % (len(items) - limit) if len(items) > limit else "")


def finding_messages(outcome) -> list:
    """One line per class of finding of the checks (read-back, leaks, drift, skipped runs, re-arm): the count, then
    the first names; the details are in the report under the same keys.

    :param outcome: a ``PhaseOutcome``.
    """
    window_id, lines = outcome.request.window.id, []
    verify = outcome.verify
    if verify.asked or verify.error:
        if verify.error:
            lines.append("Window %s: the writes could not be read back (%s): what they did is not confirmed; run the "
                         "phase again to see." % (window_id, verify.error))
        else:
            lines.append("Window %s: read back %d write(s) in %d round(s): %d confirmed%s." % (
                window_id, len(verify.asked), verify.rounds, len(verify.confirmed),
                (", %d accepted but never seen done: %s" % (len(verify.never_confirmed), _first(
                    sorted(verify.never_confirmed.items()), lambda kv: "%s (%s)" % kv))) if verify.never_confirmed
                else ""))
    leaks = outcome.leaks
    if leaks is not None and (leaks.found or leaks.error):
        lines.append("Window %s: %s" % (window_id, ("the runs of the held tasks could not be read (%s)" % leaks.error)
                                        if leaks.error else "%d run(s) of held tasks started after the task was paused "
                                        "(leaks): %s" % (len(leaks.found), _first(leaks.found, lambda e: "%s (%s, %s, "
                                                                                  "%s)" % (e["name"], e["execution_id"],
                                                                                           e["type"], e["start"])))))
    drift = outcome.drift
    held_any = outcome.selection is not None and (outcome.selection.tasks or outcome.selection.plans)
    if drift is not None and not drift.checked and not outcome.request.pausing and held_any:
        lines.append("Window %s: drift not checked: no pause record of this window on this machine (or a tenant "
                     "whose lists carry no pause details)." % window_id)
    elif drift is not None:
        for items, what, show in (
                (drift.resumed_by_others, "held task(s) or plan(s) resumed by someone else during the window",
                 lambda e: "%s (by %s at %s)" % (e["name"], e["by"], e["at"])),
                (drift.repaused, "held task(s) or plan(s) paused again by someone else with another context",
                 lambda e: "%s (by %s: %r)" % (e["name"], e["by"], e["context"])),
                (drift.gone, "held task(s) or plan(s) deleted or no longer visible to these credentials",
                 lambda e: "%s (was in %s)" % (e["name"], e["where"])),
                (drift.moved, "held task(s) or plan(s) moved during the window (resumed where they are now)",
                 lambda e: "%s (%s -> %s)" % (e["name"], e["from"], e["to"])),
                (drift.created, "task(s) or plan(s) created in the paused scope during the window (left as they are)",
                 lambda e: "%s (%s)" % (e["name"], e["where"]))):
            if items:
                lines.append("Window %s: drift: %d %s: %s" % (window_id, len(items), what, _first(items, show)))
    schedules = outcome.schedules
    if schedules is not None:
        if schedules.ledger_error:
            lines.append("Window %s: skipped runs not known: %s." % (window_id, schedules.ledger_error))
        elif schedules.skipped_runs:
            lines.append("Window %s: the window skipped %d scheduled run(s) of %d task(s) or plan(s): %s" % (
                window_id, len(schedules.skipped_runs), len({r["id"] for r in schedules.skipped_runs}),
                _first(schedules.skipped_runs, lambda r: "%s at %s" % (r["name"], r["date"]))))
        if schedules.error:
            lines.append("Window %s: the next scheduled runs could not be read: %s." % (window_id, schedules.error))
        elif schedules.not_rearmed:
            lines.append("Window %s: %d resumed task(s) or plan(s) will not run again on their own (no scheduled run "
                         "in the next 31 days after one skipped in the window): %s" % (
                             window_id, len(schedules.not_rearmed), _first(schedules.not_rearmed, lambda e: "%s (trigger "
                                                                           "%s, last skipped %s)" % (
                                                                               e["name"], e["trigger"],
                                                                               e["last_skipped"]))))
    return lines + resume_step_messages(outcome)


def resume_step_messages(outcome) -> list:
    """Lines of the resume's waves and catch-up runs (the report's ``waves`` and ``catch_up``): how many waves went
    and what each saw; the catch-up runs started, refused, found from an earlier run, or not known.

    :param outcome: a ``PhaseOutcome`` (``waves``: ``Waves`` or None, ``catch_up``: ``CatchUpOutcome`` or None).
    """
    window_id, lines = outcome.request.window.id, []
    waves = outcome.waves.record() if outcome.waves is not None else None
    if waves and waves["waves"]:
        lines.append("Window %s: resumed in %d wave(s) of up to %d task(s), soonest-due first%s: %s%s" % (
            window_id, len(waves["waves"]), waves["size"],
            " (the next runs could not be read: by name)" if waves["order_error"] else "",
            "; ".join("wave %d: %d task(s), %d failed run(s), %s" % (w["number"], w["resumed"], len(w["failed_runs"]),
                                                                     w["decision"]) for w in waves["waves"]),
            "; %d task(s) or plan(s) left paused with the marker" % len(waves["left"]) if waves["left"] else ""))
    catch_up = outcome.catch_up
    if catch_up is None:
        return lines
    schedules = outcome.schedules
    if catch_up.runs:
        lines.append("Window %s: catch-up: started %d run(s) of resumed task(s) that skipped a scheduled run: %s" % (
            window_id, len(catch_up.runs), _first(catch_up.runs, lambda r: "%s (execution %s)" % (
                r["name"], r["execution_id"]))))
    elif not catch_up.refused and not catch_up.earlier and not (schedules is not None and schedules.ledger_error):
        lines.append("Window %s: catch-up: no resumed task skipped a scheduled run: no run started." % window_id)
    if schedules is not None and schedules.ledger_error:
        lines.append("Window %s: catch-up: the skipped runs are not known, so no run was started for the tasks they "
                     "concern: start the runs the data needs by hand." % window_id)
    if catch_up.refused:
        lines.append("Window %s: catch-up: %d run(s) refused (the others went on): %s. Start them by hand, or run the "
                     "resume phase again: it starts only the runs still owed." % (
                         window_id, len(catch_up.refused), _first(catch_up.refused, lambda r: "%s (%s%s)" % (
                             r["name"], "HTTP %s: " % r["status"] if r.get("status") else "", r["message"]))))
    if catch_up.earlier:
        lines.append("Window %s: catch-up: %d task(s) resumed by an earlier run already got their catch-up run (none "
                     "started again): %s" % (window_id, len(catch_up.earlier), _first(
                         catch_up.earlier, lambda r: "%s (execution %s)" % (r["name"], r["execution_id"]))))
    if catch_up.unknown:
        unknown = _first(catch_up.unknown, lambda r: "%s (%s)" % (r["name"], r["why"]))
        lines.append("Window %s: catch-up: %d task(s) resumed by an earlier run could not be checked, no run started: "
                     "%s" % (window_id, len(catch_up.unknown), unknown))
    return lines


def _when(ms) -> str:
    """``2026-12-07 18:55Z`` of epoch ``ms``."""
    return iso(ms)[:16].replace("T", " ") + "Z" if ms is not None else "unknown"


def plan_messages(plan) -> list:
    """Lines of the plan phase: the window, its selection, the runs it skips, the runs going at its start with
    the drain timeout to use, the cost, the preflight. The report files hold the same with every id.

    :param plan: a ``_tmc_window_plan.Plan``.
    :returns: list of str.
    """
    wid, stats = plan.window_id, plan.stats()
    lines = ["Window %s (plan, read-only): %s to %s; %d request(s) sent, no write." % (
        wid, _when(plan.start_ms), _when(plan.end_ms), sum(plan.requests.values()))]
    if not plan.preflight.get("reachable", True):
        return lines
    lines.append("Window %s will pause %s and %s; %d task(s) and %d plan(s) are held by this window already; %d are "
                 "paused by someone else and left alone." % (
                     wid, _counted(stats["tasks_to_pause"], "task", [e["name"] for e in plan.tasks.to_pause], 10),
                     _counted(stats["plans_to_pause"], "plan", [e["name"] for e in plan.plans.to_pause], 10),
                     stats["tasks_held"], stats["plans_held"], stats["paused_by_others"]))
    lines += ["Window %s: %d of the selection are held by window %s (they stay paused until it resumes): %s"
              % (wid, len(names), owner, name_list(names)) for owner, names in plan.held_by_others().items()]
    per_name = {}
    for run in plan.skipped:
        per_name.setdefault(run["name"], []).append(iso(run["at_ms"])[11:16])
    lines.append("Window %s skips %d scheduled run(s) of %d task(s) or plan(s)%s" % (
        wid, len(plan.skipped), len(per_name), (": " + name_list(["%s (%s)" % (n, ", ".join(t)) for n, t in
                                                                  per_name.items()], 20)) if per_name else "."))
    at_start = plan.at_start()
    lines.append("Window %s: %d run(s) will still be going when it opens%s Use maintenance_window_drain_timeout: %d "
                 "(latest expected end %s + margin %d s); configured: %d s%s." % (
                     wid, len(at_start), (": " + name_list(["%s (expected end %s)" % (r["name"], _when(
                         r["expected_end_ms"])) for r in at_start], 20) + ".") if at_start else ".",
                     plan.drain["suggested_timeout"], _when(plan.drain["latest_end_ms"]) if plan.drain["latest_end_ms"]
                     else "none", plan.drain["margin_seconds"], plan.drain["configured"],
                     "" if plan.drain["enough"] else " (too short)"))
    cost = plan.cost
    lines.append("Window %s cost: the pause phase sends about %d request(s) (%d s at rate_limit %d/min), the resume "
                 "phase about %d; %s" % (
                     wid, cost["pause_requests"], cost["pause_seconds_at_rate_limit"], cost["rate_limit"],
                     cost["resume_requests"], "a service-account token (30 min) %s." % (
                         "outlives the pause phase" if cost["token_outlives_phase"] else
                         "expires during the pause phase and is renewed by the collection")
                     if cost["service_account"] else "a personal access token is used."))
    pre = plan.preflight
    lines.append("Window %s preflight: API reachable, credentials accepted; task list items %s; pausing needs "
                 "TMC_OPERATOR and AUTHOR on each workspace (not testable without a write)." % (
                     wid, "carry pause details" if pre.get("pause_details_on_list", True) else
                     "carry no pause details: the pause phase pauses each of %d task(s) without reading it first "
                     "and reads those that answer 204 (paused already)" % pre.get("detail_reads", 0)))
    return lines
