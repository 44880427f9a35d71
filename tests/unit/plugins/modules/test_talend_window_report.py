# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the talend_window_report module: files, check mode, failures, bad input."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.talend_ops.cloud.plugins.modules import talend_window_report

MARKER = "[maintenance-window:CHG9]"
BASE = {"window_id": "CHG9", "phase": "pause", "marker": MARKER, "started": "2026-11-29T01:00:00Z",
        "tasks_before": [{"id": "t1", "name": "Load", "paused": False}, {"id": "t2", "name": "Sync", "paused": False}],
        "tasks_result": {"failed": True, "tasks": [{"id": "t1", "changed": True}],
                         "failures": [{"id": "t2", "status": 403, "message": "Forbidden", "request_id": "r-9"}]}}


def run(args, capsys):
    with patch_module_args(dict(BASE, **args)):
        with pytest.raises(SystemExit) as code:
            talend_window_report.main()
    return code.value.code, json.loads(capsys.readouterr().out)


def test_writes_both_files_and_returns_counts_and_failures(tmp_path, capsys):
    rc, result = run({"path": str(tmp_path)}, capsys)
    assert rc == 0 and result["changed"] is True
    assert result["json_path"] == str(tmp_path / "CHG9.json") and (tmp_path / "CHG9.md").exists()
    assert result["counts"]["tasks"]["paused"] == 1 and result["counts"]["tasks"]["failed"] == 1
    assert result["failures"] == [{"kind": "task", "id": "t2", "name": "Sync", "result": "failed", "status": 403,
                                   "message": "Forbidden", "request_id": "r-9"}]
    assert result["summary"]["status"] == "pause incomplete"


def test_check_mode_writes_nothing(tmp_path, capsys):
    rc, result = run({"path": str(tmp_path / "r"), "_ansible_check_mode": True}, capsys)
    assert rc == 0 and result["counts"]["tasks"]["selected"] == 2 and not (tmp_path / "r").exists()


def test_without_path_only_counts_and_is_not_changed(capsys):
    rc, result = run({}, capsys)
    assert rc == 0 and result["changed"] is False and "json_path" not in result
    assert result["run"]["outcome"] == "failed"


def test_window_id_with_path_characters_fails(tmp_path, capsys):
    rc, result = run({"path": str(tmp_path), "window_id": "../CHG9"}, capsys)
    assert rc == 1 and "not a valid window id" in result["msg"] and not list(tmp_path.iterdir())


def test_directory_that_cannot_be_written_says_what_to_give(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    rc, result = run({"path": str(blocker / "reports")}, capsys)
    assert rc == 1 and "could not be written" in result["msg"] and "maintenance_window_report_dir" in result["msg"]


def test_amend_adds_the_drain_and_error_to_the_run_already_written(tmp_path, capsys):
    run({"path": str(tmp_path), "tasks_result": {"tasks": [{"id": "t1", "changed": True},
                                                           {"id": "t2", "changed": True}]}}, capsys)
    drain = {"polls": 2, "elapsed_seconds": 31, "still_running": []}
    rc, result = run({"path": str(tmp_path), "amend": True, "drain": drain, "error": "Drain: could not read",
                      "tasks_before": []}, capsys)
    assert rc == 0 and "tasks" not in result["run"] and result["run"]["outcome"] == "failed"
    document = json.loads((tmp_path / "CHG9.json").read_text())
    assert len(document["runs"]) == 1 and document["runs"][0]["drain"] == drain
    assert document["runs"][0]["error"] == "Drain: could not read" and len(document["runs"][0]["tasks"]) == 2
    assert document["summary"]["status"] == "pause incomplete"


def test_amend_without_that_run_adds_a_run_of_its_own_with_a_warning(tmp_path, capsys, monkeypatch):
    warned = []
    monkeypatch.setattr(talend_window_report.AnsibleModule, "warn", lambda self, text: warned.append(text))
    rc, result = run({"path": str(tmp_path), "amend": True, "drain": {"polls": 1}}, capsys)
    assert rc == 0 and result["run"]["tasks"] == [] and result["run"]["drain"] == {"polls": 1}
    assert len(warned) == 1 and "holds no pause run of window CHG9" in warned[0]
    assert len(json.loads((tmp_path / "CHG9.json").read_text())["runs"]) == 1
