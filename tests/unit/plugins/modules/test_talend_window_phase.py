# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the talend_window_phase module: bad input before any request, report directory, check mode."""

from __future__ import annotations

import json
import stat

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.talend_ops.cloud.plugins.modules import talend_window_phase

PAT = "unit-secret-pat-value"
TASK = {"id": "t1", "name": "Load GL", "workspace": {"id": "w", "name": "Finance", "environment": {"id": "e"}},
        "taskPauseDetails": {"pause": False}}


def run(args, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    base = {"api_url": "https://api.us.cloud.talend.com", "token": PAT, "rate_limit": 100000, "window_id": "w1",
            "phase": "pause"}
    with patch_module_args(dict(base, **args)):
        with pytest.raises(SystemExit) as code:
            talend_window_phase.main()
    out = capsys.readouterr().out
    assert PAT not in out
    return code.value.code, json.loads(out)


@pytest.mark.parametrize("args, words", [
    ({"window_id": "../etc"}, "not a valid window id"),
    ({"task_ids": ["../x"]}, "../x"),
    ({"selectors": [{"environment": "P"}, {"environment": "P", "scheduled_from": "2026-11-29T05:00:00Z",
                                           "scheduled_to": "2026-11-29T01:00:00Z"}]}, "selector 2: "),
])
def test_bad_input_fails_before_any_request_and_any_file(scripted, capsys, monkeypatch, tmp_path, args, words):
    rc, result = run(dict(args, report_dir=str(tmp_path / "reports")), capsys, monkeypatch, tmp_path)
    assert rc == 1 and words in result["msg"] and "Nothing was changed." in result["msg"]
    assert scripted.sent == [] and not (tmp_path / "reports").exists()


def test_pause_of_an_explicit_task_writes_the_report_in_a_private_directory(scripted, capsys, monkeypatch, tmp_path):
    scripted.queue(200, TASK)
    scripted.queue(202)
    reports = tmp_path / "state" / "reports"
    rc, result = run({"task_ids": ["t1"], "reason": "DB upgrade", "report_dir": str(reports)}, capsys, monkeypatch,
                     tmp_path)
    assert rc == 0 and result["changed"] is True and result["outcome"] == "succeeded"
    assert scripted.sent[1]["json"] == {"pause": True, "pauseContext": "DB upgrade [maintenance-window:w1]"}
    assert result["paused_task_ids"] == ["t1"] and result["task_names"] == {"t1": "Load GL"}
    assert result["phase_message"].startswith("Window w1: paused 1 task(s): Load GL and 0 plan(s).")
    assert result["messages"] == [result["phase_message"], result["report_message"]]
    assert result["report_message"].startswith("Window w1: report %s (paused); summary" % (reports / "w1.json"))
    assert result["json_path"] == str(reports / "w1.json") and result["summary"]["status"] == "paused"
    assert stat.S_IMODE(reports.stat().st_mode) == 0o700
    document = json.loads((reports / "w1.json").read_text())
    assert document["runs"][0]["started"] == result["started"] and document["runs"][0]["tasks"][0]["result"] == "paused"


def test_check_mode_sends_no_put_and_writes_nothing(scripted, capsys, monkeypatch, tmp_path):
    scripted.queue(200, TASK)
    scripted.queue(200, TASK)
    rc, result = run({"task_ids": ["t1"], "report_dir": str(tmp_path / "r"), "_ansible_check_mode": True}, capsys,
                     monkeypatch, tmp_path)
    assert rc == 0 and result["changed"] is True and result["phase_message"].startswith("Window w1: would pause 1")
    assert [s["method"] for s in scripted.sent] == ["GET", "GET"] and not (tmp_path / "r").exists()


def test_a_failed_id_fails_the_module_after_the_report(scripted, capsys, monkeypatch, tmp_path):
    scripted.queue(200, TASK)
    scripted.queue(403, {"message": "Forbidden", "requestId": "r-1"})
    rc, result = run({"task_ids": ["t1"], "report_dir": str(tmp_path / "r")}, capsys, monkeypatch, tmp_path)
    assert rc == 1 and result["outcome"] == "failed" and result["failed_ids"] == ["t1"]
    assert result["failures"][0]["status"] == 403 and (tmp_path / "r" / "w1.json").exists()


def test_missing_credentials_are_recorded_as_the_error_of_the_run(scripted, capsys, monkeypatch, tmp_path):
    rc, result = run({"token": None, "task_ids": ["t1"], "report_dir": str(tmp_path / "r")}, capsys, monkeypatch,
                     tmp_path)
    assert rc == 1 and "No Talend Cloud credentials" in result["error"] and scripted.sent == []
    assert json.loads((tmp_path / "r" / "w1.json").read_text())["runs"][0]["error"] == result["error"]


def test_resume_without_marked_tasks_says_nothing_to_resume(scripted, capsys, monkeypatch, tmp_path):
    scripted.queue(200, TASK)
    rc, result = run({"phase": "resume", "task_ids": ["t1"]}, capsys, monkeypatch, tmp_path)
    assert rc == 0 and result["changed"] is False
    (line,) = result["messages"]
    assert result["selection_messages"] == [line] and line.startswith("nothing to resume for window w1:")
    assert "[maintenance-window:w1]" in line and "check the window id" in line
    assert result["phase_message"] == result["report_message"] == "" and "json_path" not in result
