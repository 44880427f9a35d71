# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""What one phase run did: every step's typed outcome in one place (``PhaseOutcome``), and the report record,
the ids and the truth about what changed derived from them. The engine (``_tmc_window_engine``) fills it step by
step; the report, the messages, the facts and the stats all read it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import PLAN, TASK
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_change import ChangeOutcome
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_report import build_run, entry_records
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_select import Sorted
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_verify import Verification


def _resume_steps(outcome) -> dict:
    """The ``waves`` and ``catch_up`` entries of a resume's run record (none when not asked)."""
    steps = {"waves": outcome.waves.record() if outcome.waves is not None else None,
             "catch_up": outcome.catch_up.record() if outcome.catch_up is not None else None}
    return {k: v for k, v in steps.items() if v is not None}


@dataclass
class PhaseOutcome:
    """Every step's outcome of one phase run.

    :param request: the checked ``WindowRequest``. :param started: ISO 8601 UTC. :param check_mode: bool.
    :param selection: the ``Selection``, None until selected. :param tasks: ``Sorted`` tasks (pause);
        ``plans`` the same. :param task_change: ``ChangeOutcome`` of the tasks; ``plan_change`` of the plans.
    :param verify: ``Verification`` of the writes. :param drain: ``DrainOutcome`` or None.
    :param leaks: ``Leaks`` (end of the drain, resume) or None. :param drift: ``Drift`` (resume) or None.
    :param schedules: ``ScheduleCheck`` (skipped runs and re-arm, after the resume) or None.
    :param waves: ``Waves`` of the resume (its ``record()`` is None without waves) or None.
    :param catch_up: ``CatchUpOutcome`` (resume with ``catch_up: once``) or None.
    :param error: ``"<step>: <message>"`` of a step that stopped the phase, or None.
    :param order: pause phase: ``{horizon_seconds, due_in_horizon, error}`` of the soonest-first order, or None.
    :param due_soon: pause phase: ``{id: due time}`` of what had a run due while the pause went out.
    :param cold: pause phase: ``ColdOutcome`` of the tasks of a list without pause details (``_tmc_window_cold``),
        or None.
    :param sending: the pause or resume calls are going out (a record written now lists every due id without an
        answer as "may have changed").
    """

    request: object
    started: str
    check_mode: bool = False
    selection: object = None
    tasks: Sorted = field(default_factory=Sorted)
    plans: Sorted = field(default_factory=Sorted)
    task_change: ChangeOutcome = field(default_factory=lambda: ChangeOutcome(TASK))
    plan_change: ChangeOutcome = field(default_factory=lambda: ChangeOutcome(PLAN))
    verify: Verification = field(default_factory=Verification)
    drain: object = None
    leaks: object = None
    drift: object = None
    schedules: object = None
    waves: object = None
    catch_up: object = None
    error: str | None = None
    sending: bool = False
    order: object = None
    due_soon: dict = field(default_factory=dict)
    cold: object = None

    def _changed(self, change) -> list:
        """Ids of ``change`` that took effect: answered 202 and not refuted by the read-back, or confirmed by it
        after an answer that did not say."""
        confirmed, refuted = set(self.verify.confirmed), self.verify.never_confirmed
        return [i for i in change.ids if (i in confirmed or i in set(change.changed_ids())) and i not in refuted]

    def lost_answers(self) -> list:
        """Ids confirmed by the read-back although their answer did not say they changed."""
        answered = set(self.task_change.changed_ids()) | set(self.plan_change.changed_ids())
        return [i for i in self.verify.confirmed if i not in answered]

    def newly_paused(self) -> list:
        """Ids this run paused (answered 202, or read back with the marker after a lost answer)."""
        return list(dict.fromkeys(self._changed(self.task_change) + self._changed(self.plan_change)))

    def held_task_ids(self) -> list:
        """Pause phase: every task the window holds paused, by an earlier run or this one."""
        return list(dict.fromkeys([e["id"] for e in self.tasks.held] + self._changed(self.task_change)))

    def held_plan_ids(self) -> list:
        """Pause phase: every plan the window holds paused."""
        return list(dict.fromkeys([e["id"] for e in self.plans.held] + self._changed(self.plan_change)))

    def resumed_task_ids(self) -> list:
        """Resume phase: the tasks this run resumed."""
        return [] if self.request.pausing else self._changed(self.task_change)

    def resumed_plan_ids(self) -> list:
        """Resume phase: the plans this run resumed."""
        return [] if self.request.pausing else self._changed(self.plan_change)

    def failed_ids(self) -> list:
        """Ids whose change failed (and was not read back as done), or was accepted and never seen done."""
        confirmed = set(self.verify.confirmed)
        failed = [i for i in self.task_change.failed_ids() + self.plan_change.failed_ids() if i not in confirmed]
        return failed + list(self.verify.never_confirmed)

    def changed_anything(self) -> bool:
        """True when a state changed (in check mode: would change)."""
        return self.task_change.changed or self.plan_change.changed or bool(self.verify.confirmed)

    def unsure_anything(self) -> bool:
        """True when a write was sent whose effect is not known (no answer, 5xx): "nothing changed" is not sure."""
        changes = (self.task_change, self.plan_change)
        return any(set(c.ids) - c.refused_ids() - {e["id"] for e in c.entries} for c in changes)

    def record(self) -> dict:
        """The report record of this run (``_tmc_window_report.build_run``)."""
        window, selection, verify = self.request.window, self.selection, self.verify
        lost = self.lost_answers()
        tasks = entry_records(self.request.phase, window, selection.tasks if selection else [],
                              self.task_change if self.task_change.at else None, lost, verify.never_confirmed,
                              self.sending)
        plans = entry_records(self.request.phase, window, selection.plans if selection else [],
                              self.plan_change if self.plan_change.at else None, lost, verify.never_confirmed,
                              self.sending)
        steps = {"verify": verify.record(lost)}
        if selection is not None and not self.request.pausing:
            steps["search"] = {"searched": selection.searched, "outside_scope": selection.outside_scope,
                               "other_windows": selection.other_windows}
        if self.order is not None:
            steps["order"] = self.order
        if self.cold is not None:
            steps["cold"] = self.cold.record()
        for step in (self.leaks, self.drift):
            if step is not None:
                steps[type(step).__name__.lower()] = step.record()
        if self.schedules is not None:
            steps.update(self.schedules.records())
        steps.update(_resume_steps(self))
        return build_run(self.request.phase, window.marker, tasks, plans, self.started,
                         reason=self.request.reason if self.request.pausing else None,
                         error=self.error or (("Read back the writes: %s" % verify.error) if verify.error else None)
                         or (self.drain.error if self.drain else None),
                         drain=self.drain.record() if self.drain else None, steps=steps)
