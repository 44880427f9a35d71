# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The report step of the window engine: the record of one run, and what the runs of a window add up to.

Nothing here sends a request or writes a file: the record is built from the typed outcomes of the steps, and
the summary answers "what did this window pause, and is all of it back?" (one run at a time, so that it never
needs the earlier runs' records). Where the records are kept: ``_tmc_window_report_files``.
"""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import shared_text
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_time import utc_now

ERROR_KEYS = ("status", "message", "detail", "request_id")
HEADER_KEYS = ("phase", "started", "finished", "outcome", "error", "reason", "marker", "counts")
"""Keys of a run record that its entry in the report's index repeats (:func:`run_header`)."""

PAUSED = "paused"
HELD = "held: paused by an earlier run of this window"
FOREIGN = "left alone: paused by someone else"
LOST_ANSWER = "paused: the answer was lost, the window marker is in place"
TAKEN_MEANWHILE = "left alone: paused by someone else since the selection"
RESUMED = "resumed"
ALREADY_ACTIVE = "already active: resumed meanwhile (by someone else, or by this run when its answer was lost)"
FAILED = "failed"
NOT_ATTEMPTED = "not attempted"
UNKNOWN = "may have changed: the run stopped before the answer came (run the phase again: it reads the truth)"
WINDOW_HOLDS = (PAUSED, HELD, LOST_ANSWER)


def _before(summary) -> dict:
    return {"paused": bool(summary.get("paused")), "pause_context": summary.get("pause_context"),
            "pause_user": summary.get("pause_user"), "pause_date": summary.get("pause_date")}


def _error(failure) -> dict:
    return {k: failure.get(k) for k in ERROR_KEYS}


def entry_records(phase, window, before, change=None, confirmed=(), never_confirmed=None, sending=False) -> list:
    """One record per executable of ``before``: its state before, the action taken and its result.

    :param phase: ``pause`` or ``resume``.
    :param window: the ``Window`` (its ``holds`` tells what it held before the run).
    :param before: selection summaries (dicts with ``id``, ``name``, ``paused``, ``pause_context``,
        ``pause_user``, ``pause_date``), read before any change.
    :param change: the ``ChangeOutcome`` of the call for this kind, or None when no call was made.
    :param confirmed: ids read back in the wanted state although their answer did not say so (lost answers).
    :param never_confirmed: ``{id: what was seen}`` of ids answered 202 and never seen in the wanted state.
    :param sending: the calls are being sent (the record written before them, or when the run was stopped while
        they went out): every due id without an answer is recorded as :data:`UNKNOWN`, never as not attempted.
    :returns: list of ``{id, name, before, action, result, at, error?}``; ``error`` holds ``status``,
        ``message``, ``detail`` and ``request_id`` (the API's request id) of a failed call.
    """
    entries = {e["id"]: e for e in change.entries} if change else {}
    failures = {f["id"]: f for f in change.failures} if change else {}
    whole = {"status": None, "message": change.error, "detail": None, "request_id": None} if (
        change and change.error) else None
    at = change.at if change else None
    confirmed, never_confirmed = set(confirmed or ()), never_confirmed or {}
    records = []
    for summary in before or []:
        eid = summary["id"]
        state = _before(summary)
        record = {"id": eid, "name": summary.get("name"), "where": summary.get("where"),
                  "workspace_id": summary.get("workspace_id"), "before": state,
                  "action": "none", "result": None, "at": None}
        if phase == "pause" and state["paused"]:
            record["result"] = HELD if window.holds(state["pause_context"]) else FOREIGN
            records.append(record)
            continue
        record["action"] = phase
        record["at"] = at
        entry, failure = entries.get(eid), failures.get(eid) or whole
        if failure is not None:
            record["error"] = _error(failure)
            record["result"] = LOST_ANSWER if eid in confirmed else FAILED
        elif entry is None:
            record["result"] = LOST_ANSWER if eid in confirmed else (UNKNOWN if sending else NOT_ATTEMPTED)
        elif eid in never_confirmed:
            record["result"] = FAILED
            record["error"] = {"status": 202, "message": "accepted (HTTP 202) but never seen %s; seen: %s" % (
                "paused with the window marker" if phase == "pause" else "resumed", never_confirmed[eid]),
                "detail": None, "request_id": None}
        elif entry.get("changed"):
            record["result"] = PAUSED if phase == "pause" else RESUMED
        elif phase == "pause":
            record["result"] = LOST_ANSWER if eid in confirmed else TAKEN_MEANWHILE
        else:
            record["result"] = RESUMED if eid in confirmed else ALREADY_ACTIVE
        records.append(record)
    return records


def count_records(records) -> dict:
    """Counts of a run's records: ``{selected, attempted, paused, held, left_alone, resumed, already_active,
    failed, not_attempted, unknown, window_holds}`` (``attempted``: a pause or resume was due; ``window_holds``: paused
    now, earlier or with a lost answer)."""
    results = [r["result"] for r in records]
    return {
        "selected": len(records),
        "attempted": sum(1 for r in records if r["action"] != "none"),
        "paused": results.count(PAUSED) + results.count(LOST_ANSWER),
        "held": results.count(HELD),
        "left_alone": results.count(FOREIGN) + results.count(TAKEN_MEANWHILE),
        "resumed": results.count(RESUMED),
        "already_active": results.count(ALREADY_ACTIVE),
        "failed": results.count(FAILED),
        "not_attempted": results.count(NOT_ATTEMPTED),
        "unknown": results.count(UNKNOWN),
        "window_holds": sum(results.count(r) for r in WINDOW_HOLDS),
    }


def build_run(phase, marker, tasks, plans, started, finished=None, reason=None, error=None, drain=None,
              steps=None) -> dict:
    """The record of one run of a phase.

    :param tasks: records of :func:`entry_records` for tasks.
    :param plans: records for plans.
    :param started: ISO 8601 time the phase started; ``finished`` defaults to now.
    :param error: message of an error that stopped the phase (selection, drain), or None.
    :param drain: drain outcome (dict) of the pause phase, or None.
    :param steps: further step records by their report key (e.g. ``{"read_back": {...}}``), or None.
    :returns: ``{phase, started, finished, reason, marker, outcome, error, counts: {tasks, plans}, tasks,
        plans, drain, ...steps}``; ``outcome`` is ``succeeded`` or ``failed`` (an error, or a record failed
        or not attempted).
    """
    counts = {"tasks": count_records(tasks), "plans": count_records(plans)}
    incomplete = any(c["failed"] or c["not_attempted"] or c["unknown"] for c in counts.values())
    return {"phase": phase, "started": started, "finished": finished or utc_now(), "reason": reason,
            "marker": marker, "outcome": "failed" if (error or incomplete) else "succeeded", "error": error,
            "counts": counts, "tasks": tasks, "plans": plans, "drain": drain, **(steps or {})}


def run_failures(run) -> list:
    """Records of ``run`` that failed or were not attempted, flat: ``[{kind, id, name, result, status, message,
    request_id}]`` (``kind`` is ``task`` or ``plan``)."""
    return [{"kind": kind[:-1], "id": r["id"], "name": r.get("name"), "result": r["result"],
             "status": (r.get("error") or {}).get("status"), "message": (r.get("error") or {}).get("message"),
             "request_id": (r.get("error") or {}).get("request_id")}
            for kind in ("tasks", "plans") for r in run[kind] if r["result"] in (FAILED, NOT_ATTEMPTED, UNKNOWN)]


def add_to_summary(summary, run) -> dict:
    """The summary of a window's runs, one more run added: a fold, so that the summary of the earlier runs (kept in the
    report's index) and the current run give what :func:`summarize` of all of them gives.

    :param summary: the summary of the earlier runs (a dict as :func:`summarize` returns, maybe read back from JSON),
        or None for no earlier run. Not changed.
    :param run: the next run record (:func:`build_run`).
    :returns: ``{status, all_back, paused_by_window: {tasks: {id: name}, plans}, resumed: {tasks, plans},
        not_resumed: {tasks, plans}}``. ``status`` and ``all_back`` are those of ``run``, the last run: ``all_back``
        is true when it is a resume that succeeded and searched the whole account (nothing the credentials see
        carries the marker any more). ``not_resumed`` lists what a pause run holds and no resume run resumed.
    """
    summary = summary or {}
    held = {k: dict((summary.get("paused_by_window") or {}).get(k) or {}) for k in ("tasks", "plans")}
    resumed = {k: dict((summary.get("resumed") or {}).get(k) or {}) for k in ("tasks", "plans")}
    for kind in ("tasks", "plans"):
        for record in run.get(kind) or []:
            if run.get("phase") == "pause" and record.get("result") in WINDOW_HOLDS:
                held[kind][record["id"]] = record.get("name")
            elif run.get("phase") == "resume" and record.get("result") in (RESUMED, ALREADY_ACTIVE):
                resumed[kind][record["id"]] = record.get("name")
    return _summary(held, resumed, run)


def kept_summary(summary) -> dict:
    """What :func:`add_to_summary` needs of a summary read back from the index: ``paused_by_window`` and ``resumed``,
    their ids and names one object each with the resume's own (``not_resumed`` is worked out again): at 30,000 tasks
    a third map of 30,000 entries is not kept for nothing."""
    def names(mapping):
        return {k: {shared_text(i): shared_text(n) for i, n in ((mapping or {}).get(k) or {}).items()}
                for k in ("tasks", "plans")}
    return {"paused_by_window": names(summary.get("paused_by_window")), "resumed": names(summary.get("resumed"))}


def _summary(held, resumed, last) -> dict:
    ok = last.get("outcome") == "succeeded"
    whole_account = (last.get("search") or {}).get("searched", "account") == "account"
    status = {("pause", True): "paused", ("pause", False): "pause incomplete",
              ("resume", True): "resumed", ("resume", False): "resume incomplete"}.get((last.get("phase"), ok), "empty")
    not_resumed = {k: {i: n for i, n in held[k].items() if i not in resumed[k]} for k in held}
    return {"status": status, "all_back": last.get("phase") == "resume" and ok and whole_account,
            "paused_by_window": held,
            "resumed": resumed, "not_resumed": not_resumed}


def summarize(runs) -> dict:
    """What the runs of a window add up to: :func:`add_to_summary` over ``runs`` (a list of run records, in order);
    no run: status ``empty``."""
    summary = _summary({"tasks": {}, "plans": {}}, {"tasks": {}, "plans": {}}, {})
    for run in runs:
        summary = add_to_summary(summary, run)
    return summary


def run_header(number, file, run) -> dict:
    """The entry of a run in the report's index: the run record without its task and plan records and its steps.

    :param number: the run's number in the window (int, from 1). :param file: its run file, relative to the report
        directory (str). :param run: the run record (:func:`build_run`).
    :returns: ``{number, file, phase, started, finished, outcome, error, reason, marker, counts}``.
    """
    return dict({"number": number, "file": file}, **{k: run.get(k) for k in HEADER_KEYS})


def valid_run(run) -> bool:
    """True when ``run`` has the shape the report reads: a dict whose ``phase`` is ``pause`` or ``resume`` and whose
    ``tasks`` and ``plans`` are lists of records with an ``id``."""
    return isinstance(run, dict) and run.get("phase") in ("pause", "resume") and all(
        isinstance(run.get(kind, []), list) and all(isinstance(r, dict) and "id" in r for r in run.get(kind, []))
        for kind in ("tasks", "plans"))
