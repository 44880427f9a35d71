# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the engine's steps through one phase: selection, sorting, pause/resume calls, read-back, records.

A fake tenant stands in for ``select_executables`` and ``set_pause_states`` (their own tests cover HTTP).
"""

from __future__ import annotations

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_change as C
from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_engine as E
from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_select as S
from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_verify as V
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError, TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import Selector
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import Window

from window_params import run

MARKER = "[maintenance-window:w1]"


def summary(eid, paused=False, context=None, name=None):
    return {"id": eid, "name": name or "name-" + eid, "paused": paused, "pause_context": context, "pause_user": None,
            "pause_date": None, "environment": {"id": "e", "name": "E"}, "workspace": {"id": "w", "name": "W"},
            "tags": ["x"]}


class Tenant:
    """Fake ``select_executables`` / ``set_pause_states``: records the calls, answers from ``selections``."""

    def __init__(self, monkeypatch, selections, failures=None, unchanged=(), read_back=None, raise_on=None):
        self.selections, self.failures, self.unchanged = list(selections), failures or {}, set(unchanged)
        self.read_back, self.raise_on, self.calls = read_back or {"tasks": [], "plans": []}, raise_on, []
        self.changed, self.states = set(), {}
        monkeypatch.setattr(S, "select_executables", self.select)
        monkeypatch.setattr(V, "_read_states", self.read_states)
        monkeypatch.setattr(C, "set_pause_states", self.set_states)
        monkeypatch.setattr(E, "soonest_first", lambda client, entries, now, horizon: (list(entries), {}, None))

    def select(self, client, **kwargs):
        self.calls.append(("select", kwargs))
        answer = self.selections.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def read_states(self, client, kind, ids, environment_of, listed):
        self.calls.append(("read back", kind.plural, list(ids)))
        seen = {e["id"]: e for e in self.read_back[kind.plural]}
        states = {i: seen[i] if i in seen else self.states[kind.plural] for i in ids if i in seen or i in self.changed}
        return {i: V.Seen(d.get("paused"), d.get("pause_context"), d.get("pause_user"), d.get("pause_date"))
                for i, d in states.items()}

    def set_states(self, client, kind, ids, paused, context, check_mode=False, on_done=None):
        self.calls.append(("set", kind.plural, list(ids), paused, context, check_mode))
        if self.raise_on == kind.plural:
            raise TalendConfigError("no credentials")
        entries = [{"id": i, "paused": paused, "previous_paused": not paused, "changed": i not in self.unchanged,
                    "pause_context": context} for i in ids if i not in self.failures]
        self.states[kind.plural] = {"paused": paused, "pause_context": context if paused else None}
        self.changed |= {e["id"] for e in entries if e["changed"]}
        return entries, [dict(self.failures[i], id=i) for i in ids if i in self.failures]


def test_sorting_tells_the_window_from_someone_else_and_mw_1_from_mw_10_and_a_quoted_marker():
    entries = [summary("a"), summary("b", True, "x " + MARKER), summary("c", True, "x [maintenance-window:w10]"),
               summary("d", True, None), summary("e", True, MARKER + " quoted by a person")]
    out = S.sort_for_pause(entries, Window("w1"))
    assert [e["id"] for e in out.to_pause] == ["a"]
    assert [e["id"] for e in out.held] == ["b"]
    assert [e["id"] for e in out.foreign] == ["c", "d", "e"]


def test_resume_scopes_are_distinct_pairs_or_the_whole_account():
    def selectors(*options):
        return [Selector.from_option(o) for o in options]
    assert S.resume_scopes(selectors({"environment": "P"}, {"environment": "P", "tags": ["x"]}, {"workspace": "F"})) \
        == [("P", None), (None, "F")]
    assert S.resume_scopes(selectors({"environment": "P"}, {"tags": ["x"]})) == [(None, None)]
    assert S.resume_scopes([]) == []


def test_slim_keeps_only_what_the_phase_and_report_use():
    assert S.slim([summary("a")]) == [{"id": "a", "name": "name-a", "paused": False, "pause_context": None,
                                       "pause_user": None, "pause_date": None, "where": "E / W",
                                       "environment_id": "e", "workspace_id": "w"}]


def test_pause_pauses_plans_then_tasks_with_the_marker_and_leaves_held_and_foreign_alone(monkeypatch):
    tenant = Tenant(monkeypatch, [
        {"tasks": [summary("t1"), summary("t2", True, "r " + MARKER), summary("t3", True, "vendor")],
         "plans": [summary("p1")]},
        {"tasks": [summary("t1"), summary("t4")], "plans": []},
        {"tasks": [], "plans": []},
    ])
    selectors = [{"environment": "P", "include_plans": True}, {"tags": ["sap"], "name": ""}, {"workspace": "Empty"},
                 {"environment": "P", "include_plans": True}]
    out = run(reason="DB upgrade", selectors=selectors)
    sets = [c for c in tenant.calls if c[0] == "set"]
    assert sets == [("set", "plans", ["p1"], True, "DB upgrade " + MARKER, False),
                    ("set", "tasks", ["t1", "t4"], True, "DB upgrade " + MARKER, False)]
    assert len([c for c in tenant.calls if c[0] == "select"]) == 3, "an identical selector is read once"
    assert tenant.calls[1][1]["name"] is None and tenant.calls[1][1]["tags"] == ["sap"]
    assert out["selection_messages"][0].startswith('Window w1: selector {"workspace": "Empty"} selects no task')
    assert out["paused_task_ids"] == ["t2", "t1", "t4"] and out["paused_plan_ids"] == ["p1"]
    assert out["failed_ids"] == [] and out["error"] is None


def test_lost_answers_are_read_back_and_refused_ones_are_not(monkeypatch):
    tenant = Tenant(monkeypatch, [{"tasks": [summary("t1"), summary("t2"), summary("t3"), summary("t4")], "plans": []}],
                    failures={"t2": {"status": 503}, "t3": {"status": 403}, "t4": {"status": None}},
                    unchanged={"t1"}, read_back={"tasks": [summary("t2", True, "r " + MARKER)], "plans": []})
    out = run(selectors=[{"environment": "P"}])
    read = tenant.calls[-1]
    assert read == ("read back", "tasks", ["t1", "t2", "t4"])
    assert out["paused_task_ids"] == ["t2"] and out["failed_ids"] == ["t3", "t4"]
    assert out["counts"]["tasks"]["paused"] == 1 and out["counts"]["tasks"]["failed"] == 2


def test_check_mode_reads_nothing_back(monkeypatch):
    tenant = Tenant(monkeypatch, [{"tasks": [summary("t1")], "plans": []}], unchanged={"t1"})
    run(check_mode=True, selectors=[{"environment": "P"}])
    assert [c[0] for c in tenant.calls] == ["select", "set"] and tenant.calls[1][-1] is True


def test_a_selection_error_stops_the_phase_after_trying_every_selector(monkeypatch):
    tenant = Tenant(monkeypatch, [TalendConfigError("Unknown environment 'Prodution'."),
                                  {"tasks": [summary("t1")], "plans": []}])
    out = run(selectors=[{"environment": "Prodution"}, {"environment": "P"}])
    assert out["error"] == "Select the tasks (and plans) of each selector: Unknown environment 'Prodution'."
    assert not [c for c in tenant.calls if c[0] == "set"] and "Nothing was changed." in out["msg"]


def test_an_unknown_explicit_id_stops_the_phase(monkeypatch):
    Tenant(monkeypatch, [TalendApiError(404, "GET /t/x", "Not found")])
    out = run(task_ids=["x"])
    assert out["error"].startswith("Read the explicit tasks and plans: ")


def test_a_call_that_fails_as_a_whole_fails_every_id(monkeypatch):
    Tenant(monkeypatch, [{"tasks": [summary("t1"), summary("t2")], "plans": []}], raise_on="tasks")
    out = run(selectors=[{"environment": "P"}])
    assert out["failed_ids"] == ["t1", "t2"] and out["outcome"] == "failed"
    assert {f["message"] for f in out["failures"]} == {"no credentials"}


def test_resume_on_a_tenant_without_pause_details_in_lists_searches_the_scopes(monkeypatch):
    monkeypatch.setattr(S, "_search_account", lambda *args: None)
    tenant = Tenant(monkeypatch, [{"tasks": [summary("t1", True, MARKER)], "plans": [summary("p1", True, MARKER)]},
                                  {"tasks": [summary("t1", True, MARKER), summary("t2", True, MARKER),
                                             summary("t3", True, "see " + MARKER + " first")], "plans": []}],
                    unchanged={"t2"})
    out = run(phase="resume", selectors=[{"environment": "P", "name": "ignored"}], task_ids=["t1", "t2", "t3"])
    assert tenant.calls[0][1] == {"environment": "P", "workspace": None, "include_plans": True, "paused": True,
                                  "pause_context_contains": MARKER}
    sets = [c[1:] for c in tenant.calls if c[0] == "set"]
    context = "Resumed at the end of maintenance window w1"
    assert sets == [("tasks", ["t1", "t2"], False, context, False), ("plans", ["p1"], False, context, False)]
    assert out["resumed_task_ids"] == ["t1"] and out["resumed_plan_ids"] == ["p1"]
    assert out["counts"]["tasks"]["already_active"] == 1


@pytest.mark.parametrize("phase", ["pause", "resume"])
def test_no_selection_means_no_call(monkeypatch, phase):
    monkeypatch.setattr(S, "_search_account", lambda *args: None)
    tenant = Tenant(monkeypatch, [{"tasks": [], "plans": []}])
    out = run(phase=phase, selectors=[{"environment": "P"}])
    assert [c[0] for c in tenant.calls] == ["select"] and out["changed"] is False and not out.get("failed")
