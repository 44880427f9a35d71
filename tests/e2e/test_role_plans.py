# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: the maintenance_window role selects with tags, names, schedule windows and plans, pauses plans
as well as tasks with the window marker, resumes exactly them, and leaves what someone else paused alone."""

from __future__ import annotations

import json

import pytest

from e2ekit import ROOT, SAMPLE_DATA, run_playbook
from windowdata import FOREIGN_PLANS, FOREIGN_TASKS, INSIDE_PLANS, INSIDE_TASKS, WINDOW_FROM, WINDOW_TO, write_window_data

PLAYBOOK = ROOT / "playbooks" / "maintenance.yml"
WINDOW = "mw-1"
MARKER = "[maintenance-window:%s]" % WINDOW
REASON = "e2e plans"
FINANCE_WS = "90d1aed4a2e0b1f32e934232"
MONTH_END = "Finance Month-End Close"
FOREIGN_PLAN_CONTEXT = "Treasury freeze, see CHG-77"


def states(emulator):
    """``{id: (paused, pauseContext)}`` of every task and plan of the emulator."""
    state = emulator.state()
    out = {}
    for records, key in ((state["tasks"], "taskPauseDetails"), (state["plans"], "planPauseDetails")):
        for record in records:
            details = record.get(key) or {}
            out[record["id"]] = (bool(details.get("pause")), details.get("pauseContext"))
    return out


def plan_id(emulator, name):
    return next(p["id"] for p in emulator.state()["plans"] if p["name"] == name)


def window(phase, selectors=None, **extra):
    return dict({"maintenance_window_phase": phase, "maintenance_window_id": WINDOW,
                 "maintenance_window_reason": REASON, "maintenance_window_drain": False,
                 "maintenance_window_selectors": selectors if selectors is not None else []}, **extra)


def assert_only_these_changed(before, after, paused_ids):
    """``paused_ids`` went from active to paused with the marker; everything else is as before."""
    for record_id, state in before.items():
        if record_id in paused_ids:
            assert state[0] is False, "%s was paused before the window" % record_id
            assert after[record_id] == (True, "%s %s" % (REASON, MARKER)), record_id
        else:
            assert after[record_id] == state, "%s changed although the window does not hold it" % record_id


def assert_restored(before, after):
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}
    for record_id, (paused, context) in before.items():
        if paused:
            assert after[record_id] == (True, context), "%s paused by someone else lost its context" % record_id


@pytest.fixture
def window_data(emulator, tmp_path):
    emulator.admin("POST", "reset", json={"data_path": write_window_data(tmp_path / "window.json")})
    yield emulator
    emulator.admin("POST", "reset", json={"data_path": str(SAMPLE_DATA)})


def test_workspace_with_plans_pauses_and_resumes_plans_and_leaves_a_foreign_paused_plan_alone(emulator, ansible_env):
    month_end = plan_id(emulator, MONTH_END)
    emulator.admin("PUT", "plans/%s/pause-details" % month_end,
                   json={"pause": True, "pauseContext": FOREIGN_PLAN_CONTEXT, "user": "fin.lead@example.com"})
    state = emulator.state()
    finance_tasks = {t["id"] for t in state["tasks"] if t["workspaceId"] == FINANCE_WS}
    finance_plans = {p["id"] for p in state["plans"] if p["workspaceId"] == FINANCE_WS}
    assert month_end in finance_plans and len(finance_plans) > 1
    before = states(emulator)
    selectors = [{"workspace": "Finance", "include_plans": True}]

    out = run_playbook(ansible_env, PLAYBOOK, window("pause", selectors)).stdout
    expected = {i for i in finance_tasks | finance_plans if not before[i][0]}
    assert_only_these_changed(before, states(emulator), expected)
    assert FOREIGN_PLAN_CONTEXT in out, "the foreign-paused plan must be reported as left alone"

    out = run_playbook(ansible_env, PLAYBOOK, window("resume", selectors)).stdout
    assert_restored(before, states(emulator))
    assert states(emulator)[month_end] == (True, FOREIGN_PLAN_CONTEXT)
    assert "plan(s): Finance Intraday Reconciliation" in out


def test_explicit_plan_ids_are_paused_and_resumed(emulator, ansible_env):
    before = states(emulator)
    plans = sorted(p["id"] for p in emulator.state()["plans"] if not before[p["id"]][0])[:2]
    extra = {"maintenance_window_plans": plans}
    run_playbook(ansible_env, PLAYBOOK, window("pause", **extra))
    assert_only_these_changed(before, states(emulator), set(plans))
    run_playbook(ansible_env, PLAYBOOK, window("resume", **extra))
    assert_restored(before, states(emulator))


def test_plan_paused_by_mw_10_is_not_resumed_by_mw_1(emulator, ansible_env):
    month_end = plan_id(emulator, MONTH_END)
    emulator.admin("PUT", "plans/%s/pause-details" % month_end,
                   json={"pause": True, "pauseContext": "Quarter close [maintenance-window:mw-10]"})
    before = states(emulator)
    out = run_playbook(ansible_env, PLAYBOOK, window("resume", [{"workspace": "Finance"}],
                                                     maintenance_window_plans=[month_end])).stdout
    assert "nothing to resume for window mw-1" in out
    assert states(emulator) == before


def test_schedule_selector_pauses_exactly_what_runs_inside_and_resume_ignores_the_window(window_data, ansible_env):
    before = states(window_data)
    selectors = [{"environment": "Production", "scheduled_from": WINDOW_FROM, "scheduled_to": WINDOW_TO,
                  "include_plans": True}]
    run_playbook(ansible_env, PLAYBOOK, window("pause", selectors))
    assert_only_these_changed(before, states(window_data), (INSIDE_TASKS - FOREIGN_TASKS) | (INSIDE_PLANS - FOREIGN_PLANS))

    # the window has passed: a resume with another (empty) window still finds everything by its marker
    later = [{"environment": "Production", "scheduled_from": "2026-12-06T01:00:00Z", "scheduled_to": "2026-12-06T01:01:00Z"}]
    run_playbook(ansible_env, PLAYBOOK, window("resume", later))
    assert_restored(before, states(window_data))


def test_name_and_tag_selectors_pause_the_plans_that_run_their_tasks(emulator, ansible_env):
    state = emulator.state()
    sap = {t["id"] for t in state["tasks"] if "sap" in t["tags"] and t["workspaceId"] == FINANCE_WS}
    gl = [t["id"] for t in state["tasks"] if t["name"] == "Load SAP GL Entries to Snowflake" and t["workspaceId"] == FINANCE_WS]
    assert len(gl) == 1
    before = states(emulator)
    selectors = [{"workspace": "Finance", "tags": ["sap"], "include_plans": True},
                 {"environment": "Production", "name": "Load SAP GL Entries to Snowflake"}]
    run_playbook(ansible_env, PLAYBOOK, window("pause", selectors))
    plans_with_sap = {p["id"] for p in state["plans"] if p["workspaceId"] == FINANCE_WS
                      and sap & set((p.get("chart") or {}).get("taskIds") or [])}
    assert plans_with_sap == {plan_id(emulator, MONTH_END)}
    assert_only_these_changed(before, states(emulator), {i for i in sap | set(gl) | plans_with_sap if not before[i][0]})
    run_playbook(ansible_env, PLAYBOOK, window("resume", selectors))
    assert_restored(before, states(emulator))


def test_ambiguous_name_fails_listing_candidates_and_pauses_nothing(emulator, ansible_env):
    before = states(emulator)
    proc = run_playbook(ansible_env, PLAYBOOK, window("pause", [{"environment": "Production"},
                                                                {"name": "Sync Salesforce Accounts"}]), check=False)
    assert proc.returncode != 0
    assert "ambiguous" in proc.stdout and "Sales Ops" in proc.stdout and "Integration QA" in proc.stdout
    assert states(emulator) == before


def test_unknown_environment_fails_clearly_and_pauses_nothing(emulator, ansible_env):
    before = states(emulator)
    proc = run_playbook(ansible_env, PLAYBOOK, window("pause", [{"environment": "Prodution"}]), check=False)
    assert proc.returncode != 0 and "Unknown environment 'Prodution'" in proc.stdout
    assert states(emulator) == before


def test_bad_selectors_are_refused_before_any_request(emulator, ansible_env):
    emulator.admin("DELETE", "requests")
    for selectors, message in (([{"include_plans": True}], "would select every task"),
                               ([{"environment": "Production", "scheduled_from": WINDOW_FROM}],
                                "needs both scheduled_from and scheduled_to"),
                               ([{"environment": "Production", "tag": ["sap"]}], "tag"),
                               ([], "names nothing to pause")):
        proc = run_playbook(ansible_env, PLAYBOOK, window("pause", selectors), check=False)
        assert proc.returncode != 0 and message in proc.stdout, proc.stdout
    assert emulator.requests_log()["total"] == 0


def test_empty_selection_is_reported_by_selector(emulator, ansible_env):
    before = states(emulator)
    out = run_playbook(ansible_env, PLAYBOOK, window("pause", [{"environment": "Production", "tags": ["no-such-tag"]}])).stdout
    assert "no-such-tag" in out and "selects no task." in out
    assert "nothing to pause: the selectors and ids select no task and no plan" in out
    assert states(emulator) == before


def test_facts_hold_every_id_the_window_holds_paused_across_runs(emulator, ansible_env, tmp_path):
    playbook = tmp_path / "facts.yml"
    facts = tmp_path / "facts.json"
    playbook.write_text(
        "- hosts: localhost\n  connection: local\n  gather_facts: false\n"
        "  vars:\n    ansible_python_interpreter: '{{ ansible_playbook_python }}'\n"
        "  roles:\n    - talend_ops.cloud.maintenance_window\n"
        "  post_tasks:\n"
        "    - ansible.builtin.copy:\n"
        "        content: \"{{ {'tasks': maintenance_window_paused_task_ids, "
        "'plans': maintenance_window_paused_plan_ids} | to_json }}\"\n"
        "        dest: %s\n" % facts)
    before = states(emulator)
    selectors = [{"workspace": "Finance", "include_plans": True}]
    run_playbook(ansible_env, playbook, window("pause", selectors))
    first = json.loads(facts.read_text())
    held = {i for i, s in states(emulator).items() if s == (True, "%s %s" % (REASON, MARKER))}
    assert set(first["tasks"]) | set(first["plans"]) == held and first["plans"]
    run_playbook(ansible_env, playbook, window("pause", selectors))
    assert {k: set(v) for k, v in json.loads(facts.read_text()).items()} == {k: set(v) for k, v in first.items()}
    assert not any(before[i][0] for i in held)


def test_check_mode_pause_changes_nothing(emulator, ansible_env):
    before = states(emulator)
    out = run_playbook(ansible_env, PLAYBOOK, window("pause", [{"workspace": "Finance", "include_plans": True}]),
                       "--check").stdout
    assert "would pause" in out
    assert states(emulator) == before
