# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: bring a window back without a data gap or a stampede (issue 16).

The skipped-run ledger of a window that spans two scheduled runs; ``catch_up: once`` (one run per task that
missed a run, none for the others); waves of 10 over 45 tasks with a gate of 0 (a failed run stops the resume,
the later waves keep the marker, resume again continues); a resume killed mid-catch-up and run again on another
machine starts no second run.
"""

from __future__ import annotations

import signal
from datetime import datetime

from invariants import assert_window_invariant, snapshot
from test_crash_recovery import other_machine, wait_quiet
from windowrun import PAUSE_PUT, WhenRequests, report, run_killed, run_phase, window_vars

SALES = {"environment": "Production", "workspace": "Sales Ops"}
OPPORTUNITIES = "ba65d966494bab10a0f8f018"   # hourly at :05
TEN_AM = 1796724000000                         # 2026-12-08T10:00:00Z
RUN_POST = "POST /processing/executions"
HOURLY = [{"name": "hourly", "type": "CRON", "cron": "0 * * * *", "timeZone": "UTC"}]


def manual_runs(emulator, since_ms=0) -> dict:
    """``{task id: [execution id]}`` of the ``MANUAL`` runs triggered at or after ``since_ms``."""
    runs = {}
    for execution in emulator.state()["taskExecutions"]:
        triggered = datetime.fromisoformat(execution["triggerTimestamp"].replace("Z", "+00:00")).timestamp() * 1000
        if execution.get("executionType") == "MANUAL" and triggered >= since_ms:
            runs.setdefault(execution["taskId"], []).append(execution["executionId"])
    return runs


def clock_ms(emulator) -> int:
    return emulator.admin("GET", "clock")["now_ms"]


def generate(emulator, count, seed, tag, **extra) -> list:
    """Generate ``count`` active tasks in Staging tagged ``tag``; returns their ids."""
    state = emulator.state()
    staging = next(e["id"] for e in state["environments"] if e["name"] == "Staging")
    emulator.admin("POST", "tasks/generate", json=dict({"count": count, "environment_id": staging, "seed": seed,
                                                        "tags": [tag]}, **extra))
    return [t["id"] for t in emulator.state()["tasks"] if tag in (t.get("tags") or [])]


def test_the_ledger_lists_both_runs_and_catch_up_once_starts_one_run_per_task_that_missed(emulator, ansible_env,
                                                                                          tmp_path):
    emulator.admin("POST", "clock", json={"set_epoch_ms": TEN_AM})
    before = snapshot(emulator)
    run_phase(ansible_env, "mw-gap", "pause", tmp_path, selectors=(SALES,))
    emulator.admin("POST", "clock", json={"advance_seconds": 2 * 3600})   # the maintenance: 10:05 and 11:05 pass
    resumed_at = clock_ms(emulator)
    out = run_phase(ansible_env, "mw-gap", "resume", tmp_path, selectors=(SALES,), maintenance_window_catch_up="once",
                    maintenance_window_drain_interval=1).stdout
    run = report(tmp_path, "mw-gap")["runs"][-1]
    opportunities = [r["date"] for r in run["skipped_runs"]["runs"] if r["id"] == OPPORTUNITIES]
    assert opportunities == ["2026-12-08T10:05:00.000Z", "2026-12-08T11:05:00.000Z"]
    missed = {r["id"] for r in run["skipped_runs"]["runs"] if r["type"] == "TASK"}
    resumed = {r["id"] for r in run["tasks"] if r["result"] == "resumed"}
    assert missed and resumed - missed, "the window must hold tasks that missed a run and tasks that did not"
    started = manual_runs(emulator, resumed_at)
    assert {t: len(ids) for t, ids in started.items()} == {t: 1 for t in missed}
    assert {r["id"]: r["execution_id"] for r in run["catch_up"]["runs"]} == {t: ids[0] for t, ids in started.items()}
    assert run["catch_up"]["refused"] == [] and "catch-up: started %d run(s)" % len(missed) in out
    assert_window_invariant(before, emulator, "mw-gap", "resumed")


def test_a_refused_catch_up_run_is_reported_and_the_others_start(emulator, ansible_env, tmp_path):
    emulator.admin("POST", "clock", json={"set_epoch_ms": TEN_AM})
    run_phase(ansible_env, "mw-refused", "pause", tmp_path, selectors=(SALES,))
    emulator.admin("POST", "clock", json={"advance_seconds": 2 * 3600})
    emulator.admin("POST", "faults", json={"status": 409, "count": -1, "path": "^/processing/executions$",
                                           "method": "POST", "executable_ids": [OPPORTUNITIES]})
    out = run_phase(ansible_env, "mw-refused", "resume", tmp_path, selectors=(SALES,),
                    maintenance_window_catch_up="once").stdout
    run = report(tmp_path, "mw-refused")["runs"][-1]
    assert [(r["id"], r["status"]) for r in run["catch_up"]["refused"]] == [(OPPORTUNITIES, 409)]
    assert run["catch_up"]["runs"] and OPPORTUNITIES not in manual_runs(emulator)
    assert "catch-up: 1 run(s) refused (the others went on): Sync Salesforce Opportunities (HTTP 409" in out


def test_waves_stop_at_the_gate_and_resume_again_continues(emulator, ansible_env, tmp_path):
    ids = generate(emulator, 45, "waves", "wave-e2e")
    assert len(ids) == 45
    now = clock_ms(emulator)
    minute = (now // 60000) % 60
    for number, task_id in enumerate(ids):   # next runs spread over the coming hour: the order is known
        emulator.admin("PUT", "tasks/%s/triggers" % task_id, json=[
            {"name": "hourly-%d" % number, "type": "CRON", "cron": "%d * * * *" % ((minute + 2 + number) % 60),
             "timeZone": "UTC"}])
    before = snapshot(emulator)
    selector = {"environment": "Staging", "tags": ["wave-e2e"]}
    run_phase(ansible_env, "mw-waves", "pause", tmp_path, selectors=(selector,))
    emulator.admin("DELETE", "requests")
    failed = []

    def fail_a_run_of_wave_two():   # a run of a task of the second wave fails while the wave is watched
        entries = emulator.admin("GET", "requests", params={"last": 200})["entries"]
        puts = [e["path"].split("/")[-2] for e in entries if "%s %s" % (e["method"], e["route"]) == PAUSE_PUT]
        failed.append(emulator.admin("POST", "executions", json={
            "task_id": puts[15], "duration_seconds": 1, "dispatch_seconds": 0,
            "final_status": "execution_failed"})["executionId"])

    watcher = WhenRequests(emulator, 20, fail_a_run_of_wave_two, count=lambda s: s["byRoute"].get(PAUSE_PUT, 0))
    try:
        proc = run_phase(ansible_env, "mw-waves", "resume", tmp_path, check=False, selectors=(selector,),
                         maintenance_window_resume_wave_size=10, maintenance_window_resume_wave_interval=8,
                         maintenance_window_resume_max_failed_runs=0, maintenance_window_drain_interval=1)
    finally:
        watcher.stop()
    assert watcher.fired and proc.returncode != 0, proc.stdout[-3000:]
    out = proc.stdout
    assert "wave 1 of 5: resuming 10 task(s)" in out and "wave 2 of 5: resuming 10 task(s)" in out
    assert "wave 3 of 5" not in out.split("resume wave 2 of 5")[0]
    assert "running the resume phase again continues with the next wave" in out
    run = report(tmp_path, "mw-waves")["runs"][-1]
    waves = run["waves"]["waves"]
    assert [w["decision"] for w in waves] == ["next wave", "stop"]
    assert [r["execution_id"] for r in waves[1]["failed_runs"]] == failed
    firsts = [sorted(w["next_runs"].values()) for w in waves]
    assert firsts[0][-1] <= firsts[1][0], "soonest-due first"
    marker = "[maintenance-window:mw-waves]"
    held = {tid for tid, t in emulator.tasks().items() if (t.get("taskPauseDetails") or {}).get("pause")
            and t["taskPauseDetails"].get("pauseContext", "").endswith(marker)}
    assert len(held) == 25 and held == set(run["waves"]["left"])
    assert held.isdisjoint(w for wave in waves for w in wave["task_ids"])

    out = run_phase(ansible_env, "mw-waves", "resume", tmp_path, selectors=(selector,),
                    maintenance_window_resume_wave_size=10, maintenance_window_resume_wave_interval=0,
                    maintenance_window_resume_max_failed_runs=0, maintenance_window_drain_interval=1).stdout
    assert "wave 1 of 3: resuming 10 task(s)" in out
    assert_window_invariant(before, emulator, "mw-waves", "resumed")


def test_a_resume_killed_mid_catch_up_and_run_again_elsewhere_starts_no_second_run(emulator, ansible_env, tmp_path):
    emulator.admin("POST", "clock", json={"set_epoch_ms": TEN_AM})
    ids = generate(emulator, 24, "catch-up-crash", "crash-e2e", triggers=HOURLY, triggers_every=2)
    selector = {"environment": "Staging", "tags": ["crash-e2e"]}
    before = snapshot(emulator)
    run_phase(ansible_env, "mw-crash", "pause", tmp_path, selectors=(selector,))
    emulator.admin("POST", "clock", json={"advance_seconds": 2 * 3600})
    emulator.admin("POST", "config", json={"latency_ms": 20, "default_run_seconds": 1, "default_dispatch_seconds": 0})
    resumed_at = clock_ms(emulator)
    emulator.admin("DELETE", "requests")
    extra = dict(selectors=[selector], maintenance_window_catch_up="once", maintenance_window_drain_interval=1,
                 maintenance_window_catch_up_concurrency=5)
    killed, returncode = run_killed(ansible_env, emulator, window_vars(
        "mw-crash", "resume", tmp_path / "killed", talend_max_workers=1, **extra), tmp_path / "killed-resume.log", 4,
        count=lambda s: s["byRoute"].get(RUN_POST, 0))
    assert killed and returncode == -signal.SIGKILL, (tmp_path / "killed-resume.log").read_text()[-3000:]
    wait_quiet(emulator)
    first = manual_runs(emulator, resumed_at)
    missed = {i for i in ids if any(t.get("cron") == "0 * * * *" for t in emulator.tasks()[i]["triggers"])}
    assert first and set(first) < missed and all(len(v) == 1 for v in first.values())

    elsewhere = other_machine(ansible_env, tmp_path)
    out = run_phase(elsewhere, "mw-crash", "resume", tmp_path / "elsewhere", **extra).stdout
    assert "nothing to resume for window mw-crash" in out, out
    assert "already got their catch-up run" in out, out
    runs = manual_runs(emulator, resumed_at)
    assert {t: len(v) for t, v in runs.items()} == {t: 1 for t in missed}, "one catch-up run per task, no second one"
    run = report(tmp_path / "elsewhere", "mw-crash")["runs"][-1]
    assert {r["id"] for r in run["catch_up"]["earlier"]} == set(first)
    assert {r["id"] for r in run["catch_up"]["runs"]} == missed - set(first)
    assert_window_invariant(before, emulator, "mw-crash", "resumed")
