# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The report step of the window engine: one record per run, kept in ``<dir>/<window id>.json``.

Nothing here sends a request: the record is built from the typed outcomes of the steps. The JSON
file holds every run of the window seen on this machine (pause, re-runs, resume) and a summary
that answers "what did this window pause, and is all of it back?"; a short Markdown file beside it
says the same for people. Both are written atomically (temporary file in the same directory,
``fsync``, ``os.replace``), readable by the owner only.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_files import ensure_private_directory, write_atomically
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_token_cache import default_cache_dir
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_time import utc_now
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_markdown import render_markdown

REPORT_VERSION = 1
ERROR_KEYS = ("status", "message", "detail", "request_id")

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


def summarize(runs) -> dict:
    """What the runs of a window add up to.

    :returns: ``{status, all_back, paused_by_window: {tasks: {id: name}, plans}, resumed: {tasks, plans},
        not_resumed: {tasks, plans}}``. ``all_back`` is true when the last run is a resume that succeeded and
        searched the whole account (nothing the credentials see carries the marker any more). ``not_resumed`` lists what a pause run of this
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
    whole_account = (last.get("search") or {}).get("searched", "account") == "account"
    status = {("pause", True): "paused", ("pause", False): "pause incomplete",
              ("resume", True): "resumed", ("resume", False): "resume incomplete"}.get((last.get("phase"), ok), "empty")
    not_resumed = {k: {i: n for i, n in held[k].items() if i not in resumed[k]} for k in held}
    return {"status": status, "all_back": last.get("phase") == "resume" and ok and whole_account,
            "paused_by_window": held,
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
    if not isinstance(document, dict) or document.get("window_id") != window_id or not _valid_runs(
            document.get("runs")):
        return None, "%s is not a report of window %s" % (path, window_id)
    return document, None


def _valid_runs(runs) -> bool:
    """True when ``runs`` has the shape :func:`summarize` reads: a list of run dicts whose ``tasks`` and ``plans``
    are lists of records with an ``id``."""
    return isinstance(runs, list) and all(
        isinstance(run, dict) and run.get("phase") in ("pause", "resume") and all(
            isinstance(run.get(kind, []), list) and all(isinstance(r, dict) and "id" in r for r in run.get(kind, []))
            for kind in ("tasks", "plans")) for run in runs)


def _json_writer(document):
    """A writer for :func:`write_atomically`: ``document`` as indented JSON and a newline, encoded as it is written."""
    def write(handle):
        json.dump(document, handle, indent=2, sort_keys=False)
        handle.write("\n")
    return write


def report_paths(directory, window_id, tenant=None) -> tuple:
    """``(json path, markdown path)`` of a window's report: ``<id>.json`` or, for a tenant, ``<id>.<tenant>.json``.

    :param directory: the report directory (``~`` expanded here). :param window_id: a checked window id.
    :param tenant: a checked tenant name, or None.
    """
    stem = os.path.join(os.path.abspath(os.path.expanduser(directory)), window_id + ("." + tenant if tenant else ""))
    return stem + ".json", stem + ".md"


class WindowReport:
    """The report of one window on this machine, written once per step of a run (atomically, mode 0600).

    The first :meth:`record` of a run adds the run; each later one replaces that run (the same ``started``),
    so that a play killed between two steps leaves the record of every step done.

    :param directory: report directory (checked writable before any request), or None: nothing is written.
    :param window_id: checked window id. :param tenant: tenant name or None. :param check_mode: write nothing.
    """

    def __init__(self, directory, window_id, tenant=None, check_mode=False):
        self.window_id, self.check_mode = window_id, check_mode
        self.json_path = self.markdown_path = None
        if directory:
            self.json_path, self.markdown_path = report_paths(directory, window_id, tenant)
        self.document, self.warnings, self._earlier = None, [], None

    @property
    def written(self) -> bool:
        """True when the report files are written (a directory, and not check mode)."""
        return bool(self.json_path) and not self.check_mode

    def lock(self) -> bool:
        """Hold an exclusive lock on the report for this run, so that two runs of one window on one controller never
        interleave their records. The lock file lives in the user's private cache directory (named by a hash of the
        report's path), not beside the report. Released by :meth:`unlock` or when the process ends.

        :returns: False when another run holds it. :raises OSError: the lock file cannot be made.
        """
        if not self.written:
            return True
        ensure_private_directory(default_cache_dir())
        digest = hashlib.sha256(self.json_path.encode("utf-8")).hexdigest()[:24]
        path = os.path.join(default_cache_dir(), "window-%s.lock" % digest)
        self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            self._lock_fd = None
            return False
        return True

    def unlock(self) -> None:
        """Release the lock of :meth:`lock`."""
        if getattr(self, "_lock_fd", None) is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def earlier_runs(self) -> list:
        """The runs of this window already in the report on this machine (a set-aside unreadable file: none)."""
        return list(self._earlier_runs()) if self.json_path else []

    def _earlier_runs(self) -> list:
        if self._earlier is None:
            self._earlier = []
            if self.json_path:
                document, problem = load_report(self.json_path, self.window_id)
                if problem and self.written:
                    aside = "%s.unreadable-%s" % (self.json_path, utc_now().replace(":", ""))
                    os.replace(self.json_path, aside)
                    self.warnings.append("%s; it was kept as %s and a new report started." % (problem, aside))
                self._earlier = list((document or {}).get("runs") or [])
        return self._earlier

    def record(self, run) -> dict:
        """Write the report with ``run`` (a :func:`build_run` record) as its last run; returns the document.

        :raises OSError: the directory cannot be written.
        """
        runs = self._earlier_runs() + [run]
        self.document = {"report_version": REPORT_VERSION, "window_id": self.window_id, "updated": run["finished"],
                         "summary": summarize(runs), "runs": runs}
        if self.written:
            write_atomically(self.json_path, _json_writer(self.document))
            problems = [(k[:-1], r) for k in ("tasks", "plans") for r in run[k]
                        if r["result"] in (FAILED, NOT_ATTEMPTED, UNKNOWN)]
            write_atomically(self.markdown_path, render_markdown(self.document, problems))
        return self.document
