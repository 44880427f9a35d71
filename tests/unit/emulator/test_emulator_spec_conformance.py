"""Every operation of tmc-subset.json answers the status and schema the vendor spec declares."""

from __future__ import annotations

import pytest

from emulator_harness import (BOT, SAMPLE, SPEC, api, check_schema, emulator_server,  # noqa: F401  # pylint: disable=unused-import
                              env_id, response_schema, task_id)

pytestmark = pytest.mark.skipif(SPEC is None, reason="vendor spec not available")


def _calls(api):
    """``(spec path, method, actual path, kwargs, expected status)`` for each operation."""
    tid = task_id("Sync Salesforce Opportunities", "Sales Ops")
    plan = next(p for p in SAMPLE["plans"] if "planPauseDetails" not in p)["id"]
    execution = SAMPLE["executions"][0]["executionId"]
    now = api.admin("GET", "clock")["now_ms"]
    prod = env_id("Production")
    return [
        ("/orchestration/environments", "GET", "/orchestration/environments", {}, 200),
        ("/orchestration/workspaces", "GET", "/orchestration/workspaces", {}, 200),
        ("/orchestration/executables/tasks", "GET", "/orchestration/executables/tasks", {}, 200),
        ("/orchestration/executables/tasks/search", "POST", "/orchestration/executables/tasks/search",
         {"json": {"environmentId": prod, "tags": ["crm"]}}, 200),
        ("/orchestration/executables/tasks/{taskId}", "GET", f"/orchestration/executables/tasks/{tid}", {}, 200),
        ("/orchestration/executables/tasks/{taskId}/pause", "PUT",
         f"/orchestration/executables/tasks/{tid}/pause", {"json": {"pause": True}}, 202),
        ("/orchestration/executables/plans", "GET", "/orchestration/executables/plans", {}, 200),
        ("/orchestration/executables/plans/{planId}", "GET", f"/orchestration/executables/plans/{plan}", {}, 200),
        ("/orchestration/executables/plans/{planId}/pause", "PUT",
         f"/orchestration/executables/plans/{plan}/pause", {"json": {"pause": True}}, 202),
        ("/orchestration/executables/events/search", "POST", "/orchestration/executables/events/search",
         {"json": {"environmentId": prod, "to": now + 86_400_000}}, 200),
        ("/processing/executables/tasks/executions", "GET", "/processing/executables/tasks/executions", {}, 200),
        ("/processing/executables/tasks/{taskId}/executions", "GET",
         f"/processing/executables/tasks/{SAMPLE['executions'][0]['taskId']}/executions", {}, 200),
        ("/processing/executions/{executionId}", "GET", f"/processing/executions/{execution}", {}, 200),
        ("/processing/executables/plans/executions", "GET", "/processing/executables/plans/executions", {}, 200),
        ("/processing/executions", "POST", "/processing/executions", {"json": {"executable": tid}}, 405),
        ("/processing/executions/plans", "POST", "/processing/executions/plans",
         {"json": {"executable": plan}}, 405),
        ("/processing/executions/{executionId}", "DELETE", f"/processing/executions/{execution}", {}, 204),
        ("/security/oauth/token", "POST", "/security/oauth/token",
         {"json": {"audience": api.url, "grant_type": "client_credentials"}, "auth": (BOT["id"], BOT["secret"]),
          "headers": {"Authorization": None}}, 200),
    ]


def test_every_spec_operation_is_covered_here(api):
    covered = {call[:2] for call in _calls(api)}
    declared = {(p, m.upper()) for p, ops in SPEC["paths"].items() for m in ops if m != "parameters"}
    assert declared == covered


def test_each_operation_answers_its_declared_status_and_schema(api):
    for spec_path, method, path, kwargs, status in _calls(api):
        resp = api.call(method, path, **kwargs)
        assert resp.status_code == status, (method, path, resp.status_code, resp.text)
        assert str(status) in SPEC["paths"][spec_path][method.lower()]["responses"], (method, spec_path)
        schema = response_schema(spec_path, method, status)
        if schema is None:
            assert resp.content == b"", (method, path)
        else:
            check_schema(resp.json(), schema)


def test_list_items_validate_against_their_schemas(api):
    items = api.get("/orchestration/executables/tasks").json()["items"]
    for item in items:
        check_schema(item, "TaskExtract")
        if "taskPauseDetails" in item:
            check_schema(item["taskPauseDetails"], "TaskPauseDetails")
    for item in api.get("/orchestration/executables/plans").json()["items"]:
        check_schema(item, "PlanExecutableDetails")
    for ex in SAMPLE["executions"]:
        check_schema(api.get(f"/processing/executions/{ex['executionId']}").json(), "JobExecutionStatusV21")
