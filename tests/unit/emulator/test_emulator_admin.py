"""Admin API: faults, rate limit, request log, reset, generated tasks."""

from __future__ import annotations

import time

import pytest
import requests

from emulator_harness import (DEMO_PAT, SAMPLE, api, assert_error_response, emulator_server,  # noqa: F401  # pylint: disable=unused-import
                              task_id, ws_id)

TASKS = "/orchestration/executables/tasks"


def test_status_fault_answers_n_times_then_clears(api):
    api.admin("POST", "faults", json={"status": 503, "count": 2, "path": "/pause$", "method": "PUT",
                                      "retry_after": 1})
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    for dummy in range(2):
        resp = api.put(f"{TASKS}/{tid}/pause", json={"pause": True})
        assert_error_response(resp, 503)
        assert resp.headers["Retry-After"] == "1"
    assert api.get(f"{TASKS}/{tid}").status_code == 200  # other paths untouched
    assert "taskPauseDetails" not in api.get(f"{TASKS}/{tid}").json()
    assert api.put(f"{TASKS}/{tid}/pause", json={"pause": True}).status_code == 202
    assert api.admin("GET", "requests")["faultsInjected"] == 2


def test_after_fault_applies_the_change_but_loses_the_answer(api):
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    api.admin("POST", "faults", json={"status": 502, "path": tid, "method": "PUT", "when": "after"})
    assert_error_response(api.put(f"{TASKS}/{tid}/pause", json={"pause": True}), 502)
    assert api.get(f"{TASKS}/{tid}").json()["taskPauseDetails"]["pause"] is True


def test_reset_connection_raises_connection_error(api):
    api.admin("POST", "faults", json={"reset_connection": 1, "path": "^/orchestration/environments$"})
    with pytest.raises(requests.ConnectionError):
        api.get("/orchestration/environments")
    assert api.get("/orchestration/environments").status_code == 200
    log = api.admin("GET", "requests")
    assert log["connectionsReset"] == 1 and log["byStatus"]["reset"] == 1


def test_reset_connection_after_processing_still_pauses(api):
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    api.admin("POST", "faults", json={"reset_connection": 1, "path": "/pause$", "when": "after"})
    with pytest.raises(requests.ConnectionError):
        api.put(f"{TASKS}/{tid}/pause", json={"pause": True})
    assert api.put(f"{TASKS}/{tid}/pause", json={"pause": True}).status_code == 204


def test_delay_fault_slows_the_answer(api):
    api.admin("POST", "faults", json={"delay_ms": 300, "path": "environments"})
    started = time.monotonic()
    assert api.get("/orchestration/environments").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_bad_fault_is_400(api):
    resp = requests.post(api.url + "/_emulator/faults", json={"status": 200}, timeout=5)
    assert_error_response(resp, 400)


def test_rate_limit_answers_429_with_retry_after(api):
    api.admin("POST", "config", json={"rate_limit_per_minute": 5})
    statuses = [api.get("/orchestration/environments").status_code for dummy in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    resp = api.get("/orchestration/environments")
    assert_error_response(resp, 429)
    assert 1 <= int(resp.headers["Retry-After"]) <= 60
    assert api.admin("GET", "requests")["rateLimited"] == 3
    api.admin("POST", "config", json={"retry_after": False})
    assert "Retry-After" not in api.get("/orchestration/environments").headers
    api.admin("POST", "config", json={"rate_limit_per_minute": 0})
    assert api.get("/orchestration/environments").status_code == 200


def test_bad_config_is_400(api):
    resp = requests.post(api.url + "/_emulator/config", json={"latency_ms": -1}, timeout=5)
    assert_error_response(resp, 400)
    resp = requests.post(api.url + "/_emulator/config", json={"no_such_key": 1}, timeout=5)
    assert_error_response(resp, 400)


def test_request_log_counts_routes_and_never_holds_tokens(api):
    api.admin("DELETE", "requests")
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    api.get(f"{TASKS}/{tid}")
    api.put(f"{TASKS}/{tid}/pause", json={"pause": True})
    api.get("/nope")
    log = api.admin("GET", "requests")
    assert log["total"] == 3
    assert log["byRoute"]["PUT /orchestration/executables/tasks/{taskId}/pause"] == 1
    assert log["byRoute"]["GET /orchestration/executables/tasks/{taskId}"] == 1
    assert log["byStatus"] == {"200": 1, "202": 1, "404": 1}
    assert [e["method"] for e in log["entries"]] == ["GET", "PUT", "GET"]
    assert DEMO_PAT not in str(log) and "Bearer" not in str(log)


def test_reset_restores_seeded_data_and_clears_faults(api):
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    api.put(f"{TASKS}/{tid}/pause", json={"pause": True})
    api.admin("POST", "faults", json={"status": 500, "count": -1, "path": "environments"})
    api.admin("POST", "tasks/generate", json={"count": 10})
    api.admin("POST", "reset")
    assert "taskPauseDetails" not in api.get(f"{TASKS}/{tid}").json()
    assert api.get("/orchestration/environments").status_code == 200
    assert api.admin("GET", "state")["counts"]["tasks"] == 60
    assert api.admin("GET", "requests")["total"] == 2


def test_state_shows_tasks_executions_tokens_and_clock(api):
    state = api.admin("GET", "state")
    assert state["counts"]["tasks"] == 60 and len(state["plans"]) == 6
    assert {"tokens", "clock", "taskExecutions", "planExecutions", "config"} <= set(state)
    assert any("triggers" in t and t["triggers"] for t in state["tasks"])


def test_admin_pause_details_sets_and_removes(api):
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    details = {"pause": True, "pauseContext": "other team", "user": "x@example.com", "userType": "HUMAN",
               "pauseDate": "2025-01-01T00:00:00.000Z"}
    requests.put(f"{api.url}/_emulator/tasks/{tid}/pause-details", json=details, timeout=5).raise_for_status()
    assert api.get(f"{TASKS}/{tid}").json()["taskPauseDetails"] == details
    requests.put(f"{api.url}/_emulator/tasks/{tid}/pause-details", data="null",
                 headers={"Content-Type": "application/json"}, timeout=5).raise_for_status()
    assert "taskPauseDetails" not in api.get(f"{TASKS}/{tid}").json()


def test_generate_10000_tasks_quickly_and_deterministically(api):
    started = time.monotonic()
    first = api.admin("POST", "tasks/generate", json={"count": 10_000, "workspace_id": ws_id("Data Platform"),
                                                      "paused_every": 50})
    assert time.monotonic() - started < 5
    assert first["total_tasks"] == 10_060
    started = time.monotonic()
    page = api.get(TASKS, params={"workspaceId": ws_id("Data Platform"), "offset": 9_900}).json()
    assert time.monotonic() - started < 1
    seeded = sum(1 for t in SAMPLE["tasks"] if t["workspaceId"] == ws_id("Data Platform"))
    assert page["total"] == 10_000 + seeded and len(page["items"]) == 100
    api.admin("POST", "reset")
    again = api.admin("POST", "tasks/generate", json={"count": 10_000, "workspace_id": ws_id("Data Platform"),
                                                      "paused_every": 50})
    assert (again["first_id"], again["last_id"]) == (first["first_id"], first["last_id"])


def test_request_log_size_set_by_config_applies_from_the_next_delete(api):
    api.admin("POST", "config", json={"request_log_size": 3})
    api.admin("DELETE", "requests")
    for dummy in range(5):
        api.get("/orchestration/environments")
    assert len(api.admin("GET", "requests?last=100")["entries"]) == 3
