"""Pause / resume of tasks and plans."""

from __future__ import annotations

import re

from emulator_harness import (BOT, FINANCE_PAT, VIEWER_PAT, Client, api,  # noqa: F401  # pylint: disable=unused-import
                              assert_error_response, emulator_server, env_id, task_id)

TASKS = "/orchestration/executables/tasks"
PLANS = "/orchestration/executables/plans"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def pause(client, tid, value=True, context="DB upgrade [maintenance-window:mw-1]", kind=TASKS):
    return client.put(f"{kind}/{tid}/pause", json={"pause": value, "pauseContext": context})


def test_pause_then_pause_again_is_202_then_204(api):
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    first = pause(api, tid)
    assert first.status_code == 202 and first.content == b""
    assert pause(api, tid).status_code == 204


def test_pause_records_user_type_context_and_date(api):
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    api.admin("POST", "clock", json={"set_epoch_ms": 1767225600000, "freeze": True})  # 2026-01-01
    pause(api, tid)
    details = api.get(f"{TASKS}/{tid}").json()["taskPauseDetails"]
    assert details["pause"] is True
    assert details["pauseContext"] == "DB upgrade [maintenance-window:mw-1]"
    assert details["user"] == "ops.admin@example.com" and details["userType"] == "HUMAN"
    assert ISO.match(details["pauseDate"])
    assert details["pauseDate"] == "2026-01-01T00:00:00.000Z"


def test_pause_by_service_account_records_service_user_type(api):
    import requests
    token = requests.post(api.url + "/security/oauth/token", auth=(BOT["id"], BOT["secret"]), timeout=10,
                          json={"audience": api.url, "grant_type": "client_credentials"}).json()["access_token"]
    tid = task_id("Sync Salesforce Users", "Sales Ops")
    assert pause(Client(api.url, token=token), tid).status_code == 202
    details = api.get(f"{TASKS}/{tid}").json()["taskPauseDetails"]
    assert (details["user"], details["userType"]) == ("maintenance-bot", "SERVICE")


def test_pause_of_a_task_paused_by_someone_else_is_204_and_keeps_their_context(api):
    tid = task_id("Sync Concur Expense Reports", "Finance")
    before = api.get(f"{TASKS}/{tid}").json()["taskPauseDetails"]
    assert pause(api, tid, context="mine").status_code == 204
    assert api.get(f"{TASKS}/{tid}").json()["taskPauseDetails"] == before


def test_resume_is_202_then_204(api):
    tid = task_id("Sync Concur Expense Reports", "Finance")
    assert pause(api, tid, False, context="back").status_code == 202
    details = api.get(f"{TASKS}/{tid}").json()["taskPauseDetails"]
    assert details["pause"] is False and details["user"] == "ops.admin@example.com"
    assert pause(api, tid, False).status_code == 204


def test_resume_of_a_never_paused_task_is_204(api):
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    assert pause(api, tid, False).status_code == 204
    assert "taskPauseDetails" not in api.get(f"{TASKS}/{tid}").json()


def test_pause_without_boolean_pause_is_400(api):
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    assert_error_response(api.put(f"{TASKS}/{tid}/pause", json={"pauseContext": "x"}), 400)
    assert_error_response(api.put(f"{TASKS}/{tid}/pause", json={"pause": "true"}), 400)
    assert_error_response(api.put(f"{TASKS}/{tid}/pause", data="not json"), 400)


def test_post_on_pause_is_405(api):
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    resp = api.post(f"{TASKS}/{tid}/pause", json={"pause": True})
    assert_error_response(resp, 405)
    assert "PUT" in resp.headers["Allow"]
    assert "taskPauseDetails" not in api.get(f"{TASKS}/{tid}").json()


def test_pause_of_unknown_task_is_404(api):
    assert_error_response(pause(api, "0" * 24), 404)


def test_user_without_operator_role_gets_403_naming_the_permissions(api):
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    body = assert_error_response(pause(Client(api.url, token=VIEWER_PAT), tid), 403)
    assert "TMC_OPERATOR" in body["detail"] and "AUTHOR" in body["detail"]


def test_operator_without_author_on_the_workspace_gets_403(api):
    finance = Client(api.url, token=FINANCE_PAT)
    assert pause(finance, task_id("Load SAP Cost Centers", "Finance")).status_code == 202
    assert_error_response(pause(finance, task_id("Sync Salesforce Opportunities", "Sales Ops")), 403)


def test_forbid_pause_ids_fault_is_403(api):
    tid = task_id("Load SAP Cost Centers", "Finance")
    api.admin("POST", "faults", json={"forbid_pause_ids": [tid]})
    assert_error_response(pause(api, tid), 403)
    api.admin("DELETE", "faults")
    assert pause(api, tid).status_code == 202


def test_pausing_keeps_the_schedule(api):
    tid = task_id("Load SAP GL Entries to Snowflake", "Finance")
    before = next(t for t in api.admin("GET", "state")["tasks"] if t["id"] == tid)["triggers"]
    pause(api, tid)
    after = next(t for t in api.admin("GET", "state")["tasks"] if t["id"] == tid)
    assert after["triggers"] == before and after["taskPauseDetails"]["pause"] is True
    now = api.admin("GET", "clock")["now_ms"]
    events = api.post("/orchestration/executables/events/search", json={
        "environmentId": env_id("Production"), "from": now, "to": now + 86_400_000}).json()
    assert any(e["id"] == tid for e in events["items"] + _rest(api, now, events))


def _rest(api, now, first_page):
    out, offset = [], len(first_page["items"])
    while offset < first_page["total"]:
        page = api.post("/orchestration/executables/events/search", json={
            "environmentId": env_id("Production"), "from": now, "to": now + 86_400_000,
            "offset": offset}).json()
        out += page["items"]
        offset += len(page["items"])
    return out


def test_plan_pause_202_then_204_and_details(api):
    plans = api.get(PLANS).json()
    assert plans["total"] == 6
    never = next(p for p in plans["items"] if "planPauseDetails" not in p)
    assert pause(api, never["executable"], kind=PLANS).status_code == 202
    assert pause(api, never["executable"], kind=PLANS).status_code == 204
    detail = api.get(f"{PLANS}/{never['executable']}").json()
    assert detail["planPauseDetails"]["pause"] is True
    assert detail["planPauseDetails"]["userType"] == "HUMAN"


def test_plans_filter_by_task_and_unknown_plan_is_404(api):
    tid = task_id("Reconcile Bank Statements (MT940)", "Finance")
    names = {p["name"] for p in api.get(PLANS, params={"taskId": tid}).json()["items"]}
    assert names == {"Finance Month-End Close", "Finance Intraday Reconciliation"}
    assert_error_response(api.get(f"{PLANS}/00000000-0000-0000-0000-000000000000"), 404)
    assert_error_response(api.post(f"{PLANS}/00000000-0000-0000-0000-000000000000/pause", json={}), 405)
