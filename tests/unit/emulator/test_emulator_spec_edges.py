"""Edges where the emulator was off the vendor spec (found by Prism and schemathesis), now pinned."""

from __future__ import annotations

import pytest

from emulator_harness import (SAMPLE, api, assert_error_response, emulator_server,  # noqa: F401  # pylint: disable=unused-import
                              env_id, task_id)

TASKS = "/orchestration/executables/tasks"
TASK = task_id("Sync Salesforce Opportunities", "Sales Ops")
PAUSE = f"{TASKS}/{TASK}/pause"


@pytest.mark.parametrize("method,path,allowed", [
    ("GET", f"{TASKS}/search", "POST"),
    ("DELETE", "/processing/executions/plans", "POST"),
    ("GET", "/processing/executions/plans", "POST"),
])
def test_a_concrete_path_is_not_read_as_an_id_of_its_templated_sibling(api, method, path, allowed):
    resp = api.call(method, path)
    assert_error_response(resp, 405)
    assert {m.strip() for m in resp.headers["Allow"].split(",")} == {allowed, "OPTIONS"}


def test_options_on_task_search_advertises_only_its_own_method(api):
    allow = {m.strip() for m in api.call("OPTIONS", f"{TASKS}/search").headers["Allow"].split(",")}
    assert allow == {"POST", "OPTIONS"}


@pytest.mark.parametrize("params", [
    {"offset": 2**31}, {"limit": 2**31}, {"limit": ""}, {"runtimeType": ""},
])
def test_task_list_refuses_values_outside_the_declared_types(api, params):
    assert_error_response(api.get(TASKS, params=params), 400)


@pytest.mark.parametrize("params", [{"to": 2**63}, {"status": ""}, {"lastDays": ""}])
def test_execution_list_refuses_values_outside_the_declared_types(api, params):
    assert_error_response(api.get("/processing/executables/tasks/executions", params=params), 400)


def test_largest_int32_offset_is_an_empty_page(api):
    page = api.get(TASKS, params={"offset": 2**31 - 1}).json()
    assert page["items"] == [] and page["offset"] == 2**31 - 1


@pytest.mark.parametrize("body", [
    {"workspaceId": None}, {"tags": "crm"}, {"limit": "10"}, {"offset": 1.5}, {"name": 7},
])
def test_task_search_refuses_fields_of_the_wrong_type_or_null(api, body):
    assert_error_response(api.post(f"{TASKS}/search", json=body), 400)


@pytest.mark.parametrize("body", [
    {"pause": True, "user": "someone"}, {"pause": True, "pauseDate": "2025-01-01T00:00:00Z"},
    {"pause": True, "userType": "ROBOT"}, {"pause": None}, {"pause": True, "pauseContext": None},
])
def test_pause_refuses_read_only_fields_bad_enums_and_nulls(api, body):
    assert_error_response(api.put(PAUSE, json=body), 400)
    assert "taskPauseDetails" not in api.get(f"{TASKS}/{TASK}").json()


def test_pause_accepts_a_valid_user_type(api):
    assert api.put(PAUSE, json={"pause": True, "userType": "SERVICE"}).status_code == 202


@pytest.mark.parametrize("body", [
    {"executable": TASK, "timeout": "60"}, {"executable": TASK, "logLevel": "DEBUG"},
    {"executable": TASK, "parameters": []}, {"executable": None},
])
def test_run_refuses_fields_of_the_wrong_type(api, body):
    assert_error_response(api.post("/processing/executions", json=body), 400)


def test_events_search_refuses_an_unknown_runtime_type(api):
    now = api.admin("GET", "clock")["now_ms"]
    body = {"environmentId": env_id("Production"), "to": now + 3_600_000, "runtime": {"type": "MAINFRAME"}}
    assert_error_response(api.post("/orchestration/executables/events/search", json=body), 400)


def test_environments_with_an_unparsable_query_match_nothing(api):
    resp = api.get("/orchestration/environments", params={"query": "name=~x"})
    assert resp.status_code == 200 and resp.json() == []


def test_set_fields_fault_flips_a_field_of_the_next_answer_only(api):
    api.admin("POST", "faults", json={"set_fields": {"version": 7, "items.*.name": None}, "path": f"{TASK}$"})
    assert api.get(f"{TASKS}/{TASK}").json()["version"] == 7
    stored = next(t["version"] for t in SAMPLE["tasks"] if t["id"] == TASK)
    assert api.get(f"{TASKS}/{TASK}").json()["version"] == stored


def test_set_fields_fault_reaches_every_list_item_and_skips_error_answers(api):
    api.admin("POST", "faults", json={"set_fields": {"items.*.executable": 1}, "path": f"{TASKS}$", "count": 2})
    assert_error_response(api.get(TASKS, params={"limit": 0}), 400)
    assert {item["executable"] for item in api.get(TASKS, params={"limit": 3}).json()["items"]} == {1}


def test_set_fields_fault_needs_dotted_paths(api):
    resp = api.call("POST", "/_emulator/faults", json={"set_fields": {"a..b": 1}})
    assert resp.status_code == 400
