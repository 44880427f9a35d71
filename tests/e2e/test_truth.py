# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: a resume brings back exactly what the window took, and the phases say so only when it is true.

Forged and quoted markers, overlapping windows, markers hidden by a move or a rename, writes that are accepted
but applied late or never, drift, leaks, re-arm and records that tell the truth (issue 15).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from e2ekit import ROOT
from invariants import assert_window_invariant, selection_of, snapshot
from windowrun import MAINTENANCE, PAUSE_PUT, WhenRequests, report, run_phase, window_vars

FINANCE = {"workspace": "Finance"}


def finance_tasks(emulator) -> list:
    """``[(id, name)]`` of the Finance tasks that are active, by name."""
    state = emulator.state()
    workspace = next(w["id"] for w in state["workspaces"] if w["name"] == "Finance")
    return sorted(((t["id"], t["name"]) for t in state["tasks"] if t["workspaceId"] == workspace
                   and not (t.get("taskPauseDetails") or {}).get("pause")), key=lambda t: t[1])


def pause_details(emulator, task_id):
    return emulator.tasks()[task_id].get("taskPauseDetails") or {}


def test_a_reason_carrying_a_marker_is_refused_before_any_request(emulator, ansible_env, tmp_path):
    emulator.admin("DELETE", "requests")
    proc = run_phase(ansible_env, "mw-2", "pause", tmp_path, check=False, selectors=(FINANCE,),
                     maintenance_window_reason="see [maintenance-window:mw-1]")
    assert proc.returncode != 0 and "may not carry a window marker" in proc.stdout
    assert "Nothing was changed: no request was sent." in proc.stdout
    assert emulator.requests_log()["total"] == 0


def test_marker_quoted_by_a_person_or_typed_by_another_account_is_not_resumed(emulator, ansible_env, tmp_path):
    (quoted, _n1), (typed, typed_name) = finance_tasks(emulator)[:2]
    run_phase(ansible_env, "mw-1", "pause", tmp_path, selectors=(FINANCE,))
    # a person pauses again, quoting the window's marker, and another writes it at the end of their own context
    emulator.admin("PUT", "tasks/%s/pause-details" % quoted,
                   json={"pause": True, "pauseContext": "see [maintenance-window:mw-1] for why", "user": "jane.doe"})
    emulator.admin("PUT", "tasks/%s/pause-details" % typed,
                   json={"pause": True, "pauseContext": "Nightly freeze [maintenance-window:mw-1]", "user": "jane.doe"})
    out = run_phase(ansible_env, "mw-1", "resume", tmp_path, selectors=(FINANCE,)).stdout
    assert pause_details(emulator, quoted)["pauseContext"] == "see [maintenance-window:mw-1] for why"
    assert pause_details(emulator, typed)["pause"] is True
    assert "paused by an account that never paused for this window" in out and typed_name in out


def test_overlapping_windows_name_each_other(emulator, ansible_env, tmp_path):
    (first, first_name), *_rest = finance_tasks(emulator)
    run_phase(ansible_env, "mw-a", "pause", tmp_path, selectors=(), maintenance_window_tasks=[first])
    out = run_phase(ansible_env, "mw-b", "pause", tmp_path, selectors=(FINANCE,)).stdout
    assert "held by window mw-a: they stay paused and come back when window mw-a resumes: %s" % first_name in out
    out = run_phase(ansible_env, "mw-a", "resume", tmp_path, selectors=(FINANCE,)).stdout
    assert "other windows still hold tasks or plans in this scope and keep them until they resume: " in out
    assert "window mw-b (" in out
    assert pause_details(emulator, first)["pause"] is False


def test_a_held_task_moved_and_its_environment_renamed_are_still_resumed(emulator, ansible_env, tmp_path):
    before = snapshot(emulator)
    state = emulator.state()
    (moved, moved_name), *_rest = finance_tasks(emulator)
    sales = next(w["id"] for w in state["workspaces"] if w["name"] == "Sales Ops")
    home = next(t["workspaceId"] for t in state["tasks"] if t["id"] == moved)
    production = next(e["id"] for e in state["environments"] if e["name"] == "Production")
    run_phase(ansible_env, "mw-hidden", "pause", tmp_path, selectors=({"environment": "Production",
                                                                       "workspace": "Finance"},))
    emulator.admin("PATCH", "tasks/%s" % moved, json={"workspaceId": sales})
    emulator.admin("PATCH", "environments/%s" % production, json={"name": "Production (old)"})
    out = run_phase(ansible_env, "mw-hidden", "resume", tmp_path,
                    selectors=({"environment": "Production", "workspace": "Finance"},)).stdout
    assert "found outside the selectors' scope" in out and moved_name in out
    assert "drift: 1 held task(s) or plan(s) moved during the window" in out
    document = report(tmp_path, "mw-hidden")
    assert document["summary"]["all_back"] is True and document["runs"][-1]["search"]["searched"] == "account"
    emulator.admin("PATCH", "tasks/%s" % moved, json={"workspaceId": home})
    assert_window_invariant(before, emulator, "mw-hidden", "resumed")


def test_a_pause_applied_late_is_confirmed_and_one_never_applied_fails_by_name(emulator, ansible_env, tmp_path):
    (late, _n), (never, never_name), *_rest = finance_tasks(emulator)
    emulator.admin("POST", "faults", json={"late_pause_ids": [late], "apply_after_reads": 2})
    emulator.admin("POST", "faults", json={"late_pause_ids": [never], "apply": "never", "count": -1})
    proc = run_phase(ansible_env, "mw-late", "pause", tmp_path, check=False, selectors=(FINANCE,))
    assert proc.returncode != 0
    assert "could not pause 1 of" in proc.stdout and never in proc.stdout and never_name in proc.stdout
    assert "never seen paused with the window marker; seen: not paused" in proc.stdout
    run = report(tmp_path, "mw-late")["runs"][-1]
    assert run["verify"]["never_confirmed"] == {never: "not paused"} and run["verify"]["rounds"] >= 2
    assert pause_details(emulator, late)["pause"] is True
    assert {r["id"]: r["result"] for r in run["tasks"]}[late] == "paused"


def test_drift_leaks_and_skipped_runs_are_reported_at_resume(emulator, ansible_env, tmp_path):
    finance = finance_tasks(emulator)
    (resumed, resumed_name), (repaused, _n2), (deleted, deleted_name), (leaky, leaky_name) = finance[:4]
    before = snapshot(emulator)
    run_phase(ansible_env, "mw-drift", "pause", tmp_path, selectors=(FINANCE,))
    emulator.admin("PUT", "tasks/%s/pause-details" % resumed, json={"pause": False, "user": "bob"})
    emulator.admin("PUT", "tasks/%s/pause-details" % repaused,
                   json={"pause": True, "pauseContext": "vendor outage", "user": "bob"})
    emulator.admin("DELETE", "tasks/%s" % deleted)
    run_request = {"task_id": leaky, "duration_seconds": 60, "dispatch_seconds": 0}
    leak = emulator.admin("POST", "executions", json=run_request)["executionId"]
    out = run_phase(ansible_env, "mw-drift", "resume", tmp_path, selectors=(FINANCE,)).stdout
    assert "drift: 1 held task(s) or plan(s) resumed by someone else during the window: %s (by bob" % resumed_name in out
    assert "drift: 1 held task(s) or plan(s) paused again by someone else with another context" in out
    assert "drift: 1 held task(s) or plan(s) deleted or no longer visible to these credentials: %s" % deleted_name in out
    assert "1 run(s) of held tasks started after the task was paused (leaks): %s" % leaky_name in out
    run = report(tmp_path, "mw-drift")["runs"][-1]
    assert [e["id"] for e in run["drift"]["gone"]] == [deleted]
    assert [e["execution_id"] for e in run["leaks"]["executions"]] == [leak]
    (execution,) = [e for e in emulator.state()["taskExecutions"] if e["executionId"] == leak]
    assert run["leaks"]["executions"][0]["type"] == execution["executionType"]
    assert pause_details(emulator, repaused)["pauseContext"] == "vendor outage", "a foreign pause is left alone"
    markdown = (tmp_path / "mw-drift.md").read_text()
    for title in ("## Drift: deleted or no longer visible", "## Runs of held tasks that started after their pause"):
        assert title in markdown
    assert ("tasks", deleted) in before


def test_a_once_trigger_that_passed_during_the_window_is_listed_as_not_rearmed(emulator, ansible_env, tmp_path):
    state = emulator.state()
    backfill = next(t for t in state["tasks"] if t["name"] == "Backfill Orders History")
    emulator.admin("PUT", "tasks/%s/triggers" % backfill["id"],
                   json=[{"name": "go-live", "type": "ONCE", "inSeconds": 1800}])
    selectors = ({"environment": "Production", "workspace": "Data Platform"},)
    run_phase(ansible_env, "mw-once", "pause", tmp_path, selectors=selectors)
    emulator.admin("POST", "clock", json={"advance_seconds": 3600})
    out = run_phase(ansible_env, "mw-once", "resume", tmp_path, selectors=selectors).stdout
    assert "will not run again on their own" in out and "Backfill Orders History (trigger go-live" in out
    run = report(tmp_path, "mw-once")["runs"][-1]
    assert [r["id"] for r in run["skipped_runs"]["runs"] if r["trigger"] == "go-live"] == [backfill["id"]]
    assert [e["id"] for e in run["rearm"]["not_rearmed"]] == [backfill["id"]]


def test_a_report_that_is_json_but_not_a_report_is_set_aside_before_any_request(emulator, ansible_env, tmp_path):
    (tmp_path / "mw-shape.json").write_text(json.dumps({"window_id": "mw-shape", "runs": [1, 2]}))
    emulator.admin("DELETE", "requests")
    run_phase(ansible_env, "mw-shape", "pause", tmp_path, selectors=(FINANCE,))
    (aside,) = tmp_path.glob("mw-shape.json.unreadable-*")
    assert json.loads(aside.read_text())["runs"] == [1, 2]
    assert report(tmp_path, "mw-shape")["runs"][0]["phase"] == "pause"
    run_phase(ansible_env, "mw-shape", "resume", tmp_path, selectors=(FINANCE,))


def test_check_mode_says_nothing_was_written(emulator, ansible_env, tmp_path):
    out = run_phase(ansible_env, "mw-check", "pause", tmp_path / "r", selectors=(FINANCE,), cli_args=("--check",)).stdout
    assert "would pause" in out and "Window mw-check: report" not in out
    assert not (tmp_path / "r").exists()


def test_an_api_url_with_a_password_is_refused_and_the_password_never_shows(emulator, ansible_env, tmp_path):
    env = dict(ansible_env, TALEND_API_URL=ansible_env["TALEND_API_URL"].replace("http://", "ftp://ops:hunter2-secret@"))
    proc = run_phase(env, "mw-url", "pause", tmp_path, check=False, selectors=(FINANCE,), cli_args=("-vvv",))
    assert proc.returncode != 0 and "api_url must be an https:// URL" in proc.stdout
    assert "hunter2-secret" not in proc.stdout + proc.stderr
    env["TALEND_API_URL"] = ansible_env["TALEND_API_URL"].replace("http://", "http://ops:hunter2-secret@")
    proc = run_phase(env, "mw-url", "pause", tmp_path, check=False, selectors=(FINANCE,), cli_args=("-vvv",))
    assert proc.returncode != 0 and "must not carry credentials" in proc.stdout
    assert "hunter2-secret" not in proc.stdout + proc.stderr


def test_a_whole_window_with_every_check_still_brings_back_exactly_what_it_took(emulator, ansible_env, tmp_path):
    before = snapshot(emulator)
    selected = selection_of(before, emulator.state(), environment_names={"Production"})
    run_phase(ansible_env, "mw-all", "pause", tmp_path)
    assert_window_invariant(before, emulator, "mw-all", "paused", selected=selected)
    out = run_phase(ansible_env, "mw-all", "resume", tmp_path).stdout
    assert_window_invariant(before, emulator, "mw-all", "resumed")
    assert "everything found with the marker is back" in out


def test_ctrl_c_while_pausing_leaves_a_record_naming_every_task_it_may_have_changed(emulator, ansible_env, tmp_path):
    before = snapshot(emulator)
    emulator.admin("POST", "config", json={"latency_ms": 150})
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(MAINTENANCE), "-e",
           json.dumps(window_vars("mw-sigint", "pause", tmp_path, talend_max_workers=1))]
    play = subprocess.Popen(cmd, env=ansible_env, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    watcher = WhenRequests(emulator, 5, lambda: play.send_signal(signal.SIGINT),
                           count=lambda summary: summary["byRoute"].get(PAUSE_PUT, 0))
    try:
        out, dummy = play.communicate(timeout=180)
    finally:
        watcher.stop()
    assert watcher.fired and play.returncode != 0, out[-2000:]
    emulator.admin("POST", "config", json={"latency_ms": 0})
    marker = "[maintenance-window:mw-sigint]"
    changed = {tid for tid, t in emulator.tasks().items() if (t.get("taskPauseDetails") or {}).get("pause")
               and (t["taskPauseDetails"].get("pauseContext") or "").endswith(marker)}
    run = report(tmp_path, "mw-sigint")["runs"][-1]
    recorded = {r["id"]: r["result"] for r in run["tasks"]}
    assert changed and all(recorded[t] != "not attempted" for t in changed), (changed, recorded)
    assert any(r.startswith("may have changed") for r in recorded.values()) and run["outcome"] == "failed"
    run_phase(ansible_env, "mw-sigint", "resume", tmp_path)
    assert_window_invariant(before, emulator, "mw-sigint", "resumed")
