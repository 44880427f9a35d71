# SPDX-License-Identifier: GPL-3.0-or-later
"""AWX the way AWX runs it, with several tenants: the pause and resume job templates of extensions/awx/tenants.yml
on its inventory "Talend tenants" (two emulators as the tenants finance-eu and sales-us), each tenant's credential
of its own credential type (AWX attaches one credential of each type to a job), through ansible-runner.
"""

from __future__ import annotations

import json

import pytest

from awxjob import credential_env, inventory_script_data, job_extra_vars, load_awx, run_job
from e2ekit import DEMO_PAT, SAMPLE_DATA, Emulator
from invariants import assert_window_invariant, selection_of, snapshot

WINDOW_ID = "CHG0077"


def objects():
    return load_awx("tenants.yml")


def tenant_credentials(tenants):
    """The env of the job's two tenant credentials (``env``, ``safe_env``), as AWX injects them."""
    account = next(a for a in json.loads(SAMPLE_DATA.read_text())["serviceAccounts"] if a["name"] == "maintenance-bot")
    inputs = {"Talend Cloud: finance-eu": {"talend_api_url": tenants["finance-eu"].url,
                                           "talend_client_id": account["id"], "talend_client_secret": account["secret"]},
              "Talend Cloud: sales-us": {"talend_api_url": tenants["sales-us"].url, "talend_token": DEMO_PAT}}
    types = {t["name"]: t for t in objects()["credential_types"]}
    env, safe_env = {}, {}
    for credential in objects()["credentials"]:
        one, safe = credential_env(inputs[credential["name"]], types[credential["credential_type"]])
        assert not set(one) & set(env), "two credentials of a job inject the same variable"
        env.update(one)
        safe_env.update(safe)
    return env, safe_env


@pytest.fixture(scope="module")
def second_emulator_server():
    from tmc_emulator.server import start_in_thread

    handle = start_in_thread(data_path=str(SAMPLE_DATA))
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def tenants_window(emulator_server, second_emulator_server, tmp_path_factory):
    """Run the tenants' pause job then their resume job once; the runs and each tenant's states."""
    tenants = {"finance-eu": Emulator(emulator_server.url), "sales-us": Emulator(second_emulator_server.url)}
    for emulator in tenants.values():
        emulator.admin("POST", "reset")
        emulator.admin("POST", "clock", json={"advance_seconds": 7200})  # the sample's runs in flight have ended
    env, safe_env = tenant_credentials(tenants)
    data = objects()
    inventory = inventory_script_data(data["groups"], data["hosts"])
    templates = {t["extra_vars"]["maintenance_window_phase"]: t for t in data["job_templates"]}
    record = {"before": {name: snapshot(emu) for name, emu in tenants.items()}, "tenants": tenants, "env": env,
              "safe_env": safe_env, "after": {}}
    jobs_dir = tmp_path_factory.mktemp("awx-tenant-jobs")
    with pytest.MonkeyPatch.context() as patch:
        for name in [k for k in __import__("os").environ if k.startswith("TALEND_")]:
            patch.delenv(name)
        for job_id, phase in ((4301, "pause"), (4302, "resume")):
            extra_vars = job_extra_vars(templates[phase], {"maintenance_window_id": WINDOW_ID}, job_id)
            extra_vars["maintenance_window_drain"] = False
            record[phase] = run_job(jobs_dir / ("job-%d" % job_id), job_id, templates[phase], extra_vars, env,
                                    inventory=inventory)
            record["after"][phase] = {name: snapshot(emu) for name, emu in tenants.items()}
    record["jobs_dir"] = jobs_dir
    return record


def test_every_tenant_has_its_own_credential_type_and_injected_variables():
    data = objects()
    types = [t["name"] for t in data["credential_types"]]
    assert len(types) == len(set(types)) == len(data["credentials"]) == len(data["hosts"])
    assert sorted(c["credential_type"] for c in data["credentials"]) == sorted(types)
    for template in data["job_templates"]:
        assert sorted(template["credentials"]) == sorted(c["name"] for c in data["credentials"])
        assert template["inventory"] == data["inventories"][0]["name"]
    for host in data["hosts"]:
        prefix = "TALEND_%s_" % host["name"].upper().replace("-", "_")
        for option in ("region", "api_url", "token", "client_id", "client_secret"):
            assert prefix + option.upper() in host["variables"]["talend_" + option]


def test_the_pause_job_pauses_both_tenants_and_the_resume_job_brings_them_back(tenants_window):
    for phase in ("pause", "resume"):
        assert tenants_window[phase].status == "successful", tenants_window[phase].stdout()
    for name, emulator in tenants_window["tenants"].items():
        before = tenants_window["before"][name]
        selected = selection_of(before, emulator.state(), environment_names={"Production"})
        assert_window_invariant(before, tenants_window["after"]["pause"][name], WINDOW_ID, "paused", selected=selected)
        assert_window_invariant(before, tenants_window["after"]["resume"][name], WINDOW_ID, "resumed")


def test_both_tenants_ran_in_the_one_job_each_as_a_host(tenants_window):
    for phase in ("pause", "resume"):
        hosts = {e["event_data"].get("host") for e in tenants_window[phase].events if e.get("event") == "runner_on_ok"}
        assert {"finance-eu", "sales-us"} <= hosts, phase


def test_no_secret_or_token_is_in_any_file_the_jobs_leave(tenants_window):
    secrets = [v for k, v in tenants_window["env"].items() if k.endswith(("_TOKEN", "_CLIENT_SECRET")) and v]
    assert len(secrets) == 2
    assert all(v == "**********" for k, v in tenants_window["safe_env"].items() if k.endswith(("_TOKEN", "_SECRET")) and v)
    for path in tenants_window["jobs_dir"].rglob("*"):
        if path.is_file() and not path.is_symlink():
            text = path.read_bytes().decode("utf-8", "replace")
            if path.name == "command" and path.parent.parent.name == "artifacts":
                # ansible-runner records the process environment there (AWX deletes the directory after the job)
                record = json.loads(text)
                record["env"] = {k: v for k, v in record["env"].items() if k not in tenants_window["env"]}
                text = json.dumps(record)
            for secret in secrets:
                assert secret not in text, "a secret is in %s" % path
