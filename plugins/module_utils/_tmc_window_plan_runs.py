# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The runs a plan forecasts, read per environment and paged, never one request per task.

* scheduled runs in a time range: ``POST /orchestration/executables/events/search`` (``getScheduledExecutions``)
  through ``_tmc_schedule.iter_events`` (searches of at most 31 days, every page);
* typical durations: the successful runs of an environment, ``GET /processing/executables/tasks/executions``
  (``listAvailableTasksExecutions``, ``status=execution_successful``, ``lastDays`` :data:`HISTORY_DAYS`), newest
  first, at most :data:`HISTORY_MAX_PAGES` pages per environment, the median of each task's last
  :data:`SAMPLES` runs;
* runs in flight now: ``_tmc_executions.list_executions`` by environment (one query per in-flight status).
"""

from __future__ import annotations

from datetime import datetime, timezone
from statistics import median

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import (
    TASK_EXECUTIONS_PATH,
    iso_utc,
    list_executions,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import iter_events

DAY_MS = 86_400_000
HISTORY_DAYS = 60
"""Days of run history read for durations (the API's longest ``lastDays``)."""
HISTORY_MAX_PAGES = 10
"""Pages of 100 successful runs read per environment at most (1,000 runs, newest first)."""
SAMPLES = 5
"""Successful runs per task whose median duration is the task's expected duration."""
PAGE_SIZE = 100


def epoch_ms(value):
    """Epoch ms of an API timestamp (ISO 8601 or epoch ms), or None when absent or not readable."""
    text = iso_utc(value)
    if not isinstance(text, str) or not text.endswith("Z"):
        return None
    return int(datetime.fromisoformat(text[:-1] + "+00:00").timestamp() * 1000)


def iso(ms) -> str:
    """``2026-12-07T18:55:00Z`` of epoch ``ms`` (seconds precision); ``""`` for None."""
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def scheduled_runs(client, environment_ids, from_ms, to_ms, wanted, seen=None) -> list:
    """Scheduled runs of the ``wanted`` tasks and plans in ``[from_ms, to_ms]``, every environment, every page.

    :param environment_ids: environment ids (list of str). :param wanted: ``{id: kind}`` of the ids to keep.
    :param seen: a dict that gets ``{environment id: [epoch ms of every run found, wanted or not]}``, or None.
    :returns: runs sorted by time, each ``{kind: TASK|PLAN, id, at_ms, trigger}``.
    :raises TalendApiError: a search failed.
    """
    runs = []
    for environment_id in environment_ids:
        for event in iter_events(client, environment_id, from_ms, to_ms):
            kind, executable, at = str(event.get("type") or "").upper(), event.get("id"), epoch_ms(event.get("date"))
            if seen is not None and at is not None:
                seen.setdefault(environment_id, []).append(at)
            if wanted.get(executable) == kind and at is not None:
                runs.append({"kind": kind, "id": executable, "at_ms": at, "trigger": event.get("sourceTriggerName") or ""})
    runs.sort(key=lambda r: (r["at_ms"], r["kind"], r["id"]))
    return runs


def typical_durations(client, environment_ids, task_ids) -> dict:
    """Expected duration of each task of ``task_ids``: the median of its last :data:`SAMPLES` successful runs.

    Reads each environment's successful runs newest first, until every task of ``task_ids`` has
    :data:`SAMPLES` of them or :data:`HISTORY_MAX_PAGES` pages were read.

    :returns: ``{task id: {"seconds": int, "runs": int}}`` for the tasks with at least one successful run;
        the others are absent. :raises TalendApiError: a read failed.
    """
    wanted, samples, complete = set(task_ids), {}, 0
    for environment_id in environment_ids:
        params = {"environmentId": environment_id, "status": "execution_successful", "lastDays": HISTORY_DAYS}
        seen = 0
        for item in client.iter_pages("GET", TASK_EXECUTIONS_PATH, params=params, page_size=PAGE_SIZE):
            seen += 1
            task_id = item.get("taskId")
            began, ended = epoch_ms(item.get("startTimestamp")), epoch_ms(item.get("finishTimestamp"))
            if task_id in wanted and began is not None and ended is not None and ended >= began:
                runs = samples.setdefault(task_id, [])
                if len(runs) < SAMPLES:
                    runs.append(ended - began)
                    complete += len(runs) == SAMPLES
            if complete == len(wanted) or seen >= HISTORY_MAX_PAGES * PAGE_SIZE:
                break  # the page in hand is the last one read
    return {t: {"seconds": int(round(median(runs) / 1000.0)), "runs": len(runs)} for t, runs in samples.items()}


def runs_in_flight(client, environment_ids, task_ids) -> list:
    """Executions of ``task_ids`` in flight now (``dispatching``, ``executing``), read by environment.

    :returns: ``_tmc_executions.execution_summary`` dicts. :raises TalendApiError: a read failed.
    """
    wanted, found = set(task_ids), []
    for environment_id in environment_ids:
        found += [e for e in list_executions(client, environment_id=environment_id) if e["task_id"] in wanted]
    return found
