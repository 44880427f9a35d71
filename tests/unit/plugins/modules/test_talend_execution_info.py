# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the talend_execution_info module: arguments, scope resolution, read-only, secrets."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.talend_ops.cloud.plugins.modules import talend_execution_info

PAT = "unit-secret-pat-value"


def run(args, capsys):
    base = {"api_url": "https://api.us.cloud.talend.com", "token": PAT, "rate_limit": 100000, "max_workers": 1,
            "retries": 0}
    with patch_module_args(dict(base, **args)):
        with pytest.raises(SystemExit) as code:
            talend_execution_info.main()
    out = capsys.readouterr().out
    return code.value.code, json.loads(out), out


def page(*items):
    return {"items": list(items), "limit": 100, "offset": 0, "total": len(items)}


def execution(execution_id, task_id, status):
    return {"executionId": execution_id, "taskId": task_id, "status": status, "executionStatus": "DISPATCHING_FLOW",
            "executionType": "MANUAL", "triggerTimestamp": "2024-05-01T22:00:00Z"}


def test_task_ids_list_in_flight_executions_unchanged(scripted, capsys):
    scripted.queue(200, page(execution("e1", "t1", "dispatching")))
    scripted.queue(200, page())
    rc, result, dummy = run({"task_ids": ["t1"]}, capsys)
    assert rc == 0 and result["changed"] is False
    assert [e["execution_id"] for e in result["executions"]] == ["e1"]
    assert [s["method"] for s in scripted.sent] == ["GET", "GET"]


def test_environment_name_is_resolved_to_its_id(scripted, capsys):
    scripted.queue(200, [{"id": "env-1", "name": "Production"}, {"id": "env-2", "name": "Test"}])
    scripted.queue(200, page())
    scripted.queue(200, page())
    rc, result, dummy = run({"environment": "Production"}, capsys)
    assert rc == 0 and result["executions"] == []
    assert scripted.sent[1]["params"]["environmentId"] == "env-1"


def test_check_mode_reads_like_a_normal_run(scripted, capsys):
    scripted.queue(200, page())
    scripted.queue(200, page(execution("e1", "t1", "executing")))
    rc, result, dummy = run({"task_ids": ["t1"], "_ansible_check_mode": True}, capsys)
    assert rc == 0 and len(result["executions"]) == 1


def test_no_scope_fails_before_any_request(scripted, capsys):
    rc, result, dummy = run({}, capsys)
    assert rc == 1 and "task_ids" in result["msg"] and scripted.sent == []


def test_unknown_status_fails_before_any_request(scripted, capsys):
    rc, result, dummy = run({"task_ids": ["t1"], "status": ["running"]}, capsys)
    assert rc == 1 and "running" in result["msg"] and scripted.sent == []


def test_last_days_out_of_range_fails_before_any_request(scripted, capsys):
    rc, result, dummy = run({"environment": "Production", "last_days": 61}, capsys)
    assert rc == 1 and "last_days" in result["msg"] and scripted.sent == []


def test_bad_task_id_fails_before_any_request(scripted, capsys):
    rc, result, dummy = run({"task_ids": ["t1/../x"]}, capsys)
    assert rc == 1 and "Invalid task id" in result["msg"] and scripted.sent == []


def test_unknown_task_fails_with_the_api_answer_and_no_token(scripted, capsys):
    scripted.queue(404, {"status": 404, "message": "Task not found", "requestId": "req-9"})
    rc, result, out = run({"task_ids": ["t1"]}, capsys)
    assert rc == 1 and "404" in result["msg"] and "req-9" in result["msg"]
    assert PAT not in out
