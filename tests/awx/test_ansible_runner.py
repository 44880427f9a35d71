# SPDX-License-Identifier: GPL-3.0-or-later
"""AWX the way AWX runs it: the example workflow of extensions/awx, pause job then resume job, through
ansible-runner (transmit, worker, process) with the Talend Cloud credential type's env injectors.

The module fixture runs the workflow's success path once: the pause job, then (the approval granted four
emulator hours later) the resume job, each in its own control and worker private data directories, with a
service account credential. The tests then look at the runs, the emulator's state and every file written.
"""

from __future__ import annotations

import base64
import json
import os
import re

import pytest
import yaml

from awxjob import (HIDDEN_PASSWORD, ROOT, credential_env, job_extra_vars, job_template, load_awx, run_job,
                    survey_answers, workflow_success_path)
from e2ekit import SAMPLE_DATA, Emulator

WINDOW_ID = "CHG0042"
REASON = "Snowflake upgrade"
MARKER_CONTEXT = "%s [maintenance-window:%s]" % (REASON, WINDOW_ID)
RESUME_CONTEXT = "Resumed at the end of maintenance window %s" % WINDOW_ID
ROLE_SPEC = yaml.safe_load((ROOT / "roles" / "maintenance_window" / "meta" / "argument_specs.yml").read_text())
ROLE_OPTIONS = ROLE_SPEC["argument_specs"]["main"]["options"]


def service_account():
    """``(id, secret)`` of the sample data's maintenance-bot service account."""
    account = next(a for a in json.loads(SAMPLE_DATA.read_text())["serviceAccounts"] if a["name"] == "maintenance-bot")
    return account["id"], account["secret"]


def pause_states(emulator):
    """``{id: (paused, pauseContext)}`` of every task and plan, and the ids of those in Production."""
    state = emulator.state()
    production = {e["id"] for e in state["environments"] if e["name"] == "Production"}
    workspaces = {w["id"] for w in state["workspaces"] if w["environmentId"] in production}
    tasks, items = state["tasks"], state["tasks"] + state["plans"]
    states = {}
    for item in items:
        details = item.get("taskPauseDetails") or item.get("planPauseDetails") or {}
        states[item["id"]] = (bool(details.get("pause")), details.get("pauseContext"))
    return states, {i["id"] for i in items if i["workspaceId"] in workspaces}, {t["id"] for t in tasks}


@pytest.fixture(scope="module")
def awx_window(emulator_server, tmp_path_factory):
    """Run the workflow's jobs once: ``{"pause": JobRun, "resume": JobRun, states..., "secrets", ...}``."""
    emulator = Emulator(emulator_server.url)
    emulator.admin("POST", "reset")
    emulator.admin("POST", "clock", json={"advance_seconds": 7200})  # the sample's runs in flight have ended
    client_id, secret = service_account()
    env, safe_env = credential_env({"talend_api_url": emulator.url, "talend_client_id": client_id,
                                    "talend_client_secret": secret})
    workflow = load_awx("workflow.yml")["workflow_job_templates"][0]
    launch = {"maintenance_window_id": WINDOW_ID, "maintenance_window_reason": REASON}
    workflow_vars = survey_answers(workflow["survey_spec"], launch)
    record = {"safe_env": safe_env, "states": [pause_states(emulator)]}
    jobs_dir = tmp_path_factory.mktemp("awx-jobs")
    with pytest.MonkeyPatch.context() as patch:
        for name in [k for k in os.environ if k.startswith("TALEND_")]:
            patch.delenv(name)
        job_id, artifacts = 4200, {}
        for node in workflow_success_path(workflow):
            if node["unified_job_template"]["type"] == "workflow_approval":
                emulator.admin("POST", "clock", json={"advance_seconds": 4 * 3600})  # the maintenance, then approval
                continue
            job_id += 1
            template = job_template(node["unified_job_template"]["name"])
            # AWX hands a node the set_stats artifacts of the jobs before it; the workflow's variables win.
            extra_vars = job_extra_vars(template, dict(artifacts, **workflow_vars), job_id)
            job_dir = jobs_dir / ("job-%d" % job_id)
            record[extra_vars["maintenance_window_phase"]] = run_job(job_dir, job_id, template, extra_vars, env)
            record["states"].append(pause_states(emulator))
            artifacts.update(record[extra_vars["maintenance_window_phase"]].stats().get("artifact_data") or {})
            record.setdefault("extra_vars", []).append(extra_vars)
    issued = list(emulator_server.runtime.credentials._issued)  # pylint: disable=protected-access
    record.update(jobs_dir=jobs_dir, injected=env, issued=issued,
                  secrets=dict({"client secret": secret,
                                "Basic header": base64.b64encode(("%s:%s" % (client_id, secret)).encode()).decode()},
                               **{"token %d" % i: t for i, t in enumerate(issued)}))
    return record


# -- the runs --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("phase", ["pause", "resume"])
def test_job_succeeds_with_a_full_event_stream(awx_window, phase):
    run = awx_window[phase]
    assert (run.status, run.rc) == ("successful", 0), [e.get("stdout") for e in run.events][-20:]
    assert run.statuses[0] == "starting" and run.statuses[-1] == "successful"
    assert {"playbook_on_start", "playbook_on_play_start", "runner_on_ok", "playbook_on_stats"} <= {
        e.get("event") for e in run.events}
    stats = run.stats()
    assert stats["failures"] == {} and stats["dark"] == {} and stats["changed"].get("localhost", 0) >= 1
    assert sorted((run.control_dir / "artifacts" / str(run.events[0]["runner_ident"]) / "job_events").iterdir())


def test_pause_job_reports_in_its_events_how_many_tasks_and_plans_it_paused(awx_window):
    before, production, task_ids = awx_window["states"][0]
    active = {i for i in production if not before[i][0]}
    messages = [r["msg"] for r in awx_window["pause"].task_results("Say what was paused")]
    assert len(messages) == 1
    match = re.search(r"Window %s: paused (\d+) task\(s\).* and (\d+) plan\(s\)" % WINDOW_ID, messages[0])
    assert match, messages[0]
    assert (int(match.group(1)), int(match.group(2))) == (len(active & task_ids), len(active - task_ids))
    assert int(match.group(1)) >= 20


def test_resume_job_reports_in_its_events_what_it_resumed(awx_window):
    paused = {i for i, (is_paused, context) in awx_window["states"][1][0].items() if context == MARKER_CONTEXT}
    task_ids = awx_window["states"][0][2]
    messages = [r["msg"] for r in awx_window["resume"].task_results("Say what was resumed")]
    assert len(messages) == 1
    assert re.search(r"Window %s: resumed %d task\(s\).* and %d plan\(s\)" % (
        WINDOW_ID, len(paused & task_ids), len(paused - task_ids)), messages[0]), messages[0]


# -- the emulator's state, task by task ------------------------------------------------------------------

def test_pause_job_pauses_every_active_production_task_and_plan_with_the_window_marker(awx_window):
    before, production, dummy = awx_window["states"][0]
    after = awx_window["states"][1][0]
    wrong = {}
    for item_id, state in before.items():
        expected = (True, MARKER_CONTEXT) if item_id in production and not state[0] else state
        if after[item_id] != expected:
            wrong[item_id] = (state, after[item_id])
    assert not wrong, "expected paused with %r in Production, unchanged elsewhere: %s" % (MARKER_CONTEXT, wrong)


def test_resume_job_brings_back_exactly_what_the_pause_job_paused(awx_window):
    before, dummy, dummy_ids = awx_window["states"][0]
    paused, after = awx_window["states"][1][0], awx_window["states"][2][0]
    wrong = {}
    for item_id, state in before.items():
        expected = (False, RESUME_CONTEXT) if paused[item_id] == (True, MARKER_CONTEXT) else state
        if after[item_id] != expected:
            wrong[item_id] = (state, after[item_id])
    assert not wrong, wrong
    assert sum(1 for s in before.values() if s[0]) >= 3, "the sample must hold tasks paused by others"


def test_pause_job_hands_the_window_id_to_the_resume_job_through_workflow_artifacts(awx_window):
    artifacts = awx_window["pause"].stats().get("artifact_data") or {}
    assert artifacts.get("maintenance_window_id") == WINDOW_ID
    assert awx_window["extra_vars"][1]["maintenance_window_id"] == WINDOW_ID
    assert awx_window["extra_vars"][1]["maintenance_window_phase"] == "resume"


def test_resume_job_used_a_token_of_its_own_hours_after_the_pause(awx_window):
    assert len(awx_window["issued"]) >= 2


# -- secrets ---------------------------------------------------------------------------------------------

def test_credential_secret_fields_are_hidden_in_the_job_environment_awx_shows(awx_window):
    assert awx_window["safe_env"]["TALEND_CLIENT_SECRET"] == HIDDEN_PASSWORD
    assert awx_window["injected"]["TALEND_CLIENT_SECRET"] != HIDDEN_PASSWORD
    assert awx_window["safe_env"]["TALEND_TOKEN"] == "" and awx_window["injected"]["TALEND_TOKEN"] == ""


def test_no_secret_or_token_in_any_file_of_either_job(awx_window):
    """Every file under both jobs' control and worker directories (artifacts, job events, stdout, env/, project).

    One exception, ansible-runner's own: ``artifacts/<id>/command`` records the process environment, and so the
    injected ``TALEND_*`` values (AWX deletes the directory after the job). Those entries are dropped before the
    check; anything else in that file is checked like every other file.
    """
    files = [p for p in awx_window["jobs_dir"].rglob("*") if p.is_file() and not p.is_symlink()]
    assert len(files) > 50 and any(p.parent.name == "job_events" for p in files)
    secrets = awx_window["secrets"]
    assert len(secrets) >= 4
    leaks = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        if path.name == "command" and path.parent.parent.name == "artifacts":
            record = json.loads(text)
            assert record["env"]["TALEND_CLIENT_SECRET"] == awx_window["injected"]["TALEND_CLIENT_SECRET"]
            record["env"] = {k: v for k, v in record["env"].items() if k not in awx_window["injected"]}
            text = json.dumps(record)
        leaks += [(what, str(path.relative_to(awx_window["jobs_dir"]))) for what, value in secrets.items()
                  if value in text]
    assert not leaks


# -- the job templates and the workflow ------------------------------------------------------------------

def test_workflow_success_path_is_pause_then_approval_then_resume():
    workflow = load_awx("workflow.yml")["workflow_job_templates"][0]
    path = [(n["unified_job_template"]["type"], n["unified_job_template"]["name"])
            for n in workflow_success_path(workflow)]
    assert [kind for kind, dummy in path] == ["job_template", "workflow_approval", "job_template"]
    assert [job_template(name)["extra_vars"]["maintenance_window_phase"] for kind, name in path
            if kind == "job_template"] == ["pause", "resume"]


def test_failed_pause_leads_to_an_approval_before_any_resume():
    nodes = {n["identifier"]: n for n in load_awx("workflow.yml")["workflow_job_templates"][0]["workflow_nodes"]}
    pause = next(n for n in nodes.values() if n["unified_job_template"].get("name") == "Talend maintenance: pause")
    failure_children = [nodes[c["identifier"]] for c in pause["related"]["failure_nodes"]]
    assert [n["unified_job_template"]["type"] for n in failure_children] == ["workflow_approval"]
    assert [nodes[c["identifier"]]["unified_job_template"]["name"] for c in failure_children[0]["related"]["success_nodes"]
            ] == ["Talend maintenance: resume"]
    assert all(not n["related"]["always_nodes"] for n in nodes.values())


def test_template_and_workflow_variables_are_role_options_with_allowed_values():
    templates = load_awx("job_templates.yml")["job_templates"] + load_awx("workflow.yml")["workflow_job_templates"]
    for template in templates:
        questions = template["survey_spec"]["spec"]
        for var, value in dict(template.get("extra_vars") or {}, **{q["variable"]: q["default"] for q in questions}).items():
            assert var in ROLE_OPTIONS, "%s: %s is not a variable of the role" % (template["name"], var)
            if "choices" in ROLE_OPTIONS[var] and value:
                assert value in ROLE_OPTIONS[var]["choices"], (template["name"], var, value)
        for question in questions:
            if question["type"] == "multiplechoice":
                assert question["choices"] == ROLE_OPTIONS[question["variable"]]["choices"], question["variable"]
        window_id = next(q for q in questions if q["variable"] == "maintenance_window_id")
        assert window_id["required"] and window_id["max"] == 64


def test_survey_refuses_a_launch_without_window_id_and_a_choice_not_offered():
    spec = job_template("Talend maintenance: pause")["survey_spec"]
    with pytest.raises(ValueError, match="required"):
        survey_answers(spec, {})
    with pytest.raises(ValueError, match="not one of"):
        survey_answers(spec, {"maintenance_window_id": WINDOW_ID, "maintenance_window_drain_on_timeout": "wait"})
    assert survey_answers(spec, {"maintenance_window_id": WINDOW_ID})["maintenance_window_drain_on_timeout"] == "fail"


def test_job_template_playbook_is_the_collection_playbook():
    for name in ("Talend maintenance: pause", "Talend maintenance: resume"):
        assert (ROOT / job_template(name)["playbook"]).resolve() == (ROOT / "playbooks" / "maintenance.yml").resolve()
