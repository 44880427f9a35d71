"""Config ``scheduler``: scheduled runs start as the emulator clock passes them, never for a paused task."""

from __future__ import annotations

from emulator_harness import SAMPLE, api, emulator_server, env_id, plan_id, task_id  # noqa: F401  # pylint: disable=unused-import
from tmc_emulator.clock import parse_iso

OPPORTUNITIES = task_id("Sync Salesforce Opportunities", "Sales Ops")  # 5 * * * *, history ~18 min
EXECS = f"/processing/executables/tasks/{OPPORTUNITIES}/executions"
HOUR_S = 3600


def scheduled_runs(api, tid=OPPORTUNITIES):
    items = api.get(f"/processing/executables/tasks/{tid}/executions", params={"lastDays": 1}).json()["items"]
    return [i for i in items if i["userId"] == "scheduler"]


def start_at(api, iso):
    api.admin("POST", "clock", json={"set_epoch_ms": parse_iso(iso), "freeze": True})
    api.admin("POST", "config", json={"scheduler": True})


def test_off_by_default_no_run_starts(api):
    api.admin("POST", "clock", json={"freeze": True})
    api.admin("POST", "clock", json={"advance_seconds": 3 * HOUR_S})
    assert scheduled_runs(api) == []


def test_runs_start_at_their_trigger_time_with_the_typical_duration(api):
    start_at(api, "2026-12-07T10:00:00Z")
    api.admin("POST", "clock", json={"advance_seconds": 2 * HOUR_S})
    runs = scheduled_runs(api)
    assert [r["triggerTimestamp"] for r in runs] == ["2026-12-07T11:05:00.000Z", "2026-12-07T10:05:00.000Z"]
    assert all(r["executionType"] == "SCHEDULED" for r in runs)
    first = runs[1]
    minutes = (parse_iso(first["finishTimestamp"]) - parse_iso(first["startTimestamp"])) / 60_000
    assert minutes == 18


def test_a_paused_task_starts_nothing_and_starts_again_after_resume(api):
    start_at(api, "2026-12-07T10:00:00Z")
    api.put(f"/orchestration/executables/tasks/{OPPORTUNITIES}/pause", json={"pause": True})
    api.admin("POST", "clock", json={"advance_seconds": 2 * HOUR_S})
    assert scheduled_runs(api) == []
    api.put(f"/orchestration/executables/tasks/{OPPORTUNITIES}/pause", json={"pause": False})
    api.admin("POST", "clock", json={"advance_seconds": HOUR_S})
    assert [r["triggerTimestamp"] for r in scheduled_runs(api)] == ["2026-12-07T12:05:00.000Z"]


def test_a_late_pause_lets_runs_start_until_it_is_applied(api):
    start_at(api, "2026-12-07T10:00:00Z")
    api.admin("POST", "faults", json={"late_pause_ids": [OPPORTUNITIES], "apply_after_seconds": HOUR_S})
    assert api.put(f"/orchestration/executables/tasks/{OPPORTUNITIES}/pause", json={"pause": True}).status_code == 202
    api.admin("POST", "clock", json={"advance_seconds": 3 * HOUR_S})
    assert [r["triggerTimestamp"] for r in scheduled_runs(api)] == ["2026-12-07T10:05:00.000Z"]


def test_a_run_outcome_fault_fails_the_next_scheduled_run_and_plans_run_too(api):
    start_at(api, "2026-12-07T10:00:00Z")
    api.admin("POST", "faults", json={"run_outcome_ids": [OPPORTUNITIES], "final_status": "execution_failed",
                                      "run_seconds": 60})
    api.admin("POST", "clock", json={"advance_seconds": 2 * HOUR_S})
    assert [r["status"] for r in scheduled_runs(api)] == ["execution_successful", "execution_failed"]
    intraday = plan_id("Finance Intraday Reconciliation")  # every 120 minutes from 00:00Z
    plans = api.get("/processing/executables/plans/executions", params={"lastDays": 1}).json()["items"]
    assert [p["startTimestamp"] for p in plans if p["planId"] == intraday and p["userId"] == "scheduler"] == [
        "2026-12-07T12:00:00.000Z"]


def test_a_clock_moved_back_restarts_from_there_and_turning_it_off_stops(api):
    start_at(api, "2026-12-07T10:00:00Z")
    api.admin("POST", "clock", json={"set_epoch_ms": parse_iso("2026-12-07T08:00:00Z")})
    api.admin("POST", "clock", json={"advance_seconds": 240})
    assert scheduled_runs(api) == []
    api.admin("POST", "clock", json={"advance_seconds": 60})
    assert [r["triggerTimestamp"] for r in scheduled_runs(api)] == ["2026-12-07T08:05:00.000Z"]
    api.admin("POST", "config", json={"scheduler": False})
    api.admin("POST", "clock", json={"advance_seconds": 3 * HOUR_S})
    assert len(scheduled_runs(api)) == 1


def test_a_once_trigger_set_through_the_admin_api_runs_once(api):
    start_at(api, "2026-12-07T10:00:00Z")
    api.admin("PUT", f"tasks/{OPPORTUNITIES}/triggers", json=[{"name": "once", "type": "ONCE", "inSeconds": 600}])
    api.admin("POST", "clock", json={"advance_seconds": 5 * HOUR_S})
    assert [r["triggerTimestamp"] for r in scheduled_runs(api)] == ["2026-12-07T10:10:00.000Z"]


def test_generated_tasks_with_a_run_due_soon_each_start_one(api):
    start_at(api, "2026-12-07T10:00:00Z")
    api.admin("POST", "tasks/generate", json={"count": 100, "seed": "due", "environment_id": env_id("Production"),
                                              "triggers": [{"name": "due", "type": "ONCE", "inSeconds": 120}],
                                              "triggers_every": 10})
    api.admin("POST", "clock", json={"advance_seconds": 300})
    state = api.admin("GET", "state")
    due = [e for e in state["taskExecutions"] if e["userId"] == "scheduler" and e["triggerTimestamp"] == "2026-12-07T10:02:00.000Z"]
    assert len(due) == 10
