"""Admin API: a task moved, renamed or deleted, an environment renamed, behind the collection's back."""

from __future__ import annotations

import pytest
import requests

from emulator_harness import (api, assert_error_response, emulator_server, env_id, plan_id,  # noqa: F401  # pylint: disable=unused-import
                              task_id, ws_id)

TASKS = "/orchestration/executables/tasks"
SAP_GL = task_id("Load SAP GL Entries to Snowflake", "Finance")  # has executions, one in flight


def test_a_task_moved_to_another_workspace_is_listed_there_at_once(api):
    first = api.get(TASKS, params={"workspaceId": ws_id("Finance")}).json()["total"]
    moved = api.admin("PATCH", f"tasks/{SAP_GL}", json={"workspaceId": ws_id("Integration QA")})
    assert moved["workspaceId"] == ws_id("Integration QA")
    assert api.get(TASKS, params={"workspaceId": ws_id("Finance")}).json()["total"] == first - 1
    detail = api.get(f"{TASKS}/{SAP_GL}").json()
    assert detail["workspace"]["environment"]["name"] == "Staging"


def test_renamed_and_retagged_task(api):
    api.admin("PATCH", f"tasks/{SAP_GL}", json={"name": "GL load v2", "tags": ["gl"]})
    assert [i["executable"] for i in api.get(TASKS, params={"name": "GL load"}).json()["items"]] == [SAP_GL]
    found = api.post(f"{TASKS}/search", json={"tags": ["gl"]}).json()["items"]
    assert [i["executable"] for i in found] == [SAP_GL]


def test_two_environments_with_one_name(api):
    api.admin("PATCH", f"environments/{env_id('Staging')}", json={"name": "Production"})
    names = [e["name"] for e in api.get("/orchestration/environments").json()]
    assert names.count("Production") == 2
    api.admin("PATCH", f"workspaces/{ws_id('Finance')}", json={"name": "Finance (old)"})
    assert "Finance (old)" in [w["name"] for w in api.get("/orchestration/workspaces").json()]


def test_a_deleted_task_is_404_with_its_executions(api):
    execs = api.get(f"/processing/executables/tasks/{SAP_GL}/executions").json()["items"]
    gone = api.admin("DELETE", f"tasks/{SAP_GL}")
    assert gone == {"deleted": SAP_GL, "executions": len(execs)}
    assert_error_response(api.get(f"{TASKS}/{SAP_GL}"), 404)
    assert_error_response(api.put(f"{TASKS}/{SAP_GL}/pause", json={"pause": True}), 404)
    assert_error_response(api.get(f"/processing/executions/{execs[0]['executionId']}"), 404)
    assert api.get("/processing/executables/tasks/executions").status_code == 200


def test_a_deleted_plan_is_404(api):
    plan = plan_id("Nightly Sales Pipeline")
    assert api.admin("DELETE", f"plans/{plan}")["deleted"] == plan
    assert_error_response(api.get(f"/orchestration/executables/plans/{plan}"), 404)
    assert api.get("/processing/executables/plans/executions").status_code == 200


@pytest.mark.parametrize("method,path,body,status", [
    ("PATCH", "tasks/{t}", {"workspaceId": "0" * 24}, 404),
    ("PATCH", "tasks/{t}", {"version": "9"}, 400),
    ("PATCH", "tasks/{t}", {"name": ""}, 400),
    ("PATCH", "tasks/{t}", {"tags": [1]}, 400),
    ("PATCH", "environments/{t}", {"workspaceId": "x"}, 400),
    ("PATCH", "tasks/" + "0" * 24, {"name": "x"}, 404),
    ("DELETE", "tasks/" + "0" * 24, None, 404),
    ("DELETE", "environments/{t}", None, 404),
])
def test_bad_changes_are_refused(api, method, path, body, status):
    resp = requests.request(method, f"{api.url}/_emulator/{path.format(t=SAP_GL)}", json=body, timeout=10)
    assert_error_response(resp, status)
