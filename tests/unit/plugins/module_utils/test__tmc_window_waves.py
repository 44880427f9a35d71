# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the waves step (_tmc_window_waves): soonest-due order, one change per wave, the watch and its gate."""

from __future__ import annotations

from types import SimpleNamespace

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_catchup import CatchUp
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import ResumeSettings
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import Window
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_rearm import ScheduleCheck
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_waves import (
    Waves,
    merge_schedules,
    soonest_first,
)

NOW = "2026-12-08T12:00:00.000Z"
NOW_MS = 1796731200000


class Api:
    """A fake client: the events search answers ``due`` (``{id: ms}``) when asked without ``from`` (the order),
    nothing else; the executions list answers ``failed_by_task`` for the tasks resumed so far."""

    max_workers = 1

    def __init__(self, due=None, failed=()):
        self.due, self.failed, self.resumed, self.calls = due or {}, set(failed), set(), []

    def iter_pages(self, method, path, params=None, body=None):
        self.calls.append((method, path, dict(params or body or {})))
        if path.endswith("events/search"):
            if "from" in (body or {}):
                return iter([])
            return iter([{"id": i, "type": "TASK", "date": ms} for i, ms in self.due.items()])
        return iter([{"executionId": "x-" + i, "taskId": i, "status": "execution_failed", "executionType": "SCHEDULED",
                      "triggerTimestamp": NOW_MS + 1000} for i in sorted(self.failed & self.resumed)])


def tasks(*ids):
    return [{"id": i, "name": "Task " + i, "environment_id": "e", "workspace_id": "w",
             "pause_date": "2026-12-08T10:00:00.000Z"} for i in ids]


def waves(api, said, check_mode=False, **settings):
    request = SimpleNamespace(window=Window("w1"), resume=ResumeSettings(**settings))
    clock = [0.0]

    def sleep(seconds):
        clock[0] += seconds

    catch_up = CatchUp(api, request.resume, said.append, "w1", sleep=sleep)
    return Waves(api, request, said.append, catch_up, check_mode, clock=lambda: clock[0], sleep=sleep,
                 now_ms=lambda: NOW_MS)


def resumer(api, steps):
    def resume(task_entries, plan_entries):
        ids = [e["id"] for e in task_entries + plan_entries]
        steps.append(ids)
        api.resumed |= set(ids)
        return ids, NOW
    return resume


def test_soonest_first_puts_tasks_without_a_next_run_last_by_name():
    entries = [{"id": "a", "name": "Zed"}, {"id": "b", "name": "Alpha"}, {"id": "c", "name": "Mid"}]
    assert [e["id"] for e in soonest_first(entries, {"c": 5, "a": 1})] == ["a", "c", "b"]


def test_without_waves_everything_comes_back_in_one_step_with_no_order_search_and_no_watch():
    api, steps, said = Api(), [], []
    run = waves(api, said)
    run.run(SimpleNamespace(tasks=tasks("a", "b"), plans=tasks("p"), resumed_before=[]), resumer(api, steps))
    assert steps == [["a", "b", "p"]] and said == [] and run.record() is None
    assert not any(c[1].endswith("executions") for c in api.calls)
    assert [w.decision for w in run.waves] == ["all at once"]


def test_waves_go_soonest_due_first_and_plans_come_after_the_last_wave():
    api, steps, said = Api(due={"c": NOW_MS + 60000, "a": NOW_MS + 120000, "b": NOW_MS + 180000}), [], []
    run = waves(api, said, wave_size=2, wave_interval=10, poll_interval=5)
    run.run(SimpleNamespace(tasks=tasks("a", "b", "c"), plans=tasks("p"), resumed_before=[]), resumer(api, steps))
    assert steps == [["c", "a"], ["b"], ["p"]]
    record = run.record()
    assert [w["decision"] for w in record["waves"]] == ["next wave", "last wave"] and not record["stopped"]
    assert record["waves"][0]["polls"] == 2 and record["waves"][0]["watched_seconds"] == 10
    order_search = next(c for c in api.calls if c[1].endswith("events/search"))[2]
    assert "from" not in order_search and order_search["workspaceIds"] == ["w"]
    assert said[0].startswith("Window w1: wave 1 of 2: resuming 2 task(s) (next scheduled run from ")
    assert any("resuming the 1 plan(s) after the last wave" in line for line in said)


def test_a_failed_run_above_the_gate_stops_and_the_later_waves_keep_the_marker():
    api, steps, said = Api(failed={"c"}), [], []
    run = waves(api, said, wave_size=2, wave_interval=60, max_failed_runs=0, poll_interval=5)
    run.run(SimpleNamespace(tasks=tasks("a", "b", "c", "d", "e"), plans=tasks("p"), resumed_before=[]),
            resumer(api, steps))
    assert steps == [["a", "b"], ["c", "d"]], "wave 3 and the plan are not resumed"
    assert run.left == ["e", "p"]
    record = run.record()
    assert [w["decision"] for w in record["waves"]] == ["next wave", "stop"] and record["stopped"]
    assert record["waves"][1]["polls"] == 1, "the gate stops at the first read that sees too many failed runs"
    assert "resume wave 2 of 3: 1 run(s) of its tasks failed, more than maintenance_window_resume_max_failed_runs=0" \
        in run.error and "x-c" in run.error and "[maintenance-window:w1]" in run.error
    assert "running the resume phase again continues with the next wave" in run.error
    assert any(line.startswith("Window w1: wave 2: 5 s: 1 failed run(s): Task c (execution x-c") for line in said)


def test_without_a_gate_failed_runs_are_counted_and_the_waves_go_on():
    api, steps, said = Api(failed={"a"}), [], []
    run = waves(api, said, wave_size=1, wave_interval=0, poll_interval=5)
    run.run(SimpleNamespace(tasks=tasks("a", "b"), plans=[], resumed_before=[]), resumer(api, steps))
    assert steps == [["a"], ["b"]] and run.error is None
    assert len(run.waves[0].failed_runs) == 1 and run.waves[0].watched_seconds == 0


def test_merge_schedules_adds_one_wave_to_the_total():
    total = ScheduleCheck(skipped_runs=[{"id": "b", "date": "2026-12-08T11:00:00.000Z"}], next_runs=1)
    merge_schedules(total, ScheduleCheck(skipped_runs=[{"id": "a", "date": "2026-12-08T10:00:00.000Z"}], next_runs=2,
                                         ledger_error="past refused"))
    assert [r["id"] for r in total.skipped_runs] == ["a", "b"] and total.next_runs == 3
    assert total.ledger_error == "past refused"


def test_with_waves_and_only_plans_the_plans_come_back_in_one_step():
    api, steps, said = Api(), [], []
    run = waves(api, said, wave_size=2, wave_interval=10)
    run.run(SimpleNamespace(tasks=[], plans=tasks("p"), resumed_before=[]), resumer(api, steps))
    assert steps == [["p"]] and run.waves == [] and run.error is None
