# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The drift step of the window engine: what changed under the window while it was open.

At resume, the window's pause record (the report of this window on this machine, when there is one) is held
against what the API shows now (the resume's search of the account): held tasks someone else resumed, or
re-paused with another context; tasks deleted (or no longer visible to these credentials) or moved to another
environment or workspace; tasks created in the paused scope during the window (left as they are). Drift fails
nothing: it is reported. Without a pause record on this machine, drift is not checked, and the record says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import NamedTuple

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import shared_text
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_report import WINDOW_HOLDS


@dataclass
class Drift:
    """Drift found at resume; each list holds ``{kind, id, name, ...}``.

    :param checked: False when no pause record was there to compare with. :param resumed_by_others: held tasks
        found active (``by``, ``at``). :param repaused: held tasks paused again with another context (``by``,
        ``context``). :param gone: held tasks not found (deleted, or not visible). :param moved: held tasks found
        elsewhere (``from``, ``to``). :param created: tasks in the paused scope that the pause never saw.
    """

    checked: bool = False
    resumed_by_others: list = field(default_factory=list)
    repaused: list = field(default_factory=list)
    gone: list = field(default_factory=list)
    moved: list = field(default_factory=list)
    created: list = field(default_factory=list)

    def record(self) -> dict:
        """The ``drift`` entry of the run record."""
        return asdict(self)

    def count(self) -> int:
        """How many findings in all."""
        return sum(len(x) for x in (self.resumed_by_others, self.repaused, self.gone, self.moved, self.created))


class Held(NamedTuple):
    """What a pause run recorded of one task or plan it holds (a tuple: 30,000 of them are not 30,000 dicts)."""

    kind: str
    name: str
    where: str
    workspace_id: str


class PauseRecord:
    """What the earlier runs of the window on this machine say, read one run at a time (:meth:`add`): memory in
    the number of tasks and plans, not in the number of runs.

    :ivar held: ``{id: Held(kind, name, where, workspace_id)}`` of what the pause runs hold and no later resume run
        brought back (a record of an older version without ``workspace_id`` is never taken as moved).
    :ivar seen: every id a pause run selected, whatever it did with it (set).
    :ivar users: the accounts that paused for this window, as the API recorded them (``verify.paused_by`` of its
        pause runs; set).
    :ivar paused: True when there is a pause run.
    :ivar missing: ``[(number, phase, problem)]`` of earlier runs whose record could not be read.
    """

    def __init__(self):
        self.held, self.seen, self.users, self.paused, self.missing = {}, set(), set(), False, []

    @classmethod
    def of(cls, runs) -> "PauseRecord":
        """The record of ``runs``: an iterable of ``(entry, run, problem)`` (``WindowReport.earlier_runs``; ``run``
        None when its file could not be read, ``entry`` its ``number`` and ``phase``)."""
        record = cls()
        for entry, run, problem in runs:
            if run is None:
                record.missing.append((entry["number"], entry["phase"], problem))
            else:
                record.add(run)
        return record

    def add(self, run) -> None:
        """Add the next run record (in the order of the runs)."""
        pausing = run.get("phase") == "pause"
        self.paused = self.paused or pausing
        for kind in ("tasks", "plans"):
            for record in run.get(kind) or []:
                if pausing:
                    executable_id = shared_text(record["id"])   # one object with the resume's own copy of the id
                    self.seen.add(executable_id)
                    if record.get("result") in WINDOW_HOLDS:
                        self.held[executable_id] = Held(kind[:-1], shared_text(record.get("name")),
                                                        shared_text(record.get("where")),
                                                        shared_text(record.get("workspace_id")))
                elif run.get("phase") == "resume" and record.get("action") == "resume":
                    self.held.pop(record["id"], None)
        if pausing:
            self.users.update((run.get("verify") or {}).get("paused_by") or [])

    @property
    def complete(self) -> bool:
        """True when every earlier run could be read."""
        return not self.missing

    def window_users(self) -> set:
        """The users of :attr:`users` when every pause run could be read; else an empty set (the marker is all there
        is to go by: an account missing from an unreadable run must not be taken for someone else)."""
        return set() if any(phase == "pause" for dummy, phase, dummy2 in self.missing) else set(self.users)

    def warning(self, window_id):
        """What could not be checked because some earlier runs could not be read (text), or None."""
        if self.complete:
            return None
        runs = ", ".join("run %d (%s, %s)" % m for m in self.missing)
        return ("Window %s: the report's record of %s could not be read: drift was not checked%s. The resume went by the "
                "marker on the tenant; to check drift, put the run files back and run the resume again." % (
                    window_id, runs, " and the accounts that paused for the window were not compared" if any(
                        m[1] == "pause" for m in self.missing) else ""))


def set_aside_foreign(selection, users) -> None:
    """Take out of ``selection`` what carries the window's marker but was paused by an account that never paused
    for this window (a person who typed the marker, another tool): listed in ``selection.foreign_marked``, left
    paused. Without a pause record (``users`` empty) nothing is taken out: the marker is all there is to go by.

    :param selection: the resume's ``Selection`` (changed in place). :param users: ``PauseRecord.window_users()``.
    """
    if not users:
        return
    for kind in ("tasks", "plans"):
        kept = []
        for entry in getattr(selection, kind):
            (kept if entry.get("pause_user") in users else selection.foreign_marked).append(entry)
        setattr(selection, kind, kept)


def find_drift(record, selection) -> Drift:
    """Compare the pause record with the resume's search.

    :param record: the :class:`PauseRecord` of the window's report on this machine (maybe of no run).
    :param selection: the resume's ``Selection`` (``tasks``/``plans`` still held, ``seen`` states of the ids the
        record holds, ``created_scope_ids`` of the paused scope).
    :returns: a :class:`Drift` (``checked`` False without pause runs, or when a run's record could not be read).
    """
    out = Drift()
    held = record.held
    if selection.searched != "account" or not record.paused or not record.complete:
        return out
    out.checked = True
    still = {e["id"]: e for e in selection.tasks + selection.plans}
    for executable_id, recorded in sorted(held.items()):
        base = {"kind": recorded.kind, "id": executable_id, "name": recorded.name}
        if executable_id in still:
            now = still[executable_id]
            if recorded.workspace_id and now.get("workspace_id") != recorded.workspace_id:
                out.moved.append(dict(base, **{"from": recorded.where, "to": now["where"]}))
            continue
        seen = selection.seen.get(executable_id)
        if seen is None:
            out.gone.append(dict(base, where=recorded.where))
        elif not seen["paused"]:
            out.resumed_by_others.append(dict(base, by=seen.get("pause_user"), at=seen.get("pause_date")))
        else:
            out.repaused.append(dict(base, by=seen.get("pause_user"), context=seen.get("pause_context")))
    known = record.seen
    out.created = [{"kind": kind, "id": i, "name": name, "where": where}
                   for i, (kind, name, where) in sorted(selection.scope_entries.items()) if i not in known]
    return out
