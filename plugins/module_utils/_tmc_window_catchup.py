# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The catch-up step of the resume phase: one run of each resumed task that skipped a scheduled run.

A skipped run is a data gap (the nightly load that fell inside the window). With ``maintenance_window_catch_up:
once``, after each task is resumed and its skipped runs are known (the ledger, ``_tmc_window_rearm``), one run of
each task that skipped at least one is started (``POST /processing/executions``, ``execute``, body
``{"executable": <task id>}``: the task's own parameters; never repeated blindly after a lost answer), keeping at most ``concurrency`` of these runs in flight:
when that many are in flight, their status is read (``GET /processing/executions/{id}``) every ``poll_interval``
seconds until one ends. Every request goes through the client's rate limiter. A refused run (405 paused, 409, a
5xx after the client's retries, ...) is reported and does not stop the others. The phase does not wait for the
last runs to end: their status as last read is reported.

Plans get no catch-up run: a plan runs its tasks (its steps) again, and a plan whose tasks were resumed and caught
up one by one would run them twice; plans have their own executions endpoint, and the ledger lists a plan's
skipped runs for the operator to decide.

Crash safety (a resume killed mid-catch-up and run again): the re-run finds the tasks an earlier resume run of
the window brought back by their resume context (``Window.resumed``, ``Selection.resumed_before``), their resume
time in ``pauseDate``. :func:`earlier_catch_ups` reads each one's newest executions (one request per task): a
``MANUAL`` run triggered at or after its resume is its catch-up (never a second one). Otherwise the ledger from its
pause to its resume says whether it owes one; the resume overwrote ``pauseDate``, so the pause time comes from the
API too: a resume with catch-up writes ``(held since <time>)`` in its context (``Window.resume_context``), and the
last run triggered before the resume (the history of runs) narrows it for a task paused by a later pause run.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import PAGE_LIMIT, map_concurrently
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError, TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import (
    EXECUTIONS_PATH,
    IN_FLIGHT,
    execution_path,
    execution_summary,
    iso_utc,
    task_executions_path,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_ratelimit import backoff_delay
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import parse_instant

MANUAL = "MANUAL"


def _ms(value):
    try:
        return parse_instant(iso_utc(value), "time") if value not in (None, "") else None
    except TalendError:
        return None


@dataclass
class CatchUpOutcome:
    """What the catch-up step did.

    :param mode: ``none`` or ``once``. :param concurrency: most runs in flight at once (int).
    :param runs: ``[{id, name, execution_id, started, status}]`` started by this run (``status`` as last read).
    :param refused: ``[{id, name, status, message, request_id}]``: runs the API refused.
    :param earlier: ``[{id, name, execution_id}]``: tasks that already got their catch-up run (a ``MANUAL`` run after
        their resume, found through the API): none started again.
    :param unknown: ``[{id, name, why}]``: resumed by an earlier run and their history could not tell (no resume time,
        executions unreadable): no run started, run one by hand if the data needs it.
    :param waits: polls made while the most runs allowed were in flight (int).
    """

    mode: str = "none"
    concurrency: int = 20
    runs: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    earlier: list = field(default_factory=list)
    unknown: list = field(default_factory=list)
    waits: int = 0

    def record(self) -> dict:
        """The ``catch_up`` entry of the run record."""
        return {"mode": self.mode, "concurrency": self.concurrency, "runs": self.runs, "refused": self.refused,
                "earlier": self.earlier, "unknown": self.unknown, "waits": self.waits}


def owing(entries, skipped_runs) -> list:
    """The entries (``[{id, name, ...}]``, tasks) with at least one skipped run in ``skipped_runs`` (ledger rows
    ``{id, type, ...}``), in the order of ``entries``."""
    skipped = {r["id"] for r in skipped_runs if str(r.get("type") or "TASK").upper() == "TASK"}
    return [e for e in entries if e["id"] in skipped]


def manual_run_since(client, task_id, since_ms):
    """The id of a ``MANUAL`` run of ``task_id`` triggered at or after ``since_ms`` (epoch ms), or None: the newest
    page of ``GET /processing/executables/tasks/{taskId}/executions`` (``listTaskExecutions``).

    :raises TalendError: the runs could not be read.
    """
    return _manual_in(_newest_runs(client, task_id), since_ms)


def _newest_runs(client, task_id) -> list:
    """Summaries of the newest page of a task's runs (``GET /processing/executables/tasks/{taskId}/executions``)."""
    page = client.call("GET", task_executions_path(task_id), params={"limit": PAGE_LIMIT, "offset": 0})[1]
    return [execution_summary(item) for item in (page or {}).get("items") or []]


def _manual_in(runs, since_ms):
    """The execution id of the first ``MANUAL`` run of ``runs`` triggered at or after ``since_ms``, or None."""
    for run in runs:
        if run["execution_type"] == MANUAL and (_ms(run["trigger_timestamp"]) or -1) >= since_ms:
            return run["execution_id"]
    return None


def earlier_catch_ups(client, window, resumed_before):
    """For tasks an earlier resume run of the window brought back: which already got a catch-up run, and since when
    the others were paused, from the API's history of runs (``GET /processing/executables/tasks/{taskId}/executions``,
    ``listTaskExecutions``, the newest page, one request per task).

    :param client: a ``TalendClient``. :param window: the ``Window`` (its resume context tells the pause time).
    :param resumed_before: ``[{id, name, environment_id, pause_date, pause_context}]`` (``pause_date``: when it was
        resumed; ``pause_context``: the resume context, ``(held since <time>)`` when the resume started catch-ups).
    :returns: ``(earlier, unknown, ledger_entries)``: ``earlier`` ``[{id, name, execution_id}]`` (got one),
        ``unknown`` ``[{id, name, why}]``, ``ledger_entries`` ``[entry + {paused_at, resumed_at}]`` for the ledger
        (``paused_at``: the later of the time its resume context says the window held it since and just after its
        last run triggered before the resume).
    """
    def one(entry):
        resumed_at = _ms(entry.get("pause_date"))
        if resumed_at is None:
            return "unknown", "its resume time (pauseDate) is not in the API's answer"
        try:
            runs = _newest_runs(client, entry["id"])
        except TalendError as exc:
            return "unknown", "its runs could not be read: %s" % exc
        found = _manual_in(runs, resumed_at)
        if found:
            return "earlier", found
        before = [t + 1 for t in (_ms(r["trigger_timestamp"]) for r in runs) if t is not None and t < resumed_at]
        since = [t for t in [_ms(window.held_since(entry.get("pause_context")))] + before if t is not None]
        return "ledger", max(since) if since else None

    earlier, unknown, ledger = [], [], []
    for entry, (what, value) in zip(resumed_before, map_concurrently(client, one, resumed_before)):
        if what == "earlier":
            earlier.append({"id": entry["id"], "name": entry.get("name"), "execution_id": value})
        elif what == "unknown":
            unknown.append({"id": entry["id"], "name": entry.get("name"), "why": value})
        elif value is None:
            unknown.append({"id": entry["id"], "name": entry.get("name"),
                            "why": "no pause time in its resume context and no run before its resume in its history: "
                                   "the runs it skipped are not known"})
        else:
            ledger.append(dict(entry, paused_at=iso_utc(value), resumed_at=entry.get("pause_date")))
    return earlier, unknown, ledger


class CatchUp:
    """The catch-up runs of one resume phase, started over one or more calls of :meth:`start` (one per wave).

    :param client: a ``TalendClient``. :param settings: ``ResumeSettings`` (``catch_up``, ``concurrency``,
        ``poll_interval`` seconds). :param say: ``say(line)`` tells a line as it happens. :param window_id: str.
    :param sleep: ``sleep(seconds)`` (default ``time.sleep``; tests pass a fake).
    """

    def __init__(self, client, settings, say, window_id, sleep=None):
        self.client, self.settings, self.say, self.window_id = client, settings, say, window_id
        self.sleep = sleep or time.sleep
        self.outcome = CatchUpOutcome(mode=settings.catch_up, concurrency=settings.concurrency)
        self._in_flight = {}

    @property
    def enabled(self) -> bool:
        """True with ``catch_up: once``."""
        return self.settings.catch_up == "once"

    def _run_one(self, entry, since_ms):
        """``POST /processing/executions`` (``execute``) of one task: ``(execution id, None)`` or ``(None, failure)``.

        The POST is never repeated blindly: a run request whose answer was lost (no answer, a 5xx) may have started
        the run, so before another attempt the task's newest runs are read (:func:`manual_run_since`); a ``MANUAL``
        run triggered since ``since_ms`` is this catch-up run. A 429 is repeated after a back-off (nothing started).
        """
        once = copy.copy(self.client)
        once.retries = 0
        attempt = 0
        while True:
            try:
                body = once.call("POST", EXECUTIONS_PATH, json={"executable": entry["id"]}, ok=(200, 201))[1] or {}
                return body.get("executionId"), None
            except TalendApiError as exc:
                failure = {"id": entry["id"], "name": entry.get("name"), "status": exc.status, "message": str(exc),
                           "request_id": exc.request_id}
                if exc.status is not None and exc.status < 500 and exc.status != 429:
                    return None, failure
                if exc.status != 429 and since_ms is not None:
                    try:
                        found = manual_run_since(self.client, entry["id"], since_ms)
                    except TalendError:
                        return None, failure   # not known whether it started: reported, never sent again
                    if found:
                        return found, None
                if attempt >= self.client.retries:
                    return None, failure
                attempt += 1
                self.sleep(backoff_delay(attempt))

    def _poll(self):
        """Read the status of each run in flight (``GET /processing/executions/{id}``); forget those that ended."""
        def status(execution_id):
            try:
                return execution_summary(self.client.get(execution_path(execution_id)) or {})["status"]
            except TalendError:
                return None  # unreadable now: still counted in flight, read again at the next poll

        ids = list(self._in_flight)
        for execution_id, seen in zip(ids, map_concurrently(self.client, status, ids)):
            if seen is not None:
                self._in_flight[execution_id]["status"] = seen
                if seen not in IN_FLIGHT:
                    del self._in_flight[execution_id]

    def start(self, entries, label="", since=None):
        """Start one run of each of ``entries`` (``[{id, name}]``), at most ``concurrency`` in flight at once.

        :param label: what the entries are, for the lines said (e.g. ``"of wave 2"``).
        :param since: when these tasks were resumed (ISO 8601, the API's time), or None: a ``MANUAL`` run since then
            is the one a request whose answer was lost started.
        """
        todo, since_ms = list(entries), _ms(since)
        if not self.enabled or not todo:
            return
        label = label + " " if label else ""
        self.say("Window %s: catch-up: starting one run of each of the %d resumed task(s) %sthat skipped a scheduled "
                 "run (at most %d in flight)." % (self.window_id, len(todo), label, self.settings.concurrency))
        while todo:
            free = self.settings.concurrency - len(self._in_flight)
            if free <= 0:
                self.outcome.waits += 1
                self.sleep(self.settings.poll_interval)
                self._poll()
                continue
            batch, todo = todo[:free], todo[free:]
            outcomes = map_concurrently(self.client, lambda e: self._run_one(e, since_ms), batch)
            for entry, (execution_id, failure) in zip(batch, outcomes):
                if failure is not None:
                    self.outcome.refused.append(failure)
                    continue
                run = {"id": entry["id"], "name": entry.get("name"), "execution_id": execution_id,
                       "status": "dispatching"}
                self.outcome.runs.append(run)
                if execution_id:
                    self._in_flight[execution_id] = run
            if todo:
                self.say("Window %s: catch-up: %d run(s) in flight, the most allowed; %d to start as they end."
                         % (self.window_id, len(self._in_flight), len(todo)))
        self.say("Window %s: catch-up: %d run(s) started in all, %d refused, %d in flight now."
                 % (self.window_id, len(self.outcome.runs), len(self.outcome.refused), len(self._in_flight)))
