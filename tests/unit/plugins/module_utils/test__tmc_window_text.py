# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of what a window phase tells the operator."""

from __future__ import annotations

from types import SimpleNamespace

from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_text as T
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import PLAN, TASK
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_change import ChangeOutcome
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_outcome import PhaseOutcome
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import check_request
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_select import Selection, Sorted


def entry(eid, name=None, context=None):
    return {"id": eid, "name": name or eid.upper(), "pause_context": context}


def request(phase="pause"):
    return check_request({"window_id": "w1", "phase": phase, "task_ids": ["x"]})


def outcome(to_pause=(), held=(), foreign=(), plans_to_pause=(), newly=None, failed=(), empty=(), selected=None,
            check_mode=False, foreign_context="vendor"):
    newly = list(to_pause) + list(plans_to_pause) if newly is None else newly
    ids = list(to_pause) + list(held) + list(foreign)
    result = PhaseOutcome(request(), "2026-11-29T01:00:00Z", check_mode=check_mode)
    result.selection = Selection(tasks=selected if selected is not None else [entry(i) for i in ids],
                                 plans=[entry(i) for i in plans_to_pause], empty_selectors=list(empty))
    result.tasks = Sorted([entry(i) for i in to_pause], [entry(i) for i in held],
                          [entry(i, context=foreign_context) for i in foreign])
    result.plans = Sorted([entry(i) for i in plans_to_pause], [], [])
    changed_tasks = [{"id": i, "changed": True} for i in to_pause if i in newly]
    changed_plans = [{"id": i, "changed": True} for i in plans_to_pause if i in newly]
    result.task_change = ChangeOutcome(TASK, list(to_pause), changed_tasks, [{"id": i, "status": 403} for i in failed],
                                       at="t")
    result.plan_change = ChangeOutcome(PLAN, list(plans_to_pause), changed_plans, at="t")
    return result


def test_name_list_stops_after_the_limit_and_says_how_many_more():
    assert T.name_list(["a", "b"]) == "a, b"
    assert T.name_list(["n%d" % i for i in range(53)], limit=50).endswith("n49 and 3 more (see the report)")


def test_nothing_selected_and_empty_selectors_are_said():
    lines, done = T.pause_messages(outcome(empty=[{"environment": "P", "tags": ["no-such-tag"], "include_plans": True}]))
    assert done is None
    assert lines == ['Window w1: selector {"environment": "P", "tags": ["no-such-tag"], "include_plans": true} selects '
                     'no task and no plan. Check its environment, workspace, name, tags and schedule window.',
                     "Window w1: nothing to pause: the selectors and ids select no task and no plan."]


def test_everything_paused_already_is_counted_by_who_paused_it():
    lines, done = T.pause_messages(outcome(held=["a"], foreign=["b"]))
    assert done is None
    assert lines[0] == "Window w1 leaves alone 1 task(s) or plan(s) paused by someone else, to stay paused after the " \
                       "window: B (paused: vendor)"
    assert lines[1] == "Window w1: nothing to pause: the 2 task(s) and 0 plan(s) selected are paused already (1 by " \
                       "this window, 1 by someone else)."


def test_a_task_held_by_another_window_is_named_with_that_window():
    lines, dummy = T.pause_messages(outcome(to_pause=["a"], foreign=["b"], foreign_context="DB [maintenance-window:mw-7]"))
    assert lines[0] == "Window w1: 1 task(s) or plan(s) of this selection are held by window mw-7: they stay paused " \
                       "and come back when window mw-7 resumes: B"


def test_what_was_paused_names_the_tasks_and_plans_and_what_an_earlier_run_holds():
    lines, done = T.pause_messages(outcome(to_pause=["a", "b"], held=["c"], plans_to_pause=["p"], failed=["b"],
                                           newly=["a", "p"]))
    assert lines[0] == "Window w1: an earlier run already paused 1 task(s) and 0 plan(s) of this selection; they " \
                       "keep their marker. 2 task(s) and 1 plan(s) are left to pause."
    assert done == "Window w1: paused 1 task(s): A and 1 plan(s): P. The window holds 2 task(s) and 1 plan(s) " \
                   "paused, 1 of them paused by an earlier run. 1 could not be paused (see above and the " \
                   "report); the drain is skipped."


def test_check_mode_says_would():
    assert T.pause_messages(outcome(to_pause=["a"], check_mode=True))[1].startswith("Window w1: would pause 1")


def test_a_failed_selection_says_nothing():
    empty = PhaseOutcome(request(), "t")
    assert T.pause_messages(empty) == ([], None)
    assert T.resume_messages(PhaseOutcome(request("resume"), "t")) == ([], None)


def test_resume_says_nothing_to_resume_or_what_was_resumed():
    nothing = PhaseOutcome(request("resume"), "t", selection=Selection(searched="account"))
    (line,), resumed = T.resume_messages(nothing)
    assert resumed is None and line.startswith("nothing to resume for window w1:")
    assert "nothing in the account is paused with the marker [maintenance-window:w1]" in line
    assert "check the window id" in line
    found = Selection([entry("a"), entry("b")], [entry("p")], searched="account")
    done = PhaseOutcome(request("resume"), "t", selection=found)
    done.task_change = ChangeOutcome(TASK, ["a", "b"], [{"id": "a", "changed": True}], at="t")
    done.plan_change = ChangeOutcome(PLAN, ["p"], [{"id": "p", "changed": True}], at="t")
    assert T.resume_messages(done) == ([], "Window w1: resumed 1 task(s): A and 1 plan(s): P.")


def test_report_message_gives_both_paths_and_the_status():
    report = SimpleNamespace(json_path="/r/w1.json", markdown_path="/r/w1.md", runs_path="/r/w1.runs",
                             document={"summary": {"status": "resumed", "all_back": True}})
    assert T.report_message("w1", report) == ("Window w1: report /r/w1.json (resumed, everything found with the "
                                              "marker is back), one file per run in /r/w1.runs; summary /r/w1.md.")


def test_failure_message_says_nothing_was_changed_only_when_every_write_was_refused():
    refused = outcome(to_pause=["a"], failed=["a"], newly=[])
    failures = [{"kind": "task", "id": "a", "name": "A", "result": "failed", "status": 403, "message": "Forbidden",
                 "request_id": "r-1"}]
    text = T.failure_message(refused, failures, 1, "/r/w1.json")
    assert "could not pause 1 of 1 task(s) or plan(s): task a (A): HTTP 403 Forbidden (request id r-1)" in text
    assert "Nothing was changed." in text and "TMC_OPERATOR" in text and text.endswith("Report: /r/w1.json.")
    partly = outcome(to_pause=["a", "b"], failed=["b"], newly=["a"])
    text = T.failure_message(partly, failures, 2)
    assert "Nothing was changed" not in text and "keeps the marker [maintenance-window:w1]" in text
