# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: the window report (<dir>/<window id>.json and .md) and the stats handed to the next AWX job."""

from __future__ import annotations

import json
import re
import shutil
import stat

from e2ekit import DEMO_PAT
from invariants import assert_window_invariant, snapshot
from windowrun import report, run_phase

FOREIGN = "left alone: paused by someone else"
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def custom_stats(stdout) -> dict:
    """The ``set_stats`` data printed by the default callback with ANSIBLE_SHOW_CUSTOM_STATS=true."""
    match = re.search(r"CUSTOM STATS: \*+\s+RUN: (\{.*\})\s*$", stdout, re.S | re.M)
    assert match, "no custom stats in the output:\n%s" % stdout[-2000:]
    return json.loads(match.group(1))


def test_pause_and_resume_report_every_task_and_hand_the_window_id_to_the_resume_job(
        emulator, ansible_env, tmp_path):
    env = dict(ansible_env, ANSIBLE_SHOW_CUSTOM_STATS="true")
    reports = tmp_path / "reports"
    before = snapshot(emulator)
    pause_out = run_phase(env, "CHG0042", "pause", reports).stdout

    stats = custom_stats(pause_out)
    assert stats["maintenance_window_id"] == "CHG0042"
    counts = stats["maintenance_window_stats"]
    assert counts["phase"] == "pause" and counts["outcome"] == "succeeded" and counts["status"] == "paused"
    assert counts["report"] == str(reports / "CHG0042.json")

    # the AWX workflow gives the resume job the window id of the pause job's stats
    resume_out = run_phase(env, stats["maintenance_window_id"], "resume", reports).stdout
    assert custom_stats(resume_out)["maintenance_window_stats"]["status"] == "resumed"
    assert_window_invariant(before, emulator, "CHG0042", "resumed")

    assert sorted(str(p.relative_to(reports)) for p in reports.rglob("*")) == [
        "CHG0042.json", "CHG0042.md", "CHG0042.runs", "CHG0042.runs/0001-pause.json",
        "CHG0042.runs/0002-resume.json"], "temporary files left"
    assert stat.S_IMODE(reports.stat().st_mode) == 0o700
    for path in reports.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
        assert path.is_dir() or DEMO_PAT not in path.read_text()
    index = json.loads((reports / "CHG0042.json").read_text())
    assert index["report_version"] == 2 and all("tasks" not in entry for entry in index["runs"])

    document = report(reports, "CHG0042")
    assert document["window_id"] == "CHG0042" and [r["phase"] for r in document["runs"]] == ["pause", "resume"]
    pause, resume = document["runs"]
    assert counts["tasks"] == pause["counts"]["tasks"] and counts["plans"] == pause["counts"]["plans"]
    for run in (pause, resume):
        assert ISO.match(run["started"]) and ISO.match(run["finished"]) and run["started"] <= run["finished"]
    foreign = {r["id"] for r in pause["tasks"] if r["result"] == FOREIGN}
    assert foreign and all((before[("tasks", i)]["pause"] or {}).get("pause") for i in foreign)
    for record in pause["tasks"] + pause["plans"]:
        assert set(record) >= {"id", "name", "before", "action", "result", "at"}
        assert record["name"], record
        if record["result"] == "paused":
            assert record["action"] == "pause" and record["before"]["paused"] is False and ISO.match(record["at"])
        else:
            assert record["result"] == FOREIGN and record["action"] == "none" and record["before"]["pause_context"]
    paused = {r["id"] for r in pause["tasks"] + pause["plans"] if r["result"] == "paused"}
    assert {r["id"] for r in resume["tasks"] + resume["plans"] if r["result"] == "resumed"} == paused
    assert all(r["before"]["paused"] and "[maintenance-window:CHG0042]" in r["before"]["pause_context"]
               for r in resume["tasks"] + resume["plans"])
    summary = document["summary"]
    assert summary["all_back"] is True and summary["status"] == "resumed"
    assert not summary["not_resumed"]["tasks"] and not summary["not_resumed"]["plans"]
    assert set(summary["paused_by_window"]["tasks"]) | set(summary["paused_by_window"]["plans"]) == paused

    markdown = (reports / "CHG0042.md").read_text()
    assert markdown.startswith("# Maintenance window CHG0042\n")
    assert "Status: **resumed** (everything found with the window marker is back)" in markdown
    assert "| 1 | pause |" in markdown and "| 2 | resume |" in markdown


def test_check_mode_writes_no_report_and_sends_no_write(emulator, ansible_env, tmp_path):
    reports = tmp_path / "reports"
    out = run_phase(ansible_env, "CHG0043", "pause", reports, check=True, cli_args=("--check",)).stdout
    assert "would pause" in out
    assert not reports.exists()
    assert not [r for r in emulator.requests_log()["byRoute"] if r.startswith("PUT")]


def test_a_window_paused_before_format_2_resumes_and_its_report_is_converted(emulator, ansible_env, tmp_path):
    reports = tmp_path / "reports"
    before = snapshot(emulator)
    run_phase(ansible_env, "CHG0044", "pause", reports)
    (paused,) = report(reports, "CHG0044")["runs"]
    # the report as the collection wrote it before format 2: every run inline in CHG0044.json, no run files
    old = {"report_version": 1, "window_id": "CHG0044", "updated": paused["finished"],
           "summary": json.loads((reports / "CHG0044.json").read_text())["summary"], "runs": [paused]}
    (reports / "CHG0044.json").write_text(json.dumps(old))
    shutil.rmtree(reports / "CHG0044.runs")

    out = run_phase(ansible_env, "CHG0044", "resume", reports).stdout
    assert_window_invariant(before, emulator, "CHG0044", "resumed")
    assert "could not be read" not in out
    index = json.loads((reports / "CHG0044.json").read_text())
    assert index["report_version"] == 2
    assert [e["file"] for e in index["runs"]] == ["CHG0044.runs/0001-pause.json", "CHG0044.runs/0002-resume.json"]
    first, resume = report(reports, "CHG0044")["runs"]
    assert first == paused, "the run of format 1 is kept as it was"
    assert resume["drift"]["checked"] is True, "the pause record of format 1 was read for drift"
    assert index["summary"]["all_back"] is True


def test_a_missing_run_file_is_named_and_the_resume_still_brings_everything_back(emulator, ansible_env, tmp_path):
    reports = tmp_path / "reports"
    before = snapshot(emulator)
    run_phase(ansible_env, "CHG0045", "pause", reports)
    (reports / "CHG0045.runs" / "0001-pause.json").unlink()

    proc = run_phase(ansible_env, "CHG0045", "resume", reports)
    assert_window_invariant(before, emulator, "CHG0045", "resumed")
    out = proc.stdout + proc.stderr  # Ansible prints warnings on stderr
    assert "0001-pause.json is missing" in out and "drift was not checked" in " ".join(out.split())
    index = json.loads((reports / "CHG0045.json").read_text())
    assert [e["phase"] for e in index["runs"]] == ["pause", "resume"] and index["summary"]["status"] == "resumed"
    resume = json.loads((reports / index["runs"][1]["file"]).read_text())
    assert resume["drift"]["checked"] is False
