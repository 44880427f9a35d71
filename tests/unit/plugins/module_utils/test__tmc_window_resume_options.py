# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the resume options (catch-up, waves, gate): checked before any request; the resume context that
carries the pause time; the engine's result when the gate stops the waves."""

from __future__ import annotations

import pytest
from window_params import TASK, page, paused_with, run

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import PersonalAccessToken
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK as KIND
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_change import ChangeOutcome
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import check_request
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_markdown import _check_sections
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import Window
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_select import select_for_resume
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_verify import verify_changes

BASE = {"window_id": "w1", "phase": "resume", "task_ids": ["t1"], "drain_interval": 30, "catch_up": "none",
        "catch_up_concurrency": 20, "resume_wave_size": 0, "resume_wave_interval": 300,
        "resume_max_failed_runs": None}


@pytest.mark.parametrize("args, words", [
    ({"catch_up_concurrency": 0}, "maintenance_window_catch_up_concurrency must be 1 to 200"),
    ({"catch_up_concurrency": 201}, "maintenance_window_catch_up_concurrency must be 1 to 200"),
    ({"resume_wave_size": -1}, "maintenance_window_resume_wave_size must be 0"),
    ({"resume_wave_size": 5, "resume_wave_interval": -5}, "maintenance_window_resume_wave_interval must be 0 or more"),
    ({"resume_wave_size": 5, "resume_max_failed_runs": -1}, "maintenance_window_resume_max_failed_runs must be 0"),
    ({"resume_max_failed_runs": 0}, "set maintenance_window_resume_wave_size too"),
    ({"catch_up": "once", "drain_interval": 0}, "maintenance_window_drain_interval (the seconds between two reads"),
])
def test_bad_resume_settings_fail_before_any_request_and_any_file(scripted, tmp_path, args, words):
    result = run(**dict(BASE, report_dir=str(tmp_path / "reports"), **args))
    assert result["failed"] and words in result["msg"] and "no request was sent" in result["msg"]
    assert scripted.sent == [] and not (tmp_path / "reports").exists()


def test_resume_settings_are_ignored_by_the_pause_phase():
    request = check_request(dict(BASE, phase="pause", reason="x", resume_max_failed_runs=0, catch_up_concurrency=0))
    assert request.resume.max_failed_runs == 0


def test_the_resume_settings_reach_the_request():
    request = check_request(dict(BASE, catch_up="once", catch_up_concurrency=7, resume_wave_size=10,
                                 resume_wave_interval=60, resume_max_failed_runs=2, drain_interval=3))
    assert (request.resume.catch_up, request.resume.concurrency, request.resume.wave_size, request.resume.wave_interval,
            request.resume.max_failed_runs, request.resume.poll_interval) == ("once", 7, 10, 60, 2, 3)


def test_a_resume_context_is_recognised_with_or_without_the_pause_time():
    window = Window("mw-1")
    assert window.resume_context() == "Resumed at the end of maintenance window mw-1"
    timed = window.resume_context("2026-12-08T10:00:00.000Z")
    assert window.resumed(timed) and window.held_since(timed) == "2026-12-08T10:00:00.000Z"
    assert window.resumed(window.resume_context()) and window.held_since(window.resume_context()) is None
    assert not Window("mw-10").resumed(timed) and not window.resumed(Window("mw-10").resume_context())
    assert not window.resumed("see Resumed at the end of maintenance window mw-1") and not window.resumed(None)


def test_the_gate_fails_the_phase_saying_how_many_waves_went_and_what_to_run(scripted, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    held = [paused_with("DB [maintenance-window:w1]", dict(TASK, executable=i, name="Task " + i,
                                                           taskPauseDetails=None)) for i in ("t1", "t2")]
    for task in held:
        task["taskPauseDetails"]["pauseDate"] = "2026-12-08T10:00:00.000Z"
    scripted.queue(200, page(*held))                       # the account's tasks
    scripted.queue(200, page())                            # plans
    scripted.queue(200, page())                            # leaks: executions since the pause
    scripted.queue(200, page())                            # the order: next runs
    scripted.queue(202)                                    # wave 1
    scripted.queue(200, page(dict(held[0], taskPauseDetails={"pause": False, "pauseDate": "2026-12-08T12:00:00Z"})))
    scripted.queue(200, page())                            # wave 1 ledger
    scripted.queue(200, page({"executionId": "x-1", "taskId": "t1", "status": "execution_failed",
                              "triggerTimestamp": "2026-12-08T12:00:05Z", "executionType": "SCHEDULED"}))
    scripted.queue(200, page())                            # re-arm of wave 1
    said = []
    result = run(said=said, phase="resume", task_ids=["t1", "t2"], resume_wave_size=1, resume_wave_interval=0,
                 resume_max_failed_runs=0)
    assert result["failed"] and result["resumed_task_ids"] == ["t1"]
    assert "stopped at Resume in waves: resume wave 1 of 2: 1 run(s) of its tasks failed" in result["msg"]
    assert "running the resume phase again continues with the next wave" in result["msg"]
    assert "What was not resumed still carries the marker [maintenance-window:w1]" in result["msg"]
    assert result["counts"]["tasks"]["not_attempted"] == 1
    assert any(line.startswith("Window w1: wave 1 of 2: resuming 1 task(s)") for line in said)
    assert any("resumed in 1 wave(s) of up to 1 task(s)" in line and "left paused with the marker" in line
               for line in result["finding_messages"])


def test_the_account_search_finds_the_marker_behind_a_never_paused_task_and_what_the_window_resumed(scripted):
    never = {k: v for k, v in dict(TASK, executable="t0").items() if k != "taskPauseDetails"}
    held = paused_with("DB [maintenance-window:w1]", dict(TASK, executable="t1"))
    back = dict(TASK, executable="t2", taskPauseDetails={
        "pause": False, "pauseContext": Window("w1").resume_context("2026-12-08T10:00:00.000Z"),
        "pauseDate": "2026-12-08T12:00:00.000Z"})
    scripted.queue(200, page(never, held, back))
    scripted.queue(200, page())
    client = TalendClient("https://api.us.cloud.talend.com", PersonalAccessToken("unit-secret-pat-value"),
                          rate_limit=100000)
    found = select_for_resume(client, check_request(BASE))
    assert found.searched == "account" and [e["id"] for e in found.tasks] == ["t1"]
    assert [e["id"] for e in found.resumed_before] == ["t2"]


def test_the_markdown_summary_has_a_section_for_catch_up_runs_and_waves():
    run = {"catch_up": {"runs": [{"id": "t1", "name": "Load GL", "execution_id": "x-1"}],
                        "refused": [{"id": "t2", "name": "Load AP", "status": 409, "message": "busy"}]},
           "waves": {"waves": [{"number": 1, "resumed": 10, "started": "2026-12-08T12:00:00Z", "failed_runs": [{}],
                                "decision": "stop"}]}}
    text = "\n".join(_check_sections(run))
    assert "## Catch-up runs started\n\n- `t1` Load GL: execution `x-1`" in text
    assert "## Catch-up runs refused\n\n- `t2` Load AP: HTTP 409, busy" in text
    assert "- wave 1: 10 task(s) resumed from 2026-12-08T12:00:00Z, 1 failed run(s), stop" in text


def test_the_read_back_uses_the_list_when_a_never_paused_task_comes_first(scripted):
    never = {k: v for k, v in dict(TASK, executable="t0").items() if k != "taskPauseDetails"}
    scripted.queue(200, page(never, paused_with("DB [maintenance-window:w1]", dict(TASK, executable="t1"))))
    client = TalendClient("https://api.us.cloud.talend.com", PersonalAccessToken("unit-secret-pat-value"),
                          rate_limit=100000)
    change = ChangeOutcome(KIND, ids=["t1"], entries=[{"id": "t1", "changed": True}], at="now")
    out = verify_changes(client, Window("w1"), [change], True, {"t1": "e"})
    assert out.confirmed == ["t1"] and len(scripted.sent) == 1, "one list page, no read of each task"


def test_check_mode_with_catch_up_and_waves_sends_no_write_and_starts_no_run(scripted):
    held = paused_with("DB [maintenance-window:w1]", dict(TASK, executable="t1"))
    scripted.queue(200, page(held))        # the account's tasks
    scripted.queue(200, page())            # plans (no pause date: no leaks read)
    scripted.queue(200, held)              # check mode reads the state it would change
    result = run(check_mode=True, phase="resume", task_ids=["t1"], catch_up="once", resume_wave_size=1,
                 resume_max_failed_runs=0)
    assert not result.get("failed") and {s["method"] for s in scripted.sent} == {"GET"}
    assert "would resume 1 task(s)" in result["phase_message"]
