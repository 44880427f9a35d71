"""Execution history of the sample tenant: finished runs of the scheduled tasks with per-task durations."""

from __future__ import annotations

import statistics

import pytest

from emulator_harness import (SAMPLE, api, check_schema, emulator_server, env_id,  # noqa: F401  # pylint: disable=unused-import
                              task_id)
from tmc_emulator.clock import parse_iso
from tmc_emulator.history import HistoryError, expand_history
from tmc_emulator.schedules import occurrences
from tmc_emulator.state import DataError, Store

EXECS = "/processing/executables/tasks/executions"
HISTORY = SAMPLE["executionHistory"]
NOW = 1_767_225_600_000  # 2026-01-01T00:00:00Z
DAY = 86_400_000


def _all_pages(api, path, params):
    items, offset = [], 0
    while True:
        page = api.get(path, params=dict(params, limit=100, offset=offset)).json()
        check_schema(page, "PageTaskExecutionStatus")
        items += page["items"]
        offset += 100
        if offset >= page["total"]:
            return items


def _seconds(item):
    return (parse_iso(item["finishTimestamp"]) - parse_iso(item["startTimestamp"])) / 1000


def test_every_history_run_is_finished_and_sits_on_its_tasks_own_schedule(api):
    now = api.admin("GET", "clock")["now_ms"]
    by_id = {t["id"]: t for t in SAMPLE["tasks"]}
    items = _all_pages(api, EXECS, {"environmentId": env_id("Production")})
    history = [i for i in items if i["executionId"] not in {e["executionId"] for e in SAMPLE["executions"]}]
    assert len(history) > 200
    for item in history:
        trigger = parse_iso(item["triggerTimestamp"])
        assert parse_iso(item["finishTimestamp"]) < now
        assert item["executionType"] == "SCHEDULED"
        assert any(trigger in occurrences(t, trigger, trigger) for t in by_id[item["taskId"]]["triggers"])


def test_median_of_the_last_successful_runs_differs_per_task_and_matches_the_spec(api):
    medians = {}
    for entry in HISTORY["tasks"]:
        runs = api.get(f"/processing/executables/tasks/{entry['taskId']}/executions",
                       params={"status": "execution_successful", "lastDays": 60}).json()["items"]
        assert runs, entry["taskId"]
        medians[entry["taskId"]] = statistics.median(_seconds(i) for i in runs[:5])
        spread = entry.get("spread", HISTORY["spread"])
        assert entry["minutes"] * 60 * (1 - spread) <= medians[entry["taskId"]] <= entry["minutes"] * 60 * (1 + spread)
    assert min(medians.values()) < 5 * 60 and max(medians.values()) > 55 * 60
    assert len({round(m / 60) for m in medians.values()}) > 15


def test_most_runs_succeed_and_some_failed(api):
    items = _all_pages(api, EXECS, {"environmentId": env_id("Production"), "lastDays": 60})
    statuses = [i["status"] for i in items]
    assert 0 < statuses.count("execution_failed") < statuses.count("execution_successful") / 5
    failed = [i for i in items if i["status"] == "execution_failed"]
    assert all("errorMessage" in i and "finishTimestamp" in i for i in failed)


def test_history_adds_no_run_in_flight(api):
    in_flight = api.get(EXECS, params={"status": "executing"}).json()["total"] \
        + api.get(EXECS, params={"status": "dispatching"}).json()["total"]
    raw_in_flight = sum(1 for e in SAMPLE["executions"]
                        if e["triggeredSecondsAgo"] < e.get("dispatchSeconds", 5) + e.get("runSeconds", 120))
    assert in_flight == raw_in_flight


def test_from_to_and_last_days_select_history_runs(api):
    now = api.admin("GET", "clock")["now_ms"]
    sap_gl = task_id("Load SAP GL Entries to Snowflake", "Finance")
    path = f"/processing/executables/tasks/{sap_gl}/executions"
    week = api.get(path, params={"from": now - 7 * DAY, "to": now}).json()["items"]
    day = api.get(path, params={"lastDays": 1}).json()["items"]
    assert len(week) >= 7 > len(day) >= 1
    assert all(now - 7 * DAY <= parse_iso(i.get("finishTimestamp", i["triggerTimestamp"])) for i in week)


def test_a_paused_task_has_no_run_after_its_pause_date():
    store = Store(SAMPLE, NOW)
    for task in store.tasks.values():
        details = task.get("taskPauseDetails") or {}
        if details.get("pause"):
            paused_at = parse_iso(details["pauseDate"])
            assert all(ex.trigger_ms <= paused_at for ex in store.executions_by_task.get(task["id"], [])
                       if ex.execution_type == "SCHEDULED" and ex.execution_id not in
                       {e["executionId"] for e in SAMPLE["executions"]})


def test_history_ids_and_durations_depend_only_on_the_clock():
    first, second = Store(SAMPLE, NOW), Store(SAMPLE, NOW)
    assert {(e.execution_id, e.run_ms) for e in first.task_executions.values()} == \
        {(e.execution_id, e.run_ms) for e in second.task_executions.values()}
    assert len(first.plan_executions) > len(SAMPLE["planExecutions"])


def test_fail_every_fails_the_kth_newest_runs():
    task = {"id": "t1", "triggers": [{"type": "INTERVAL", "intervalMinutes": 60}]}
    runs, dummy = expand_history({"tasks": [{"taskId": "t1", "minutes": 10, "runs": 6, "failEvery": 3}]},
                                 {"t1": task}, {}, NOW)
    assert [r.final_status for r in runs] == ["execution_successful", "execution_successful", "execution_failed"] * 2
    assert [r.trigger_ms for r in runs] == sorted((r.trigger_ms for r in runs), reverse=True)


@pytest.mark.parametrize("entry", [{"taskId": "nope", "minutes": 3}, {"taskId": "t1"},
                                   {"taskId": "t1", "minutes": 3, "spread": 1.5}])
def test_a_bad_history_entry_names_it(entry):
    with pytest.raises(HistoryError):
        expand_history({"tasks": [entry]}, {"t1": {"id": "t1", "triggers": []}}, {}, NOW)
    data = dict(SAMPLE, executionHistory={"tasks": [entry]})
    with pytest.raises(DataError, match="executionHistory"):
        Store(data, NOW)
