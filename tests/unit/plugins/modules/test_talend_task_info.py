# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the talend_task_info module: arguments, early errors, results, secrets."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.talend_ops.cloud.plugins.modules import talend_task_info

PAT = "unit-secret-pat-value"
PROD = {"id": "e1", "name": "Production"}


def run(args, capsys):
    base = {"api_url": "https://api.us.cloud.talend.com", "token": PAT, "rate_limit": 100000, "max_workers": 1}
    with patch_module_args(dict(base, **args)):
        with pytest.raises(SystemExit) as code:
            talend_task_info.main()
    out = capsys.readouterr().out
    return code.value.code, json.loads(out), out


def page(items):
    return {"items": items, "limit": 100, "offset": 0, "total": len(items)}


def test_lists_tasks_and_reports_unchanged(scripted, capsys):
    scripted.queue(200, [PROD])
    scripted.queue(200, page([{"executable": "t1", "name": "A", "tags": ["sap"],
                               "workspace": {"id": "w1", "name": "Finance", "environment": PROD},
                               "taskPauseDetails": {"pause": True, "pauseContext": "x", "user": "u",
                                                    "pauseDate": "2026-11-29T00:00:00Z"}}]))
    rc, result, dummy = run({"environment": "Production"}, capsys)
    assert rc == 0 and result["changed"] is False and result["plans"] == []
    assert result["tasks"] == [{"id": "t1", "name": "A", "environment": PROD, "workspace": {"id": "w1", "name": "Finance"},
                                "tags": ["sap"], "paused": True, "pause_context": "x", "pause_user": "u",
                                "pause_date": "2026-11-29T00:00:00Z"}]


def test_include_plans_returns_plans(scripted, capsys):
    scripted.queue(200, [PROD])
    scripted.queue(200, page([]))
    scripted.queue(200, page([{"executable": "p1", "name": "P", "workspace": {"id": "w1", "environment": PROD},
                               "planPauseDetails": {"pause": False}}]))
    rc, result, dummy = run({"environment": "e1", "include_plans": True}, capsys)
    assert rc == 0 and [p["id"] for p in result["plans"]] == ["p1"] and result["plans"][0]["paused"] is False


def test_no_selection_option_fails_before_any_request(scripted, capsys):
    rc, result, dummy = run({"paused": True}, capsys)
    assert rc == 1 and "one of the following is required" in result["msg"] and scripted.sent == []


def test_window_needs_both_bounds(scripted, capsys):
    rc, result, dummy = run({"environment": "Production", "scheduled_from": "2026-11-29T01:00:00Z"}, capsys)
    assert rc == 1 and "scheduled_from" in result["msg"] and "scheduled_to" in result["msg"] and scripted.sent == []


def test_naive_window_fails_before_any_request(scripted, capsys):
    rc, result, dummy = run({"environment": "Production", "scheduled_from": "2026-11-29T01:00:00",
                             "scheduled_to": "2026-11-29T05:00:00"}, capsys)
    assert rc == 1 and "no UTC offset" in result["msg"] and scripted.sent == []


def test_window_end_before_start_fails_before_any_request(scripted, capsys):
    rc, result, dummy = run({"environment": "Production", "scheduled_from": "2026-11-29T05:00:00Z",
                             "scheduled_to": "2026-11-29T01:00:00Z"}, capsys)
    assert rc == 1 and "must be after" in result["msg"] and scripted.sent == []


@pytest.mark.parametrize("option", ["task_ids", "plan_ids"])
def test_bad_id_fails_before_any_request(scripted, capsys, option):
    rc, result, dummy = run({option: ["ok", "../x"]}, capsys)
    assert rc == 1 and "Invalid" in result["msg"] and "'../x'" in result["msg"] and scripted.sent == []


def test_api_error_fails_without_the_token(scripted, capsys):
    scripted.queue(401, {"status": 401, "message": "Unauthorized"})
    rc, result, out = run({"environment": "Production"}, capsys)
    assert rc == 1 and "401" in result["msg"] and PAT not in out


def test_ambiguous_name_fails_listing_the_candidates(scripted, capsys):
    items = [{"executable": t, "name": "Load GL", "workspace": {"id": w, "name": w, "environment": PROD},
              "taskPauseDetails": {"pause": False}} for t, w in (("t1", "Finance"), ("t2", "QA"))]
    scripted.queue(200, page(items))
    rc, result, dummy = run({"name": "Load GL"}, capsys)
    assert rc == 1 and "ambiguous" in result["msg"] and "t1" in result["msg"] and "t2" in result["msg"]
