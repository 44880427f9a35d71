# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the catch-up step (_tmc_window_catchup): bounded runs in flight, refusals, earlier runs."""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_catchup import (
    CatchUp,
    earlier_catch_ups,
    owing,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import ResumeSettings
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import Window


class RunsApi:
    """A fake client: ``POST /processing/executions`` starts a run (or is refused), ``GET`` of a run answers the
    status it was given, ``GET`` of a task's executions answers ``history``."""

    max_workers = 1
    retries = 0

    def __init__(self, refuse=None, history=None):
        self.refuse, self.history = refuse or {}, history or {}
        self.started, self.status, self.sent = [], {}, []

    def call(self, method, path, params=None, json=None, ok=(200,)):
        self.sent.append((method, path))
        if method == "POST":
            task_id = json["executable"]
            if task_id in self.refuse:
                raise TalendApiError(self.refuse[task_id], "POST " + path, message="refused")
            execution_id = "x-%s" % task_id
            self.started.append(task_id)
            self.status[execution_id] = "executing"
            return 201, {"executionId": execution_id}
        if path.startswith("/processing/executables/tasks/"):
            return 200, {"items": self.history.get(path.split("/")[-2], [])}
        return 200, {"executionId": path.split("/")[-1], "status": self.status[path.split("/")[-1]]}

    def get(self, path, params=None):
        return self.call("GET", path, params)[1]

    def in_flight(self):
        return [i for i, s in self.status.items() if s in ("dispatching", "executing")]


def tasks(*ids):
    return [{"id": i, "name": "Task " + i} for i in ids]


def test_owing_keeps_the_tasks_with_a_skipped_run_in_their_order():
    skipped = [{"id": "b", "type": "TASK"}, {"id": "p", "type": "PLAN"}, {"id": "b", "type": "TASK"}]
    assert [e["id"] for e in owing(tasks("a", "b", "p"), skipped)] == ["b"]


def test_catch_up_none_starts_no_run():
    api = RunsApi()
    CatchUp(api, ResumeSettings(), [].append, "w1").start(tasks("a"))
    assert api.sent == []


def test_never_more_runs_in_flight_than_the_concurrency_and_each_id_reported():
    api, said, peaks = RunsApi(), [], []

    def sleep(seconds):   # while waiting, the oldest run in flight ends
        peaks.append(len(api.in_flight()))
        api.status[api.in_flight()[0]] = "execution_successful"

    catch_up = CatchUp(api, ResumeSettings(catch_up="once", concurrency=2, poll_interval=7), said.append, "w1",
                       sleep=sleep)
    catch_up.start(tasks("a", "b", "c", "d", "e"))
    assert api.started == ["a", "b", "c", "d", "e"] and max(peaks) == 2
    assert [r["execution_id"] for r in catch_up.outcome.runs] == ["x-a", "x-b", "x-c", "x-d", "x-e"]
    assert catch_up.outcome.waits == 3 and "at most 2 in flight" in said[0]
    assert "5 run(s) started in all, 0 refused" in said[-1]


def test_a_refused_run_is_reported_and_the_others_start():
    api = RunsApi(refuse={"b": 409, "c": 503})
    catch_up = CatchUp(api, ResumeSettings(catch_up="once"), [].append, "w1")
    catch_up.start(tasks("a", "b", "c", "d"))
    assert api.started == ["a", "d"]
    assert [(r["id"], r["status"]) for r in catch_up.outcome.refused] == [("b", 409), ("c", 503)]
    assert catch_up.outcome.record()["runs"][1]["id"] == "d"


def test_an_earlier_manual_run_after_the_resume_is_the_catch_up_and_the_history_dates_the_pause():
    window = Window("w1")
    resumed_at = "2026-12-08T12:00:00.000Z"
    history = {"a": [{"executionId": "m-1", "taskId": "a", "executionType": "MANUAL",
                      "triggerTimestamp": "2026-12-08T12:00:03Z"}],
               "b": [{"executionId": "s-1", "taskId": "b", "executionType": "SCHEDULED",
                      "triggerTimestamp": "2026-12-08T10:30:00Z"},
                     {"executionId": "m-0", "taskId": "b", "executionType": "MANUAL",
                      "triggerTimestamp": "2026-12-08T09:00:00Z"}]}
    entries = [dict(e, pause_date=resumed_at, environment_id="e",
                    pause_context=window.resume_context("2026-12-08T10:00:00.000Z")) for e in tasks("a", "b", "c")]
    entries.append(dict(tasks("d")[0], pause_date=resumed_at, pause_context=window.resume_context()))
    entries.append(dict(tasks("n")[0], pause_date=None, pause_context=window.resume_context()))
    earlier, unknown, ledger = earlier_catch_ups(RunsApi(history=history), window, entries)
    assert earlier == [{"id": "a", "name": "Task a", "execution_id": "m-1"}]
    assert {(e["id"], e["paused_at"]) for e in ledger} == {("b", "2026-12-08T10:30:00.001Z"),
                                                           ("c", "2026-12-08T10:00:00.000Z")}
    assert all(e["resumed_at"] == resumed_at for e in ledger)
    assert [u["id"] for u in unknown] == ["d", "n"]


class LostAnswer(RunsApi):
    """The first run request starts the run and its answer is lost (no answer); ``retries`` as a client's."""

    retries = 5

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.posts = []   # shared with the copy the catch-up makes of its client

    def call(self, method, path, params=None, json=None, ok=(200,)):
        if method == "POST":
            self.posts.append(json["executable"])
            if len(self.posts) == 1:
                self.history[json["executable"]] = [{"executionId": "lost-1", "taskId": json["executable"],
                                                     "executionType": "MANUAL",
                                                     "triggerTimestamp": "2026-12-08T12:00:01Z"}]
                raise TalendApiError(None, "POST " + path, message="no answer")
        return super().call(method, path, params, json, ok)


def test_a_run_request_whose_answer_was_lost_is_found_and_never_sent_again():
    api = LostAnswer()
    catch_up = CatchUp(api, ResumeSettings(catch_up="once"), [].append, "w1", sleep=lambda s: None)
    catch_up.start(tasks("a"), since="2026-12-08T12:00:00.000Z")
    assert api.posts == ["a"] and [r["execution_id"] for r in catch_up.outcome.runs] == ["lost-1"]


def test_a_run_request_without_an_answer_and_no_run_found_is_tried_again():
    api = RunsApi()
    api.retries, posts = 5, []

    def call(method, path, params=None, json=None, ok=(200,)):
        if method == "POST" and not posts:
            posts.append(1)
            raise TalendApiError(503, "POST " + path, message="unavailable")
        return RunsApi.call(api, method, path, params, json, ok)

    api.call = call
    catch_up = CatchUp(api, ResumeSettings(catch_up="once"), [].append, "w1", sleep=lambda s: None)
    catch_up.start(tasks("a"), since="2026-12-08T12:00:00.000Z")
    assert api.started == ["a"] and catch_up.outcome.refused == []
