# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the talend_task_pause module: arguments, results, diff, failures, secrets."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.talend_ops.cloud.plugins.modules import talend_task_pause

PAT = "unit-secret-pat-value"


def run(args, capsys):
    base = {"api_url": "https://api.us.cloud.talend.com", "token": PAT, "rate_limit": 100000}
    with patch_module_args(dict(base, **args)):
        with pytest.raises(SystemExit) as code:
            talend_task_pause.main()
    out = capsys.readouterr().out
    return code.value.code, json.loads(out), out


def test_pause_reports_changed_and_tasks(scripted, capsys):
    scripted.queue(202)
    scripted.queue(204)
    rc, result, dummy = run({"task_ids": ["t1", "t2"], "pause_context": "x"}, capsys)
    assert rc == 0 and result["changed"] is True
    assert [(t["id"], t["changed"]) for t in result["tasks"]] == [("t1", True), ("t2", False)]


def test_second_identical_run_is_not_changed(scripted, capsys):
    scripted.queue(204)
    rc, result, dummy = run({"task_id": "t1"}, capsys)
    assert rc == 0 and result["changed"] is False


def test_check_mode_with_diff_sends_no_put(scripted, capsys):
    scripted.queue(200, {"id": "t1", "name": "A"})
    rc, result, dummy = run({"task_id": "t1", "_ansible_check_mode": True, "_ansible_diff": True}, capsys)
    assert rc == 0 and result["changed"] is True
    assert [s["method"] for s in scripted.sent] == ["GET"]
    assert result["diff"]["after"]["tasks"]["t1"] == {"paused": True}


def test_bad_id_fails_before_any_request(scripted, capsys):
    rc, result, dummy = run({"task_ids": ["t1", "../../x"]}, capsys)
    assert rc == 1 and "Invalid task id" in result["msg"] and scripted.sent == []


def test_partial_failure_fails_naming_ids_and_keeps_successes(scripted, capsys):
    scripted.queue(202)
    scripted.queue(403, {"status": 403, "message": "Forbidden"})
    rc, result, out = run({"task_ids": ["ok1", "no1"]}, capsys)
    assert rc == 1 and result["failed_ids"] == ["no1"]
    assert result["tasks"][0]["id"] == "ok1" and result["changed"] is True
    assert "no1" in result["msg"] and "TMC_OPERATOR" in result["msg"]
    assert PAT not in out


def test_token_never_appears_in_the_result(scripted, capsys):
    scripted.queue(401, {"status": 401, "message": "Unauthorized"})
    rc, result, out = run({"task_id": "t1"}, capsys)
    assert rc == 1 and PAT not in out


def test_missing_credentials_fail_before_any_request(scripted, capsys, monkeypatch):
    for var in ("TALEND_TOKEN", "TALEND_CLIENT_ID", "TALEND_CLIENT_SECRET"):
        monkeypatch.delenv(var, raising=False)
    with patch_module_args({"task_id": "t1", "region": "eu"}):
        with pytest.raises(SystemExit):
            talend_task_pause.main()
    result = json.loads(capsys.readouterr().out)
    assert "TALEND_TOKEN" in result["msg"] and scripted.sent == []
