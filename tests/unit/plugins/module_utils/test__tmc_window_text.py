# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of what a window phase tells the operator."""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_text as T


def entry(eid, name=None, context=None):
    return {"id": eid, "name": name or eid.upper(), "pause_context": context}


def outcome(to_pause=(), held=(), foreign=(), plans_to_pause=(), newly=None, failed=(), empty=(), selected=None):
    tasks = {"to_pause": [entry(i) for i in to_pause], "held": list(held),
             "foreign": [entry(i, context="vendor") for i in foreign]}
    plans = {"to_pause": [entry(i) for i in plans_to_pause], "held": [], "foreign": []}
    newly = list(to_pause) + list(plans_to_pause) if newly is None else newly
    ids = list(to_pause) + list(held) + list(foreign)
    return {"selection": {"tasks": selected if selected is not None else [entry(i) for i in ids],
                          "plans": [entry(i) for i in plans_to_pause], "empty_selectors": list(empty)},
            "tasks": tasks, "plans": plans, "newly_paused": newly, "failed_ids": list(failed),
            "paused_task_ids": [i for i in list(held) + list(to_pause) if i in newly or i in held],
            "paused_plan_ids": [i for i in plans_to_pause if i in newly]}


def test_name_list_stops_after_the_limit_and_says_how_many_more():
    assert T.name_list(["a", "b"]) == "a, b"
    assert T.name_list(["n%d" % i for i in range(53)], limit=50).endswith("n49 and 3 more (see the report)")


def test_nothing_selected_and_empty_selectors_are_said():
    lines, done = T.pause_messages("w1", outcome(empty=[{"environment": "P", "tags": ["no-such-tag"],
                                                         "include_plans": True}]))
    assert done is None
    assert lines == ['Window w1: selector {"environment": "P", "tags": ["no-such-tag"], "include_plans": true} selects '
                     'no task and no plan. Check its environment, workspace, name, tags and schedule window.',
                     "Window w1: nothing to pause: the selectors and ids select no task and no plan."]


def test_everything_paused_already_is_counted_by_who_paused_it():
    lines, done = T.pause_messages("w1", outcome(held=["a"], foreign=["b"]))
    assert done is None
    assert lines[0] == "Window w1 leaves alone 1 task(s) or plan(s) paused by someone else, to stay paused after the " \
                       "window: B (paused: vendor)"
    assert lines[1] == "Window w1: nothing to pause: the 2 task(s) and 0 plan(s) selected are paused already (1 by " \
                       "this window, 1 by someone else)."


def test_what_was_paused_names_the_tasks_and_plans_and_what_an_earlier_run_holds():
    lines, done = T.pause_messages("w1", outcome(to_pause=["a", "b"], held=["c"], plans_to_pause=["p"], failed=["b"],
                                                 newly=["a", "p"]))
    assert lines[0] == "Window w1: an earlier run already paused 1 task(s) and 0 plan(s) of this selection; they " \
                       "keep their marker. 2 task(s) and 1 plan(s) are left to pause."
    assert done == "Window w1: paused 1 task(s): A and 1 plan(s): P. The window holds 2 task(s) and 1 plan(s) " \
                   "paused, 1 of them paused by an earlier run. 1 could not be paused (see above and the " \
                   "report); the drain is skipped."


def test_check_mode_says_would():
    assert T.pause_messages("w1", outcome(to_pause=["a"]), check_mode=True)[1].startswith("Window w1: would pause 1")


def test_a_failed_selection_says_nothing():
    assert T.pause_messages("w1", {"selection": None}) == ([], None)
    assert T.resume_messages("w1", {"selection": None}) == ([], None)


def test_resume_says_nothing_to_resume_or_what_was_resumed():
    (line,), resumed = T.resume_messages("w1", {"selection": {"tasks": [], "plans": []}})
    assert resumed is None and line.startswith("nothing to resume for window w1:")
    assert "check the window id and that the selectors name the environment or workspace" in line
    lines = T.resume_messages("w1", {"selection": {"tasks": [entry("a"), entry("b")], "plans": [entry("p")]},
                                     "resumed_task_ids": ["a"], "resumed_plan_ids": ["p"]})
    assert lines == ([], "Window w1: resumed 1 task(s): A and 1 plan(s): P.")


def test_report_message_gives_both_paths_and_the_status():
    written = {"json_path": "/r/w1.json", "markdown_path": "/r/w1.md",
               "document": {"summary": {"status": "resumed", "all_back": True}}}
    assert T.report_message("w1", written) == ("Window w1: report /r/w1.json (resumed, everything found with the "
                                               "marker is back); summary /r/w1.md.")
