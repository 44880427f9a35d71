# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: bad input to the maintenance_window role fails with a clear error before any request.

Every case runs through the real role in one ansible-playbook run (playbooks/bad_input.yml, one
block/rescue per case, so one startup for all cases); after each case the playbook reads the emulator's
count of public requests, which must still be 0.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from e2ekit import DEMO_PAT, ROOT, SAMPLE_DATA, Emulator, run_playbook

PLAYBOOK = ROOT / "tests" / "e2e" / "playbooks" / "bad_input.yml"
WINDOW = {"scheduled_from": "2027-11-28T05:00:00Z", "scheduled_to": "2027-11-28T06:00:00+01:00"}

# name: (role variables, environment of the modules, words the error must hold)
CASES = {
    "malformed_window_id": ({"maintenance_window_id": "CHG 0042"}, {}, ["not a valid window id", "CHG 0042"]),
    "window_id_with_path_characters": ({"maintenance_window_id": "../../etc/passwd"}, {},
                                       ["not a valid window id", "letters, digits"]),
    "task_id_with_path_characters": ({"maintenance_window_tasks": ["ba65d966494bab10a0f8f018", "../tasks/x"]}, {},
                                     ["invalid task or plan id", "../tasks/x", "Nothing was changed"]),
    "unknown_region": ({}, {"TALEND_API_URL": "", "TALEND_REGION": "mars-north-1"},
                       ["mars-north-1", "is not a Talend region", "api_url"]),
    "http_to_a_non_loopback_host": ({}, {"TALEND_API_URL": "http://api.eu.cloud.talend.com"},
                                    ["http:// on a non-loopback host", "https://"]),
    "scheduled_to_before_scheduled_from": (
        {"maintenance_window_selectors": [dict(WINDOW, environment="Production")]}, {},
        ["scheduled_to (2027-11-28T06:00:00+01:00) must be after scheduled_from (2027-11-28T05:00:00Z)"]),
    "scheduled_time_without_offset": (
        {"maintenance_window_selectors": [{"environment": "Production", "scheduled_from": "2026-11-29T01:00:00",
                                           "scheduled_to": "2026-11-29T05:00:00Z"}]}, {},
        ["2026-11-29T01:00:00", "UTC offset"]),
    "bad_window_after_a_good_selector": (
        {"maintenance_window_selectors": [{"workspace": "Finance"}, dict(WINDOW, environment="Production")]}, {},
        ["selector 2", "must be after"]),
    "missing_credentials": ({}, {"TALEND_TOKEN": ""}, ["No Talend Cloud credentials", "TALEND_TOKEN",
                                                       "TALEND_CLIENT_ID"]),
    "drain_interval_zero": ({"maintenance_window_drain": True, "maintenance_window_drain_interval": 0}, {},
                            ["maintenance_window_drain_interval 1 or more", "Nothing was changed"]),
    "selector_that_selects_the_whole_account": ({"maintenance_window_selectors": [{"include_plans": True}]}, {},
                                                ["would select every task of the account"]),
    "unknown_phase": ({"maintenance_window_phase": "unpause"}, {}, ["maintenance_window_phase", "unpause"]),
}


def playbook_env(url, tmp):
    """The environment of the ``ansible_env`` fixture, for a module-scoped run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALEND_", "ANSIBLE_"))}
    env.update({"ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".build" / "collections"),
                "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false", "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-local"),
                "ANSIBLE_HOME": str(tmp / "ansible-home"), "ANSIBLE_NOCOLOR": "true",
                "XDG_STATE_HOME": str(tmp / "xdg-state"), "TALEND_API_URL": url, "TALEND_TOKEN": DEMO_PAT,
                "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")})
    return env


@pytest.fixture(scope="module")
def outcomes(emulator_server, tmp_path_factory):
    """``{case name: {"message", "requests"}}`` from one run of every case against a fresh emulator."""
    emulator = Emulator(emulator_server.url)
    emulator.admin("POST", "reset", json={"data_path": str(SAMPLE_DATA)})
    tmp = tmp_path_factory.mktemp("bad-input")
    env = playbook_env(emulator.url, tmp)
    results = tmp / "results.json"
    cases = [{"name": name, "vars": role_vars, "env": case_env} for name, (role_vars, case_env, _w) in CASES.items()]
    run_playbook(env, PLAYBOOK, {"cases": cases, "emulator_url": emulator.url, "results_file": str(results)})
    return {r["name"]: r for r in json.loads(results.read_text())}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_with_a_clear_error_before_any_request(outcomes, case):
    words = CASES[case][2]
    outcome = outcomes[case]
    assert outcome["message"], "case %s was accepted" % case
    for word in words:
        assert word in outcome["message"], "%r not in the error of %s: %s" % (word, case, outcome["message"])
    assert outcome["requests"] == 0, "case %s sent requests before failing: %s" % (case, outcome["message"])
