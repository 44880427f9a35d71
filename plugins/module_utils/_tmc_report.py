# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Audit report of a maintenance window: one record per run, kept in ``<dir>/<window id>.json``.

Nothing here sends a request: the record is built from what the role's modules returned. The JSON
file holds every run of the window seen on this machine (pause, re-runs, resume) and a summary
that answers "what did this window pause, and is all of it back?"; a short Markdown file beside it
says the same for people. Both are written atomically (temporary file in the same directory,
``fsync``, ``os.replace``), readable by the owner only.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import datetime, timezone

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError

REPORT_VERSION = 1
WINDOW_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ERROR_KEYS = ("status", "message", "detail", "request_id")
MARKDOWN_LIST_LIMIT = 50

PAUSED = "paused"
HELD = "held: paused by an earlier run of this window"
FOREIGN = "left alone: paused by someone else"
LOST_ANSWER = "paused: the answer was lost, the window marker is in place"
TAKEN_MEANWHILE = "left alone: paused by someone else since the selection"
RESUMED = "resumed"
ALREADY_ACTIVE = "already active: resumed meanwhile (by someone else, or by this run when its answer was lost)"
FAILED = "failed"
NOT_ATTEMPTED = "not attempted"
WINDOW_HOLDS = (PAUSED, HELD, LOST_ANSWER)


def utc_now() -> str:
    """Now in ISO 8601 UTC with seconds, e.g. ``2026-11-29T01:00:00Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_window_id(window_id) -> str:
    """Return ``window_id`` when it is a safe file name stem, else raise.

    :raises TalendConfigError: not ``^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`` (so no ``/`` or ``..`` prefix).
    """
    if not isinstance(window_id, str) or not WINDOW_ID_RE.fullmatch(window_id):
        raise TalendConfigError(
            "window_id %r is not a valid window id: use 1 to 64 letters, digits, '.', '_' or '-', starting with "
            "a letter or digit. Nothing was written." % (window_id,))
    return window_id


def _outcomes(result):
    """``({id: entry}, {id: failure}, whole-module error or None)`` from a registered pause module result."""
    result = result or {}
    entries = {e["id"]: e for e in (result.get("tasks") or []) + (result.get("plans") or [])
               if isinstance(e, dict) and "id" in e}
    failures = {f["id"]: f for f in result.get("failures") or [] if isinstance(f, dict) and "id" in f}
    whole = None
    if result.get("failed") and not failures:
        whole = {"status": None, "message": str(result.get("msg") or "the module failed"), "detail": None,
                 "request_id": None}
    return entries, failures, whole


def _before(summary) -> dict:
    return {"paused": bool(summary.get("paused")), "pause_context": summary.get("pause_context"),
            "pause_user": summary.get("pause_user"), "pause_date": summary.get("pause_date")}


def _error(failure) -> dict:
    return {k: failure.get(k) for k in ERROR_KEYS}


def entry_records(phase, marker, before, result, at=None, confirmed=()) -> list:
    """One record per executable of ``before``: its state before, the action taken and its result.

    :param phase: ``pause`` or ``resume``.
    :param marker: the window marker, e.g. ``[maintenance-window:CHG0042]``.
    :param before: selection summaries (dicts with ``id``, ``name``, ``paused``, ``pause_context``,
        ``pause_user``, ``pause_date``) as ``talend_task_info`` returns them, read before any change.
    :param result: the registered result of ``talend_task_pause`` / ``talend_plan_pause`` (``tasks`` or
        ``plans`` entries, ``failures``), or None when no call was made.
    :param at: ISO 8601 time when that call ended, or None.
    :param confirmed: ids read back after the call that carry ``marker`` while paused (lost answers).
    :returns: list of ``{id, name, before, action, result, at, error?}``; ``error`` holds ``status``,
        ``message``, ``detail`` and ``request_id`` (the API's request id) of a failed call.
    """
    entries, failures, whole = _outcomes(result)
    confirmed = set(confirmed or ())
    records = []
    for summary in before or []:
        eid = summary["id"]
        state = _before(summary)
        record = {"id": eid, "name": summary.get("name"), "before": state, "action": "none", "result": None,
                  "at": None}
        if phase == "pause" and state["paused"]:
            record["result"] = HELD if marker in (state["pause_context"] or "") else FOREIGN
            records.append(record)
            continue
        record["action"] = phase
        record["at"] = at
        entry, failure = entries.get(eid), failures.get(eid) or (whole if result else None)
        if failure is not None:
            record["error"] = _error(failure)
            record["result"] = LOST_ANSWER if eid in confirmed else FAILED
        elif entry is None:
            record["result"] = LOST_ANSWER if eid in confirmed else NOT_ATTEMPTED
        elif entry.get("changed"):
            record["result"] = PAUSED if phase == "pause" else RESUMED
        elif phase == "pause":
            record["result"] = LOST_ANSWER if eid in confirmed else TAKEN_MEANWHILE
        else:
            record["result"] = ALREADY_ACTIVE
        records.append(record)
    return records


def count_records(records) -> dict:
    """Counts of a run's records: ``{selected, attempted, paused, held, left_alone, resumed, already_active,
    failed, not_attempted, window_holds}`` (``attempted``: a pause or resume was due; ``window_holds``: paused
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
        "window_holds": sum(results.count(r) for r in WINDOW_HOLDS),
    }


def build_run(phase, marker, tasks, plans, started, finished=None, reason=None, error=None, drain=None) -> dict:
    """The record of one run of a phase.

    :param tasks: records of :func:`entry_records` for tasks.
    :param plans: records for plans.
    :param started: ISO 8601 time the phase started; ``finished`` defaults to now.
    :param error: message of an error that stopped the phase (selection, drain), or None.
    :param drain: drain outcome (dict) of the pause phase, or None.
    :returns: ``{phase, started, finished, reason, marker, outcome, error, counts: {tasks, plans}, tasks,
        plans, drain}``; ``outcome`` is ``succeeded`` or ``failed`` (an error, or a record failed or not
        attempted).
    """
    counts = {"tasks": count_records(tasks), "plans": count_records(plans)}
    incomplete = any(c["failed"] or c["not_attempted"] for c in counts.values())
    return {"phase": phase, "started": started, "finished": finished or utc_now(), "reason": reason,
            "marker": marker, "outcome": "failed" if (error or incomplete) else "succeeded", "error": error,
            "counts": counts, "tasks": tasks, "plans": plans, "drain": drain}


def run_failures(run) -> list:
    """Records of ``run`` that failed or were not attempted, flat: ``[{kind, id, name, result, status, message,
    request_id}]`` (``kind`` is ``task`` or ``plan``)."""
    return [{"kind": kind[:-1], "id": r["id"], "name": r.get("name"), "result": r["result"],
             "status": (r.get("error") or {}).get("status"), "message": (r.get("error") or {}).get("message"),
             "request_id": (r.get("error") or {}).get("request_id")}
            for kind in ("tasks", "plans") for r in run[kind] if r["result"] in (FAILED, NOT_ATTEMPTED)]


def summarize(runs) -> dict:
    """What the runs of a window add up to.

    :returns: ``{status, all_back, paused_by_window: {tasks: {id: name}, plans}, resumed: {tasks, plans},
        not_resumed: {tasks, plans}}``. ``all_back`` is true when the last run is a resume that succeeded
        (nothing carrying the marker was left in its scope). ``not_resumed`` lists what a pause run of this
        file holds and no resume run of this file resumed.
    """
    held = {"tasks": {}, "plans": {}}
    resumed = {"tasks": {}, "plans": {}}
    for run in runs:
        for kind in ("tasks", "plans"):
            for record in run.get(kind) or []:
                if run.get("phase") == "pause" and record.get("result") in WINDOW_HOLDS:
                    held[kind][record["id"]] = record.get("name")
                elif run.get("phase") == "resume" and record.get("result") in (RESUMED, ALREADY_ACTIVE):
                    resumed[kind][record["id"]] = record.get("name")
    last = runs[-1] if runs else {}
    ok = last.get("outcome") == "succeeded"
    status = {("pause", True): "paused", ("pause", False): "pause incomplete",
              ("resume", True): "resumed", ("resume", False): "resume incomplete"}.get((last.get("phase"), ok), "empty")
    not_resumed = {k: {i: n for i, n in held[k].items() if i not in resumed[k]} for k in held}
    return {"status": status, "all_back": last.get("phase") == "resume" and ok, "paused_by_window": held,
            "resumed": resumed, "not_resumed": not_resumed}


def load_report(path, window_id) -> tuple:
    """Read an existing report; returns ``(document or None, problem text or None)``.

    A file that is not a report of ``window_id`` is not used (``problem`` says why); it is kept aside by
    :func:`write_report`.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as exc:
        return None, "%s could not be read (%s)" % (path, type(exc).__name__)
    if not isinstance(document, dict) or document.get("window_id") != window_id or not isinstance(
            document.get("runs"), list):
        return None, "%s is not a report of window %s" % (path, window_id)
    return document, None


def add_run(document, window_id, run) -> dict:
    """A new report document: ``document`` (or an empty one) with ``run`` appended and the summary redone."""
    runs = list((document or {}).get("runs") or []) + [run]
    return {"report_version": REPORT_VERSION, "window_id": window_id, "updated": run["finished"],
            "summary": summarize(runs), "runs": runs}


def _md_list(mapping, limit=MARKDOWN_LIST_LIMIT) -> list:
    items = ["- `%s` %s" % (i, n or "") for i, n in list(mapping.items())[:limit]]
    if len(mapping) > limit:
        items.append("- ... and %d more (see the JSON report)" % (len(mapping) - limit))
    return items


def render_markdown(document) -> str:
    """Short Markdown summary of a report document: status, one line per run, failures, what is still out."""
    summary = document["summary"]
    lines = ["# Maintenance window %s" % document["window_id"], "",
             "Status: **%s**%s. Updated %s." % (
                 summary["status"], " (everything found with the window marker is back)" if summary["all_back"]
                 else "", document["updated"]), "",
             "| # | phase | started | finished | outcome | tasks paused / held / left alone / resumed / failed "
             "| plans paused / held / left alone / resumed / failed |",
             "|---|---|---|---|---|---|---|"]
    for number, run in enumerate(document["runs"], 1):
        cells = ["%(paused)d / %(held)d / %(left_alone)d / %(resumed)d / %(failed)d" % run["counts"][k]
                 for k in ("tasks", "plans")]
        row = (number, run["phase"], run["started"], run["finished"], run["outcome"], cells[0], cells[1])
        lines.append("| %d | %s | %s | %s | %s | %s | %s |" % row)
    last = document["runs"][-1]
    problems = [(k[:-1], r) for k in ("tasks", "plans") for r in last[k] if r["result"] in (FAILED, NOT_ATTEMPTED)]
    if last.get("error") or problems:
        lines += ["", "## Problems of the last run", ""]
        if last.get("error"):
            lines.append("- %s" % last["error"])
        for kind, record in problems[:MARKDOWN_LIST_LIMIT]:
            error = record.get("error") or {}
            lines.append("- %s `%s` %s: %s%s%s" % (
                kind, record["id"], record.get("name") or "", record["result"],
                " (HTTP %s)" % error["status"] if error.get("status") else "",
                ", %s" % error["message"] if error.get("message") else "")
                + (", request id %s" % error["request_id"] if error.get("request_id") else ""))
        if len(problems) > MARKDOWN_LIST_LIMIT:
            lines.append("- ... and %d more (see the JSON report)" % (len(problems) - MARKDOWN_LIST_LIMIT))
    out = summary["not_resumed"] if summary["status"].startswith("resume") else summary["paused_by_window"]
    title = "Paused by this window and not resumed by a run recorded here" if summary["status"].startswith(
        "resume") else "Held paused by this window"
    if out["tasks"] or out["plans"]:
        lines += ["", "## %s" % title, ""]
        for kind in ("tasks", "plans"):
            if out[kind]:
                lines += ["%s:" % kind.capitalize(), ""] + _md_list(out[kind]) + [""]
    return "\n".join(lines).rstrip() + "\n"


def write_atomically(path, text, mode=0o600) -> None:
    """Write ``text`` to ``path`` through a temporary file of the same directory and ``os.replace``.

    ``text`` is a str, or a callable that writes to the open text file it is given (a report of
    thousands of records is then encoded straight into the file, never held as one string).
    A reader sees the old file or the new one, never a part; the data is on disk (``fsync``) before the
    rename. :raises OSError: the directory is not writable.
    """
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if callable(text):
                text(handle)
            else:
                handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _json_writer(document):
    """A writer for :func:`write_atomically`: ``document`` as indented JSON and a newline, encoded as it is written."""
    def write(handle):
        json.dump(document, handle, indent=2, sort_keys=False)
        handle.write("\n")
    return write


def write_report(directory, window_id, run, check_mode=False) -> dict:
    """Add ``run`` to ``<directory>/<window_id>.json`` and rewrite ``<window_id>.md``.

    :param directory: report directory (created with mode 0700 when missing); empty or None builds the
        document of this run alone and writes nothing.
    :param window_id: validated with :func:`check_window_id`.
    :param run: a record of :func:`build_run`.
    :param check_mode: build the document and write nothing.
    :returns: ``{json_path, markdown_path, document, warnings}`` (paths None when nothing is written). A file in the way that is not a report of this
        window is renamed ``<name>.unreadable-<time>`` and named in ``warnings``.
    :raises TalendConfigError: bad window id. :raises OSError: the directory cannot be written.
    """
    check_window_id(window_id)
    if not directory:
        return {"json_path": None, "markdown_path": None, "document": add_run(None, window_id, run), "warnings": []}
    directory = os.path.abspath(os.path.expanduser(directory))
    json_path = os.path.join(directory, window_id + ".json")
    md_path = os.path.join(directory, window_id + ".md")
    document, problem = load_report(json_path, window_id)
    document = add_run(document, window_id, run)
    warnings = []
    if check_mode:
        return {"json_path": json_path, "markdown_path": md_path, "document": document, "warnings": warnings}
    os.makedirs(directory, mode=0o700, exist_ok=True)
    if problem:
        aside = "%s.unreadable-%s" % (json_path, run["finished"].replace(":", ""))
        os.replace(json_path, aside)
        warnings.append("%s; it was kept as %s and a new report started." % (problem, aside))
    write_atomically(json_path, _json_writer(document))
    write_atomically(md_path, render_markdown(document))
    return {"json_path": json_path, "markdown_path": md_path, "document": document, "warnings": warnings}


def amend_report(directory, window_id, phase, started, drain=None, error=None, check_mode=False):
    """Add ``drain`` and ``error`` to the last run of ``<directory>/<window_id>.json`` and rewrite both files.

    The last run must be a ``phase`` run started at ``started`` (ISO 8601): the run a module wrote before
    the drain of the same phase. Its ``finished`` becomes now; an ``error`` makes its outcome ``failed``.

    :returns: ``{json_path, markdown_path, document, warnings, run, failures}`` with ``run`` the amended run
        without its ``tasks`` and ``plans`` records and ``failures`` its :func:`run_failures`; None when there is no such run (or no ``directory``).
    :raises OSError: the directory cannot be written.
    """
    check_window_id(window_id)
    if not directory:
        return None
    directory = os.path.abspath(os.path.expanduser(directory))
    json_path = os.path.join(directory, window_id + ".json")
    md_path = os.path.join(directory, window_id + ".md")
    document, dummy = load_report(json_path, window_id)
    last = (document or {}).get("runs", [None])[-1] if (document or {}).get("runs") else None
    if not isinstance(last, dict) or last.get("phase") != phase or last.get("started") != started:
        return None
    last = dict(last, drain=drain, finished=utc_now())
    if error:
        last.update(error=error, outcome="failed")
    runs = document["runs"][:-1] + [last]
    document = {"report_version": REPORT_VERSION, "window_id": window_id, "updated": last["finished"],
                "summary": summarize(runs), "runs": runs}
    if not check_mode:
        write_atomically(json_path, _json_writer(document))
        write_atomically(md_path, render_markdown(document))
    brief = {k: v for k, v in last.items() if k not in ("tasks", "plans")}
    return {"json_path": json_path, "markdown_path": md_path, "document": document, "warnings": [], "run": brief,
            "failures": run_failures(last)}
