# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The verify step of the window engine: read back every write and confirm it took effect.

The vendor spec answers a pause with 202 "Accepted (work is done in background)": a promise, not a fact. After
the pause (or resume) calls, every id answered 202 is read back and must be seen in the wanted state (pause:
paused with this window's marker at the end of its context; resume: no longer held by this window). Ids whose
answer does not tell what happened (no answer, a 5xx, a 204 that may repeat a request applied before its answer
was lost) are read back too: seen in the wanted state, they are lost answers and count as done. Ids not applied
yet are read again, a few times with growing delays; an id answered 202 and never seen in the wanted state is a
failure of that id, with what was seen.

Reads: the first round lists the pages of each environment concerned (``GET /orchestration/executables/tasks``
with ``environmentId``; ``GET /orchestration/executables/plans``), so a window of 1,000 tasks in one environment
costs about ten requests; when the task list carries no pause details, and in the later rounds, each id is read
alone (``GET .../tasks/{taskId}``, ``GET .../plans/{planId}``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import NamedTuple

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import map_concurrently
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError, TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import PLAN, TASK, pause_state
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_plans import list_plans
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import parse_instant

RETRY_DELAYS = (1, 2, 4, 8)
"""Seconds to wait before each later round of reads (four more rounds, 15 s at most in all)."""
NOT_FOUND = "not found (HTTP 404)"


@dataclass
class Verification:
    """What the reads after the writes saw.

    :param asked: ids read back (list of str). :param confirmed: ids seen in the wanted state.
    :param never_confirmed: ``{id: what was seen}`` of the ids answered 202 and never seen in the wanted state.
    :param rounds: rounds of reads made. :param error: why reading failed (then nothing is confirmed), or None.
    :param api_now: the latest ``pauseDate`` seen (ISO 8601): the API's own time of the writes, or None.
    :param users: the ``user`` the API recorded on what was confirmed (the account these credentials act as).
    """

    asked: list = field(default_factory=list)
    confirmed: list = field(default_factory=list)
    never_confirmed: dict = field(default_factory=dict)
    rounds: int = 0
    error: str | None = None
    api_now: str | None = None
    users: list = field(default_factory=list)

    def add(self, part):
        """Add the read-back of a later change (e.g. the next resume wave) to this one, in place."""
        self.asked += part.asked
        self.confirmed += part.confirmed
        self.never_confirmed.update(part.never_confirmed)
        self.rounds += part.rounds
        self.error = self.error or part.error
        self.api_now = max([d for d in (self.api_now, part.api_now) if d], key=_ms, default=None)
        self.users = sorted(set(self.users) | set(part.users))

    def record(self, lost_answers) -> dict:
        """The ``verify`` entry of the run record. :param lost_answers: ids confirmed without a 202 (list)."""
        return {"asked": len(self.asked), "confirmed": len(self.confirmed), "lost_answers": list(lost_answers),
                "never_confirmed": self.never_confirmed, "rounds": self.rounds, "error": self.error,
                "paused_by": self.users}


def _ms(value):
    try:
        return parse_instant(value, "pauseDate")
    except TalendError:
        return -1


def describe(state) -> str:
    """What was seen of a task or plan, for people: ``not paused`` or ``paused by <user> with context "<text>"``."""
    if state is None:
        return NOT_FOUND
    if not state.paused:
        return "not paused"
    return "paused by %s with context %r" % (state.pause_user or "someone", state.pause_context or "")


class Seen(NamedTuple):
    """The pause state read back of one task or plan (a tuple: a read-back of 30,000 ids holds no 30,000 dicts)."""

    paused: bool
    pause_context: str
    pause_user: str
    pause_date: str

    @classmethod
    def of(cls, details) -> "Seen":
        """From ``taskPauseDetails``/``planPauseDetails`` (or None), through ``_tmc_executables.pause_state``."""
        state = pause_state(details)
        return cls(state["paused"], state["pause_context"], state["pause_user"], state["pause_date"])


def _listed_states(client, kind, environment_id, wanted):
    """``{id: state}`` of ``wanted`` ids from the list pages of one environment, or None when no item of the list
    carries pause details (a task never paused has none, so one item without them says nothing)."""
    if kind is PLAN:
        items = list_plans(client, environment_id=environment_id)
    else:
        items = client.iter_pages("GET", TASK.path, params={"environmentId": environment_id} if environment_id else None)
    states, with_details = {}, False
    for item in items:
        with_details = with_details or kind.pause_details_key in item   # a never-paused item has none
        item_id = item.get("executable") or item.get("id")
        if item_id in wanted:
            states[item_id] = Seen.of(item.get(kind.pause_details_key))
    return states if with_details else None


def _read_one(client, kind, executable_id):
    try:
        return Seen.of((client.get(kind.item_path(executable_id)) or {}).get(kind.pause_details_key))
    except TalendApiError as exc:
        if exc.status == 404:
            return None
        raise


def _read_states(client, kind, ids, environment_of, listed):
    """``{id: state or None (404)}`` of ``ids``: by list pages per environment when ``listed``, else one by one."""
    states, rest = {}, list(ids)
    if listed:
        by_environment = {}
        for executable_id in ids:
            by_environment.setdefault(environment_of.get(executable_id), set()).add(executable_id)
        rest = []
        for environment_id, wanted in by_environment.items():
            found = _listed_states(client, kind, environment_id, wanted)
            if found is None:
                rest += sorted(wanted)
                continue
            states.update(found)
            rest += sorted(wanted - set(found))
    states.update(zip(rest, map_concurrently(client, lambda i: _read_one(client, kind, i), rest)))
    return states


def verify_changes(client, window, changes, pausing, environment_of, check_mode=False, sleep=None,
                   delays=RETRY_DELAYS) -> Verification:
    """Read back the ids of ``changes`` and confirm each took the wanted state (see the module docstring).

    :param client: a ``TalendClient``. :param window: the ``Window``.
    :param changes: the ``ChangeOutcome`` of each kind (tasks, plans).
    :param pausing: True after pause calls (wanted: paused with the marker), False after resume calls (wanted:
        not held by the window any more).
    :param environment_of: ``{id: environment id}`` of the ids (for list reads by environment).
    :param check_mode: nothing was written: nothing is read. :param sleep: ``sleep(seconds)``, default ``time.sleep``.
    :param delays: seconds before each later round.
    :returns: a :class:`Verification`.
    """
    out = Verification()
    if check_mode:
        return out
    required = {c.kind.name: set(c.changed_ids()) for c in changes}
    read = {c.kind.name: required[c.kind.name] | set(c.unsure_ids()) for c in changes}   # once, not once per id
    pending = {c.kind.name: [i for i in c.ids if i in read[c.kind.name]] for c in changes}
    kinds = {c.kind.name: c.kind for c in changes}
    out.asked = [i for ids in pending.values() for i in ids]
    seen = {}

    def wanted(state):
        held = state is not None and state.paused and window.holds(state.pause_context)
        return held if pausing else (state is not None and not held)

    for round_number in range(len(delays) + 1):
        if not any(pending.values()):
            break
        if round_number:
            (sleep or time.sleep)(delays[round_number - 1])
        out.rounds += 1
        try:
            for name, ids in pending.items():
                if not ids:
                    continue
                states = _read_states(client, kinds[name], ids, environment_of, listed=round_number == 0)
                dates = [st.pause_date for st in states.values() if st and st.pause_date]
                out.api_now = max([d for d in (out.api_now, *dates) if d], key=_ms, default=None)
                done = [i for i in ids if wanted(states.get(i))]
                out.confirmed += done
                out.users = sorted(set(out.users) | {states[i].pause_user for i in done if states[i].pause_user})
                # only an id answered 202 is waited for; the others were read once to learn whether they changed
                pending[name] = [i for i in ids if not wanted(states.get(i)) and i in required[name]]
                seen.update((i, states.get(i)) for i in pending[name])   # what a failure will say it saw
                del states
        except TalendError as exc:
            out.error = str(exc)
            return out
    out.never_confirmed = {i: describe(seen.get(i)) for ids in pending.values() for i in ids}
    return out
