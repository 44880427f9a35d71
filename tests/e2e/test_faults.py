# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: a maintenance window through API faults, then the window invariant over the emulator state.

Each test pauses the Production environment (tasks and plans) and resumes it with faults queued on the
emulator before each phase, and checks tests/e2e/invariants.py after each phase: after the pause every
selected task that was active is paused with the marker, after the resume everything is back, what
someone else paused before keeps its own pause details, and no schedule was touched.
"""

from __future__ import annotations

from invariants import assert_window_invariant, selection_of, snapshot
from windowrun import PAUSE_PUT, WhenRequests, report, run_phase, with_service_account

TASK_PAUSE = r"/executables/tasks/[^/]+/pause$"
TASK_LIST = r"^/orchestration/executables/tasks$"
LOST_ANSWER = "paused: the answer was lost, the window marker is in place"


def faults(emulator, *rules):
    """Queue fault rules on the emulator (``POST /_emulator/faults``)."""
    emulator.admin("POST", "faults", json=list(rules))


def window_through(emulator, env, reports, window_id, arm):
    """Pause then resume Production, calling ``arm(phase)`` just before each run; invariant after each.

    :returns: ``(report document, [request summary after the pause, after the resume])``.
    """
    before = snapshot(emulator)
    selected = selection_of(before, emulator.state(), environment_names={"Production"})
    logs = []
    for phase, invariant in (("pause", "paused"), ("resume", "resumed")):
        emulator.admin("DELETE", "requests")
        arm(phase)
        run_phase(env, window_id, phase, reports)
        logs.append(emulator.requests_log())
        emulator.admin("DELETE", "faults")
        assert_window_invariant(before, emulator, window_id, invariant, selected=selected)
    return report(reports, window_id), logs


def active_in_production(emulator):
    """``(tasks, plans)``: how many Production tasks and plans are not paused now."""
    before = snapshot(emulator)
    selected = selection_of(before, emulator.state(), environment_names={"Production"})
    active = [key for key in selected if not (before[key]["pause"] or {}).get("pause")]
    return sum(1 for k in active if k[0] == "tasks"), sum(1 for k in active if k[0] == "plans")


def assert_complete(document, tasks, plans):
    """The pause run and the resume run of the report handled every active task and plan, no failure."""
    pause, resume = document["runs"]
    assert pause["outcome"] == resume["outcome"] == "succeeded"
    assert (pause["counts"]["tasks"]["paused"], pause["counts"]["plans"]["paused"]) == (tasks, plans)
    resumed = {k: resume["counts"][k]["resumed"] + resume["counts"][k]["already_active"] for k in ("tasks", "plans")}
    assert (resumed["tasks"], resumed["plans"]) == (tasks, plans)
    assert document["summary"]["all_back"] is True and document["summary"]["status"] == "resumed"


def test_429_storm_is_ridden_out_and_a_request_refused_through_every_retry_is_reported(
        emulator, ansible_env, tmp_path):
    """Pause: 5 429s (Retry-After 1 s) on the task pauses and 2 on the task list are absorbed by the retries.
    Resume: one task gets a 429 on each of its 6 attempts (retries=5): it is reported with HTTP 429, the
    others are resumed, and a second resume brings it back."""
    tasks, plans = active_in_production(emulator)
    reports = tmp_path / "reports"
    before = snapshot(emulator)
    selected = selection_of(before, emulator.state(), environment_names={"Production"})
    victim = sorted(key[1] for key in selected if key[0] == "tasks" and not (before[key]["pause"] or {}).get("pause"))[0]
    storm = [{"status": 429, "count": 5, "path": TASK_PAUSE, "method": "PUT", "retry_after": 1},
             {"status": 429, "count": 2, "path": TASK_LIST, "method": "GET", "retry_after": 1}]

    faults(emulator, *storm)
    run_phase(ansible_env, "fault-429", "pause", reports)
    assert emulator.requests_log()["byStatus"]["429"] == 7
    assert_window_invariant(before, emulator, "fault-429", "paused", selected=selected)
    assert report(reports, "fault-429")["runs"][0]["counts"]["tasks"]["paused"] == tasks

    emulator.admin("DELETE", "requests")
    faults(emulator, {"status": 429, "count": 6, "path": "/tasks/%s/pause$" % victim, "method": "PUT",
                      "retry_after": 1}, storm[0])
    proc = run_phase(ansible_env, "fault-429", "resume", reports, check=False)
    assert proc.returncode != 0 and emulator.requests_log()["byStatus"]["429"] == 11
    for words in ("could not resume 1 of", victim, "HTTP 429", "rate", "run the resume phase again"):
        assert words in proc.stdout, words
    (failed,) = [r for r in report(reports, "fault-429")["runs"][-1]["tasks"] if r["result"] == "failed"]
    assert failed["id"] == victim and failed["error"]["status"] == 429

    emulator.admin("DELETE", "faults")
    run_phase(ansible_env, "fault-429", "resume", reports)
    document = report(reports, "fault-429")
    assert document["summary"]["all_back"] is True
    assert [r["counts"]["tasks"]["resumed"] for r in document["runs"][1:]] == [tasks - 1, 1]
    assert sum(r["counts"]["plans"]["resumed"] for r in document["runs"][1:]) == plans
    assert_window_invariant(before, emulator, "fault-429", "resumed")


def test_5xx_bursts_are_retried_and_lost_answers_are_read_back(emulator, ansible_env, tmp_path):
    tasks, plans = active_in_production(emulator)
    bursts = [{"status": 503, "count": 4, "path": TASK_PAUSE, "method": "PUT", "when": "after",
               "message": "Service Unavailable"},
              {"status": 502, "count": 3, "path": r"/pause$", "method": "PUT"},
              {"status": 504, "count": 2, "path": TASK_LIST, "method": "GET"}]
    document, logs = window_through(emulator, ansible_env, tmp_path / "reports", "fault-5xx",
                                    lambda phase: faults(emulator, *bursts))
    assert [log["faultsInjected"] for log in logs] == [9, 9]
    assert_complete(document, tasks, plans)
    lost = [r for r in document["runs"][0]["tasks"] if r["result"] == LOST_ANSWER]
    assert lost, "a 503 after the pause was applied must be read back and counted as paused by the window"


def test_connection_resets_before_and_after_the_write_leave_nothing_behind(emulator, ansible_env, tmp_path):
    tasks, plans = active_in_production(emulator)
    resets = [{"reset_connection": 3, "path": r"/pause$", "method": "PUT"},
              {"reset_connection": 2, "path": TASK_PAUSE, "method": "PUT", "when": "after"},
              # the first read of each phase: the environments (pause), the account's task list (resume)
              {"reset_connection": 1, "path": r"^/orchestration/(environments|executables/tasks)$", "method": "GET"}]
    document, logs = window_through(emulator, ansible_env, tmp_path / "reports", "fault-reset",
                                    lambda phase: faults(emulator, *resets))
    assert [log["connectionsReset"] for log in logs] == [6, 6]
    assert_complete(document, tasks, plans)


def test_token_expiry_in_the_middle_of_a_bulk_run_gets_a_new_token(emulator, ansible_env, tmp_path):
    tasks, plans = active_in_production(emulator)
    emulator.admin("POST", "config", json={"latency_ms": 60})
    watchers = []

    def arm(phase):
        watchers.append(WhenRequests(emulator, 10, lambda: emulator.admin("POST", "tokens/expire"),
                                     count=lambda summary: summary["byRoute"].get(PAUSE_PUT, 0)))

    document, logs = window_through(emulator, with_service_account(ansible_env), tmp_path / "reports",
                                    "fault-expiry", arm)
    for watcher in watchers:
        watcher.stop()
    assert all(w.fired for w in watchers), "the tokens were not expired during the bulk runs"
    for log in logs:
        assert log["byStatus"].get("401", 0) >= 1, "no request met the expired token: the test proved nothing"
    assert_complete(document, tasks, plans)


def test_task_answering_403_is_reported_and_a_second_pause_run_pauses_what_is_left(emulator, ansible_env, tmp_path):
    reports = tmp_path / "reports"
    before = snapshot(emulator)
    selected = selection_of(before, emulator.state(), environment_names={"Production"})
    active = sorted(key[1] for key in selected if key[0] == "tasks" and not (before[key]["pause"] or {}).get("pause"))
    forbidden = active[0]
    emulator.admin("POST", "faults", json={"forbid_pause_ids": [forbidden]})

    proc = run_phase(ansible_env, "fault-403", "pause", reports, check=False)
    assert proc.returncode != 0
    for words in ("could not pause 1 of", forbidden, "HTTP 403", "request id", "TMC_OPERATOR", "AUTHOR",
                  "Run the pause phase again", "Report: %s" % (reports / "fault-403.json")):
        assert words in proc.stdout, words
    run = report(reports, "fault-403")["runs"][-1]
    (failed,) = [r for r in run["tasks"] if r["result"] == "failed"]
    assert failed["id"] == forbidden and failed["error"]["status"] == 403 and failed["error"]["request_id"]
    assert failed["before"]["paused"] is False and failed["action"] == "pause"
    assert run["counts"]["tasks"]["paused"] == len(active) - 1
    assert_window_invariant(before, emulator, "fault-403", "paused", selected=selected - {("tasks", forbidden)})

    emulator.admin("DELETE", "faults")
    out = run_phase(ansible_env, "fault-403", "pause", reports).stdout
    assert "an earlier run already paused %d task(s)" % (len(active) - 1) in out
    run = report(reports, "fault-403")["runs"][-1]
    assert (run["counts"]["tasks"]["held"], run["counts"]["tasks"]["paused"]) == (len(active) - 1, 1)
    assert_window_invariant(before, emulator, "fault-403", "paused", selected=selected)

    run_phase(ansible_env, "fault-403", "resume", reports)
    document = report(reports, "fault-403")
    assert document["summary"]["all_back"] is True
    assert [r["phase"] for r in document["runs"]] == ["pause", "pause", "resume"]
    assert_window_invariant(before, emulator, "fault-403", "resumed")
