# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the talend_execution_stop module: changed, check mode, bulk failures, secrets."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.talend_ops.cloud.plugins.modules import talend_execution_stop

PAT = "unit-secret-pat-value"


def run(args, capsys):
    base = {"api_url": "https://api.us.cloud.talend.com", "token": PAT, "rate_limit": 100000, "max_workers": 1,
            "retries": 0}
    with patch_module_args(dict(base, **args)):
        with pytest.raises(SystemExit) as code:
            talend_execution_stop.main()
    out = capsys.readouterr().out
    return code.value.code, json.loads(out), out


def test_stopping_a_running_execution_is_changed(scripted, capsys):
    scripted.queue(200, {"executionId": "e1", "jobId": "t1", "status": "executing"})
    scripted.queue(204, "")
    rc, result, dummy = run({"execution_ids": ["e1"]}, capsys)
    assert rc == 0 and result["changed"] is True
    assert [s["method"] for s in scripted.sent] == ["GET", "DELETE"]


def test_stopping_an_ended_execution_is_not_changed(scripted, capsys):
    scripted.queue(200, {"executionId": "e1", "jobId": "t1", "status": "terminated"})
    rc, result, dummy = run({"execution_ids": ["e1"]}, capsys)
    assert rc == 0 and result["changed"] is False


def test_check_mode_reports_changed_and_sends_no_delete(scripted, capsys):
    scripted.queue(200, {"executionId": "e1", "jobId": "t1", "status": "executing"})
    rc, result, dummy = run({"execution_ids": ["e1"], "_ansible_check_mode": True}, capsys)
    assert rc == 0 and result["changed"] is True
    assert [s["method"] for s in scripted.sent] == ["GET"]


def test_partial_failure_fails_naming_ids_and_keeps_successes(scripted, capsys):
    scripted.queue(200, {"executionId": "e1", "jobId": "t1", "status": "executing"})
    scripted.queue(204, "")
    scripted.queue(404, {"status": 404, "message": "Not found"})
    rc, result, out = run({"execution_ids": ["e1", "e404"]}, capsys)
    assert rc == 1 and result["failed_ids"] == ["e404"] and result["changed"] is True
    assert [e["execution_id"] for e in result["executions"]] == ["e1"]
    assert "e404" in result["msg"] and PAT not in out


def test_bad_id_fails_before_any_request(scripted, capsys):
    rc, result, dummy = run({"execution_ids": ["e1", "a b"]}, capsys)
    assert rc == 1 and "Invalid execution id" in result["msg"] and scripted.sent == []
