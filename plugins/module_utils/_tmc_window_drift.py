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


def held_by_record(runs) -> dict:
    """``{id: {kind, name, where, workspace_id}}`` of what the pause runs of ``runs`` hold and no later resume run
    brought back (a record of an older version without ``workspace_id`` is never taken as moved)."""
    held = {}
    for run in runs:
        for kind in ("tasks", "plans"):
            for record in run.get(kind) or []:
                if run.get("phase") == "pause" and record.get("result") in WINDOW_HOLDS:
                    held[record["id"]] = {"kind": kind[:-1], "name": record.get("name"), "where": record.get("where"),
                                          "workspace_id": record.get("workspace_id")}
                elif run.get("phase") == "resume" and record.get("action") == "resume":
                    held.pop(record["id"], None)
    return held


def seen_by_pause(runs) -> set:
    """Every id a pause run of ``runs`` selected, whatever it did with it."""
    return {r["id"] for run in runs if run.get("phase") == "pause" for kind in ("tasks", "plans")
            for r in run.get(kind) or []}


def window_users(runs) -> set:
    """The accounts that paused for this window, as the API recorded them (``verify.paused_by`` of its pause runs)."""
    return {user for run in runs if run.get("phase") == "pause"
            for user in (run.get("verify") or {}).get("paused_by") or []}


def set_aside_foreign(selection, users) -> None:
    """Take out of ``selection`` what carries the window's marker but was paused by an account that never paused
    for this window (a person who typed the marker, another tool): listed in ``selection.foreign_marked``, left
    paused. Without a pause record (``users`` empty) nothing is taken out: the marker is all there is to go by.

    :param selection: the resume's ``Selection`` (changed in place). :param users: :func:`window_users`.
    """
    if not users:
        return
    for kind in ("tasks", "plans"):
        kept = []
        for entry in getattr(selection, kind):
            (kept if entry.get("pause_user") in users else selection.foreign_marked).append(entry)
        setattr(selection, kind, kept)


def find_drift(runs, selection) -> Drift:
    """Compare the pause record with the resume's search.

    :param runs: the earlier runs of the window's report on this machine (list of run records), maybe empty.
    :param selection: the resume's ``Selection`` (``tasks``/``plans`` still held, ``seen`` states of the ids the
        record holds, ``created_scope_ids`` of the paused scope).
    :returns: a :class:`Drift` (``checked`` False without pause runs).
    """
    out = Drift()
    held = held_by_record(runs)
    if selection.searched != "account" or not any(run.get("phase") == "pause" for run in runs):
        return out
    out.checked = True
    still = {e["id"]: e for e in selection.tasks + selection.plans}
    for executable_id, recorded in sorted(held.items()):
        base = {"kind": recorded["kind"], "id": executable_id, "name": recorded["name"]}
        if executable_id in still:
            now = still[executable_id]
            if recorded["workspace_id"] and now.get("workspace_id") != recorded["workspace_id"]:
                out.moved.append(dict(base, **{"from": recorded["where"], "to": now["where"]}))
            continue
        seen = selection.seen.get(executable_id)
        if seen is None:
            out.gone.append(dict(base, where=recorded["where"]))
        elif not seen["paused"]:
            out.resumed_by_others.append(dict(base, by=seen.get("pause_user"), at=seen.get("pause_date")))
        else:
            out.repaused.append(dict(base, by=seen.get("pause_user"), context=seen.get("pause_context")))
    known = seen_by_pause(runs)
    out.created = [{"kind": kind, "id": i, "name": name, "where": where}
                   for i, (kind, name, where) in sorted(selection.scope_entries.items()) if i not in known]
    return out
