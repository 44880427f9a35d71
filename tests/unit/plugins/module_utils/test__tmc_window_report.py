# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the report step: records of a run, summary across runs, Markdown, the report file."""

from __future__ import annotations

import os
import stat

import pytest

from reportfiles import read_report

from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_report as rep
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_report_files import WindowReport
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_files import write_atomically
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_change import ChangeOutcome
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_markdown import render_markdown
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import Window

MARKER = "[maintenance-window:CHG1]"
WINDOW = Window("CHG1")


def change(ids, entries=(), failures=(), error=None, at="2026-11-29T01:00:00Z"):
    return ChangeOutcome(TASK, list(ids), list(entries), list(failures), error, at)


def summary(eid, paused=False, context=None, name=None):
    return {"id": eid, "name": name or "Task " + eid, "paused": paused, "pause_context": context,
            "pause_user": "someone" if paused else None, "pause_date": None}


def failure(eid, status, message="Forbidden", request_id="req-1"):
    return {"id": eid, "status": status, "message": message, "detail": "d", "request_id": request_id, "error": "x"}


BEFORE = [summary("a"), summary("b"), summary("c", True, "DB upgrade " + MARKER), summary("d", True, "Vendor outage"),
          summary("e"), summary("f")]
PAUSE_RESULT = change(["a", "b", "e", "f"],
                      [{"id": "a", "changed": True, "paused": True}, {"id": "e", "changed": False, "paused": True}],
                      [failure("b", 403), failure("f", None, "no answer after 6 attempts", None)])


def by_id(records):
    return {r["id"]: r for r in records}


def test_pause_records_give_state_before_action_result_and_error():
    records = by_id(rep.entry_records("pause", WINDOW, BEFORE, PAUSE_RESULT))
    assert records["a"]["result"] == rep.PAUSED and records["a"]["action"] == "pause"
    assert records["a"]["at"] == "2026-11-29T01:00:00Z" and records["a"]["before"]["paused"] is False
    assert records["b"]["result"] == rep.FAILED
    assert records["b"]["error"] == {"status": 403, "message": "Forbidden", "detail": "d", "request_id": "req-1"}
    assert records["c"]["result"] == rep.HELD and records["c"]["action"] == "none"
    assert records["d"]["result"] == rep.FOREIGN and records["d"]["before"]["pause_context"] == "Vendor outage"
    assert records["e"]["result"] == rep.TAKEN_MEANWHILE
    assert records["f"]["result"] == rep.FAILED and records["f"]["error"]["status"] is None


def test_read_back_marker_turns_lost_answers_into_paused_by_the_window():
    records = by_id(rep.entry_records("pause", WINDOW, BEFORE, PAUSE_RESULT, confirmed=["e", "f"]))
    assert records["e"]["result"] == records["f"]["result"] == rep.LOST_ANSWER
    assert records["f"]["error"]["message"] == "no answer after 6 attempts", "the error stays on record"
    counts = rep.count_records(list(records.values()))
    assert (counts["paused"], counts["failed"], counts["held"], counts["left_alone"]) == (3, 1, 1, 1)
    assert counts["window_holds"] == 4 and counts["attempted"] == 4


def test_module_that_failed_as_a_whole_fails_every_id_with_its_message():
    records = rep.entry_records("pause", WINDOW, [summary("a"), summary("b")], change(["a", "b"], error="HTTP 401"))
    assert [r["result"] for r in records] == [rep.FAILED, rep.FAILED]
    assert records[0]["error"]["message"] == "HTTP 401"


def test_no_call_made_means_not_attempted():
    (record,) = rep.entry_records("resume", WINDOW, [summary("a", True, MARKER)], None)
    assert record["result"] == rep.NOT_ATTEMPTED and record["action"] == "resume"


def test_resume_records_resumed_and_already_active():
    before = [summary("a", True, "x " + MARKER), summary("b", True, "x " + MARKER)]
    result = change(["a", "b"], [{"id": "a", "changed": True}, {"id": "b", "changed": False}])
    records = rep.entry_records("resume", WINDOW, before, result)
    assert [r["result"] for r in records] == [rep.RESUMED, rep.ALREADY_ACTIVE]


def run_of(phase, tasks, error=None):
    return rep.build_run(phase, MARKER, tasks, [], "2026-11-29T01:00:00Z", finished="2026-11-29T01:01:00Z",
                         error=error)


def test_summary_says_all_back_only_after_a_resume_that_succeeded():
    pause = run_of("pause", rep.entry_records("pause", WINDOW, [summary("a"), summary("b")], change(
        ["a", "b"], [{"id": "a", "changed": True}, {"id": "b", "changed": True}])))
    assert pause["outcome"] == "succeeded"
    assert rep.summarize([pause]) == {
        "status": "paused", "all_back": False, "paused_by_window": {"tasks": {"a": "Task a", "b": "Task b"}, "plans": {}},
        "resumed": {"tasks": {}, "plans": {}}, "not_resumed": {"tasks": {"a": "Task a", "b": "Task b"}, "plans": {}}}
    marked = [summary("a", True, MARKER), summary("b", True, MARKER)]
    partial = run_of("resume", rep.entry_records("resume", WINDOW, marked, change(
        ["a", "b"], [{"id": "a", "changed": True}], [failure("b", 503)])))
    assert partial["outcome"] == "failed"
    done = rep.summarize([pause, partial])
    assert done["status"] == "resume incomplete" and not done["all_back"]
    assert done["not_resumed"]["tasks"] == {"b": "Task b"}
    last = run_of("resume", rep.entry_records("resume", WINDOW, marked[1:], change(["b"], [{"id": "b", "changed": True}])))
    final = rep.summarize([pause, partial, last])
    assert final["status"] == "resumed" and final["all_back"] and final["not_resumed"]["tasks"] == {}


def test_error_that_stopped_the_phase_fails_the_run():
    assert run_of("pause", [], error="Drain: still running")["outcome"] == "failed"


def test_markdown_lists_runs_problems_with_status_and_request_id():
    run = run_of("pause", rep.entry_records("pause", WINDOW, BEFORE, PAUSE_RESULT))
    document = {"window_id": "CHG1", "updated": run["finished"], "summary": rep.summarize([run]),
                "runs": [rep.run_header(1, "CHG1.runs/0001-pause.json", run)]}
    problems = [("task", r) for r in run["tasks"] if r["result"] in (rep.FAILED, rep.NOT_ATTEMPTED)]
    text = render_markdown(document, run, problems)
    assert text.startswith("# Maintenance window CHG1\n") and "Status: **pause incomplete**" in text
    assert "| 1 | pause | 2026-11-29T01:00:00Z | 2026-11-29T01:01:00Z | failed | 1 / 1 / 2 / 0 / 2 |" in text
    assert "task `b` Task b: failed (HTTP 403), Forbidden, request id req-1" in text
    assert "- `a` Task a" in text


def write(directory, run, check_mode=False, window_id="CHG1"):
    report = WindowReport(str(directory) if directory else None, window_id, check_mode=check_mode)
    report.record(run)
    return report


def test_runs_are_appended_to_the_file_with_private_modes(tmp_path):
    directory = tmp_path / "reports"
    directory.mkdir(mode=0o700)
    write(directory, run_of("pause", []))
    written = write(directory, run_of("resume", []))
    document = read_report(directory / "CHG1.json")
    assert [r["phase"] for r in document["runs"]] == ["pause", "resume"] == [r["phase"] for r in written.document["runs"]]
    modes = {str(p.relative_to(directory)): stat.S_IMODE(p.stat().st_mode) for p in directory.rglob("*")}
    assert modes == {"CHG1.json": 0o600, "CHG1.md": 0o600, "CHG1.runs": 0o700, "CHG1.runs/0001-pause.json": 0o600,
                     "CHG1.runs/0002-resume.json": 0o600}


def test_a_second_record_of_one_run_replaces_it(tmp_path):
    report = WindowReport(str(tmp_path), "CHG1")
    report.record(run_of("pause", []))
    report.record(dict(run_of("pause", []), drain={"polls": 3}))
    runs = read_report(tmp_path / "CHG1.json")["runs"]
    assert len(runs) == 1 and runs[0]["drain"] == {"polls": 3}


def test_check_mode_and_no_directory_write_nothing(tmp_path):
    written = write(tmp_path / "r", run_of("pause", []), check_mode=True)
    assert written.document["runs"] and not (tmp_path / "r").exists() and not written.written
    assert write(None, run_of("pause", [])).json_path is None


def test_failed_write_leaves_the_old_report_and_no_temporary_file(tmp_path, monkeypatch):
    write(tmp_path, run_of("pause", []))
    old = (tmp_path / "CHG1.json").read_text()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write(tmp_path, run_of("resume", []))
    assert (tmp_path / "CHG1.json").read_text() == old
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "CHG1.json", "CHG1.md", "CHG1.runs", "CHG1.runs/0001-pause.json"]


@pytest.mark.parametrize("content", ["{not json", '{"window_id": "CHG1", "runs": [1, 2]}',
                                     '{"window_id": "CHG1", "runs": [{"phase": "pause", "tasks": 3}]}'])
def test_file_in_the_way_that_is_not_a_report_is_kept_aside_with_a_warning(tmp_path, content):
    (tmp_path / "CHG1.json").write_text(content)
    written = write(tmp_path, run_of("pause", []))
    assert len(written.warnings) == 1 and "CHG1" in written.warnings[0]
    (aside,) = tmp_path.glob("CHG1.json.unreadable-*")
    assert aside.read_text() == content
    assert len(read_report(tmp_path / "CHG1.json")["runs"]) == 1


def test_report_of_another_window_is_not_reused(tmp_path):
    write(tmp_path, run_of("pause", []))
    (tmp_path / "CHG2.json").write_text((tmp_path / "CHG1.json").read_text())
    written = write(tmp_path, run_of("pause", []), window_id="CHG2")
    assert "is not a report of window CHG2" in written.warnings[0]


def test_write_atomically_takes_a_writer_and_leaves_no_temporary_file(tmp_path):
    write_atomically(str(tmp_path / "f.json"), lambda handle: handle.write('{"a": 1}\n'))
    assert (tmp_path / "f.json").read_text() == '{"a": 1}\n' and [p.name for p in tmp_path.iterdir()] == ["f.json"]
