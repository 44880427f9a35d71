# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The schedule checks after a resume: the runs the window skipped, and whether each resumed task runs again.

Both come from the events search (``POST /orchestration/executables/events/search``, paged, one environment at a
time, no request per task): the scheduled runs between each task's pause (``pauseDate``) and the resume are the
ones the window skipped (the ledger: a skipped run is a data gap); the runs from the resume on, up to
:data:`AHEAD_DAYS` days, tell whether the task was re-armed. A resumed task that had a scheduled run during the
window and has none ahead will not run again on its own (for example a ``ONCE`` trigger whose time passed during
the window): it is listed with its trigger.

The vendor spec does not say that the events search answers a past range; where it refuses one (HTTP 400), the
ledger says so instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError, TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import iso_utc
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import iter_events, parse_instant
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_select import paused_since

AHEAD_DAYS = 31
DAY_MS = 24 * 3600 * 1000


@dataclass
class ScheduleCheck:
    """Skipped runs and re-arm of the resumed tasks and plans.

    :param skipped_runs: ``[{id, name, type, date, trigger}]`` scheduled between the pause and the resume.
    :param not_rearmed: ``[{id, name, trigger, last_skipped}]``: skipped at least one run and has none ahead.
    :param next_runs: how many resumed tasks and plans have a scheduled run ahead (int).
    :param ledger_error: why the past could not be read (the ledger is then unknown), or None.
    :param error: why the future could not be read, or None.
    """

    skipped_runs: list = field(default_factory=list)
    not_rearmed: list = field(default_factory=list)
    next_runs: int = 0
    ledger_error: str | None = None
    error: str | None = None

    def records(self) -> dict:
        """The ``skipped_runs`` and ``rearm`` entries of the run record."""
        return {"skipped_runs": {"runs": self.skipped_runs, "error": self.ledger_error},
                "rearm": {"not_rearmed": self.not_rearmed, "with_next_run": self.next_runs, "error": self.error}}


def _ms(value):
    try:
        return parse_instant(value, "pauseDate") if value else None
    except TalendError:
        return None


def _event(item) -> tuple:
    return item.get("id"), str(item.get("type") or "").upper(), item.get("date"), item.get("sourceTriggerName")


def check_schedules(client, resumed, now_ms, rearm=True) -> ScheduleCheck:
    """Skipped runs and next runs of ``resumed`` tasks and plans.

    :param client: a ``TalendClient``.
    :param resumed: ``[{id, name, environment_id, paused_at or pause_date, resumed_at?}]``: what the resume brought
        back and when each was paused (ISO 8601, ``pauseDate`` read before the resume;
        :func:`~._tmc_window_select.paused_since`); ``resumed_at`` (ISO 8601) when it was resumed before ``now_ms``
        (an earlier run of the phase, or an earlier wave).
    :param now_ms: the resume time, epoch milliseconds.
    :param rearm: also read the next runs (:func:`check_rearm`); False for the ledger alone (one wave of several:
        the re-arm is checked once, after the last wave).
    :returns: a :class:`ScheduleCheck`.
    """
    out = ScheduleCheck()
    by_environment = _by_environment(resumed)
    for environment_id, entries in by_environment.items():
        since = [p for p in (_ms(paused_since(e)) for e in entries.values()) if p is not None]
        if not environment_id or not since or out.ledger_error is not None:
            continue
        try:
            for item in iter_events(client, environment_id, min(since), now_ms):
                event_id, kind, date, trigger = _event(item)
                entry = entries.get(event_id)
                when = _ms(iso_utc(date)) if date is not None else None
                paused_at = _ms(paused_since(entry)) if entry else None
                until = (_ms(entry.get("resumed_at")) or now_ms) if entry else now_ms
                if entry is None or when is None or paused_at is None or not paused_at <= when <= until:
                    continue
                out.skipped_runs.append({"id": event_id, "name": entry.get("name"), "type": kind,
                                         "date": iso_utc(date), "trigger": trigger})
        except TalendApiError as exc:
            out.ledger_error = ("the events search did not answer the past range (%s): the runs skipped during the "
                                "window are not known" % exc) if exc.status == 400 else str(exc)
        except TalendError as exc:
            out.ledger_error = str(exc)
    out.skipped_runs.sort(key=lambda r: (r["date"] or "", r["id"] or ""))
    if rearm:
        check_rearm(client, resumed, out, now_ms)
    return out


def _by_environment(resumed) -> dict:
    by_environment = {}
    for entry in resumed:
        by_environment.setdefault(entry.get("environment_id"), {})[entry["id"]] = entry
    return by_environment


def check_rearm(client, resumed, out, now_ms):
    """Fill ``out`` (a :class:`ScheduleCheck` holding the ledger of ``resumed``) with the next runs: which resumed
    task or plan that skipped a run has none in the next :data:`AHEAD_DAYS` days (one events search per environment).

    :param resumed: as :func:`check_schedules`. :param now_ms: from when to look ahead, epoch milliseconds.
    """
    last_skipped, ahead = {}, set()
    for run in out.skipped_runs:
        last_skipped[run["id"]] = (run["date"], run["trigger"])
    by_environment = _by_environment(resumed)
    for environment_id, entries in by_environment.items():
        if not environment_id:
            continue
        try:
            for item in iter_events(client, environment_id, now_ms, now_ms + AHEAD_DAYS * DAY_MS - 1):
                if item.get("id") in entries:
                    ahead.add(item["id"])
                    if ahead.issuperset(entries):
                        break   # each one has a run ahead: the next pages cannot change the answer
        except TalendError as exc:
            out.error = str(exc)
    names = {e["id"]: e.get("name") for entries in by_environment.values() for e in entries.values()}
    out.next_runs = len(ahead)
    if out.error is not None:
        return
    out.not_rearmed = [{"id": i, "name": names.get(i), "trigger": trigger, "last_skipped": date}
                       for i, (date, trigger) in sorted(last_skipped.items()) if i not in ahead]
