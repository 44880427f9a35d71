# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of one window phase in one process: selection, sorting, pause/resume calls, read-back, records.

A fake tenant stands in for ``select_executables`` and ``set_pause_states`` (their own tests cover HTTP).
"""

from __future__ import annotations

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window as W
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError, TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_report import LOST_ANSWER

MARKER = "[maintenance-window:w1]"


def summary(eid, paused=False, context=None, name=None):
    return {"id": eid, "name": name or "name-" + eid, "paused": paused, "pause_context": context, "pause_user": None,
            "pause_date": None, "environment": {"id": "e", "name": "E"}, "workspace": {"id": "w", "name": "W"},
            "tags": ["x"]}


class Tenant:
    """Fake ``select_executables`` / ``set_pause_states``: records the calls, answers from ``answers``."""

    def __init__(self, monkeypatch, selections, failures=None, unchanged=(), read_back=None, raise_on=None):
        self.selections, self.failures, self.unchanged = list(selections), failures or {}, set(unchanged)
        self.read_back, self.raise_on, self.calls = read_back or {"tasks": [], "plans": []}, raise_on, []
        monkeypatch.setattr(W, "select_executables", self.select)
        monkeypatch.setattr(W, "set_pause_states", self.set_states)

    def select(self, client, **kwargs):
        self.calls.append(("select", kwargs))
        if kwargs.get("pause_context_contains") and kwargs.get("task_ids") is not None and self.selections == []:
            return self.read_back
        answer = self.selections.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def set_states(self, client, kind, ids, paused, context, check_mode=False):
        self.calls.append(("set", kind.plural, list(ids), paused, context, check_mode))
        if self.raise_on == kind.plural:
            raise TalendConfigError("no credentials")
        entries = [{"id": i, "paused": paused, "previous_paused": not paused, "changed": i not in self.unchanged,
                    "pause_context": context} for i in ids if i not in self.failures]
        return entries, [dict(self.failures[i], id=i) for i in ids if i in self.failures]


def test_sort_selection_tells_the_window_from_someone_else_and_mw_1_from_mw_10():
    entries = [summary("a"), summary("b", True, "x " + MARKER), summary("c", True, "x [maintenance-window:w10]"),
               summary("d", True, None)]
    out = W.sort_selection(entries, MARKER)
    assert [e["id"] for e in out["to_pause"]] == ["a"]
    assert out["held"] == ["b"]
    assert [e["id"] for e in out["foreign"]] == ["c", "d"]


def test_resume_scopes_are_distinct_pairs_or_the_whole_account():
    assert W.resume_scopes([{"environment": "P"}, {"environment": "P", "tags": ["x"]}, {"workspace": "F"}]) == [
        ("P", ""), ("", "F")]
    assert W.resume_scopes([{"environment": "P"}, {"tags": ["x"]}]) == [("", "")]
    assert W.resume_scopes([]) == []


def test_slim_keeps_only_what_the_phase_and_report_use():
    assert W.slim([summary("a")]) == [{"id": "a", "name": "name-a", "paused": False, "pause_context": None,
                                       "pause_user": None, "pause_date": None}]


def test_pause_pauses_plans_then_tasks_with_the_marker_and_leaves_held_and_foreign_alone(monkeypatch):
    tenant = Tenant(monkeypatch, [
        {"tasks": [summary("t1"), summary("t2", True, "r " + MARKER), summary("t3", True, "vendor")],
         "plans": [summary("p1")]},
        {"tasks": [summary("t1"), summary("t4")], "plans": []},
        {"tasks": [], "plans": []},
    ])
    selectors = [{"environment": "P", "include_plans": True}, {"tags": ["sap"], "name": ""}, {"workspace": "Empty"}]
    out = W.run_pause(None, "w1", "DB upgrade", selectors, [], [])
    sets = [c for c in tenant.calls if c[0] == "set"]
    assert sets == [("set", "plans", ["p1"], True, "DB upgrade " + MARKER, False),
                    ("set", "tasks", ["t1", "t4"], True, "DB upgrade " + MARKER, False)]
    assert tenant.calls[1][1]["name"] is None and tenant.calls[1][1]["tags"] == ["sap"]
    assert out["selection"]["empty_selectors"] == [{"workspace": "Empty"}]
    assert [t["id"] for t in out["selection"]["tasks"]] == ["t1", "t2", "t3", "t4"]
    assert "environment" not in out["selection"]["tasks"][0]
    assert out["paused_task_ids"] == ["t2", "t1", "t4"] and out["paused_plan_ids"] == ["p1"]
    assert out["failed_ids"] == [] and out["error"] is None and out["tasks_at"] and out["plans_at"]


def test_lost_answers_are_read_back_and_refused_ones_are_not(monkeypatch):
    tenant = Tenant(monkeypatch, [{"tasks": [summary("t1"), summary("t2"), summary("t3"), summary("t4")], "plans": []}],
                    failures={"t2": {"status": 503}, "t3": {"status": 403}, "t4": {"status": None}},
                    unchanged={"t1"}, read_back={"tasks": [summary("t2", True, MARKER)], "plans": []})
    out = W.run_pause(None, "w1", "r", [{"environment": "P"}], [], [])
    read = tenant.calls[-1]
    assert read[0] == "select" and read[1]["task_ids"] == ["t1", "t2", "t4"] and read[1]["paused"] is True
    assert read[1]["pause_context_contains"] == MARKER
    assert out["confirmed"] == ["t2"] and out["paused_task_ids"] == ["t2"]
    assert out["failed_ids"] == ["t3", "t4"]
    records = {r["id"]: r["result"] for r in W.phase_run("pause", "w1", out, "2026-11-29T01:00:00Z")["tasks"]}
    assert records["t2"] == LOST_ANSWER and records["t3"] == "failed"


def test_check_mode_reads_nothing_back(monkeypatch):
    tenant = Tenant(monkeypatch, [{"tasks": [summary("t1")], "plans": []}], unchanged={"t1"})
    W.run_pause(None, "w1", "r", [{"environment": "P"}], [], [], check_mode=True)
    assert [c[0] for c in tenant.calls] == ["select", "set"] and tenant.calls[1][-1] is True


def test_a_selection_error_stops_the_phase_after_trying_every_selector(monkeypatch):
    tenant = Tenant(monkeypatch, [TalendConfigError("Unknown environment 'Prodution'."),
                                  {"tasks": [summary("t1")], "plans": []}])
    out = W.run_pause(None, "w1", "r", [{"environment": "Prodution"}, {"environment": "P"}], [], [])
    assert out["error"] == "Select the tasks (and plans) of each selector: Unknown environment 'Prodution'."
    assert out["selection"] is None and not [c for c in tenant.calls if c[0] == "set"]


def test_an_unknown_explicit_id_stops_the_phase(monkeypatch):
    Tenant(monkeypatch, [TalendApiError(404, "GET /t/x", "Not found")])
    out = W.run_pause(None, "w1", "r", [], ["x"], [])
    assert out["error"].startswith("Read the explicit tasks and plans: ")


def test_a_call_that_fails_as_a_whole_fails_every_id(monkeypatch):
    Tenant(monkeypatch, [{"tasks": [summary("t1"), summary("t2")], "plans": []}], raise_on="tasks")
    out = W.run_pause(None, "w1", "r", [{"environment": "P"}], [], [])
    assert out["tasks_result"] == {"failed": True, "msg": "no credentials", "changed": False}
    assert out["failed_ids"] == ["t1", "t2"]
    run = W.phase_run("pause", "w1", out, "2026-11-29T01:00:00Z")
    assert run["outcome"] == "failed" and {r["error"]["message"] for r in run["tasks"]} == {"no credentials"}


def test_resume_resumes_tasks_then_plans_that_carry_the_marker(monkeypatch):
    tenant = Tenant(monkeypatch, [{"tasks": [summary("t1", True, MARKER)], "plans": [summary("p1", True, MARKER)]},
                                  {"tasks": [summary("t1", True, MARKER), summary("t2", True, MARKER)], "plans": []}],
                    unchanged={"t2"})
    out = W.run_resume(None, "w1", [{"environment": "P", "name": "ignored"}], ["t1", "t2"], [])
    assert tenant.calls[0][1] == {"environment": "P", "workspace": None, "include_plans": True, "paused": True,
                                  "pause_context_contains": MARKER}
    sets = [c[1:] for c in tenant.calls if c[0] == "set"]
    context = "Resumed at the end of maintenance window w1"
    assert sets == [("tasks", ["t1", "t2"], False, context, False), ("plans", ["p1"], False, context, False)]
    assert out["resumed_task_ids"] == ["t1"] and out["resumed_plan_ids"] == ["p1"]
    assert W.phase_run("resume", "w1", out, "2026-11-29T01:00:00Z")["counts"]["tasks"]["already_active"] == 1


@pytest.mark.parametrize("phase", ["pause", "resume"])
def test_no_selection_means_no_call(monkeypatch, phase):
    tenant = Tenant(monkeypatch, [{"tasks": [], "plans": []}])
    out = W.run_pause(None, "w1", "r", [{"environment": "P"}], [], []) if phase == "pause" else \
        W.run_resume(None, "w1", [{"environment": "P"}], [], [])
    assert not [c for c in tenant.calls if c[0] == "set"] and out["tasks_result"] is None
