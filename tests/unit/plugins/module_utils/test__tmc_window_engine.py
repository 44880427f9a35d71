# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the window engine (run_window_phase): bad input before any request, report, check mode, drain."""

from __future__ import annotations

import stat

import pytest
from reportfiles import read_report
from window_params import EXECUTING, TASK, page, paused_with, run


@pytest.mark.parametrize("args, words", [
    ({"window_id": "../etc"}, "not a valid window id"),
    ({"task_ids": ["../x"]}, "../x"),
    ({"reason": "see [maintenance-window:mw-1]"}, "may not carry a window marker"),
    ({"reason": "x" * 201}, "keep it to 200"),
    ({"selectors": [{"environment": "P"}, {"environment": "P", "scheduled_from": "2026-11-29T05:00:00Z",
                                           "scheduled_to": "2026-11-29T01:00:00Z"}]}, "selector 2: "),
    ({"selectors": [{"include_plans": True}]}, "would select every task of the account"),
    ({"task_ids": ["t1"], "drain": True, "drain_interval": 0}, "maintenance_window_drain_interval 1 or more"),
    ({"task_ids": ["t1"], "tenant": "eu/prod"}, "not a usable tenant name"),
])
def test_bad_input_fails_before_any_request_and_any_file(scripted, tmp_path, args, words):
    result = run(**dict(args, report_dir=str(tmp_path / "reports")))
    assert result["failed"] and words in result["msg"] and "Nothing was changed: no request was sent." in result["msg"]
    assert scripted.sent == [] and not (tmp_path / "reports").exists()


def test_every_problem_of_the_input_is_named_at_once(scripted):
    result = run(window_id="a b", task_ids=["../x"], selectors=[{"tags": []}])
    for words in ("not a valid window id", "../x", "would select every task"):
        assert words in result["msg"]
    assert scripted.sent == []


def test_report_directory_that_cannot_be_written_fails_before_any_request(scripted, tmp_path):
    in_the_way = tmp_path / "reports"
    in_the_way.write_text("a file where the directory should be")   # root writes through mode bits: use a file
    result = run(task_ids=["t1"], report_dir=str(in_the_way))
    assert result["failed"] and "cannot be used" in result["msg"] and scripted.sent == []
    assert "Nothing was changed: no request was sent." in result["msg"]


def test_pause_of_an_explicit_task_writes_the_report_in_a_private_directory(scripted, tmp_path):
    scripted.queue(200, TASK)
    scripted.queue(200, page())                # soonest first: no run due while the pause goes out
    scripted.queue(202)
    scripted.queue(200, page(paused_with("DB upgrade [maintenance-window:w1]")))
    reports = tmp_path / "state" / "reports"
    result = run(task_ids=["t1"], reason="DB upgrade", report_dir=str(reports))
    assert not result.get("failed") and result["changed"] is True and result["outcome"] == "succeeded"
    assert scripted.sent[2]["json"] == {"pause": True, "pauseContext": "DB upgrade [maintenance-window:w1]"}
    assert result["paused_task_ids"] == ["t1"]
    assert result["phase_message"].startswith("Window w1: paused 1 task(s): Load GL and 0 plan(s).")
    assert result["finding_messages"] == ["Window w1: read back 1 write(s) in 1 round(s): 1 confirmed."]
    assert result["messages"] == result["finding_messages"] + [result["phase_message"], result["report_message"]]
    assert result["report_message"].startswith("Window w1: report %s (paused), one file per run in %s; summary" % (
        reports / "w1.json", reports / "w1.runs"))
    assert result["json_path"] == str(reports / "w1.json") and result["summary"]["status"] == "paused"
    assert stat.S_IMODE(reports.stat().st_mode) == 0o700
    assert stat.S_IMODE((reports / "w1.json").stat().st_mode) == 0o600
    document = read_report(reports / "w1.json")
    assert document["runs"][0]["started"] == result["started"] and document["runs"][0]["tasks"][0]["result"] == "paused"
    assert result["stats"]["maintenance_window_stats"]["tasks"]["paused"] == 1


def test_report_of_a_tenant_is_named_after_it(scripted, tmp_path):
    scripted.queue(200, TASK)
    scripted.queue(200, page())                # soonest first: no run due while the pause goes out
    scripted.queue(202)
    scripted.queue(200, page(paused_with("Paused for a maintenance window [maintenance-window:w1]")))
    result = run(task_ids=["t1"], report_dir=str(tmp_path), tenant="eu-prod")
    assert result["json_path"] == str(tmp_path / "w1.eu-prod.json") and (tmp_path / "w1.eu-prod.md").exists()


def test_check_mode_sends_no_put_and_writes_nothing(scripted, tmp_path):
    scripted.queue(200, TASK)
    scripted.queue(200, TASK)
    result = run(check_mode=True, task_ids=["t1"], report_dir=str(tmp_path / "r"))
    assert result["changed"] is True and result["phase_message"].startswith("Window w1: would pause 1")
    assert [s["method"] for s in scripted.sent] == ["GET", "GET"] and not (tmp_path / "r").exists()
    assert result["report_message"] == "" and "json_path" not in result


def test_a_failed_id_fails_the_phase_after_the_report(scripted, tmp_path):
    scripted.queue(200, TASK)
    scripted.queue(200, page())
    scripted.queue(403, {"message": "Forbidden", "requestId": "r-1"})
    result = run(task_ids=["t1"], report_dir=str(tmp_path / "r"))
    assert result["failed"] and result["outcome"] == "failed" and result["failed_ids"] == ["t1"]
    assert result["failures"][0]["status"] == 403 and (tmp_path / "r" / "w1.json").exists()
    for words in ("could not pause 1 of 1", "HTTP 403", "request id r-1", "TMC_OPERATOR", "Nothing was changed"):
        assert words in result["msg"], words


def test_missing_credentials_fail_before_any_request_and_write_no_run(scripted, tmp_path):
    result = run(token=None, task_ids=["t1"], report_dir=str(tmp_path / "r"))
    assert result["failed"] and "No Talend Cloud credentials" in result["msg"] and scripted.sent == []
    assert "Nothing was changed" in result["msg"] and not (tmp_path / "r" / "w1.json").exists()


def test_selection_that_fails_says_nothing_was_changed_and_writes_no_run(scripted, tmp_path):
    scripted.queue(404, {"message": "no such task"})
    result = run(task_ids=["t1"], report_dir=str(tmp_path / "r"))
    assert result["failed"] and "stopped at Read the explicit tasks and plans" in result["msg"]
    assert "Nothing was changed." in result["msg"] and "keeps the marker" not in result["msg"]
    assert not (tmp_path / "r" / "w1.json").exists()


def test_resume_without_marked_tasks_says_nothing_to_resume(scripted):
    scripted.queue(200, page(TASK))
    scripted.queue(200, page())
    result = run(phase="resume", task_ids=["t1"])
    assert not result.get("failed") and result["changed"] is False
    (line,) = result["messages"]
    assert result["selection_messages"] == [line] and line.startswith("nothing to resume for window w1:")
    assert "[maintenance-window:w1]" in line and "check the window id" in line
    assert result["phase_message"] == result["report_message"] == "" and "json_path" not in result


def test_resume_leaves_a_context_that_only_quotes_the_marker(scripted):
    quoted = dict(TASK, taskPauseDetails={"pause": True, "pauseContext": "see [maintenance-window:w1] for why"})
    scripted.queue(200, page(quoted))
    scripted.queue(200, page())
    result = run(phase="resume", task_ids=["t1"])
    assert result["resumed_task_ids"] == [] and [s["method"] for s in scripted.sent] == ["GET", "GET"]


def test_resume_finds_the_marker_anywhere_in_the_account_and_names_other_windows(scripted):
    def task(tid, workspace, context):
        return {"executable": tid, "name": "Task " + tid,
                "workspace": {"id": workspace, "name": workspace, "environment": {"id": "e1", "name": "Production"}},
                "taskPauseDetails": {"pause": True, "pauseContext": context}}
    scripted.queue(200, page(task("t1", "Finance", "DB [maintenance-window:w1]"),
                             task("t2", "Moved", "DB [maintenance-window:w1]"),
                             task("t3", "Finance", "other [maintenance-window:mw-7]"),
                             task("t4", "Finance", "see [maintenance-window:w1] first")))
    scripted.queue(200, page())
    scripted.queue(202)
    scripted.queue(202)
    scripted.queue(200, page(dict(TASK, executable="t1", taskPauseDetails={"pause": False}),
                             dict(TASK, executable="t2", taskPauseDetails={"pause": False})))
    scripted.queue(200, page())                # the next scheduled runs of what was resumed
    result = run(phase="resume", selectors=[{"environment": "Production", "workspace": "Finance"}])
    assert sorted(result["resumed_task_ids"]) == ["t1", "t2"]
    assert [s["params"] for s in scripted.sent[:2]] == [{"limit": 100, "offset": 0}] * 2, "no filter: the account"
    text = " ".join(result["messages"])
    assert "outside the selectors' scope" in text and "Task t2 (Production / Moved)" in text
    assert "window mw-7 (1)" in text


def test_drain_polls_until_nothing_is_in_flight_and_says_each_poll(scripted, tmp_path, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    scripted.queue(200, TASK)
    scripted.queue(200, page())                # soonest first: no run due while the pause goes out
    scripted.queue(202)
    scripted.queue(200, page(paused_with("Paused for a maintenance window [maintenance-window:w1]")))
    for items in ([], [EXECUTING], [], []):   # poll 1: dispatching, executing; poll 2: dispatching, executing
        scripted.queue(200, {"items": items, "total": len(items), "limit": 100, "offset": 0})
    scripted.queue(200, page(EXECUTING))       # leaks: the executions of the environment since the pause
    said = []
    result = run(said=said, task_ids=["t1"], drain=True, drain_interval=1, drain_timeout=60,
                 report_dir=str(tmp_path))
    polls = [line for line in said if ": poll " in line]
    assert polls[0].startswith("Window w1: poll 1 at 0 s: 1 still running: Load GL (x-1, executing)")
    assert polls[1].endswith("nothing in flight") and len(polls) == 2
    assert result["drain"]["polls"] == 2 and not result.get("failed")
    document = read_report(tmp_path / "w1.json")
    assert document["runs"][-1]["drain"]["polls"] == 2 and len(document["runs"]) == 1


def test_drain_timeout_with_fail_fails_the_phase_and_names_the_run(scripted, tmp_path):
    scripted.queue(200, TASK)
    scripted.queue(200, page())                # soonest first: no run due while the pause goes out
    scripted.queue(202)
    scripted.queue(200, page(paused_with("Paused for a maintenance window [maintenance-window:w1]")))
    scripted.queue(200, {"items": [], "total": 0, "limit": 100, "offset": 0})
    scripted.queue(200, {"items": [EXECUTING], "total": 1, "limit": 100, "offset": 0})
    scripted.queue(200, page(EXECUTING))
    result = run(task_ids=["t1"], drain=True, drain_timeout=0, report_dir=str(tmp_path))
    assert result["failed"] and "x-1" in result["msg"] and "before the maintenance" in result["msg"]
    assert "maintenance_window_phase=resume -e maintenance_window_id=w1" in result["msg"]
    assert read_report(tmp_path / "w1.json")["runs"][-1]["outcome"] == "failed"


def test_without_requests_the_phase_fails_cleanly_before_any_request(scripted, monkeypatch):
    monkeypatch.setattr("ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_engine.HAS_REQUESTS",
                        False)
    result = run(task_ids=["t1"])
    assert result["failed"] and "'requests' is required on the controller" in result["msg"] and scripted.sent == []


def test_a_pause_accepted_but_never_applied_fails_that_id_with_what_was_seen(scripted, tmp_path, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    scripted.queue(200, TASK)
    scripted.queue(200, page())                # soonest first: no run due while the pause goes out
    scripted.queue(202)
    scripted.queue(200, page(TASK))            # round 1: the list still shows it active
    for dummy in range(4):                     # rounds 2-5: one read of the id each
        scripted.queue(200, TASK)
    result = run(task_ids=["t1"], report_dir=str(tmp_path))
    assert result["failed"] and result["failed_ids"] == ["t1"] and result["paused_task_ids"] == []
    (failure,) = result["failures"]
    assert "accepted (HTTP 202) but never seen paused with the window marker; seen: not paused" in failure["message"]
    run_record = read_report(tmp_path / "w1.json")["runs"][-1]
    assert run_record["verify"]["never_confirmed"] == {"t1": "not paused"} and run_record["verify"]["rounds"] == 5


def test_a_pause_applied_late_is_read_again_until_it_is_seen(scripted, tmp_path, monkeypatch):
    waits = []
    monkeypatch.setattr("time.sleep", waits.append)
    scripted.queue(200, TASK)
    scripted.queue(200, page())                # soonest first: no run due while the pause goes out
    scripted.queue(202)
    scripted.queue(200, page(TASK))
    scripted.queue(200, paused_with("Paused for a maintenance window [maintenance-window:w1]"))
    result = run(task_ids=["t1"], report_dir=str(tmp_path))
    assert not result.get("failed") and result["paused_task_ids"] == ["t1"] and waits == [1]
    assert [s["method"] for s in scripted.sent] == ["GET", "POST", "PUT", "GET", "GET"]


def test_a_resume_accepted_but_still_held_fails_that_id(scripted, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    held = paused_with("DB [maintenance-window:w1]", dict(TASK, executable="t1"))
    scripted.queue(200, page(held))
    scripted.queue(200, page())
    scripted.queue(202)
    scripted.queue(200, page(held))
    for dummy in range(4):
        scripted.queue(200, held)
    result = run(phase="resume", task_ids=["t1"])
    assert result["failed"] and result["resumed_task_ids"] == [] and result["failed_ids"] == ["t1"]
    assert "never seen resumed" in result["failures"][0]["message"] and "run the resume phase again" in result["msg"]


def test_a_signal_while_the_pauses_go_out_records_every_due_id_as_may_have_changed(scripted, tmp_path, monkeypatch):
    from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_engine as E

    def interrupted(*args, **kwargs):
        raise E.PhaseInterrupted("SIGTERM")

    monkeypatch.setattr(E, "change_states", interrupted)
    scripted.queue(200, TASK)
    scripted.queue(200, page())
    result = run(task_ids=["t1"], report_dir=str(tmp_path))
    assert result["failed"] and "Interrupted by SIGTERM" in result["msg"]
    (record,) = read_report(tmp_path / "w1.json")["runs"][-1]["tasks"]
    assert record["result"].startswith("may have changed") and record["action"] == "pause"


def test_the_tasks_due_soonest_are_paused_first(scripted, tmp_path):
    def task(tid):
        return dict(TASK, id=tid, name="Task " + tid)
    scripted.queue(200, task("t1"))
    scripted.queue(200, task("t2"))
    scripted.queue(200, page({"id": "t2", "type": "TASK", "date": "2026-12-07T10:00:00Z"}))
    for dummy in range(2):
        scripted.queue(202)
    scripted.queue(200, page(paused_with("Paused for a maintenance window [maintenance-window:w1]", task("t1")),
                             paused_with("Paused for a maintenance window [maintenance-window:w1]", task("t2"))))
    result = run(task_ids=["t1", "t2"], max_workers=1, report_dir=str(tmp_path))
    assert [s["url"].rsplit("/", 2)[1] for s in scripted.sent if s["method"] == "PUT"] == ["t2", "t1"]
    assert read_report(tmp_path / "w1.json")["runs"][-1]["order"]["due_in_horizon"] == 1
    assert not result.get("failed")


def test_a_second_run_of_the_same_window_at_once_is_refused_before_any_request(scripted, tmp_path):
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_report_files import WindowReport

    first = WindowReport(str(tmp_path), "w1")
    assert first.lock()
    try:
        result = run(task_ids=["t1"], report_dir=str(tmp_path))
    finally:
        first.unlock()
    assert result["failed"] and "another run of this window is going on" in result["msg"] and scripted.sent == []


def test_the_pause_writes_the_planned_end_before_the_marker(scripted, tmp_path):
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_end import planned_end_of

    scripted.queue(200, TASK)
    scripted.queue(200, page())
    scripted.queue(202)
    context = "DB upgrade (until 2099-01-01T05:00Z) [maintenance-window:w1]"
    scripted.queue(200, page(paused_with(context)))
    result = run(task_ids=["t1"], reason="DB upgrade", window_end="2099-01-01T06:00:00+01:00")
    assert not result.get("failed")
    assert [s["json"] for s in scripted.sent if s["method"] == "PUT"] == [{"pause": True, "pauseContext": context}]
    assert planned_end_of(context).isoformat() == "2099-01-01T05:00:00+00:00"


def test_the_resume_calls_tell_their_progress(scripted, monkeypatch):
    from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_progress

    monkeypatch.setattr(_tmc_window_progress, "SILENCE_SECONDS", 0)  # a line at every call that ends
    marked = [dict(TASK, executable=t, taskPauseDetails={"pause": True, "pauseContext": "DB [maintenance-window:w1]"})
              for t in ("t1", "t2")]
    scripted.queue(200, page(*marked))
    scripted.queue(200, page())
    scripted.queue(202)
    scripted.queue(202)
    scripted.queue(200, page(*[dict(t, taskPauseDetails={"pause": False}) for t in marked]))
    scripted.queue(200, page())
    said = []
    result = run(phase="resume", said=said, selectors=[{"environment": "e"}])
    assert sorted(result["resumed_task_ids"]) == ["t1", "t2"]
    assert any(line.startswith("Window w1: resuming tasks: ") and "/2 done" in line for line in said), said
