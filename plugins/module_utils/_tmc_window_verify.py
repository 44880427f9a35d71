# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The verify step of the window engine: read back the writes whose answer does not say what happened.

A pause whose answer was lost (connection reset, 5xx after the write was applied, a 204 on the retry of a
request applied before its answer was lost) may have paused the task with this window's marker. Reading those
ids back tells the report the truth; a re-run of the phase would find the marker anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import select_executables


@dataclass
class ReadBack:
    """Ids read back after a change.

    :param asked: ids read back (list of str). :param confirmed: those paused with the window's marker.
    :param error: why the read failed (then nothing is confirmed), or None.
    """

    asked: list = field(default_factory=list)
    confirmed: list = field(default_factory=list)
    error: str | None = None


def read_back_pause(client, window, tasks, plans, check_mode=False) -> ReadBack:
    """Read the ids whose pause is unsure (``ChangeOutcome.unsure_ids``) and confirm those that carry the marker.

    One ``GET /orchestration/executables/tasks/{taskId}`` (``plans/{planId}``) per unsure id; nothing in
    check mode (nothing was written).

    :param client: a ``TalendClient``. :param window: the ``Window``.
    :param tasks: the ``ChangeOutcome`` of the tasks; ``plans`` of the plans.
    :returns: a :class:`ReadBack`.
    """
    task_ids, plan_ids = tasks.unsure_ids(), plans.unsure_ids()
    out = ReadBack(asked=task_ids + plan_ids)
    if check_mode or not out.asked:
        out.asked = []
        return out
    try:
        found = select_executables(client, task_ids=task_ids, plan_ids=plan_ids, paused=True,
                                   pause_context_contains=window.marker)
    except TalendError as exc:
        out.error = str(exc)
        return out
    out.confirmed = [e["id"] for e in found["tasks"] + found["plans"] if window.holds(e["pause_context"])]
    return out
