# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The cold step of the pause phase: what the pause ``PUT`` told about tasks whose state the list did not show.

On a cold tenant the task list items carry no ``taskPauseDetails`` (no task of the scope was ever paused, or the
tenant leaves them out), so the selection does not know which tasks are paused. Rather than read each task before
pausing it (two requests per task), the pause phase sends its ``PUT .../pause`` to each of them (``Sorted.unknown``,
in ``to_pause`` too) and reads only those that answer 204:

* **202**: the task was active and is paused now: its record says so (before: not paused), as for a listed task.
* **204**: it was paused already and nothing changed (the API keeps the context in place: see the emulator
  README's assumptions): one ``GET .../tasks/{taskId}`` tells whose pause it is. This window's marker at the end
  of the context: held by an earlier run of the window; otherwise paused by someone else (another window
  included) and left alone. Either way the task leaves the change (no write took effect), and its summary takes
  the state read, so the record, the messages and the counts say what they say of a listed paused task.
* a failure: a failure of that id, as for a listed task (the state before is the list's: no pause details).

A 204 whose read fails, or that reads not paused (resumed meanwhile), stays in the change as a 204 of a task to
pause: the read-back reads it again and the record says what it saw (``_tmc_window_verify``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import map_concurrently
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK, pause_state


@dataclass
class ColdOutcome:
    """What the pause ``PUT`` and the reads of the 204s told about the tasks of a list without pause details.

    :param unknown: tasks sent a ``PUT`` without a known state (int). :param answered_204: of them answered 204
        (list of ids). :param held: of those, held by an earlier run of this window (list of ids).
    :param foreign: of those, paused by someone else: left alone (list of ids).
    :param unread: ``{id: why}`` of 204s whose read failed or showed them not paused (the read-back reads them).
    """

    unknown: int = 0
    answered_204: list = field(default_factory=list)
    held: list = field(default_factory=list)
    foreign: list = field(default_factory=list)
    unread: dict = field(default_factory=dict)

    def record(self) -> dict:
        """The ``cold`` entry of the run record."""
        return {"unknown_before_pause": self.unknown, "answered_204": len(self.answered_204), "held": len(self.held),
                "left_alone": len(self.foreign), "unread": self.unread}


def _read(client, task_id):
    """``(state, None)`` of one task (``GET /orchestration/executables/tasks/{taskId}``, ``getTask``), or
    ``(None, why)`` when the read failed."""
    try:
        return pause_state((client.get(TASK.item_path(task_id)) or {}).get(TASK.pause_details_key)), None
    except TalendError as exc:
        return None, str(exc)


def settle_unknown(client, window, tasks, change) -> ColdOutcome | None:
    """Sort the tasks of ``tasks.unknown`` by the answer of their pause ``PUT`` (see the module docstring), in place.

    :param client: a ``TalendClient``. :param window: the ``Window`` (``holds`` tells its marker).
    :param tasks: the ``Sorted`` tasks of the pause phase; ``unknown`` entries (summaries, also in ``to_pause``)
        answered 204 and read paused move to ``held`` or ``foreign`` with the state read (``paused``,
        ``pause_context``, ``pause_user``, ``pause_date``); those answered 202 get ``paused`` False (before: active).
    :param change: the ``ChangeOutcome`` of the tasks' pause calls; the ids moved leave its ``ids`` and ``entries``.
    :returns: a :class:`ColdOutcome`, or None when no state was unknown. Never raises: a failed read is in
        ``unread``.
    """
    if not tasks.unknown:
        return None
    out = ColdOutcome(unknown=len(tasks.unknown))
    unknown = {e["id"]: e for e in tasks.unknown}
    answers = {e["id"]: e for e in change.entries if e["id"] in unknown}
    for task_id, entry in answers.items():
        if entry.get("changed"):
            unknown[task_id]["paused"] = False   # 202: it was active
    out.answered_204 = [i for i in change.ids if i in answers and not answers[i].get("changed")]
    moved = {}
    for task_id, (state, why) in zip(out.answered_204,
                                     map_concurrently(client, lambda i: _read(client, i), out.answered_204)):
        summary = unknown[task_id]
        if state is None or not state["paused"]:
            summary["paused"] = False   # the state before is not known better than the list's: no pause details
            out.unread[task_id] = why or "read not paused after a 204 (resumed meanwhile?)"
            continue
        summary.update({k: state[k] for k in ("paused", "pause_context", "pause_user", "pause_date")})
        moved[task_id] = summary
        (out.held if window.holds(state["pause_context"]) else out.foreign).append(task_id)
    for task_id, summary in unknown.items():
        if summary["paused"] is None:
            summary["paused"] = False   # failed or not answered: the list's state (no pause details)
    tasks.to_pause[:] = [e for e in tasks.to_pause if e["id"] not in moved]
    tasks.held += [moved[i] for i in out.held]
    tasks.foreign += [moved[i] for i in out.foreign]
    tasks.unknown = []
    change.ids[:] = [i for i in change.ids if i not in moved]
    change.entries[:] = [e for e in change.entries if e["id"] not in moved]
    return out
