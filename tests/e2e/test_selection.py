# SPDX-License-Identifier: GPL-3.0-or-later
"""talend_task_info against the emulator: each filter, paging, pause details, errors, schedule windows, plans.

The module runs in-process (``main()`` with patched arguments) against the session's emulator, so each
filter is checked through the module's real HTTP path without the cost of an ``ansible-playbook`` run;
one test runs it through ``ansible-playbook`` for YAML timestamps.
"""

from __future__ import annotations

import json
import time

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.talend_ops.cloud.plugins.modules import talend_task_info
from e2ekit import DEMO_PAT, SAMPLE_DATA, run_playbook
from windowdata import (
    ENV_ID,
    FOREIGN_TASKS,
    INSIDE_PLANS,
    INSIDE_TASKS,
    WINDOW_FROM,
    WINDOW_TO,
    write_window_data,
)

FINANCE_WS = "90d1aed4a2e0b1f32e934232"


def info(emulator, capsys, **args):
    """Run talend_task_info with ``args`` against the emulator; returns ``(rc, result)``."""
    base = {"api_url": emulator.url, "token": DEMO_PAT, "rate_limit": 100000}
    with patch_module_args(dict(base, **args)):
        with pytest.raises(SystemExit) as code:
            talend_task_info.main()
    out = capsys.readouterr().out
    assert DEMO_PAT not in out
    return code.value.code, json.loads(out)


def ok(emulator, capsys, **args):
    rc, result = info(emulator, capsys, **args)
    assert rc == 0, result.get("msg")
    assert result["changed"] is False
    return result


def ids(entries):
    return {e["id"] for e in entries}


class Truth:
    """Expected answers computed from the emulator's stored state."""

    def __init__(self, emulator):
        state = emulator.state()
        self.envs = {e["name"]: e["id"] for e in state["environments"]}
        self.ws_env = {w["id"]: w["environmentId"] for w in state["workspaces"]}
        self.ws_by_name = {w["name"]: w["id"] for w in state["workspaces"]}
        self.tasks = state["tasks"]
        self.plans = state["plans"]

    def tasks_where(self, predicate):
        return {t["id"] for t in self.tasks if predicate(t)}

    def env_of(self, record):
        return self.ws_env[record["workspaceId"]]


@pytest.fixture
def window_data(emulator, tmp_path):
    """The emulator loaded with the hand-checked schedule data; the sample data is back afterwards."""
    emulator.admin("POST", "reset", json={"data_path": write_window_data(tmp_path / "window.json")})
    yield emulator
    emulator.admin("POST", "reset", json={"data_path": str(SAMPLE_DATA)})


def test_environment_by_name_or_id_selects_exactly_its_tasks(emulator, capsys):
    truth = Truth(emulator)
    expected = truth.tasks_where(lambda t: truth.env_of(t) == truth.envs["Production"])
    assert ids(ok(emulator, capsys, environment="Production")["tasks"]) == expected
    assert ids(ok(emulator, capsys, environment=truth.envs["Production"])["tasks"]) == expected


def test_workspace_by_name_or_id_selects_exactly_its_tasks(emulator, capsys):
    truth = Truth(emulator)
    expected = truth.tasks_where(lambda t: t["workspaceId"] == FINANCE_WS)
    by_name = ok(emulator, capsys, workspace="Finance")["tasks"]
    assert ids(by_name) == expected
    assert {(t["workspace"]["name"], t["environment"]["name"]) for t in by_name} == {("Finance", "Production")}
    assert ids(ok(emulator, capsys, workspace=FINANCE_WS, environment="Production")["tasks"]) == expected


def test_name_keeps_the_exact_task_although_the_api_matches_prefixes(emulator, capsys):
    raw = emulator.http.get(emulator.url + "/orchestration/executables/tasks",
                            params={"name": "Sync Salesforce Accounts"},
                            headers={"Authorization": "Bearer " + DEMO_PAT}).json()
    assert len({i["name"] for i in raw["items"]}) > 1, "the emulator must match names as prefixes, like live tenants"
    tasks = ok(emulator, capsys, name="Sync Salesforce Accounts", environment="Production")["tasks"]
    assert [t["name"] for t in tasks] == ["Sync Salesforce Accounts"]


def test_ambiguous_name_fails_listing_every_candidate(emulator, capsys):
    truth = Truth(emulator)
    same = truth.tasks_where(lambda t: t["name"] == "Sync Salesforce Accounts")
    assert len(same) == 2
    rc, result = info(emulator, capsys, name="Sync Salesforce Accounts")
    assert rc == 1 and "ambiguous" in result["msg"]
    assert all(task_id in result["msg"] for task_id in same)
    assert "Production" in result["msg"] and "Staging" in result["msg"]


def test_tags_must_all_match(emulator, capsys):
    truth = Truth(emulator)
    for tags in (["sap"], ["sap", "finance"], ["finance", "nightly", "critical"]):
        expected = truth.tasks_where(lambda t, tags=tags: set(tags) <= set(t["tags"]))
        assert expected, tags
        assert ids(ok(emulator, capsys, tags=tags)["tasks"]) == expected, tags
    prod_sap = truth.tasks_where(lambda t: "sap" in t["tags"] and truth.env_of(t) == truth.envs["Production"])
    assert ids(ok(emulator, capsys, tags=["sap"], environment="Production")["tasks"]) == prod_sap


@pytest.mark.parametrize("paused", [True, False])
def test_paused_filter_keeps_the_asked_state(emulator, capsys, paused):
    truth = Truth(emulator)
    expected = truth.tasks_where(lambda t: truth.env_of(t) == truth.envs["Production"]
                                 and bool((t.get("taskPauseDetails") or {}).get("pause")) == paused)
    assert expected
    assert ids(ok(emulator, capsys, environment="Production", paused=paused)["tasks"]) == expected


def test_pause_context_marker_with_closing_bracket_tells_mw_1_from_mw_10(emulator, capsys):
    truth = Truth(emulator)
    mw10 = truth.tasks_where(lambda t: "[maintenance-window:mw-10]" in ((t.get("taskPauseDetails") or {}).get("pauseContext") or ""))
    assert mw10
    assert ids(ok(emulator, capsys, pause_context_contains="[maintenance-window:mw-10]")["tasks"]) == mw10
    assert ok(emulator, capsys, pause_context_contains="[maintenance-window:mw-1]")["tasks"] == []


@pytest.mark.parametrize("list_carries_details", [True, False])
def test_tasks_with_and_without_pause_details_read_the_same(emulator, capsys, list_carries_details):
    emulator.admin("POST", "config", json={"list_includes_pause_details": list_carries_details})
    truth = Truth(emulator)
    emulator.admin("DELETE", "requests")
    tasks = {t["id"]: t for t in ok(emulator, capsys, workspace="Finance")["tasks"]}
    for stored in truth.tasks:
        if stored["workspaceId"] != FINANCE_WS:
            continue
        details = stored.get("taskPauseDetails")
        got = tasks[stored["id"]]
        assert got["paused"] is bool((details or {}).get("pause")), stored["name"]
        assert got["pause_context"] == (details or {}).get("pauseContext"), stored["name"]
        assert got["pause_user"] == (details or {}).get("user"), stored["name"]
    assert any("taskPauseDetails" not in t for t in truth.tasks if t["workspaceId"] == FINANCE_WS)
    detail_reads = emulator.requests_log()["byRoute"].get("GET /orchestration/executables/tasks/{taskId}", 0)
    assert (detail_reads == 0) if list_carries_details else (detail_reads == len(tasks))


def test_unknown_environment_fails_naming_the_known_ones_before_listing(emulator, capsys):
    emulator.admin("DELETE", "requests")
    rc, result = info(emulator, capsys, environment="Prodution")
    assert rc == 1 and "Unknown environment 'Prodution'" in result["msg"] and "Production" in result["msg"]
    routes = emulator.requests_log()["byRoute"]
    assert set(routes) == {"GET /orchestration/environments"}, routes


def test_paging_past_100_items_in_lists_searches_and_events(emulator, capsys):
    emulator.admin("POST", "tasks/generate", json={"count": 250, "workspace_id": FINANCE_WS, "tags": ["paging"],
                                                   "seed": "paging", "with_schedules": True})
    truth = Truth(emulator)
    in_finance = truth.tasks_where(lambda t: t["workspaceId"] == FINANCE_WS)
    assert len(in_finance) > 250
    assert ids(ok(emulator, capsys, workspace="Finance")["tasks"]) == in_finance
    tagged = ok(emulator, capsys, tags=["paging"])["tasks"]
    assert len(ids(tagged)) == 250
    # every generated task runs once a day: a 24-hour window holds 250+ events, over 3 pages
    day = ok(emulator, capsys, tags=["paging"], scheduled_from="2026-11-29T00:00:00Z",
             scheduled_to="2026-11-29T23:59:59Z")["tasks"]
    assert ids(day) == ids(tagged)
    routes = emulator.requests_log()["byRoute"]
    assert routes["POST /orchestration/executables/events/search"] >= 3


def test_ten_thousand_tasks_are_all_read(emulator, capsys):
    emulator.admin("POST", "tasks/generate", json={"count": 10000, "environment_id": "760e97a43a593fea2ecbbc16",
                                                   "seed": "tenk"})
    truth = Truth(emulator)
    expected = truth.tasks_where(lambda t: truth.env_of(t) == truth.envs["Production"])
    emulator.admin("DELETE", "requests")
    started = time.monotonic()
    tasks = ok(emulator, capsys, environment="Production")["tasks"]
    elapsed = time.monotonic() - started
    assert ids(tasks) == expected and len(tasks) > 10000
    pages = emulator.requests_log()["byRoute"]["GET /orchestration/executables/tasks"]
    assert pages == -(-len(expected) // 100)
    print("10k selection: %d tasks, %d pages, %.1f s" % (len(tasks), pages, elapsed))


def test_schedule_window_picks_exactly_the_runs_inside_it_across_offsets(window_data, capsys):
    result = ok(window_data, capsys, environment="Production", scheduled_from=WINDOW_FROM, scheduled_to=WINDOW_TO,
                include_plans=True)
    assert ids(result["tasks"]) == INSIDE_TASKS
    assert ids(result["plans"]) == INSIDE_PLANS


def test_schedule_window_of_a_workspace_uses_its_environment(window_data, capsys):
    result = ok(window_data, capsys, workspace="Ops", environment=ENV_ID, scheduled_from=WINDOW_FROM,
                scheduled_to=WINDOW_TO)
    assert ids(result["tasks"]) == INSIDE_TASKS


def test_schedule_window_without_scope_searches_every_environment_concerned(window_data, capsys):
    result = ok(window_data, capsys, tags=["window"], scheduled_from=WINDOW_FROM, scheduled_to=WINDOW_TO)
    assert ids(result["tasks"]) == INSIDE_TASKS | {"0000000000000000000t0012"}


def test_schedule_window_with_paused_false_leaves_out_foreign_paused_tasks(window_data, capsys):
    result = ok(window_data, capsys, environment="Production", scheduled_from=WINDOW_FROM, scheduled_to=WINDOW_TO,
                paused=False)
    assert ids(result["tasks"]) == INSIDE_TASKS - FOREIGN_TASKS


@pytest.mark.parametrize("bounds, message", [
    (("2026-11-29T01:00:00", "2026-11-29T05:00:00Z"), "no UTC offset"),
    (("2026-11-29T05:00:00Z", "2026-11-29T01:00:00Z"), "must be after"),
    (("Sunday 01:00", "2026-11-29T05:00:00Z"), "not an ISO 8601"),
])
def test_bad_window_fails_before_any_request(emulator, capsys, bounds, message):
    emulator.admin("DELETE", "requests")
    rc, result = info(emulator, capsys, environment="Production", scheduled_from=bounds[0], scheduled_to=bounds[1])
    assert rc == 1 and message in result["msg"]
    assert emulator.requests_log()["total"] == 0


def test_plans_of_a_workspace_and_plans_running_tagged_tasks(emulator, capsys):
    truth = Truth(emulator)
    in_finance = {p["id"] for p in truth.plans if p["workspaceId"] == FINANCE_WS}
    assert ids(ok(emulator, capsys, workspace="Finance", include_plans=True)["plans"]) == in_finance
    sap = truth.tasks_where(lambda t: "sap" in t["tags"])

    def runs(plan):
        step, found = plan.get("chart"), set()
        while step:
            found |= set(step.get("taskIds") or [])
            step = step.get("nextStep")
        return found

    expected = {p["id"] for p in truth.plans if runs(p) & sap}
    assert expected and expected != {p["id"] for p in truth.plans}
    assert ids(ok(emulator, capsys, tags=["sap"], include_plans=True)["plans"]) == expected


def test_explicit_plan_ids_return_pause_state(emulator, capsys):
    truth = Truth(emulator)
    paused = [p for p in truth.plans if (p.get("planPauseDetails") or {}).get("pause")]
    plan = paused[0]
    result = ok(emulator, capsys, plan_ids=[plan["id"]])
    assert result["tasks"] == []
    assert [(p["id"], p["paused"], p["pause_context"]) for p in result["plans"]] == [
        (plan["id"], True, plan["planPauseDetails"]["pauseContext"])]


def test_window_given_as_unquoted_yaml_timestamps_through_ansible_playbook(window_data, ansible_env, tmp_path):
    playbook = tmp_path / "info.yml"
    playbook.write_text(
        "- hosts: localhost\n  connection: local\n  gather_facts: false\n"
        "  vars:\n    ansible_python_interpreter: '{{ ansible_playbook_python }}'\n"
        "  tasks:\n"
        "    - talend_ops.cloud.talend_task_info:\n"
        "        environment: Production\n"
        "        scheduled_from: 2027-11-28T02:00:00+01:00\n"
        "        scheduled_to: 2027-11-27T21:00:00-08:00\n"
        "      register: selected\n"
        "    - ansible.builtin.copy:\n"
        "        content: \"{{ selected.tasks | map(attribute='id') | list | to_json }}\"\n"
        "        dest: %s\n" % (tmp_path / "ids.json"))
    run_playbook(ansible_env, playbook)
    assert set(json.loads((tmp_path / "ids.json").read_text())) == INSIDE_TASKS


def test_emulator_caps_every_page_at_100_items_like_the_api(emulator):
    emulator.admin("POST", "tasks/generate", json={"count": 150, "workspace_id": FINANCE_WS, "tags": ["cap"],
                                                   "seed": "cap", "with_schedules": True})
    headers = {"Authorization": "Bearer " + DEMO_PAT}
    base = emulator.url + "/orchestration/executables"
    answers = [
        emulator.http.get(base + "/tasks", params={"limit": 500}, headers=headers),
        emulator.http.post(base + "/tasks/search", json={"tags": ["cap"], "limit": 500}, headers=headers),
        emulator.http.post(base + "/events/search", json={"environmentId": "760e97a43a593fea2ecbbc16", "limit": 500,
                                                          "from": 1795910400000, "to": 1795996799000},
                           headers=headers),
    ]
    for answer in answers:
        body = answer.json()
        assert answer.status_code == 200 and len(body["items"]) == 100 and body["total"] > 100, answer.url
