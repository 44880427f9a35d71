# SPDX-License-Identifier: GPL-3.0-or-later
"""The plan step: selection, skipped runs, runs at the start, drain timeout, cost, preflight (read-only)."""

from __future__ import annotations

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan import drain_advice, make_plan
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_client import PlanClient

from plan_api import HOUR, NOW, START, FakeApi, iso, plan_request, run, task

MINUTE = 60_000
OURS = "[maintenance-window:w1]"


def _plan(api, **options):
    return make_plan(PlanClient(api), plan_request(**options), NOW, 1800)


def test_plan_sorts_the_selection_as_the_pause_phase_and_names_other_windows():
    api = FakeApi(tasks=[task("a", "A", {"pause": False}), task("b", "B", {"pause": True, "pauseContext": "x " + OURS}),
                         task("c", "C", {"pause": True, "pauseContext": "x [maintenance-window:mw-10]"}),
                         task("d", "D", {"pause": True, "pauseContext": "jane's fix", "user": "jane"})])
    plan = _plan(api)
    assert [e["id"] for e in plan.tasks.to_pause] == ["a"]
    assert [e["id"] for e in plan.tasks.held] == ["b"]
    assert sorted(e["id"] for e in plan.tasks.foreign) == ["c", "d"]
    assert plan.held_by_others() == {"mw-10": ["C"]}
    assert plan.stats()["tasks_to_pause"] == 1 and plan.stats()["paused_by_others"] == 2


def test_skipped_runs_are_the_scheduled_runs_inside_the_window_of_what_the_window_pauses_or_holds():
    api = FakeApi(tasks=[task("a", "A", {"pause": False}), task("b", "B", {"pause": True, "pauseContext": OURS}),
                         task("d", "D", {"pause": True, "pauseContext": "other"}), task("z", "Z", {"pause": False})],
                  events=[(START - MINUTE, "TASK", "a"), (START, "TASK", "a"), (START + HOUR, "TASK", "b"),
                          (START + 2 * HOUR, "TASK", "a"), (START + 2 * HOUR + 1, "TASK", "a"),
                          (START + HOUR, "TASK", "d"), (START + HOUR, "TASK", "elsewhere")])
    plan = _plan(api)
    assert [(r["id"], r["at_ms"]) for r in plan.skipped] == [("a", START), ("b", START + HOUR), ("a", START + 2 * HOUR)]
    assert [r["id"] for r in plan.skipped_elsewhere] == ["d"]
    assert plan.stats()["skipped_runs"] == 3


def test_a_window_longer_than_one_search_is_read_in_several_searches_without_a_gap():
    day = 24 * HOUR
    events = [(START + n * day, "TASK", "a") for n in range(70)]
    api = FakeApi(tasks=[task("a", "A", {"pause": False})], events=events)
    plan = _plan(api, window_end=iso(START + 69 * day))
    assert len(plan.skipped) == 70
    searches = [j for m, p, q, j in api.sent if p.endswith("events/search")]
    assert len(searches) == 3
    assert all(b["from"] == a["to"] + 1 for a, b in zip(searches, searches[1:]))


def test_runs_going_at_the_start_get_an_expected_end_from_the_median_of_successful_runs():
    history = [run("a", NOW - n * HOUR, minutes) for n, minutes in enumerate((40, 50, 45, 90, 10), 1)]
    api = FakeApi(tasks=[task("a", "A", {"pause": False}), task("q", "Quick", {"pause": False})],
                  events=[(START - 30 * MINUTE, "TASK", "a"), (START - 2 * HOUR + 5 * MINUTE, "TASK", "a")],
                  executions=history + [run("q", NOW - 5 * MINUTE, 0, "executing", "x-q")])
    plan = _plan(api)
    assert plan.durations["a"] == {"seconds": 45 * 60, "runs": 5}
    [going] = [r for r in plan.at_start() if r["id"] == "a"]
    assert going["began_ms"] == START - 30 * MINUTE and going["expected_end_ms"] == START + 15 * MINUTE
    assert plan.drain["latest_end_ms"] == START + 15 * MINUTE
    assert plan.drain["suggested_timeout"] >= 15 * 60
    no_history = [r for r in plan.running if r["id"] == "q"]
    assert no_history and no_history[0]["expected_end_ms"] is None
    assert plan.drain["unknown"] == ["Quick"]


def test_drain_advice_covers_the_latest_end_with_a_quarter_and_at_least_five_minutes():
    runs = [{"expected_end_ms": START + 40 * MINUTE, "name": "a"}]
    advice = drain_advice(START, runs, 600)
    assert advice["needed_seconds"] == 2400 and advice["margin_seconds"] == 600
    assert advice["suggested_timeout"] == 3000 and not advice["enough"]
    assert drain_advice(START, [], 1800)["suggested_timeout"] == 300


def test_history_read_stops_at_its_page_budget(monkeypatch):
    monkeypatch.setattr("ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_runs."
                        "HISTORY_MAX_PAGES", 2)
    history = [run("other", NOW - n * MINUTE, 1) for n in range(1, 500)]
    api = FakeApi(tasks=[task("a", "A", {"pause": False})], executions=history)
    _plan(api)
    pages = [q for m, p, q, j in api.sent if p.endswith("tasks/executions") and q["status"] == "execution_successful"]
    assert len(pages) == 2


def test_the_plan_sends_only_reads_and_counts_them_by_operation():
    api = FakeApi(tasks=[task("a", "A", {"pause": False})], events=[(START, "TASK", "a")])
    plan = _plan(api)
    assert {m for m, p, q, j in api.sent} <= {"GET", "POST"}
    assert {p for m, p, q, j in api.sent if m == "POST"} == {"/orchestration/executables/events/search"}
    assert sum(plan.requests.values()) == len(api.sent)
    assert plan.requests["GET /orchestration/executables/tasks"] == 1


def test_a_list_without_pause_details_costs_the_pause_phase_one_put_per_task_and_the_plan_no_read():
    api = FakeApi(tasks=[task("a", "A"), task("b", "B")])
    plan = _plan(api)
    assert not [p for m, p, q, j in api.sent if p.startswith("/orchestration/executables/tasks/")]
    assert plan.preflight["pause_details_on_list"] is False and plan.preflight["detail_reads"] == 2
    cost = plan.cost
    # a cold list: one PUT per task and no read first (_tmc_window_cold); the reads of the 204s are not known
    assert cost["pause_writes"] == 2 and cost["unknown_204_reads_at_most"] == 2
    assert cost["pause_requests"] == cost["selection_requests"] + cost["read_back_requests"] + cost[
        "order_requests"] + 2


def test_a_list_with_pause_details_has_no_unknown_204_reads():
    plan = _plan(FakeApi(tasks=[task("a", "A", {"pause": False})]))
    assert plan.cost["unknown_204_reads_at_most"] == 0


def test_cost_counts_one_pause_request_per_task_and_the_time_at_the_rate_limit():
    api = FakeApi(tasks=[task("t%d" % n, "T%d" % n, {"pause": False}) for n in range(30)])
    plan = make_plan(PlanClient(api), plan_request(drain=False), NOW, 60)
    assert plan.cost["pause_writes"] == 30 and plan.cost["resume_writes"] == 30
    assert plan.cost["order_requests"] == 1  # one events page: no run due while it pauses
    assert plan.cost["read_back_requests"] == 1  # the one page of the task list, again
    assert plan.cost["pause_requests"] == 30 + plan.cost["selection_requests"] + 1 + 1
    assert plan.cost["pause_seconds_at_rate_limit"] == plan.cost["pause_requests"]  # 60 a minute: 1 s each
    assert plan.stats()["pause_requests"] == plan.cost["pause_requests"]


@pytest.mark.parametrize("status", [401, 503])
def test_a_refused_first_read_stops_the_plan_at_the_preflight(status):
    plan = _plan(FakeApi(refuse=status))
    assert plan.error.startswith("Preflight")
    assert plan.preflight["reachable"] is False


@pytest.mark.parametrize("drain_timeout,outlives", [(600, True), (3600, False)])
def test_a_service_account_token_outlives_the_pause_phase_only_when_it_lasts_less_than_30_minutes(drain_timeout,
                                                                                                  outlives):
    history = [run("a", NOW - n * HOUR, drain_timeout // 60) for n in range(1, 6)]
    api = FakeApi(tasks=[task("a", "A", {"pause": False})], events=[(START - MINUTE, "TASK", "a")], executions=history)
    api.auth.renewable = True
    plan = _plan(api)
    assert plan.cost["service_account"] is True
    assert plan.cost["token_outlives_phase"] is outlives
