# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The plan step of the window engine: what a planned window will hold, skip and wait for, read-only.

:func:`make_plan` reads (through ``_tmc_window_plan_client.PlanClient``, which sends no write) the selection as
the pause phase would see it (``_tmc_window_select``), the scheduled runs of the selected tasks and plans inside
``[start, end]`` (the runs the window skips), the runs in flight now and those that start before ``start``
with their expected end (``_tmc_window_plan_runs``), and works out the drain timeout to use, the cost of the
pause and resume phases at the rate limit, and a preflight. It returns one :class:`Plan`.

The pause phase is assumed to run at ``start``: a run is "still going when the window opens" when its expected
end is after ``start``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import DEFAULT_LIFETIME
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import PER_TASK_MAX
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import ENVIRONMENTS_PATH
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import window_of
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_order import horizon_seconds
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_runs import (
    DAY_MS,
    runs_in_flight,
    scheduled_runs,
    epoch_ms,
    typical_durations,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_select import (
    PhaseError,
    Sorted,
    select_for_pause,
    sort_for_pause,
)

DRAIN_MARGIN_SHARE = 0.25
DRAIN_MARGIN_MIN_SECONDS = 300
"""The suggested drain timeout: the time from ``start`` to the latest expected end, plus 25 % of it, at least
5 minutes more, rounded up to the minute."""
LOOKBACK_MAX_MS = DAY_MS
"""Scheduled runs that start before the window are searched back from ``start`` by the longest expected
duration of the tasks to pause, at most one day."""
STEP_PREFLIGHT = "Preflight: reach the API with the credentials given"
STEP_READ = "Read the scheduled runs and the executions"


@dataclass
class Plan:
    """The forecast of one planned window.

    :param start_ms: window start, epoch ms; ``end_ms`` its end; ``now_ms`` the time of the plan.
    :param tasks: ``Sorted`` task summaries (to pause, held by this window, paused by someone else);
        ``plans`` the same for plans.
    :param skipped: scheduled runs inside the window of what the window holds or pauses, sorted by time:
        ``{kind, id, name, at_ms, trigger}``.
    :param skipped_elsewhere: the same for what someone else paused (it would not run anyway).
    :param running: runs in flight now or starting before ``start`` of the tasks the window holds or pauses:
        ``{id, name, execution_id (None for a scheduled run), status (``executing``, ``dispatching`` or
        ``scheduled``), began_ms, expected_end_ms (None: no successful run in the history), usual_seconds,
        samples, overrunning (bool: past its usual duration already)}``, sorted by expected end.
    :param durations: ``{task id: {"seconds", "runs"}}`` read. :param drain: the drain suggestion (dict, see
        :meth:`drain_advice`). :param cost: requests and seconds of the pause and resume phases (dict).
    :param preflight: what was checked before the window (dict). :param requests: ``{operation: count}`` the
        plan sent. :param environments: names of the environments read.
    :param error: ``"<step>: <message>"`` of a step that stopped the plan, or None.
    """

    window_id: str
    start_ms: int
    end_ms: int
    now_ms: int
    tasks: Sorted = field(default_factory=Sorted)
    plans: Sorted = field(default_factory=Sorted)
    skipped: list = field(default_factory=list)
    skipped_elsewhere: list = field(default_factory=list)
    running: list = field(default_factory=list)
    durations: dict = field(default_factory=dict)
    drain: dict = field(default_factory=dict)
    cost: dict = field(default_factory=dict)
    preflight: dict = field(default_factory=dict)
    requests: dict = field(default_factory=dict)
    environments: list = field(default_factory=list)
    error: str | None = None

    def held_by_others(self) -> dict:
        """``{other window id: [names]}`` of the selection held by other windows."""
        out = {}
        for entry in self.tasks.foreign + self.plans.foreign:
            owner = window_of(entry.get("pause_context"))
            if owner is not None:
                out.setdefault(owner, []).append(entry["name"])
        return dict(sorted(out.items()))

    def at_start(self) -> list:
        """The runs of :attr:`running` expected to be going when the window opens (or with no expected end)."""
        return [r for r in self.running if r["expected_end_ms"] is None or r["expected_end_ms"] > self.start_ms]

    def stats(self) -> dict:
        """The ``maintenance_window_plan`` stats (``set_stats``)."""
        return {"window_id": self.window_id, "start": self.start_ms, "end": self.end_ms,
                "tasks_to_pause": len(self.tasks.to_pause), "plans_to_pause": len(self.plans.to_pause),
                "tasks_held": len(self.tasks.held), "plans_held": len(self.plans.held),
                "paused_by_others": len(self.tasks.foreign) + len(self.plans.foreign),
                "skipped_runs": len(self.skipped), "in_flight": len(self.at_start()),
                "suggested_drain_timeout": self.drain.get("suggested_timeout"),
                "pause_requests": self.cost.get("pause_requests"),
                "pause_seconds_at_rate_limit": self.cost.get("pause_seconds_at_rate_limit"),
                "resume_requests": self.cost.get("resume_requests"),
                "plan_requests": sum(self.requests.values()), "error": self.error}


LIST_READS = ("GET /orchestration/executables/tasks", "POST /orchestration/executables/tasks/search",
              "GET /orchestration/executables/plans")
"""The list pages the pause phase reads again to read its writes back (``_tmc_window_verify``)."""


def _list_reads(client) -> int:
    return sum(client.sent[operation] for operation in LIST_READS)


def _environment_ids(client, request) -> tuple:
    """``([environment ids], [names])``: those the selectors name, or every one (explicit ids, selectors by
    workspace, name or tags only). ``GET /orchestration/environments`` (the preflight's first request)."""
    environments = client.get(ENVIRONMENTS_PATH) or []
    named = [s.environment for s in request.selectors]
    if request.task_ids or request.plan_ids or not named or None in named:
        chosen = environments
    else:
        chosen = [e for e in environments if e.get("id") in named or e.get("name") in named]
    return [e.get("id") for e in chosen], [e.get("name") for e in chosen]


def _named(runs, names) -> list:
    return [dict(r, name=names.get(r["id"], r["id"])) for r in runs]


def drain_advice(start_ms, at_start, configured) -> dict:
    """The drain timeout to use: cover the latest expected end after ``start`` with the margin.

    :param at_start: runs expected to be going at ``start`` (see :meth:`Plan.at_start`).
    :param configured: ``maintenance_window_drain_timeout`` (seconds).
    :returns: ``{suggested_timeout (s), latest_end_ms (or None), needed_seconds, margin_seconds, configured,
        enough (bool: configured covers the suggestion), unknown (names with no expected end)}``.
    """
    ends = [r["expected_end_ms"] for r in at_start if r["expected_end_ms"] is not None]
    latest = max(ends) if ends else None
    needed = max(0, int(math.ceil((latest - start_ms) / 1000.0))) if latest is not None else 0
    margin = max(DRAIN_MARGIN_MIN_SECONDS, int(math.ceil(needed * DRAIN_MARGIN_SHARE)))
    suggested = int(math.ceil((needed + margin) / 60.0)) * 60
    return {"suggested_timeout": suggested, "latest_end_ms": latest, "needed_seconds": needed,
            "margin_seconds": margin, "configured": configured, "enough": configured >= suggested,
            "unknown": [r["name"] for r in at_start if r["expected_end_ms"] is None]}


def _order_pages(seen, start_ms, writes, rate_limit) -> int:
    """Pages of the events search the pause phase makes to pause the soonest-due first (``_tmc_window_order``): per
    environment, the runs of ``[start, start + the time of the pause]`` read by the plan, 100 a page, at least 1."""
    if not writes:
        return 0
    horizon_ms = horizon_seconds(writes, rate_limit) * 1000
    return sum(max(1, int(math.ceil(len([t for t in times if t <= start_ms + horizon_ms]) / 100.0)))
               for times in seen.values()) if seen else 1


def _cost(request, plan, selection_requests, detail_reads, rate_limit, renewable, seen) -> dict:
    """Requests of the pause and resume phases and their time at ``rate_limit`` (requests per minute).

    The pause phase: its selection reads, the events search that orders it, one ``PUT`` per task and plan to pause,
    and the read-back of the writes (the list pages of the selection again); then the drain's polls. When the task
    list lacks pause details (``detail_reads``: the tasks the plan could not read), the pause phase reads no task
    before its ``PUT`` (``_tmc_window_cold``) but reads each task that answers 204 (paused already): the plan cannot
    know how many, so ``pause_requests`` leaves them out and ``unknown_204_reads_at_most`` says how many they can
    be. The resume phase: the same reads (a detail read per task when the list lacks pause details), one ``PUT`` per
    task and plan the window will hold, and its read-back.

    :param selection_requests: ``(requests of the selection, of them list pages)``.
    """
    selection_requests, list_pages = selection_requests
    to_pause = len(plan.tasks.to_pause) + len(plan.plans.to_pause)
    held_after = to_pause + len(plan.tasks.held) + len(plan.plans.held)
    drained = len(plan.tasks.to_pause) + len(plan.tasks.held)
    per_poll = 0
    if request.drain.enabled and drained:
        per_poll = 2 * drained if drained <= PER_TASK_MAX else 2
    polls = 1 + int(math.ceil(plan.drain["needed_seconds"] / float(max(1, request.drain.interval)))) if per_poll else 0
    order = _order_pages(seen, plan.start_ms, to_pause, rate_limit)
    pause = selection_requests + list_pages + order + to_pause
    resume = selection_requests + list_pages + detail_reads + held_after
    seconds = int(math.ceil(pause * 60.0 / rate_limit))
    phase_seconds = seconds + (plan.drain["suggested_timeout"] if per_poll else 0)
    return {"rate_limit": rate_limit, "pause_requests": pause, "pause_seconds_at_rate_limit": seconds,
            "pause_writes": to_pause, "detail_reads": detail_reads, "unknown_204_reads_at_most": detail_reads,
            "selection_requests": selection_requests,
            "read_back_requests": list_pages, "order_requests": order,
            "drain_requests_per_poll": per_poll, "drain_polls_expected": polls,
            "resume_requests": resume, "resume_seconds_at_rate_limit": int(math.ceil(resume * 60.0 / rate_limit)),
            "resume_writes": held_after, "phase_seconds": phase_seconds, "service_account": renewable,
            "token_lifetime_seconds": DEFAULT_LIFETIME if renewable else None,
            "token_outlives_phase": (phase_seconds < DEFAULT_LIFETIME) if renewable else None}


def make_plan(client, request, now_ms, rate_limit) -> Plan:
    """Forecast the planned window of ``request`` (read-only).

    :param client: a ``PlanClient`` (read-only, counting). :param request: the ``WindowRequest`` (plan phase:
        ``start_ms`` and ``end_ms`` set). :param now_ms: the time now, epoch ms. :param rate_limit: requests per
        minute of the client (int).
    :returns: a :class:`Plan`; ``error`` set when a read failed (what was read before stays in the plan).
    """
    plan = Plan(request.window.id, request.start_ms, request.end_ms, now_ms)
    try:
        environment_ids, plan.environments = _environment_ids(client, request)
    except TalendError as exc:
        plan.preflight = {"reachable": False, "credentials": False, "error": str(exc)}
        plan.error = "%s: %s" % (STEP_PREFLIGHT, exc)
        plan.requests = client.requests_sent()
        return plan
    plan.preflight = {"reachable": True, "credentials": True, "error": None}
    before, lists_before = sum(client.sent.values()), _list_reads(client)
    try:
        selection = select_for_pause(client, request)
    except PhaseError as exc:
        plan.error = str(exc)
        plan.requests = client.requests_sent()
        return plan
    selection_requests = (sum(client.sent.values()) - before, _list_reads(client) - lists_before)
    plan.tasks, plan.plans = sort_for_pause(selection.tasks, request.window), sort_for_pause(selection.plans,
                                                                                             request.window)
    plan.preflight.update(pause_details_on_list=client.detail_reads_not_sent == 0,
                          detail_reads=client.detail_reads_not_sent, empty_selectors=selection.empty_selectors)
    names = selection.names()
    ours = {e["id"]: k for k, s in (("TASK", plan.tasks), ("PLAN", plan.plans)) for e in s.to_pause + s.held}
    others = {e["id"]: k for k, s in (("TASK", plan.tasks), ("PLAN", plan.plans)) for e in s.foreign}
    drained = [e["id"] for e in plan.tasks.to_pause + plan.tasks.held]
    seen = {}
    try:
        inside = scheduled_runs(client, environment_ids, request.start_ms, request.end_ms, dict(others, **ours),
                                seen=seen)
        plan.skipped = _named([r for r in inside if r["id"] in ours], names)
        plan.skipped_elsewhere = _named([r for r in inside if r["id"] not in ours], names)
        plan.durations = typical_durations(client, environment_ids, drained) if drained else {}
        plan.running = _running(client, plan, environment_ids, drained, names)
    except TalendError as exc:
        plan.error = "%s: %s" % (STEP_READ, exc)
    plan.drain = drain_advice(request.start_ms, plan.at_start(), request.drain.timeout)
    plan.cost = _cost(request, plan, selection_requests, client.detail_reads_not_sent, rate_limit,
                      bool(getattr(client.auth, "renewable", False)), seen)
    plan.requests = client.requests_sent()
    return plan


def _running(client, plan, environment_ids, drained, names) -> list:
    """Runs in flight now and scheduled runs of the tasks to pause that start before the window."""
    out = []
    for execution in runs_in_flight(client, environment_ids, drained) if drained else []:
        began = epoch_ms(execution["start_timestamp"] or execution["trigger_timestamp"]) or plan.now_ms
        out.append(_expected(plan, execution["task_id"], names, began, execution["execution_id"],
                             execution["status"]))
    to_pause = {e["id"]: "TASK" for e in plan.tasks.to_pause}
    usual = [plan.durations[t]["seconds"] * 1000 for t in to_pause if t in plan.durations]
    lookback = min(LOOKBACK_MAX_MS, max(usual or [0]))
    if to_pause and lookback and plan.start_ms > plan.now_ms:
        before = scheduled_runs(client, environment_ids, max(plan.now_ms, plan.start_ms - lookback),
                                plan.start_ms - 1, to_pause)
        out += [_expected(plan, r["id"], names, r["at_ms"], None, "scheduled") for r in before]
    out = [r for r in out if r["status"] != "scheduled" or r["expected_end_ms"] is None
           or r["expected_end_ms"] > plan.start_ms]
    return sorted(out, key=lambda r: (r["expected_end_ms"] is None, r["expected_end_ms"] or 0, r["name"] or ""))


def _expected(plan, task_id, names, began_ms, execution_id, status) -> dict:
    usual = plan.durations.get(task_id)
    end = began_ms + usual["seconds"] * 1000 if usual else None
    overrunning = end is not None and end < plan.now_ms and status != "scheduled"
    return {"id": task_id, "name": names.get(task_id, task_id), "execution_id": execution_id, "status": status,
            "began_ms": began_ms, "expected_end_ms": plan.now_ms if overrunning else end,
            "usual_seconds": usual["seconds"] if usual else None, "samples": usual["runs"] if usual else 0,
            "overrunning": overrunning}
