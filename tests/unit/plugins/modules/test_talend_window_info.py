# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the talend_window_info module: read-only, its result, check mode, errors, secrets."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.talend_ops.cloud.plugins.modules import talend_window_info

PAT = "unit-secret-pat-value"
HELD = {"pause": True, "pauseContext": "DB [maintenance-window:mw-10]", "user": "ops", "pauseDate": "2026-11-01T00:00:00Z"}


def run(args, capsys):
    base = {"api_url": "https://api.us.cloud.talend.com", "token": PAT, "rate_limit": 100000, "max_workers": 1,
            "retries": 0}
    with patch_module_args(dict(base, **args)):
        with pytest.raises(SystemExit) as code:
            talend_window_info.main()
    out = capsys.readouterr().out
    return code.value.code, json.loads(out), out


def page(*items):
    return {"items": list(items), "limit": 100, "offset": 0, "total": len(items)}


def test_open_windows_are_returned_unchanged_and_only_read(scripted, capsys):
    scripted.queue(200, page({"executable": "t1", "name": "T1", "taskPauseDetails": HELD}))
    scripted.queue(200, page())
    rc, result, out = run({}, capsys)
    assert rc == 0 and result["changed"] is False
    assert [(w["window_id"], w["task_ids"]) for w in result["windows"]] == [("mw-10", ["t1"])]
    assert {s["method"] for s in scripted.sent} == {"GET"}
    assert PAT not in out


def test_check_mode_reads_like_a_normal_run(scripted, capsys):
    scripted.queue(200, page())
    scripted.queue(200, page())
    rc, result, dummy = run({"_ansible_check_mode": True}, capsys)
    assert rc == 0 and result["windows"] == []


def test_an_unknown_environment_fails_naming_the_known_ones(scripted, capsys):
    scripted.queue(200, [{"id": "e1", "name": "Production"}])
    rc, result, out = run({"environment": "Prod"}, capsys)
    assert rc == 1 and "Unknown environment 'Prod'" in result["msg"] and "Production" in result["msg"]
    assert PAT not in out


def test_an_api_failure_fails_the_module_without_the_token(scripted, capsys):
    scripted.queue(401, {"status": 401, "message": "Unauthorized"})
    rc, result, out = run({}, capsys)
    assert rc == 1 and "401" in result["msg"] and PAT not in out


def test_empty_env_variables_as_awx_injects_them_count_as_not_set(scripted, capsys, monkeypatch):
    for name in ("TALEND_VALIDATE_CERTS", "TALEND_CA_PATH", "TALEND_RATE_LIMIT", "TALEND_REGION"):
        monkeypatch.setenv(name, "")
    scripted.queue(200, page())
    scripted.queue(200, page())
    with patch_module_args({"api_url": "https://api.us.cloud.talend.com", "token": PAT, "retries": 0}):
        with pytest.raises(SystemExit) as code:
            talend_window_info.main()
    result = json.loads(capsys.readouterr().out)
    assert code.value.code == 0 and result["windows"] == []
