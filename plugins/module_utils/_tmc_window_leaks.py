# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The leaks step of the window engine: runs of held tasks that started after the task was paused.

Pausing discards every new run request (scheduled, manual, webhook), the vendor says; scheduler users' most
reported bug is "paused but it still ran". At the end of the drain and at resume, the executions of each
environment that holds paused tasks are read from the earliest pause time on (``GET
/processing/executables/tasks/executions`` with ``environmentId`` and ``from``, paged: no request per task), and
every execution of a held task requested (``triggerTimestamp``) after that task's pause is a leak.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import (
    TASK_EXECUTIONS_PATH,
    execution_summary,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import parse_instant
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_select import paused_since


@dataclass
class Leaks:
    """Executions of held tasks that started after their pause.

    :param found: ``[{execution_id, task_id, name, type, start, status}]`` (``start``: when the run was requested,
        its ``triggerTimestamp``, ISO 8601 UTC; a run requested before the pause that started after it is no leak).
    :param checked: number of held tasks looked at. :param error: why the executions could not be read, or None.
    """

    found: list = field(default_factory=list)
    checked: int = 0
    error: str | None = None

    def record(self) -> dict:
        """The ``leaks`` entry of the run record."""
        return {"checked_tasks": self.checked, "executions": self.found, "error": self.error}


def _ms(value):
    try:
        return parse_instant(value, "time") if value else None
    except TalendError:
        return None


def find_leaks(client, held) -> Leaks:
    """Executions of ``held`` tasks that started after each one's pause.

    :param client: a ``TalendClient``.
    :param held: ``[{id, name, environment_id, paused_at or pause_date}]``: each held task and when it was paused
        (ISO 8601, :func:`~._tmc_window_select.paused_since`).
    :returns: a :class:`Leaks` (its ``error`` set when the executions could not be read).
    """
    out = Leaks(checked=len(held))
    by_environment = {}
    for entry in held:
        paused_at = _ms(paused_since(entry))
        if paused_at is not None:
            by_environment.setdefault(entry.get("environment_id"), {})[entry["id"]] = (entry, paused_at)
    try:
        for environment_id, tasks in by_environment.items():
            params = {"from": min(p for _e, p in tasks.values())}
            if environment_id:
                params["environmentId"] = environment_id
            for item in client.iter_pages("GET", TASK_EXECUTIONS_PATH, params=params):
                summary = execution_summary(item)
                if summary["task_id"] not in tasks:
                    continue
                entry, paused_at = tasks[summary["task_id"]]
                # a run requested before the pause may start after it (dispatching): only the request time counts
                requested = _ms(summary["trigger_timestamp"] or summary["start_timestamp"])
                if requested is not None and requested > paused_at:
                    out.found.append({"execution_id": summary["execution_id"], "task_id": summary["task_id"],
                                      "name": entry.get("name"), "type": summary["execution_type"],
                                      "start": summary["trigger_timestamp"] or summary["start_timestamp"],
                                      "status": summary["status"]})
    except TalendError as exc:
        out.error = str(exc)
    out.found.sort(key=lambda e: (e["start"] or "", e["execution_id"] or ""))
    return out
