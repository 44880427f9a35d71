# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: the pause phase on a cold tenant (task list items without pause details) sends one PUT per task
and reads no task before it; only the tasks that answer 204 are read (issue 19, item 2). Counted from the
emulator's request log; the window invariant holds after the pause and after the resume."""

from __future__ import annotations

from invariants import assert_window_invariant, snapshot
from windowrun import PAUSE_PUT, report, run_phase

TASK_GET = "GET /orchestration/executables/tasks/{taskId}"
TAG = "cold-e2e"
OTHER_CONTEXT = "Quarter close [maintenance-window:mw-other]"
DEMO_USER = "ops.admin@example.com"   # the account of the sample data's PAT: an earlier run of the window paused as it


def generate(emulator, count, seed) -> list:
    """``count`` new active tasks in Staging tagged :data:`TAG` (never paused: no ``taskPauseDetails``)."""
    staging = next(e["id"] for e in emulator.state()["environments"] if e["name"] == "Staging")
    emulator.admin("POST", "tasks/generate", json={"count": count, "environment_id": staging, "seed": seed,
                                                   "tags": [TAG]})
    ids = [t["id"] for t in emulator.state()["tasks"] if TAG in (t.get("tags") or [])]
    assert len(ids) == count and not any("taskPauseDetails" in emulator.tasks()[i] for i in ids)
    return ids


SELECTOR = {"environment": "Staging", "tags": [TAG]}


def test_a_never_paused_scope_costs_one_put_per_task_and_no_read_of_a_single_task(emulator, ansible_env, tmp_path):
    ids = generate(emulator, 30, "cold-e2e-a")
    before = snapshot(emulator)
    emulator.admin("DELETE", "requests")
    run_phase(ansible_env, "mw-cold", "pause", tmp_path, selectors=(SELECTOR,))
    log = emulator.requests_log()
    assert log["byRoute"].get(PAUSE_PUT) == 30 and log["byRoute"].get(TASK_GET, 0) == 0, log["byRoute"]
    # the environments, one search page, one events page, the PUTs, the read-back pages of Staging
    assert log["total"] / 30.0 <= 1.2, log["byRoute"]
    assert_window_invariant(before, emulator, "mw-cold", "paused", selected={("tasks", i) for i in ids})
    run = report(tmp_path, "mw-cold")["runs"][-1]
    assert run["cold"]["unknown_before_pause"] == 30 and run["cold"]["answered_204"] == 0
    assert {r["result"] for r in run["tasks"]} == {"paused"} and not any(r["before"]["paused"] for r in run["tasks"])
    run_phase(ansible_env, "mw-cold", "resume", tmp_path, selectors=(SELECTOR,))
    assert_window_invariant(before, emulator, "mw-cold", "resumed")


def test_only_the_204s_are_read_and_say_whose_pause_it_is(emulator, ansible_env, tmp_path):
    ids = generate(emulator, 12, "cold-e2e-b")
    others, ours = ids[1:3], ids[5:7]
    for task_id in others:
        emulator.admin("PUT", "tasks/%s/pause-details" % task_id,
                       json={"pause": True, "pauseContext": OTHER_CONTEXT, "user": "jane.doe", "userType": "HUMAN"})
    before = snapshot(emulator)   # before the window's first run: ``ours`` were active
    for task_id in ours:
        emulator.admin("PUT", "tasks/%s/pause-details" % task_id,
                       json={"pause": True, "pauseContext": "e2e fault test [maintenance-window:mw-cold]",
                             "user": DEMO_USER, "userType": "HUMAN", "pauseDate": "2026-12-01T10:00:00.000Z"})
    # list items never carry pause details: the selection cannot tell the paused tasks from the others
    emulator.admin("POST", "config", json={"list_includes_pause_details": False})
    emulator.admin("DELETE", "requests")
    out = run_phase(ansible_env, "mw-cold", "pause", tmp_path, selectors=(SELECTOR,)).stdout
    log = emulator.admin("GET", "requests?last=500")
    assert log["byRoute"].get(PAUSE_PUT) == 12, log["byRoute"]
    entries = [dict(e, route="%s %s" % (e["method"], e["route"])) for e in log["entries"]]
    entries = [e for e in entries if e["route"] in (PAUSE_PUT, TASK_GET)]
    first_put = next(n for n, e in enumerate(entries) if e["route"] == PAUSE_PUT)
    assert not [e for e in entries[:first_put] if e["route"] == TASK_GET], "no task is read before its PUT"
    puts = [e for e in entries if e["route"] == PAUSE_PUT]
    assert sorted(e["path"].split("/")[-2] for e in puts if e["status"] == 204) == sorted(others + ours)
    reads = [e["path"].rsplit("/", 1)[-1] for e in entries if e["route"] == TASK_GET]
    # the 204s, once each, then the read-back of the 202s (this tenant's list never shows a state: one by one)
    assert sorted(reads[:4]) == sorted(others + ours)
    assert sorted(reads[4:]) == sorted(set(ids) - set(others) - set(ours))
    records = {r["id"]: r for r in report(tmp_path, "mw-cold")["runs"][-1]["tasks"]}
    assert {records[i]["result"] for i in ours} == {"held: paused by an earlier run of this window"}
    assert {records[i]["result"] for i in others} == {"left alone: paused by someone else"}
    assert all(records[i]["before"]["pause_context"] == OTHER_CONTEXT for i in others)
    assert {records[i]["result"] for i in set(ids) - set(others) - set(ours)} == {"paused"}
    assert "mw-other" in out
    assert_window_invariant(before, emulator, "mw-cold", "paused", selected={("tasks", i) for i in ids})
    run_phase(ansible_env, "mw-cold", "resume", tmp_path, selectors=(SELECTOR,))
    assert_window_invariant(before, emulator, "mw-cold", "resumed")
