"""Executions: progress on the emulator clock, start, stop."""

from __future__ import annotations

from emulator_harness import (SAMPLE, VIEWER_PAT, Client, api, assert_error_response,  # noqa: F401  # pylint: disable=unused-import
                              check_schema, emulator_server, env_id, task_id)

EXECS = "/processing/executables/tasks/executions"


def run(api, tid):
    resp = api.post("/processing/executions", json={"executable": tid})
    assert resp.status_code == 201, resp.text
    check_schema(resp.json(), "Executionidentifier")
    return resp.json()["executionId"]


def status_of(api, execution_id):
    return api.get(f"/processing/executions/{execution_id}").json()["status"]


def test_executions_progress_with_the_clock(api):
    api.admin("POST", "config", json={"default_dispatch_seconds": 10, "default_run_seconds": 100})
    eid = run(api, task_id("Sync Salesforce Opportunities", "Sales Ops"))
    detail = api.get(f"/processing/executions/{eid}").json()
    check_schema(detail, "JobExecutionStatusV21")
    assert (detail["status"], detail["executionStatus"]) == ("dispatching", "DISPATCHING_FLOW")
    api.admin("POST", "clock", json={"advance_seconds": 11})
    detail = api.get(f"/processing/executions/{eid}").json()
    assert (detail["status"], detail["executionStatus"]) == ("executing", "STARTING_FLOW_EXECUTION")
    assert "startTimestamp" in detail and "finishTimestamp" not in detail
    api.admin("POST", "clock", json={"advance_seconds": 100})
    detail = api.get(f"/processing/executions/{eid}").json()
    assert (detail["status"], detail["executionStatus"]) == ("execution_successful", "EXECUTION_SUCCESS")
    assert "finishTimestamp" in detail


def test_list_items_have_every_required_field(api):
    page = api.get(EXECS).json()
    check_schema(page, "PageTaskExecutionStatus")
    assert page["total"] == api.admin("GET", "state")["counts"]["taskExecutions"] > len(SAMPLE["executions"])
    stamps = [i["triggerTimestamp"] for i in page["items"]]
    assert stamps == sorted(stamps, reverse=True)


def test_in_flight_filter_and_two_executions_of_one_task(api):
    executing = api.get(EXECS, params={"status": "executing"}).json()["items"]
    clickstream = task_id("Load Clickstream Events to Snowflake", "Data Platform")
    mine = [i for i in executing if i["taskId"] == clickstream]
    assert len(mine) == 2
    assert len({i["runtime"]["engineId"] for i in mine}) == 2
    dispatching = api.get(EXECS, params={"status": "dispatching"}).json()["items"]
    assert [i["taskId"] for i in dispatching] == [task_id("Ingest Kafka Orders Topic", "Data Platform")]


def test_paused_task_with_an_execution_still_running(api):
    servicenow = task_id("Load ServiceNow Incidents", "Data Platform")
    items = api.get(f"/processing/executables/tasks/{servicenow}/executions").json()["items"]
    assert [i["status"] for i in items] == ["executing"]


def test_unknown_status_is_400(api):
    assert_error_response(api.get(EXECS, params={"status": "RUNNING"}), 400)
    assert_error_response(api.get(EXECS, params={"lastDays": 61}), 400)


def test_terminated_filter_includes_sub_statuses(api):
    statuses = {i["status"] for i in api.get(EXECS, params={"status": "terminated"}).json()["items"]}
    assert statuses == {"terminated", "terminated_timeout"}


def test_environment_and_time_filters(api):
    staging = api.get(EXECS, params={"environmentId": env_id("Staging")}).json()["items"]
    assert len(staging) == 1
    assert api.get(EXECS, params={"lastDays": 1}).json()["total"] < api.get(EXECS).json()["total"]


def test_run_of_a_paused_task_is_405(api):
    tid = task_id("Sync Concur Expense Reports", "Finance")
    assert_error_response(api.post("/processing/executions", json={"executable": tid}), 405)


def test_run_of_unknown_task_is_404_and_viewer_is_403(api):
    assert_error_response(api.post("/processing/executions", json={"executable": "0" * 24}), 404)
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    viewer = Client(api.url, token=VIEWER_PAT)
    assert_error_response(viewer.post("/processing/executions", json={"executable": tid}), 403)


def test_stop_is_204_text_plain_and_terminates(api):
    eid = run(api, task_id("Sync Salesforce Opportunities", "Sales Ops"))
    resp = api.delete(f"/processing/executions/{eid}")
    assert resp.status_code == 204 and resp.content == b""
    assert resp.headers["Content-Type"].startswith("text/plain")
    detail = api.get(f"/processing/executions/{eid}").json()
    assert (detail["status"], detail["executionStatus"]) == ("terminated", "EXECUTION_TERMINATED")
    assert_error_response(api.delete(f"/processing/executions/{eid}"), 400)


def test_stop_with_accept_json_only_is_406_and_changes_nothing(api):
    eid = run(api, task_id("Sync Salesforce Opportunities", "Sales Ops"))
    resp = api.delete(f"/processing/executions/{eid}", headers={"Accept": "application/json"})
    assert_error_response(resp, 406)
    assert status_of(api, eid) == "dispatching"
    both = api.delete(f"/processing/executions/{eid}", headers={"Accept": "application/json, text/plain"})
    assert both.status_code == 204


def test_stop_of_unknown_execution_is_404(api):
    assert_error_response(api.delete("/processing/executions/00000000-0000-0000-0000-000000000000"), 404)


def test_admin_execution_for_drain_tests(api):
    tid = task_id("Sync Concur Expense Reports", "Finance")  # paused: admin runs ignore that
    eid = api.admin("POST", "executions", json={"task_id": tid, "duration_seconds": 60,
                                                "dispatch_seconds": 0})["executionId"]
    assert status_of(api, eid) == "executing"
    api.admin("POST", "clock", json={"advance_seconds": 61})
    assert status_of(api, eid) == "execution_successful"


def test_plan_executions_list_and_run(api):
    page = api.get("/processing/executables/plans/executions").json()
    check_schema(page, "PagePlanExecutionStatus")
    assert {i["status"] for i in page["items"]} >= {"executing", "execution_failed", "execution_misfired"}
    assert_error_response(api.get("/processing/executables/plans/executions",
                                  params={"status": "dispatching"}), 400)
    paused = next(p for p in SAMPLE["plans"] if (p.get("planPauseDetails") or {}).get("pause"))
    assert_error_response(api.post("/processing/executions/plans", json={"executable": paused["id"]}), 405)
    free = next(p for p in SAMPLE["plans"] if "planPauseDetails" not in p)
    assert api.post("/processing/executions/plans", json={"executable": free["id"]}).status_code == 201
