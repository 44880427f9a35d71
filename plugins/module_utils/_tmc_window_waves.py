# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The waves step of the resume phase: bring the tasks back in waves, soonest-due first, with a gate.

Resuming hundreds of tasks at once starts every overdue trigger against the same sources and targets at once,
right after a maintenance that may not have healed. With ``maintenance_window_resume_wave_size`` N > 0 the held
tasks are ordered by their next scheduled run (one events search per environment, paged, no request per task:
``POST /orchestration/executables/events/search`` without ``from``, i.e. from the API's now, up to a day ahead;
tasks with no run in that day come last, by name) and resumed N at a time. Each wave is one resume call of its
tasks and one read-back (the engine's callback), then its skipped runs (the ledger, ``_tmc_window_rearm``) and
its catch-up runs (``_tmc_window_catchup``); then its tasks' runs are watched for
``maintenance_window_resume_wave_interval`` seconds (``GET /processing/executables/tasks/executions`` per
environment from the wave's start, paged, one read every ``poll_interval`` seconds) and the failed ones counted.
More failed runs than ``maintenance_window_resume_max_failed_runs`` stops the resume: the later waves keep the
marker, the phase fails, and running the resume phase again continues with them. Plans come back after the last
wave of tasks passed its gate (a plan runs tasks: they come back first). Each wave is said as it happens.

Without waves (size 0) every task and plan is resumed in one step, as one wave, with no watch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import (
    TASK_EXECUTIONS_PATH,
    execution_summary,
    iso_utc,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import EVENTS_SEARCH_PATH, parse_instant
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_catchup import earlier_catch_ups, owing
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_rearm import (
    ScheduleCheck,
    check_rearm,
    check_schedules,
)

FAILED_STATUSES = ("deploy_failed", "execution_rejected", "execution_failed", "terminated_timeout",
                   "terminated_shutdown")
"""Statuses of a run that failed (``terminated`` alone is a stop asked by someone: not a failure)."""
ORDER_AHEAD_MS = 24 * 3600 * 1000
NAME_LIMIT = 10


def _ms(value):
    try:
        return parse_instant(iso_utc(value), "time") if value not in (None, "") else None
    except TalendError:
        return None


def _names(entries, limit=NAME_LIMIT) -> str:
    names = ["%s" % (e.get("name"),) for e in entries]
    return ", ".join(names[:limit]) + (" and %d more" % (len(names) - limit) if len(names) > limit else "")


def merge_schedules(total, part):
    """Add the skipped runs and re-arm findings of one wave (``ScheduleCheck``) to ``total`` (changed in place)."""
    total.skipped_runs = sorted(total.skipped_runs + part.skipped_runs, key=lambda r: (r["date"] or "", r["id"] or ""))
    total.not_rearmed += part.not_rearmed
    total.next_runs += part.next_runs
    total.ledger_error = total.ledger_error or part.ledger_error
    total.error = total.error or part.error


def next_runs(client, tasks, base_ms):
    """``({task id: epoch ms of its next scheduled run}, error or None)``: one events search per environment (no
    ``from``: from the API's now; ``to`` a day after ``base_ms``; only the tasks' workspaces), every page.

    :param tasks: ``[{id, environment_id, workspace_id}]``. :param base_ms: the latest time known to be past (int).
    """
    found, by_environment = {}, {}
    for entry in tasks:
        by_environment.setdefault(entry.get("environment_id"), []).append(entry)
    try:
        for environment_id, entries in by_environment.items():
            if not environment_id:
                continue
            wanted = {e["id"] for e in entries}
            body = {"environmentId": environment_id, "to": base_ms + ORDER_AHEAD_MS}
            workspaces = sorted({e.get("workspace_id") for e in entries if e.get("workspace_id")})
            if workspaces and all(e.get("workspace_id") for e in entries):
                body["workspaceIds"] = workspaces
            for item in client.iter_pages("POST", EVENTS_SEARCH_PATH, body=body):
                when = _ms(item.get("date"))
                if item.get("id") in wanted and when is not None and when < found.get(item["id"], when + 1):
                    found[item["id"]] = when
    except TalendError as exc:
        return found, str(exc)
    return found, None


def soonest_first(tasks, due) -> list:
    """``tasks`` ordered by their next run in ``due`` (``{id: ms}``), those without one last, then by name and id."""
    return sorted(tasks, key=lambda e: (e["id"] not in due, due.get(e["id"], 0), e.get("name") or "", e["id"]))


@dataclass
class Wave:
    """One wave: ``number`` (1-based), ``tasks`` (summaries), ``started`` (ISO 8601, the API's time of its resume when
    known), ``resumed`` (ids), ``failed_runs`` (``[{execution_id, task_id, name, status, start}]``), ``polls``,
    ``watched_seconds``, ``decision`` (``next wave``, ``stop``, ``last wave``, ``all at once``)."""

    number: int
    tasks: list
    due: dict = field(default_factory=dict)
    started: str | None = None
    resumed: list = field(default_factory=list)
    failed_runs: list = field(default_factory=list)
    polls: int = 0
    watched_seconds: int = 0
    decision: str | None = None

    def record(self) -> dict:
        """One entry of the ``waves`` record."""
        return {"number": self.number, "task_ids": [e["id"] for e in self.tasks], "started": self.started,
                "next_runs": {i: iso_utc(ms) for i, ms in self.due.items()}, "resumed": len(self.resumed),
                "failed_runs": self.failed_runs, "polls": self.polls, "watched_seconds": self.watched_seconds,
                "decision": self.decision}


class Waves:
    """The resume of one phase run, in waves (see the module docstring).

    :param client: a ``TalendClient``. :param request: the ``WindowRequest`` (``resume`` settings, ``window``).
    :param say: ``say(line)``. :param catch_up: the ``CatchUp`` of the phase. :param check_mode: bool.
    :param clock: monotonic seconds; :param sleep: ``sleep(seconds)``; :param now_ms: ``now_ms()`` local epoch ms
        (tests pass fakes).
    """

    def __init__(self, client, request, say, catch_up, check_mode=False, clock=None, sleep=None, now_ms=None):
        self.client, self.request, self.say, self.catch_up = client, request, say, catch_up
        self.settings, self.window_id, self.check_mode = request.resume, request.window.id, check_mode
        self.clock, self.sleep = clock or time.monotonic, sleep or time.sleep
        self.now_ms = now_ms or (lambda: int(time.time() * 1000))
        self.waves, self.order_error, self.left, self.error = [], None, [], None
        self._resumed, self._last = [], None
        self.schedules = None if check_mode else ScheduleCheck()

    @property
    def paced(self) -> bool:
        """True when the tasks come back in waves (size > 0; check mode resumes nothing)."""
        return self.settings.wave_size > 0 and not self.check_mode

    def record(self):
        """The ``waves`` entry of the run record, or None without waves."""
        if not self.settings.wave_size:
            return None
        return {"size": self.settings.wave_size, "interval_seconds": self.settings.wave_interval,
                "max_failed_runs": self.settings.max_failed_runs, "order_error": self.order_error,
                "waves": [w.record() for w in self.waves], "left": self.left, "stopped": self.error is not None}

    def _order(self, tasks) -> list:
        base = max([self.now_ms()] + [m for m in (_ms(e.get("pause_date")) for e in tasks) if m is not None])
        due, self.order_error = next_runs(self.client, tasks, base)
        if self.order_error:
            self.say("Window %s: the next scheduled runs could not be read (%s): the waves go by name."
                     % (self.window_id, self.order_error))
        return soonest_first(tasks, due), due

    def run(self, selection, resume):
        """Resume ``selection``'s tasks (in waves) and plans; fill the ledger and start the catch-up runs.

        :param selection: the resume ``Selection`` (``tasks``, ``plans``, ``resumed_before``).
        :param resume: ``resume(task entries, plan entries) -> (resumed ids, API time ISO 8601 or None)``: one
            change and read-back (the engine's, which records the run before and after).
        """
        if self.catch_up.enabled and selection.resumed_before and not self.check_mode:
            self._owed_by_earlier_runs(selection.resumed_before)
        self._waves(list(selection.tasks), list(selection.plans), resume)
        if self._resumed and not self.check_mode:   # once, after the last wave: a 31-day search per environment
            check_rearm(self.client, self._resumed, self.schedules, self._last)

    def _waves(self, tasks, plans, resume):
        if not self.paced:
            wave = Wave(1, tasks, decision="all at once")
            self.waves.append(wave)
            self._resume_wave(wave, plans, resume)
            return
        ordered, due = self._order(tasks) if tasks else ([], {})
        size = self.settings.wave_size
        chunks = [ordered[i:i + size] for i in range(0, len(ordered), size)]
        for number, chunk in enumerate(chunks, 1):
            wave = Wave(number, chunk, due={e["id"]: due[e["id"]] for e in chunk if e["id"] in due})
            self.waves.append(wave)
            first = min(wave.due.values()) if wave.due else None
            self.say("Window %s: wave %d of %d: resuming %d task(s)%s: %s" % (
                self.window_id, number, len(chunks), len(chunk),
                " (next scheduled run from %s)" % iso_utc(first) if first is not None else "", _names(chunk)))
            self._resume_wave(wave, [], resume)
            last = number == len(chunks)
            if last and not plans:
                wave.decision = "last wave"
                self.say("Window %s: wave %d of %d: %d task(s) resumed; the last wave (nothing left to hold back)."
                         % (self.window_id, number, len(chunks), len(wave.resumed)))
                break
            if not self._watch(wave, len(chunks)):
                wave.decision = "stop"
                later = [e for c in chunks[number:] for e in c]
                self.left = [e["id"] for e in later] + [p["id"] for p in plans]
                self.error = self._stop_text(wave, len(chunks), len(later), len(plans))
                self.say("Window %s: %s" % (self.window_id, self.error))
                return
            wave.decision = "last wave" if last else "next wave"
        if plans:
            self.say("Window %s: resuming the %d plan(s) after the last wave of tasks: %s"
                     % (self.window_id, len(plans), _names(plans)))
            resumed, api_now = resume([], plans)
            self._ledger([p for p in plans if p["id"] in set(resumed)], api_now or iso_utc(self.now_ms()))

    def _ledger(self, resumed, started):
        """The skipped runs of ``resumed`` (summaries) up to ``started`` (ISO 8601), added to the schedules."""
        entries = list(resumed)   # each since its pauseDate (paused_since): no copy of 30,000 summaries
        self._resumed += entries
        self._last = max(self._last or 0, _ms(started) or 0) or None
        part = check_schedules(self.client, entries, _ms(started), rearm=False)
        merge_schedules(self.schedules, part)
        return part

    def _resume_wave(self, wave, plans, resume):
        """One change and read-back, then the wave's ledger and catch-up runs."""
        wave.resumed, api_now = resume(wave.tasks, plans)
        wave.started = api_now or iso_utc(self.now_ms())
        if self.check_mode:
            return
        resumed = set(wave.resumed)
        part = self._ledger([e for e in wave.tasks + plans if e["id"] in resumed], wave.started)
        label = "of wave %d" % wave.number if self.paced else ""
        self.catch_up.start(owing([e for e in wave.tasks if e["id"] in resumed], part.skipped_runs), label,
                            wave.started)

    def _owed_by_earlier_runs(self, resumed_before):
        """Catch-up of the tasks an earlier (killed) resume run brought back: those that got none and skipped a run."""
        earlier, unknown, entries = earlier_catch_ups(self.client, self.request.window, resumed_before)
        self.catch_up.outcome.earlier += earlier
        self.catch_up.outcome.unknown += unknown
        if earlier:
            self.say("Window %s: catch-up: %d task(s) resumed by an earlier run already got their catch-up run: %s"
                     % (self.window_id, len(earlier), _names(earlier)))
        if not entries:
            return
        now = max(_ms(e["resumed_at"]) for e in entries)
        part = check_schedules(self.client, entries, now, rearm=False)
        merge_schedules(self.schedules, part)
        self.catch_up.start(owing(entries, part.skipped_runs), "resumed by an earlier run",
                            min((e["resumed_at"] for e in entries), key=_ms))

    def _failed_runs(self, wave) -> list:
        """Runs of the wave's tasks triggered since the wave started that failed (paged list per environment)."""
        since = _ms(wave.started)
        tasks = {e["id"]: e for e in wave.tasks if e["id"] in set(wave.resumed)}
        failed = []
        for environment_id in sorted({e.get("environment_id") or "" for e in tasks.values()}):
            params = {"from": since}
            if environment_id:
                params["environmentId"] = environment_id
            for item in self.client.iter_pages("GET", TASK_EXECUTIONS_PATH, params=params):
                run = execution_summary(item)
                started = _ms(run["start_timestamp"] or run["trigger_timestamp"])
                if run["task_id"] in tasks and run["status"] in FAILED_STATUSES and started is not None \
                        and started >= since:
                    failed.append({"execution_id": run["execution_id"], "task_id": run["task_id"],
                                   "name": tasks[run["task_id"]].get("name"), "status": run["status"],
                                   "start": run["start_timestamp"] or run["trigger_timestamp"]})
        return failed

    def _watch(self, wave, count) -> bool:
        """Watch the wave's runs for the interval; False when more failed than the gate allows."""
        settings, gate = self.settings, self.settings.max_failed_runs
        self.say("Window %s: wave %d of %d: %d task(s) resumed; watching their runs for %d s (%s)." % (
            self.window_id, wave.number, count, len(wave.resumed), settings.wave_interval,
            "no gate" if gate is None else "more than %d failed run(s) stops the resume" % gate))
        start = self.clock()
        while True:
            remaining = settings.wave_interval - (self.clock() - start)
            if remaining > 0:
                self.sleep(min(settings.poll_interval, remaining))
            try:
                wave.failed_runs = self._failed_runs(wave)
            except TalendError as exc:
                self.say("Window %s: wave %d: the runs could not be read: %s" % (self.window_id, wave.number, exc))
                wave.polls += 1
                wave.watched_seconds = int(round(self.clock() - start))
                if wave.watched_seconds >= settings.wave_interval:
                    if gate is not None:
                        wave.failed_runs = [{"execution_id": None, "task_id": None, "name": None,
                                             "status": "unreadable", "start": None, "error": str(exc)}]
                        return False
                    return True
                continue
            wave.polls += 1
            wave.watched_seconds = int(round(self.clock() - start))
            failed = len(wave.failed_runs)
            self.say("Window %s: wave %d: %d s: %d failed run(s)%s" % (
                self.window_id, wave.number, wave.watched_seconds, failed,
                ": " + _failed(wave.failed_runs) if failed else ""))
            if gate is not None and failed > gate:
                return False
            if wave.watched_seconds >= settings.wave_interval:
                return True

    def _stop_text(self, wave, count, later_tasks, plans) -> str:
        went = sum(len(w.resumed) for w in self.waves)
        values = (wave.number, count, len(wave.failed_runs), self.settings.max_failed_runs, _failed(wave.failed_runs),
                  wave.number, count, went, later_tasks, plans, self.request.window.marker)
        return ("resume wave %d of %d: %d run(s) of its tasks failed, more than maintenance_window_resume_max_failed_"
                "runs=%d: %s. %d of %d wave(s) went (%d task(s) resumed); the other %d task(s) and %d plan(s) keep the "
                "marker %s. Find why the runs failed; running the resume phase again continues "
                "with the next wave" % values)


def _failed(runs) -> str:
    return ", ".join("%s (%s)" % (r["name"], r.get("error") or "execution %s, %s at %s" % (
        r["execution_id"], r["status"], r["start"])) for r in runs[:NAME_LIMIT]) + (
        " and %d more" % (len(runs) - NAME_LIMIT) if len(runs) > NAME_LIMIT else "")
