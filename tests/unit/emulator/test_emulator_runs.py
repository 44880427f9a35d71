"""Runs started through the API (``POST /processing/executions``, ``.../plans``): timing, outcome faults,
refusals per executable."""

from __future__ import annotations

import pytest
import requests

from emulator_harness import (BOT, SAMPLE, api, assert_error_response, check_schema,  # noqa: F401  # pylint: disable=unused-import
                              emulator_server, plan_id, task_id)

TASK = task_id("Sync Salesforce Opportunities", "Sales Ops")
OTHER = task_id("Load SAP AP Invoices to Snowflake", "Finance")
PLAN = plan_id("Nightly Sales Pipeline")
FAILED_PLAN_RUN = next(e["executionId"] for e in SAMPLE["planExecutions"] if e["finalStatus"] == "execution_failed")
OK_PLAN_RUN = next(e["executionId"] for e in SAMPLE["planExecutions"]
                   if e["finalStatus"] == "execution_successful" and e["planId"] == PLAN)


def run(api, tid=TASK):
    resp = api.post("/processing/executions", json={"executable": tid})
    assert resp.status_code == 201, resp.text
    return resp.json()["executionId"]


def detail(api, eid):
    body = api.get(f"/processing/executions/{eid}").json()
    check_schema(body, "JobExecutionStatusV21")
    return body


def test_api_run_is_manual_by_the_caller_and_ends_after_the_configured_time(api):
    api.admin("POST", "clock", json={"freeze": True})
    api.admin("POST", "config", json={"default_dispatch_seconds": 0, "default_run_seconds": 90})
    eid = run(api)
    first = detail(api, eid)
    assert (first["executionType"], first["userId"], first["status"]) == ("MANUAL", "ops.admin@example.com", "executing")
    api.admin("POST", "clock", json={"advance_seconds": 89})
    assert detail(api, eid)["status"] == "executing"
    api.admin("POST", "clock", json={"advance_seconds": 1})
    assert detail(api, eid)["status"] == "execution_successful"
    listed = api.get(f"/processing/executables/tasks/{TASK}/executions", params={"status": "execution_successful"})
    assert listed.json()["items"][0]["executionId"] == eid


def test_run_outcome_fault_fails_the_next_run_of_one_task_only(api):
    api.admin("POST", "clock", json={"freeze": True})
    api.admin("POST", "faults", json={"run_outcome_ids": [TASK], "final_status": "execution_failed",
                                      "run_seconds": 30, "dispatch_seconds": 0})
    failing, other, again = run(api), run(api, OTHER), run(api)
    api.admin("POST", "clock", json={"advance_seconds": 31})
    assert detail(api, failing)["status"] == "execution_failed"
    assert detail(api, other)["status"] == "executing"
    assert detail(api, again)["status"] in ("dispatching", "executing")
    assert api.admin("GET", "faults")["run_outcomes"] == {}


def test_run_by_a_service_account_is_service(api):
    token = requests.post(f"{api.url}/security/oauth/token", auth=(BOT["id"], BOT["secret"]), timeout=10,
                          json={"audience": api.url, "grant_type": "client_credentials"}).json()["access_token"]
    resp = requests.post(f"{api.url}/processing/executions", json={"executable": TASK}, timeout=10,
                         headers={"Authorization": f"Bearer {token}"})
    body = detail(api, resp.json()["executionId"])
    assert (body["userId"], body["userType"]) == ("maintenance-bot", "SERVICE")


def test_refusal_of_one_executable_leaves_the_others(api):
    api.admin("POST", "faults", json={"status": 503, "count": -1, "method": "POST",
                                      "path": "^/processing/executions$", "executable_ids": [OTHER]})
    assert_error_response(api.post("/processing/executions", json={"executable": OTHER}), 503)
    assert api.post("/processing/executions", json={"executable": TASK}).status_code == 201
    assert_error_response(api.post("/processing/executions", json={"executable": OTHER}), 503)


def test_bad_run_body_is_400(api):
    assert_error_response(api.post("/processing/executions", json={}), 400)
    assert_error_response(api.post("/processing/executions", json={"executable": TASK, "logLevel": "DEBUG"}), 400)
    assert_error_response(api.post("/processing/executions", data="not json"), 400)


def test_plan_run_lasts_the_configured_time_and_can_fail_on_a_fault(api):
    api.admin("POST", "clock", json={"freeze": True})
    api.admin("POST", "faults", json={"run_outcome_ids": [PLAN], "final_status": "execution_failed",
                                      "run_seconds": 60})
    resp = api.post("/processing/executions/plans", json={"executable": PLAN})
    assert resp.status_code == 201
    eid = resp.json()["executionId"]

    def status():
        items = api.get("/processing/executables/plans/executions", params={"lastDays": 1}).json()["items"]
        return next(i for i in items if i["executionId"] == eid)

    assert (status()["status"], status()["executionType"]) == ("executing", "MANUAL")
    api.admin("POST", "clock", json={"advance_seconds": 60})
    assert status()["status"] == "execution_failed"


def test_plan_rerun_of_a_failed_execution_only(api):
    failed_plan = next(e["planId"] for e in SAMPLE["planExecutions"] if e["executionId"] == FAILED_PLAN_RUN)
    ok = api.post("/processing/executions/plans", json={"executable": failed_plan, "executionPlanId": FAILED_PLAN_RUN})
    assert ok.status_code == 201, ok.text
    assert_error_response(api.post("/processing/executions/plans",
                                   json={"executable": PLAN, "executionPlanId": OK_PLAN_RUN}), 422)
    assert_error_response(api.post("/processing/executions/plans",
                                   json={"executable": PLAN, "executionPlanId": FAILED_PLAN_RUN}), 400)
    assert_error_response(api.post("/processing/executions/plans",
                                   json={"executable": PLAN, "executionPlanId": "00000000-0000-4000-8000-000000000000"}),
                          404)


@pytest.mark.parametrize("spec", [{"run_outcome_ids": []}, {"run_outcome_ids": [TASK], "final_status": "ok"},
                                  {"run_outcome_ids": [TASK], "run_seconds": -1},
                                  {"status": 409, "executable_ids": "x"}])
def test_malformed_run_fault_is_400(api, spec):
    assert_error_response(requests.post(f"{api.url}/_emulator/faults", json=spec, timeout=10), 400)
