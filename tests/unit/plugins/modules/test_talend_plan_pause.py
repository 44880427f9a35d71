# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the talend_plan_pause module: plan paths, results, check mode, diff, failures, secrets."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.talend_ops.cloud.plugins.modules import talend_plan_pause

PAT = "unit-secret-pat-value"
BASE = "https://api.us.cloud.talend.com"
PLAN_ID = "a89997b1-ca5d-4f14-5531-58e3831e6d1c"


def run(args, capsys):
    base = {"api_url": BASE, "token": PAT, "rate_limit": 100000, "max_workers": 1}
    with patch_module_args(dict(base, **args)):
        with pytest.raises(SystemExit) as code:
            talend_plan_pause.main()
    out = capsys.readouterr().out
    return code.value.code, json.loads(out), out


def test_pause_puts_to_the_plan_path_and_reports_plans(scripted, capsys):
    scripted.queue(202)
    scripted.queue(204)
    rc, result, dummy = run({"plan_ids": [PLAN_ID, "p2"], "pause_context": "w [maintenance-window:w]"}, capsys)
    assert rc == 0 and result["changed"] is True
    assert [(p["id"], p["changed"]) for p in result["plans"]] == [(PLAN_ID, True), ("p2", False)]
    assert scripted.sent[0]["method"] == "PUT"
    assert scripted.sent[0]["url"] == "%s/orchestration/executables/plans/%s/pause" % (BASE, PLAN_ID)
    assert scripted.sent[0]["json"] == {"pause": True, "pauseContext": "w [maintenance-window:w]"}


def test_resume_sends_pause_false(scripted, capsys):
    scripted.queue(202)
    rc, result, dummy = run({"plan_id": "p1", "state": "active"}, capsys)
    assert rc == 0 and scripted.sent[0]["json"] == {"pause": False}
    assert result["plans"][0]["paused"] is False and result["plans"][0]["previous_paused"] is True


def test_already_paused_plan_is_not_changed(scripted, capsys):
    scripted.queue(204)
    rc, result, dummy = run({"plan_id": "p1"}, capsys)
    assert rc == 0 and result["changed"] is False


def test_check_mode_reads_plan_pause_details_and_sends_no_put(scripted, capsys):
    scripted.queue(200, {"executable": "p1", "name": "Nightly", "planPauseDetails": {"pause": False}})
    rc, result, dummy = run({"plan_id": "p1", "_ansible_check_mode": True, "_ansible_diff": True}, capsys)
    assert rc == 0 and result["changed"] is True and [s["method"] for s in scripted.sent] == ["GET"]
    assert scripted.sent[0]["url"] == BASE + "/orchestration/executables/plans/p1"
    assert result["plans"][0]["name"] == "Nightly"
    assert result["diff"] == {"before": {"plans": {"p1": {"paused": False}}}, "after": {"plans": {"p1": {"paused": True}}}}


def test_check_mode_on_a_paused_plan_is_not_changed(scripted, capsys):
    scripted.queue(200, {"executable": "p1", "name": "N", "planPauseDetails": {"pause": True, "pauseContext": "other"}})
    rc, result, dummy = run({"plan_id": "p1", "_ansible_check_mode": True}, capsys)
    assert rc == 0 and result["changed"] is False and result["plans"][0]["pause_context"] == "other"


def test_bad_plan_id_fails_before_any_request(scripted, capsys):
    rc, result, dummy = run({"plan_ids": ["p1", "a/b"]}, capsys)
    assert rc == 1 and "Invalid plan id" in result["msg"] and scripted.sent == []


def test_forbidden_plan_fails_naming_it_and_the_permissions_without_the_token(scripted, capsys):
    scripted.queue(202)
    scripted.queue(403, {"status": 403, "message": "Forbidden"})
    rc, result, out = run({"plan_ids": ["p1", "p2"]}, capsys)
    assert rc == 1 and result["failed_ids"] == ["p2"] and result["plans"][0]["id"] == "p1"
    assert "TMC_OPERATOR" in result["msg"] and "plan" in result["msg"] and PAT not in out


def test_plan_id_and_plan_ids_are_exclusive(scripted, capsys):
    rc, result, dummy = run({"plan_id": "p1", "plan_ids": ["p2"]}, capsys)
    assert rc == 1 and "mutually exclusive" in result["msg"] and scripted.sent == []
