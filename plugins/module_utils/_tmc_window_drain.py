# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The drain step of the window engine: after pausing, wait until no execution of the held tasks is in flight.

Pausing lets running executions finish, so the maintenance must not start before they end. One poll reads the
in-flight executions (``dispatching``, ``executing``) of the tasks the window holds; polls are
``interval`` seconds apart and the first poll that finds nothing, or that ends at or after ``timeout``, ends
the drain: it lasts at most the timeout plus one interval (plus one poll's requests). Each poll is told as it
happens through ``say``. On timeout the policy decides: ``fail`` (the phase fails before the maintenance, the
tasks stay paused), ``continue``, or ``stop`` (``DELETE`` of each execution still in flight). Check mode polls
once and waits for nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import list_executions, stop_executions


@dataclass
class DrainOutcome:
    """What the drain saw and did.

    :param held: number of tasks drained. :param polls: polls made. :param elapsed_seconds: from the first
        poll to the end (int). :param still_running: execution summaries in flight at the end (``_tmc_executions``).
    :param on_timeout: the policy. :param stopped: execution ids whose stop was requested.
    :param ended_before_stop: execution ids that ended before their stop. :param stop_failures: failed stops.
    :param error: why the phase must stop here (executions unreadable, the ``fail`` policy, a failed stop), a
        sentence that says what to run next, or None.
    """

    held: int = 0
    polls: int = 0
    elapsed_seconds: int = 0
    still_running: list = field(default_factory=list)
    on_timeout: str = "fail"
    stopped: list = field(default_factory=list)
    ended_before_stop: list = field(default_factory=list)
    stop_failures: list = field(default_factory=list)
    error: str | None = None

    def record(self) -> dict:
        """The ``drain`` entry of the report's run record."""
        return {"held_tasks": self.held, "polls": self.polls, "elapsed_seconds": self.elapsed_seconds,
                "still_running": self.still_running, "on_timeout": self.on_timeout, "stopped": self.stopped,
                "ended_before_stop": self.ended_before_stop, "stop_failures": self.stop_failures,
                "error": self.error}


def _running(executions, names, with_ids=False) -> str:
    if with_ids:
        return "; ".join("%s (task %s, execution %s, %s since %s)" % (
            names.get(e["task_id"], e["task_id"]), e["task_id"], e["execution_id"], e["status"],
            e["start_timestamp"] or e["trigger_timestamp"]) for e in executions)
    return ", ".join("%s (%s, %s)" % (names.get(e["task_id"], e["task_id"]), e["execution_id"], e["status"])
                     for e in executions)


def resume_hint(window) -> str:
    """What to run to bring the held tasks back."""
    return ("The tasks stay paused. To bring them back, run the resume phase with the same window id and scope "
            "(-e maintenance_window_phase=resume -e maintenance_window_id=%s)." % window.id)


class Drain:
    """The drain of one pause phase.

    :param client: a ``TalendClient``. :param window: the ``Window``.
    :param task_ids: the tasks the window holds (list of str). :param names: ``{task id: name}``.
    :param settings: ``DrainSettings`` (timeout and interval in seconds, policy).
    :param say: ``say(line)`` tells a line to the operator as it happens.
    :param clock: monotonic seconds (default ``time.monotonic``); :param sleep: ``sleep(seconds)`` (default
        ``time.sleep``; tests pass fakes).
    """

    def __init__(self, client, window, task_ids, names, settings, say, clock=None, sleep=None):
        self.client, self.window, self.task_ids, self.names = client, window, list(task_ids), names
        self.settings, self.say = settings, say
        self.clock, self.sleep = clock or time.monotonic, sleep or time.sleep

    def _poll(self):
        """``(executions in flight, error text or None)``: ``GET /processing/executables/tasks/{taskId}/executions``
        per task and status (``list_executions``)."""
        try:
            return list_executions(self.client, task_ids=self.task_ids), None
        except TalendError as exc:
            return None, str(exc)

    def run(self, check_mode=False) -> DrainOutcome:
        """Poll until nothing is in flight or the timeout, then apply the policy. :returns: a :class:`DrainOutcome`."""
        out = DrainOutcome(held=len(self.task_ids), on_timeout=self.settings.on_timeout)
        window_id = self.window.id
        if not self.task_ids:
            self.say("Window %s: no paused task to drain." % window_id)
            return out
        self.say("Window %s: waiting for the runs in flight of the %d paused task(s) to end (a poll every %d s, "
                 "timeout %d s, then %s)." % (window_id, len(self.task_ids), self.settings.interval, self.settings.timeout,
                                              self.settings.on_timeout))
        start = self.clock()
        while True:
            running, error = self._poll()
            out.polls += 1
            out.elapsed_seconds = int(round(self.clock() - start))
            head = "Window %s: poll %d at %d s: " % (window_id, out.polls, out.elapsed_seconds)
            if error is not None:
                self.say(head + "could not read the executions: " + error)
                out.error = ("the drain could not read the executions of the paused tasks, so it cannot tell whether "
                             "runs are still going; the maintenance must not start. %s %s"
                             % (error, resume_hint(self.window)))
                return out
            self.say(head + ("%d still running: %s" % (len(running), _running(running, self.names)) if running
                             else "nothing in flight"))
            out.still_running = running
            if not running or check_mode or out.elapsed_seconds >= self.settings.timeout:
                break
            self.sleep(self.settings.interval)
        if not out.still_running:
            self.say("Window %s: no execution of the %d paused task(s) is in flight (%d poll(s), %d s)."
                     % (window_id, len(self.task_ids), out.polls, out.elapsed_seconds))
        elif check_mode:
            self.say("Window %s: check mode: %d execution(s) of the selected tasks are in flight now; a real run waits "
                     "up to %d s for them, then applies maintenance_window_drain_on_timeout=%s."
                     % (window_id, len(running), self.settings.timeout, self.settings.on_timeout))
        else:
            self._on_timeout(out)
        return out

    def _on_timeout(self, out):
        window_id, running = self.window.id, out.still_running
        self.say("Window %s: %d execution(s) still in flight after %d s (timeout %d s), "
                 "maintenance_window_drain_on_timeout=%s." % (window_id, len(running), out.elapsed_seconds,
                                                              self.settings.timeout, out.on_timeout))
        if out.on_timeout == "fail":
            out.error = ("%d execution(s) of paused tasks still in flight after %d s "
                         "(maintenance_window_drain_timeout=%d): %s. The play stops here, before the maintenance. "
                         "To wait again, run the pause phase again: it drains what this window holds paused. To go "
                         "on anyway, set maintenance_window_drain_on_timeout to continue or stop. %s"
                         % (len(running), out.elapsed_seconds, self.settings.timeout,
                            _running(running, self.names, with_ids=True), resume_hint(self.window)))
        elif out.on_timeout == "continue":
            self.say("Window %s: going on although %d execution(s) of paused tasks are still in flight: %s."
                     % (window_id, len(running), _running(running, self.names, with_ids=True)))
        else:
            entries, failures = stop_executions(self.client, [e["execution_id"] for e in running])
            out.stopped = [e["execution_id"] for e in entries if e["changed"]]
            out.ended_before_stop = [e["execution_id"] for e in entries if not e["changed"]]
            out.stop_failures = failures
            by_id = {e["execution_id"]: e for e in running}
            stopped = ", ".join("%s (%s)" % (self.names.get(by_id[i]["task_id"], by_id[i]["task_id"]), i)
                                for i in out.stopped)
            self.say("Window %s: stop requested for %d execution(s)%s%s" % (
                window_id, len(out.stopped), (": " + stopped + ".") if stopped else ".",
                (" Ended before the stop: %s." % ", ".join(out.ended_before_stop)) if out.ended_before_stop else ""))
            if failures:
                out.error = ("%d execution(s) could not be stopped: %s. %s" % (
                    len(failures), "; ".join("%s: %s" % (f["execution_id"], f["error"]) for f in failures),
                    resume_hint(self.window)))
