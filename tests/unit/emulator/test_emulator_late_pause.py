"""Fault ``late_pause_ids``: a pause or resume answered 202 but applied late, or never."""

from __future__ import annotations

import pytest

from emulator_harness import (api, assert_error_response, emulator_server, task_id,  # noqa: F401  # pylint: disable=unused-import
                              plan_id)

TASK = task_id("Sync Salesforce Opportunities", "Sales Ops")
OTHER = task_id("Load SAP AP Invoices to Snowflake", "Finance")
PLAN = plan_id("Nightly Sales Pipeline")
PAUSE = {"pause": True, "pauseContext": "db upgrade [maintenance-window:mw-1]"}


def task_paused(api, tid=TASK):
    return bool((api.get(f"/orchestration/executables/tasks/{tid}").json().get("taskPauseDetails") or {}).get("pause"))


def put(api, body, tid=TASK, kind="tasks"):
    return api.put(f"/orchestration/executables/{kind}/{tid}/pause", json=body)


def test_pause_applied_after_seconds_of_emulator_clock(api):
    api.admin("POST", "clock", json={"freeze": True})
    api.admin("POST", "faults", json={"late_pause_ids": [TASK], "apply_after_seconds": 30})
    assert put(api, PAUSE).status_code == 202
    assert not task_paused(api)
    assert api.admin("GET", "state")["pendingPauses"][0]["id"] == TASK
    api.admin("POST", "clock", json={"advance_seconds": 29})
    assert not task_paused(api)
    due = api.admin("POST", "clock", json={"advance_seconds": 1})["now"]
    details = api.get(f"/orchestration/executables/tasks/{TASK}").json()["taskPauseDetails"]
    assert details["pause"] is True and details["pauseContext"] == PAUSE["pauseContext"]
    assert details["pauseDate"] == due
    assert api.admin("GET", "state")["pendingPauses"] == []


def test_pause_applied_after_reads_counts_details_and_list_items(api):
    api.admin("POST", "faults", json={"late_pause_ids": [TASK], "apply_after_reads": 2})
    assert put(api, PAUSE).status_code == 202
    assert not task_paused(api)
    items = api.get("/orchestration/executables/tasks", params={"name": "Sync Salesforce Opp"}).json()["items"]
    assert "taskPauseDetails" not in items[0]
    assert task_paused(api)


def test_pause_never_applied_keeps_the_old_state_and_runs_still_start(api):
    api.admin("POST", "faults", json={"late_pause_ids": [TASK], "apply": "never"})
    assert put(api, PAUSE).status_code == 202
    api.admin("POST", "clock", json={"advance_seconds": 86_400})
    for dummy in range(5):
        assert not task_paused(api)
    assert api.post("/processing/executions", json={"executable": TASK}).status_code == 201
    assert api.admin("GET", "state")["pendingPauses"] == [
        {"id": TASK, "pause": True, "pauseContext": PAUSE["pauseContext"], "never": True}]


def test_a_retried_put_is_applied_once_the_rule_has_no_put_left(api):
    api.admin("POST", "faults", json={"late_pause_ids": [TASK], "apply": "never"})
    assert put(api, PAUSE).status_code == 202
    assert put(api, PAUSE).status_code == 202
    assert task_paused(api)


def test_count_minus_one_delays_every_put_until_cleared(api):
    api.admin("POST", "faults", json={"late_pause_ids": [TASK], "apply": "never", "count": -1})
    for dummy in range(3):
        assert put(api, PAUSE).status_code == 202
    assert not task_paused(api)
    api.admin("DELETE", "faults")
    assert put(api, PAUSE).status_code == 202 and task_paused(api)


def test_late_resume_of_a_plan_and_other_ids_unaffected(api):
    api.admin("POST", "faults", json={"late_pause_ids": [PLAN], "apply_after_reads": 1})
    assert put(api, PAUSE, PLAN, "plans").status_code == 202
    assert "planPauseDetails" not in api.get(f"/orchestration/executables/plans/{PLAN}").json()
    assert api.get(f"/orchestration/executables/plans/{PLAN}").json()["planPauseDetails"]["pause"] is True
    assert put(api, PAUSE, OTHER).status_code == 202 and task_paused(api, OTHER)


def test_a_put_that_matches_the_shown_state_is_204_and_keeps_the_pending_change(api):
    api.admin("POST", "faults", json={"late_pause_ids": [TASK], "apply_after_reads": 3})
    assert put(api, PAUSE).status_code == 202
    assert put(api, {"pause": False}).status_code == 204
    assert len(api.admin("GET", "state")["pendingPauses"]) == 1


@pytest.mark.parametrize("spec", [{"late_pause_ids": [TASK]}, {"late_pause_ids": [], "apply": "never"},
                                  {"late_pause_ids": [TASK], "apply": "later"},
                                  {"late_pause_ids": [TASK], "apply_after_seconds": -1},
                                  {"late_pause_ids": [TASK], "apply_after_reads": 1, "apply": "never"},
                                  {"late_pause_ids": [TASK], "apply": "never", "count": 0}])
def test_malformed_late_pause_fault_is_400(api, spec):
    import requests  # noqa: PLC0415
    assert_error_response(requests.post(f"{api.url}/_emulator/faults", json=spec, timeout=10), 400)


def test_faults_list_and_reset_show_the_rule(api):
    listed = api.admin("POST", "faults", json={"late_pause_ids": [TASK], "apply_after_reads": 2, "count": 3})
    assert listed["late_pause"] == {TASK: {"remaining": 3, "apply": "after 2 read(s)"}}
    api.admin("POST", "reset")
    assert api.admin("GET", "faults")["late_pause"] == {}
