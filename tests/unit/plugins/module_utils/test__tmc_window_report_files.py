# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the report files (format 2): an index, one file per run, the summary folded one run at a time,
earlier runs read one file at a time, reports of format 1 read and converted."""

from __future__ import annotations

import json
import os

from reportfiles import read_report

from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_report as rep
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_change import ChangeOutcome
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_drift import PauseRecord, find_drift
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import Window
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_report_files import WindowReport

MARKER = "[maintenance-window:CHG1]"
WINDOW = Window("CHG1")


def summary(eid, paused=False, context=None):
    return {"id": eid, "name": "Task " + eid, "paused": paused, "pause_context": context,
            "pause_user": "someone" if paused else None, "pause_date": None, "where": "Prod / ws",
            "workspace_id": "ws"}


def pause_run(ids, held=(), failed=(), user="ops@example.com"):
    """A pause run: ``ids`` paused now (``failed`` of them refused), ``held`` already paused with the marker."""
    before = [summary(i) for i in ids] + [summary(i, True, "x " + MARKER) for i in held]
    result = ChangeOutcome(TASK, list(ids), [{"id": i, "changed": True} for i in ids if i not in failed],
                           [{"id": i, "status": 503, "message": "busy", "detail": None, "request_id": None}
                            for i in failed], None, "2026-11-29T01:00:00Z")
    return rep.build_run("pause", MARKER, rep.entry_records("pause", WINDOW, before, result), [],
                         "2026-11-29T01:00:00Z", finished="2026-11-29T01:01:00Z",
                         steps={"verify": {"paused_by": [user]}})


def resume_run(ids, failed=(), searched="account"):
    before = [summary(i, True, "x " + MARKER) for i in ids]
    result = ChangeOutcome(TASK, list(ids), [{"id": i, "changed": True} for i in ids if i not in failed],
                           [{"id": i, "status": 503, "message": "busy", "detail": None, "request_id": None}
                            for i in failed], None, "2026-11-29T03:00:00Z")
    return rep.build_run("resume", MARKER, rep.entry_records("resume", WINDOW, before, result), [],
                         "2026-11-29T03:00:00Z", finished="2026-11-29T03:01:00Z", steps={"search": {"searched": searched}})


def batch_summary(runs):
    """The summary as the collection computed it before the fold (format 1): every run at once; the reference."""
    held, resumed = {"tasks": {}, "plans": {}}, {"tasks": {}, "plans": {}}
    for run in runs:
        for kind in ("tasks", "plans"):
            for record in run.get(kind) or []:
                if run.get("phase") == "pause" and record.get("result") in rep.WINDOW_HOLDS:
                    held[kind][record["id"]] = record.get("name")
                elif run.get("phase") == "resume" and record.get("result") in (rep.RESUMED, rep.ALREADY_ACTIVE):
                    resumed[kind][record["id"]] = record.get("name")
    last = runs[-1] if runs else {}
    ok = last.get("outcome") == "succeeded"
    whole = (last.get("search") or {}).get("searched", "account") == "account"
    status = {("pause", True): "paused", ("pause", False): "pause incomplete", ("resume", True): "resumed",
              ("resume", False): "resume incomplete"}.get((last.get("phase"), ok), "empty")
    return {"status": status, "all_back": last.get("phase") == "resume" and ok and whole, "paused_by_window": held,
            "resumed": resumed, "not_resumed": {k: {i: n for i, n in held[k].items() if i not in resumed[k]}
                                                for k in held}}


SEQUENCES = {
    "pause only": [pause_run(["a", "b"])],
    "pause, resume": [pause_run(["a", "b"]), resume_run(["a", "b"])],
    "failed pause, re-run, partial resume, resume": [
        pause_run(["a", "b", "c"], failed=["c"]), pause_run(["c"], held=["a", "b"]), resume_run(["a", "b", "c"], ["b"]),
        resume_run(["b"])],
    "resume in a scope, then pause again": [pause_run(["a"]), resume_run(["a"], searched="scope"), pause_run(["d"])],
    "six re-runs": [pause_run(["a", "b"])] + [pause_run([], held=["a", "b"]) for dummy in range(5)],
}


def test_summary_folded_run_by_run_equals_the_summary_of_all_runs_at_once():
    for name, runs in SEQUENCES.items():
        for cut in range(len(runs)):
            earlier = json.loads(json.dumps(rep.summarize(runs[:cut])))  # as kept in the index
            assert rep.add_to_summary(earlier, runs[cut]) == batch_summary(runs[:cut + 1]), (name, cut)
    assert rep.summarize([]) == batch_summary([])


def record_runs(directory, runs, window_id="CHG1"):
    """Each run by its own WindowReport (one module run each), two steps each; returns the last report."""
    for run in runs:
        report = WindowReport(str(directory), window_id)
        report.record(dict(run, drain=None))
        report.record(run)
    return report


def test_a_step_rewrites_only_the_current_runs_file(tmp_path):
    record_runs(tmp_path, [pause_run(["a", "b"]), pause_run([], held=["a", "b"])])
    earlier = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_path / "CHG1.runs").iterdir()}
    assert sorted(earlier) == ["0001-pause.json", "0002-pause.json"]
    index_inode = (tmp_path / "CHG1.json").stat().st_ino
    report = WindowReport(str(tmp_path), "CHG1")
    for step in range(3):
        report.record(dict(resume_run(["a", "b"]), drain={"step": step}))
    files = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (tmp_path / "CHG1.runs").iterdir()}
    assert {k: files[k] for k in earlier} == earlier, "an earlier run file was written again"
    assert sorted(files) == ["0001-pause.json", "0002-pause.json", "0003-resume.json"]
    assert (tmp_path / "CHG1.json").stat().st_ino != index_inode
    assert json.loads((tmp_path / "CHG1.runs" / "0003-resume.json").read_text())["drain"] == {"step": 2}


def test_the_index_holds_run_headers_and_no_task_records(tmp_path):
    runs = [pause_run(["a", "b"]), resume_run(["a", "b"])]
    record_runs(tmp_path, runs)
    index = json.loads((tmp_path / "CHG1.json").read_text())
    assert index["report_version"] == 2 and index["window_id"] == "CHG1"
    assert [sorted(entry) for entry in index["runs"]] == [sorted(
        ["number", "file", "phase", "started", "finished", "outcome", "error", "reason", "marker", "counts"])] * 2
    assert [(e["number"], e["file"]) for e in index["runs"]] == [
        (1, "CHG1.runs/0001-pause.json"), (2, "CHG1.runs/0002-resume.json")]
    assert index["summary"] == batch_summary(runs)
    assert read_report(tmp_path / "CHG1.json")["runs"] == runs


def test_earlier_runs_are_read_one_file_at_a_time(tmp_path, monkeypatch):
    record_runs(tmp_path, [pause_run(["a"]), pause_run(["b"]), resume_run(["a"])])
    report = WindowReport(str(tmp_path), "CHG1")
    opened = []
    real_open = open

    def watched_open(path, *args, **kwargs):
        opened.append(os.path.basename(str(path)))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watched_open)
    report.load()
    assert opened == ["CHG1.json"]
    runs = report.earlier_runs()
    entry, run, problem = next(runs)
    assert opened == ["CHG1.json", "0001-pause.json"] and run["tasks"][0]["id"] == "a" and problem is None
    assert [e["number"] for e, dummy, dummy2 in runs] == [2, 3] and len(opened) == 4


def v1_document(runs):
    return {"report_version": 1, "window_id": "CHG1", "updated": runs[-1]["finished"],
            "summary": batch_summary(runs), "runs": runs}


def test_a_report_of_format_1_resumes_and_is_converted_on_the_first_write(tmp_path):
    old = [pause_run(["a", "b", "c"], failed=["c"]), pause_run(["c"], held=["a", "b"], user="bot@example.com")]
    (tmp_path / "CHG1.json").write_text(json.dumps(v1_document(old)))
    report = WindowReport(str(tmp_path), "CHG1")
    record = PauseRecord.of(report.earlier_runs())
    assert sorted(record.held) == ["a", "b", "c"] and record.users == {"ops@example.com", "bot@example.com"}
    assert record.complete and not (tmp_path / "CHG1.runs").exists(), "reading writes nothing"
    now = resume_run(["a", "b", "c"])
    report.record(now)
    index = json.loads((tmp_path / "CHG1.json").read_text())
    assert index["report_version"] == 2
    assert [e["file"] for e in index["runs"]] == ["CHG1.runs/0001-pause.json", "CHG1.runs/0002-pause.json",
                                                  "CHG1.runs/0003-resume.json"]
    assert read_report(tmp_path / "CHG1.json")["runs"] == old + [now]
    assert index["summary"] == batch_summary(old + [now]) and index["summary"]["all_back"]
    assert "| 3 | resume |" in (tmp_path / "CHG1.md").read_text()


def test_a_report_of_format_1_is_left_as_it_is_in_check_mode(tmp_path):
    text = json.dumps(v1_document([pause_run(["a"])]))
    (tmp_path / "CHG1.json").write_text(text)
    report = WindowReport(str(tmp_path), "CHG1", check_mode=True)
    report.record(resume_run(["a"]))
    assert report.document["summary"]["status"] == "resumed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CHG1.json"] and (tmp_path / "CHG1.json").read_text() == text


def test_a_missing_or_unreadable_run_file_is_named_and_drift_is_not_checked(tmp_path):
    record_runs(tmp_path, [pause_run(["a"]), pause_run(["b"]), pause_run([], held=["a", "b"])])
    (tmp_path / "CHG1.runs" / "0001-pause.json").unlink()
    (tmp_path / "CHG1.runs" / "0003-pause.json").write_text("{half a fi")
    report = WindowReport(str(tmp_path), "CHG1")
    record = PauseRecord.of(report.earlier_runs())
    assert record.missing == [(1, "pause", "missing"), (3, "pause", "unreadable (JSONDecodeError)")]
    assert sorted(record.held) == ["b"] and record.users == {"ops@example.com"}
    assert len(report.warnings) == 2 and str(tmp_path / "CHG1.runs" / "0001-pause.json") in report.warnings[0]
    assert record.window_users() == set(), "an account of the lost pause run must not be taken for someone else"
    warning = record.warning("CHG1")
    assert "run 1 (pause, missing), run 3 (pause, unreadable (JSONDecodeError))" in warning
    assert "drift was not checked" in warning
    selection = type("Selection", (), {"searched": "account", "tasks": [], "plans": [], "seen": {},
                                       "scope_entries": {}})()
    assert find_drift(record, selection).checked is False
    report.record(resume_run(["a", "b"]))  # the resume still writes its record
    assert [e["number"] for e in json.loads((tmp_path / "CHG1.json").read_text())["runs"]] == [1, 2, 3, 4]


def test_pause_record_holds_what_pause_runs_hold_until_a_resume_run_resumes_it():
    runs = SEQUENCES["failed pause, re-run, partial resume, resume"][:2] + [resume_run(["a"])]
    record = PauseRecord()
    for run in runs:
        record.add(run)
    assert sorted(record.held) == ["b", "c"], "c held by the re-run, a resumed by the third run"
    assert record.held["b"]._asdict() == {"kind": "task", "name": "Task b", "where": "Prod / ws", "workspace_id": "ws"}
    assert record.seen == {"a", "b", "c"} and record.paused and record.window_users() == {"ops@example.com"}
    assert PauseRecord().warning("CHG1") is None and not PauseRecord().paused


def test_a_run_file_left_by_a_killed_run_is_never_taken_by_the_next_run(tmp_path):
    record_runs(tmp_path, [pause_run(["a"])])
    orphan = tmp_path / "CHG1.runs" / "0002-pause.json"
    orphan.write_text(json.dumps(pause_run(["b"])))
    record_runs(tmp_path, [resume_run(["a"])])
    assert json.loads(orphan.read_text())["tasks"][0]["id"] == "b"
    assert [e["file"] for e in json.loads((tmp_path / "CHG1.json").read_text())["runs"]] == [
        "CHG1.runs/0001-pause.json", "CHG1.runs/0003-resume.json"]


def test_an_index_naming_a_file_outside_its_runs_directory_is_not_a_report(tmp_path):
    record_runs(tmp_path, [pause_run(["a"])])
    index = json.loads((tmp_path / "CHG1.json").read_text())
    index["runs"][0]["file"] = "../../etc/0001-pause.json"
    (tmp_path / "CHG1.json").write_text(json.dumps(index))
    report = WindowReport(str(tmp_path), "CHG1")
    report.load()
    assert "is not a report of window CHG1" in report.warnings[0]
    assert list(report.earlier_runs()) == [] and list(tmp_path.glob("CHG1.json.unreadable-*"))
