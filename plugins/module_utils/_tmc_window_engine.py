# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The window engine: one phase of a maintenance window goes one way through here.

    check_request ─ report dir ─ client ─┬─ pause:  select ─ change (plans, tasks) ─ read back ─ record ─ drain ─ record
                                         └─ resume: select ─ waves (change, read back, ledger, catch-up, watch) ─ plans ─ record
                                                          └────── result: messages, facts, stats, failure text

Each step lives in its own ``_tmc_window_<step>.py`` file and returns one typed outcome; :class:`PhaseOutcome`
holds them and is the one source of the report record, the messages and the result. A new step is a new file
and one call in :func:`run_window_phase`'s phase function (see ``docs/architecture.md``).
"""

from __future__ import annotations

import os
import time

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import HAS_REQUESTS, client_from_options
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError, TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import PLAN, TASK
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_files import check_writable_directory, write_atomically
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_ratelimit import DEFAULT_RATE_LIMIT
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import iso_utc
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import parse_instant
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_time import utc_now
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_catchup import CatchUp
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_change import change_states
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_cold import settle_unknown
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_drain import Drain
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_drift import (
    PauseRecord,
    find_drift,
    set_aside_foreign,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import NOTHING_SENT, check_request
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_leaks import find_leaks
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_order import horizon_seconds, soonest_first
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_outcome import PhaseOutcome
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan import make_plan
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_client import PlanClient, WriteRefused
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_html import render_plan_html
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_markdown import render_plan_markdown
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_progress import Pulse
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_report import run_failures
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_report_files import WindowReport, report_paths
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_select import (
    PhaseError,
    select_for_pause,
    select_for_resume,
    sort_for_pause,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_text import (
    failure_message,
    finding_messages,
    pause_messages,
    plan_messages,
    report_message,
    resume_messages,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_verify import verify_changes
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_waves import Waves


class PhaseInterrupted(Exception):
    """A signal (SIGINT, SIGTERM: what AWX sends on cancel) stopped the phase; ``str()`` names it."""


REQUESTS_MISSING = ("The Python library 'requests' is required on the controller (the Python that runs "
                    "ansible-playbook, or the execution environment): pip install -r requirements.txt of the collection.")


def _soonest_first(client, outcome) -> tuple:
    """The plans and the tasks to pause, those with a run due soonest first (``_tmc_window_order``)."""
    due = outcome.plans.to_pause + outcome.tasks.to_pause
    if not due or outcome.check_mode:  # nothing goes out in check mode: no order to choose, no search sent
        return outcome.plans.to_pause, outcome.tasks.to_pause
    now_ms = parse_instant(utc_now(), "now")
    horizon = horizon_seconds(len(due), client.limiter.per_minute)
    ordered, outcome.due_soon, error = soonest_first(client, due, now_ms, horizon)
    outcome.order = {"horizon_seconds": horizon, "due_in_horizon": len(outcome.due_soon), "error": error}
    plan_ids = {e["id"] for e in outcome.plans.to_pause}
    return [e for e in ordered if e["id"] in plan_ids], [e for e in ordered if e["id"] not in plan_ids]


def _about_to_send(outcome, report):
    """Record what is about to be sent before sending it, so that a run killed while its calls go out leaves a
    record that names every id it may have changed."""
    outcome.sending = True
    if not outcome.check_mode:
        report.record(outcome.record())


def _verify(client, outcome, pausing):
    environment_of = {e["id"]: e.get("environment_id") for e in outcome.selection.tasks + outcome.selection.plans}
    outcome.verify = verify_changes(client, outcome.request.window, (outcome.task_change, outcome.plan_change),
                                    pausing, environment_of, outcome.check_mode)


def _pause(client, outcome, report, say):
    request, window = outcome.request, outcome.request.window
    outcome.selection = select_for_pause(client, request, leave_pause_state_unknown=not outcome.check_mode)
    outcome.tasks = sort_for_pause(outcome.selection.tasks, window)
    outcome.plans = sort_for_pause(outcome.selection.plans, window)
    context = window.pause_context(request.reason)
    plans, tasks = _soonest_first(client, outcome)
    _about_to_send(outcome, report)
    outcome.plan_change = change_states(client, PLAN, [e["id"] for e in plans], True, context, outcome.check_mode,
                                        say, "Window %s: pausing plans" % window.id)
    outcome.task_change = change_states(client, TASK, [e["id"] for e in tasks], True, context, outcome.check_mode,
                                        say, "Window %s: pausing tasks" % window.id)
    outcome.cold = settle_unknown(client, window, outcome.tasks, outcome.task_change)
    outcome.sending = False
    _verify(client, outcome, pausing=True)
    report.record(outcome.record())
    if request.drain.enabled and not outcome.failed_ids():
        names = outcome.selection.names()
        outcome.drain = Drain(client, window, outcome.held_task_ids(), names, request.drain, say).run(outcome.check_mode)
        outcome.leaks = find_leaks(client, _held_since(outcome))
        report.record(outcome.record())


def _held_since(outcome) -> list:
    """``[{id, name, environment_id, paused_at}]`` of the tasks the window holds after the pause phase (held
    before: their ``pauseDate``; paused by this run: when its pause calls ended)."""
    held, paused_now = set(outcome.held_task_ids()), set(outcome.newly_paused())
    return [dict(e, paused_at=outcome.task_change.at if e["id"] in paused_now else e.get("pause_date"))
            for e in outcome.selection.tasks if e["id"] in held]


def _resume(client, outcome, report, say):
    window = outcome.request.window
    record = PauseRecord.of(report.earlier_runs())  # one pass, one run file at a time
    if record.warning(window.id):
        report.warnings.append(record.warning(window.id))
    outcome.selection = select_for_resume(client, outcome.request, expected=record.held)
    set_aside_foreign(outcome.selection, record.window_users())
    outcome.drift = find_drift(record, outcome.selection)
    outcome.leaks = find_leaks(client, outcome.selection.tasks)   # each since its pauseDate
    catch_up = CatchUp(client, outcome.request.resume, say, window.id)
    outcome.catch_up = catch_up.outcome if catch_up.enabled and not outcome.check_mode else None
    outcome.waves = Waves(client, outcome.request, say, catch_up, outcome.check_mode)
    outcome.schedules = outcome.waves.schedules
    outcome.waves.run(outcome.selection,
                      lambda tasks, plans: _resume_some(client, outcome, report, tasks, plans, say))
    outcome.error = outcome.waves.error and "Resume in waves: " + outcome.waves.error
    report.record(outcome.record())


def _held_since_text(outcome, tasks):
    """With catch-up runs: the earliest ``pauseDate`` of ``tasks``, for the resume context (None otherwise)."""
    if outcome.request.resume.catch_up == "none":
        return None
    dates = [e["pause_date"] for e in tasks if e.get("pause_date")]
    return min(dates, key=lambda d: parse_instant(iso_utc(d), "pauseDate")) if dates else None


def _resume_some(client, outcome, report, tasks, plans, say) -> tuple:
    """One resume step (every task and plan at once, or one wave): recorded before its calls go out, one change of
    the tasks then the plans, their read-back, all added to ``outcome`` and recorded.

    :param tasks: task summaries to resume; :param plans: plan summaries. :param say: ``say(line)`` for the
        progress of the calls (every 30 s).
    :returns: ``(ids resumed, the API's time of the writes: ISO 8601 or None)``.
    """
    window, check_mode = outcome.request.window, outcome.check_mode
    context = window.resume_context(_held_since_text(outcome, tasks))
    _about_to_send(outcome, report)
    task_change = change_states(client, TASK, [e["id"] for e in tasks], False, context, check_mode, say,
                                "Window %s: resuming tasks" % window.id)
    plan_change = change_states(client, PLAN, [e["id"] for e in plans], False, context, check_mode, say,
                                "Window %s: resuming plans" % window.id)
    outcome.task_change.add(task_change)
    outcome.plan_change.add(plan_change)
    outcome.sending = False
    environment_of = {e["id"]: e.get("environment_id") for e in tasks + plans}
    verification = verify_changes(client, window, (task_change, plan_change), False, environment_of, check_mode)
    outcome.verify.add(verification)
    report.record(outcome.record())
    done = set(outcome.resumed_task_ids()) | set(outcome.resumed_plan_ids())
    return [i for i in task_change.ids + plan_change.ids if i in done], verification.api_now or (
        None if check_mode else utc_now())


def _stats(window_id, phase, outcome="failed", status="empty", counts=None, report_path="") -> dict:
    """The ``set_stats`` data of a phase: the window id and the counts, for the next job of an AWX workflow."""
    counts = counts or {}
    return {"maintenance_window_id": window_id,
            "maintenance_window_stats": {"phase": phase, "outcome": outcome, "status": status,
                                         "tasks": counts.get("tasks", {}), "plans": counts.get("plans", {}),
                                         "report": report_path or ""}}


def _refused(params, message) -> dict:
    """The result of a phase refused before any request."""
    return {"failed": True, "changed": False, "msg": message, "outcome": "failed", "messages": [],
            "selection_messages": [], "phase_message": "", "report_message": "", "error": message, "failures": [],
            "counts": {}, "paused_task_ids": [], "paused_plan_ids": [], "resumed_task_ids": [], "resumed_plan_ids": [],
            "failed_ids": [], "stats": _stats(params.get("window_id"), params.get("phase"))}


def run_window_phase(params, check_mode=False, say=print, warn=None) -> dict:
    """Run one phase of a window, the only path of every phase.

    :param params: validated options of ``talend_window_phase`` (``window_argument_spec`` and the connection
        options, ``tmc_argument_spec``).
    :param check_mode: read only; no ``PUT``, ``DELETE`` or file written.
    :param say: ``say(line)`` tells the operator a line as it happens (drain polls, waves, progress); while a pause
        or resume runs, a line at least every 30 s (``_tmc_window_progress.Pulse``).
    :param warn: ``warn(text)`` for non-fatal problems, or None.
    :returns: the action result (dict): ``changed``, ``messages``, ``selection_messages``, ``phase_message``,
        ``report_message``, ``finding_messages`` (one line per class of finding of the checks), ``error``,
        ``outcome``, ``started``, ``counts``, ``failures``, ``summary``,
        ``paused_task_ids``, ``paused_plan_ids``, ``resumed_task_ids``, ``resumed_plan_ids``, ``failed_ids``,
        ``drain``, ``stats`` (``set_stats`` data), ``json_path``/``markdown_path`` when written; ``failed`` and
        ``msg`` (what went wrong and what to run next) when the phase failed.
    """
    started = utc_now()
    try:
        request = check_request(params, now_ms=int(time.time() * 1000))
    except TalendConfigError as exc:
        return _refused(params, "Window %s: %s" % (params.get("window_id"), exc))
    window = request.window
    if request.report_dir and not check_mode:
        try:
            check_writable_directory(request.report_dir)
        except OSError as exc:
            return _refused(params, "Window %s: the report directory %s cannot be used: %s. Give a writable "
                                    "maintenance_window_report_dir (or an empty one for no report). %s"
                            % (window.id, request.report_dir, exc.strerror or exc, NOTHING_SENT))
    if not HAS_REQUESTS:
        return _refused(params, "Window %s: %s %s" % (window.id, REQUESTS_MISSING, NOTHING_SENT))
    try:
        client = client_from_options(params, warn=warn)
    except TalendError as exc:
        return _refused(params, "Window %s: %s %s" % (window.id, exc, NOTHING_SENT))
    if request.planning:
        return _plan(client, request, params, check_mode)
    report = WindowReport(request.report_dir, window.id, request.tenant, check_mode)
    try:
        if not report.lock():
            busy = ("Window %s: another run of this window is going on on this machine (its report %s is locked): "
                    "let it end, then run again." % (window.id, report.json_path))
            return _refused(params, "%s %s" % (busy, NOTHING_SENT))
        report.load()  # a file that is not a report of this window is set aside before any request
    except OSError as exc:
        report.unlock()
        return _refused(params, "Window %s: the report %s cannot be read or set aside: %s. %s" % (
            window.id, report.json_path, exc.strerror or exc, NOTHING_SENT))
    try:
        with Pulse(say, "Window %s" % window.id) as pulse:   # a line at least every 30 s while the phase runs
            return _run(client, request, report, check_mode, pulse, started)
    finally:
        report.unlock()


def _run(client, request, report, check_mode, say, started) -> dict:
    """The phase once its report is locked (see :func:`run_window_phase`)."""
    outcome = PhaseOutcome(request, started, check_mode)
    report_error = None
    try:
        (_pause if request.pausing else _resume)(client, outcome, report, say)
    except PhaseError as exc:
        outcome.error = str(exc)
    except PhaseInterrupted as exc:
        outcome.error = ("Interrupted by %s: the run stopped; the record names every task and plan it may have "
                         "changed. Run the phase again: it reads the truth from the API." % exc)
        report_error = _record_last(outcome, report)
    except OSError as exc:
        report_error = "the report %s could not be written: %s" % (report.json_path, exc.strerror or exc)
    return _result(outcome, report, report_error)


def _plan(client, request, params, check_mode) -> dict:
    """The plan phase (read-only): forecast, write ``<id>.plan.md`` and ``<id>.plan.html``, return the result with
    ``plan_messages``, ``plan`` (the stats) and the ``set_stats`` data ``maintenance_window_plan``."""
    window, reads = request.window, PlanClient(client, request.task_ids)
    try:
        plan = make_plan(reads, request, int(time.time() * 1000), params.get("rate_limit") or DEFAULT_RATE_LIMIT)
    except WriteRefused as exc:
        return _refused(params, "Window %s: %s. This is a bug of the collection: please report it." % (window.id, exc))
    lines, paths, where = plan_messages(plan), {}, ""
    if request.report_dir and not check_mode:
        stem = os.path.splitext(report_paths(request.report_dir, window.id, request.tenant)[0])[0]
        paths = {"plan_markdown_path": stem + ".plan.md", "plan_html_path": stem + ".plan.html"}
        try:
            write_atomically(paths["plan_markdown_path"], render_plan_markdown(plan))
            write_atomically(paths["plan_html_path"], render_plan_html(plan))
        except OSError as exc:
            plan.error = plan.error or "the plan files could not be written: %s" % (exc.strerror or exc)
            paths = {}
        if paths:
            where = "Window %s: plan %s; open %s in a browser (self-contained, no script)." % (
                window.id, paths["plan_markdown_path"], paths["plan_html_path"])
    elif check_mode:
        where = "Window %s: check mode: the plan files are not written." % window.id
    stats = plan.stats()
    result = dict(changed=False, messages=lines + ([where] if where else []), plan_messages=lines, finding_messages=[],
                  selection_messages=[], phase_message="", report_message=where, error=plan.error,
                  outcome="failed" if plan.error else "succeeded", plan=stats, requests_sent=plan.requests,
                  paused_task_ids=[], paused_plan_ids=[], resumed_task_ids=[], resumed_plan_ids=[], failed_ids=[],
                  stats={"maintenance_window_id": window.id, "maintenance_window_plan": stats}, **paths)
    if plan.error:
        result.update(failed=True, msg="Window %s: the plan phase stopped at %s. Nothing was changed (the plan only "
                                       "reads)." % (window.id, plan.error.rstrip(".")))
    return result


def _record_last(outcome, report):
    """Write the record of an interrupted run; the error text when that failed too, else None."""
    try:
        report.record(outcome.record())
    except (OSError, PhaseInterrupted) as exc:
        return "the report %s could not be written: %s" % (report.json_path, exc)
    return None


def _result(outcome, report, report_error) -> dict:
    request, window = outcome.request, outcome.request.window
    run = outcome.record()
    failures = run_failures(run)
    attempted = sum(run["counts"][k]["attempted"] for k in ("tasks", "plans"))
    notes, done = (pause_messages if request.pausing else resume_messages)(outcome)
    findings = finding_messages(outcome)
    written = report.document is not None and report.written
    where = report_message(window.id, report) if written else ""
    summary = report.document["summary"] if report.document else {"status": "empty", "all_back": False}
    result = dict(
        changed=outcome.changed_anything(), messages=notes + findings + [m for m in (done, where) if m],
        selection_messages=notes, finding_messages=findings,
        phase_message=done or "", report_message=where, error=run["error"], outcome=run["outcome"],
        started=outcome.started, counts=run["counts"], failures=failures,
        summary={"status": summary["status"], "all_back": summary["all_back"]},
        paused_task_ids=outcome.held_task_ids() if request.pausing else [],
        paused_plan_ids=outcome.held_plan_ids() if request.pausing else [],
        resumed_task_ids=outcome.resumed_task_ids(), resumed_plan_ids=outcome.resumed_plan_ids(),
        failed_ids=outcome.failed_ids(), drain=run["drain"], warnings=list(report.warnings),
        stats=_stats(window.id, request.phase, run["outcome"] if outcome.selection else "failed",
                     summary["status"], run["counts"], report.json_path if written else ""))
    if written:
        result.update(json_path=report.json_path, markdown_path=report.markdown_path)
    if report_error:
        result.update(failed=True, msg="Window %s: %s. The tenant was changed as the messages say; the API holds the "
                                       "truth: run the phase again to see it." % (window.id, report_error))
    elif run["outcome"] != "succeeded":
        result.update(failed=True, msg=failure_message(outcome, failures, attempted,
                                                       report.json_path if written else None))
    return result
