# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: authentication that survives token expiry, clear auth errors, no secret in any output."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment
from e2ekit import ROOT, SAMPLE_DATA, run_playbook

PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"
MAINTENANCE = ROOT / "playbooks" / "maintenance.yml"
TOKEN_ROUTE = "POST /security/oauth/token"
ENVIRONMENTS_ROUTE = "GET /orchestration/environments"
AUTH_OPTIONS = {"region": "TALEND_REGION", "api_url": "TALEND_API_URL", "token": "TALEND_TOKEN",
                "client_id": "TALEND_CLIENT_ID", "client_secret": "TALEND_CLIENT_SECRET"}


def service_account(name="maintenance-bot"):
    """``(id, secret)`` of a service account of the emulator's sample data."""
    accounts = json.loads(SAMPLE_DATA.read_text())["serviceAccounts"]
    account = next(a for a in accounts if a["name"] == name)
    return account["id"], account["secret"]


def sa_env(ansible_env, account=None, **extra):
    """The run's environment with a service account instead of the PAT."""
    client_id, secret = account or service_account()
    env = {k: v for k, v in ansible_env.items() if k != "TALEND_TOKEN"}
    env.update({"TALEND_CLIENT_ID": client_id, "TALEND_CLIENT_SECRET": secret}, **extra)
    return env


def route_count(emulator, route):
    return emulator.requests_log()["byRoute"].get(route, 0)


def expiry_vars(emulator, how, include_pats=False):
    if how == "expire":
        return {"emulator_url": emulator.url, "expire_call": "tokens/expire",
                "expire_body": {"include_pats": include_pats}}
    return {"emulator_url": emulator.url, "expire_call": "clock", "expire_body": {"advance_seconds": 1860}}


def issued_tokens(emulator_server):
    """Every token the in-process emulator has issued (read-only look at its credentials store)."""
    return list(emulator_server.runtime.credentials._issued)  # pylint: disable=protected-access


# -- a token expires between two tasks -----------------------------------------------------------------

@pytest.mark.parametrize("how", ["expire", "clock"])
def test_service_account_play_survives_token_expiry_between_tasks(emulator, ansible_env, how):
    proc = run_playbook(sa_env(ansible_env), PLAYBOOKS / "auth_expiry.yml", expiry_vars(emulator, how))
    assert "failed=0" in proc.stdout
    assert route_count(emulator, TOKEN_ROUTE) == 2, "the second task must fetch a new token"
    tokens = emulator.state()["tokens"]
    assert tokens["issued"] == 2 and tokens["valid"] == 1, "the first token must really be expired"


def test_expired_pat_fails_with_a_clear_message(emulator, ansible_env):
    proc = run_playbook(ansible_env, PLAYBOOKS / "auth_expiry.yml", expiry_vars(emulator, "expire", include_pats=True),
                        check=False)
    assert proc.returncode != 0
    out = proc.stdout
    assert "List the Production tasks after the expiry" in out and "HTTP 401" in out
    for words in ("may have expired", "revoked", "another region", "127.0.0.1", "TALEND_CLIENT_ID"):
        assert words in out, words
    assert route_count(emulator, ENVIRONMENTS_ROUTE) == 2, "a PAT refused with 401 must not be retried"


def test_lookup_token_given_to_modules_is_fixed_and_fails_after_expiry_with_the_cache(emulator, ansible_env, tmp_path):
    """With the cache, the lookup hands the same token to every task: it cannot survive a server-side expiry."""
    env = sa_env(ansible_env, TALEND_TOKEN_CACHE="true", XDG_CACHE_HOME=str(tmp_path / "xdg"))
    playbook = tmp_path / "lookup_expiry.yml"
    playbook.write_text((PLAYBOOKS / "auth_expiry.yml").read_text().replace(
        "  tasks:\n",
        "  module_defaults:\n    group/talend_ops.cloud.talend:\n"
        "      token: \"{{ lookup('talend_ops.cloud.talend_token') }}\"\n  tasks:\n", 1))
    proc = run_playbook(env, playbook, expiry_vars(emulator, "expire"), check=False)
    assert proc.returncode != 0 and "may have expired" in proc.stdout
    assert route_count(emulator, TOKEN_ROUTE) == 1


# -- 401 handling ---------------------------------------------------------------------------------------

def fault_401(emulator, count):
    emulator.admin("POST", "faults", json={"status": 401, "count": count, "method": "GET",
                                           "path": "^/orchestration/environments$", "message": "Token expired"})


def test_one_401_with_a_service_account_gets_a_new_token_and_succeeds(emulator, ansible_env):
    fault_401(emulator, 1)
    run_playbook(sa_env(ansible_env), PLAYBOOKS / "auth_read.yml")
    assert route_count(emulator, TOKEN_ROUTE) == 2
    assert route_count(emulator, ENVIRONMENTS_ROUTE) == 2


def test_401_storm_gives_one_retry_then_says_credentials_or_region(emulator, ansible_env):
    fault_401(emulator, -1)
    proc = run_playbook(sa_env(ansible_env), PLAYBOOKS / "auth_read.yml", check=False)
    assert proc.returncode != 0
    assert route_count(emulator, TOKEN_ROUTE) == 2 and route_count(emulator, ENVIRONMENTS_ROUTE) == 2
    assert "A new service account token was refused too" in proc.stdout
    assert "client_id/client_secret" in proc.stdout and "127.0.0.1" in proc.stdout


@pytest.mark.parametrize("as_string", [True, False], ids=["expires_in_string", "expires_in_number"])
def test_expires_in_as_string_or_number_both_work(emulator, ansible_env, as_string):
    emulator.admin("POST", "config", json={"expires_in_as_string": as_string})
    run_playbook(sa_env(ansible_env), PLAYBOOKS / "auth_expiry.yml", expiry_vars(emulator, "clock"))
    assert route_count(emulator, TOKEN_ROUTE) == 2


def test_short_token_lifetime_is_renewed_between_tasks(emulator, ansible_env):
    emulator.admin("POST", "config", json={"token_lifetime_seconds": 60})
    vars_ = dict(expiry_vars(emulator, "clock"), expire_body={"advance_seconds": 61})
    run_playbook(sa_env(ansible_env), PLAYBOOKS / "auth_expiry.yml", vars_)
    assert emulator.state()["tokens"]["valid"] == 1


# -- errors before or at the first request --------------------------------------------------------------

def test_account_of_another_region_names_region_and_host(emulator, ansible_env):
    emulator.admin("POST", "config", json={"audience": "https://api.eu.cloud.talend.com"})
    proc = run_playbook(sa_env(ansible_env), PLAYBOOKS / "auth_read.yml", check=False)
    assert proc.returncode != 0
    assert "another region" in proc.stdout and "host 127.0.0.1" in proc.stdout and "TALEND_REGION" in proc.stdout


def test_unknown_pat_says_it_may_belong_to_another_region(emulator, ansible_env):
    env = dict(ansible_env, TALEND_TOKEN="pat-of-another-region")
    proc = run_playbook(env, PLAYBOOKS / "auth_read.yml", check=False)
    assert "another region than host 127.0.0.1" in proc.stdout


def test_no_credentials_fail_before_any_request_naming_both_ways(emulator, ansible_env):
    env = {k: v for k, v in ansible_env.items() if k != "TALEND_TOKEN"}
    proc = run_playbook(env, PLAYBOOKS / "auth_read.yml", check=False)
    for word in ("TALEND_TOKEN", "TALEND_CLIENT_ID", "TALEND_CLIENT_SECRET"):
        assert word in proc.stdout
    assert emulator.requests_log()["total"] == 0


def test_whole_token_json_pasted_as_token_is_refused_before_any_request(emulator, ansible_env):
    env = dict(ansible_env, TALEND_TOKEN='{"access_token": "abc", "token_type": "Bearer"}')
    proc = run_playbook(env, PLAYBOOKS / "auth_read.yml", check=False)
    assert "whole JSON answer" in proc.stdout and emulator.requests_log()["total"] == 0


# -- the lookup in a play -------------------------------------------------------------------------------

def test_lookup_with_cache_shares_one_token_across_tasks_in_a_private_file(emulator, ansible_env, tmp_path):
    client_id, secret = service_account()
    cache_home = tmp_path / "xdg"
    env = sa_env(ansible_env, TALEND_TOKEN_CACHE="true", XDG_CACHE_HOME=str(cache_home))
    token_file = tmp_path / "token.txt"
    run_playbook(env, PLAYBOOKS / "auth_lookup.yml", {"token_file": str(token_file)})
    assert route_count(emulator, TOKEN_ROUTE) == 1
    directory = cache_home / "talend_ops_cloud"
    # beside the token: the request window the play's module shared (counts only, see _tmc_ratewindow)
    windows = [path for path in directory.iterdir() if path.name.endswith(".window")]
    locks = [path for path in directory.iterdir() if path.name.endswith(".lock")]  # held from cache read to store
    (entry,) = [path for path in directory.iterdir() if path not in windows + locks]
    assert all(lock.read_text() == "" and lock.stat().st_mode & 0o777 == 0o600 for lock in locks)
    assert directory.stat().st_mode & 0o777 == 0o700 and entry.stat().st_mode & 0o777 == 0o600
    content = entry.read_text()
    assert token_file.read_text() in content
    assert secret not in content and client_id not in content and client_id not in entry.name
    for window in windows:
        counts = window.read_text()
        assert window.stat().st_mode & 0o777 == 0o600
        assert token_file.read_text() not in counts and secret not in counts and client_id not in counts


def test_lookup_without_cache_asks_for_a_token_each_time_and_writes_no_cache(emulator, ansible_env, tmp_path):
    env = sa_env(ansible_env, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    run_playbook(env, PLAYBOOKS / "auth_lookup.yml", {"token_file": str(tmp_path / "token.txt")})
    assert route_count(emulator, TOKEN_ROUTE) == 3
    # no token file; the play's module leaves only its request window (counts, no secret)
    files = [path.name for path in (tmp_path / "xdg").rglob("*") if path.is_file()]
    assert files and all(name.startswith("ratelimit-") and name.endswith(".window") for name in files)


# -- no token, secret or Basic header value anywhere -------------------------------------------------

def secret_values(emulator_server, client_id, secret):
    """``{what: value}`` that must never be shown: secrets, Basic header values, every issued token."""
    values = {"client secret": secret, "wrong secret": secret + "-wrong"}
    for what, pw in (("Basic header", secret), ("wrong Basic header", secret + "-wrong")):
        values[what] = base64.b64encode(("%s:%s" % (client_id, pw)).encode()).decode()
    values.update({"token %d" % i: t for i, t in enumerate(issued_tokens(emulator_server))})
    return values


def leaks_in(texts, values):
    return [(what, where) for where, text in texts.items() for what, value in values.items() if value in text]


def test_no_secret_token_or_basic_header_in_vvv_output_or_results(emulator, emulator_server, ansible_env, tmp_path):
    client_id, secret = service_account()
    # ansible-core 2.21 adds a module's (masked) arguments to its result only when asked (INJECT_INVOCATION, off by
    # default); earlier cores always do and ignore the variable. Asked here, so that -vvv shows them on every core.
    env = sa_env(ansible_env, TALEND_TOKEN_CACHE="true", XDG_CACHE_HOME=str(tmp_path / "xdg"),
                 ANSIBLE_INJECT_INVOCATION="true")
    window = {"maintenance_window_id": "vvv-window", "maintenance_window_drain": False,
              "maintenance_window_selectors": [{"environment": "Production"}]}
    token_file = tmp_path / "token.txt"
    outputs = [
        run_playbook(env, MAINTENANCE, dict(window, maintenance_window_phase="pause"), "-vvv"),
        run_playbook(env, PLAYBOOKS / "auth_lookup.yml", {"token_file": str(token_file)}, "-vvv"),
        run_playbook(env, PLAYBOOKS / "auth_expiry.yml", expiry_vars(emulator, "expire"), "-vvv"),
        run_playbook(env, MAINTENANCE, dict(window, maintenance_window_phase="resume"), "-vvv"),
    ]
    fault_401(emulator, -1)
    outputs.append(run_playbook(env, PLAYBOOKS / "auth_read.yml", None, "-vvv", check=False))
    emulator.admin("DELETE", "faults")
    outputs.append(run_playbook(sa_env(env, (client_id, secret + "-wrong")), PLAYBOOKS / "auth_read.yml", None,
                                "-vvv", check=False))
    assert outputs[-1].returncode != 0 and outputs[-2].returncode != 0
    assert "HTTP 401" in outputs[-1].stdout and "HTTP 401" in outputs[-2].stdout

    texts = {"run %d" % i: proc.stdout + proc.stderr for i, proc in enumerate(outputs)}
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in texts["run 1"], "-vvv must show the (masked) module arguments"
    values = secret_values(emulator_server, client_id, secret)
    assert len(values) >= 4 + 5 and token_file.read_text() in values.values()
    assert not leaks_in(texts, values)


def test_window_report_files_hold_no_secret_and_no_token(emulator, emulator_server, ansible_env, tmp_path):
    client_id, secret = service_account()
    reports = tmp_path / "reports"
    window = {"maintenance_window_id": "report-window", "maintenance_window_drain": False,
              "maintenance_window_selectors": [{"environment": "Production"}],
              "maintenance_window_report_dir": str(reports)}
    for phase in ("pause", "resume"):
        run_playbook(sa_env(ansible_env), MAINTENANCE, dict(window, maintenance_window_phase=phase))
    report_files = sorted(p for p in reports.rglob("*") if p.is_file())
    assert report_files, "the role wrote no report"
    texts = {str(p): p.read_text() for p in report_files}
    assert not leaks_in(texts, secret_values(emulator_server, client_id, secret))


# -- AWX: the credential type's environment, pause and resume as separate jobs hours apart ------------

def awx_env(ansible_env, inputs):
    """The environment AWX gives a job with a Talend Cloud credential of ``inputs`` (empty fields render as '')."""
    credential_type = yaml.safe_load((ROOT / "extensions" / "awx" / "credential_type.yml").read_text())
    namespace = {f["id"]: inputs.get(f["id"], "") for f in credential_type["inputs"]["fields"]}
    sandbox = ImmutableSandboxedEnvironment()
    env = {k: v for k, v in ansible_env.items() if not k.startswith("TALEND_")}
    env.update({name: sandbox.from_string(template).render(**namespace)
                for name, template in credential_type["injectors"]["env"].items()})
    return env


def test_awx_pause_and_resume_jobs_hours_apart_with_a_service_account_credential(emulator, ansible_env):
    client_id, secret = service_account()
    env = awx_env(ansible_env, {"talend_api_url": emulator.url, "talend_client_id": client_id,
                                "talend_client_secret": secret})
    assert env["TALEND_TOKEN"] == "" and env["TALEND_REGION"] == ""
    window = {"maintenance_window_id": "awx-window", "maintenance_window_drain": False,
              "maintenance_window_selectors": [{"environment": "Production"}]}
    marker = "[maintenance-window:awx-window]"

    def marked():
        return {tid for tid, t in emulator.tasks().items()
                if (t.get("taskPauseDetails") or {}).get("pause") and marker in (t["taskPauseDetails"].get("pauseContext") or "")}

    run_playbook(env, MAINTENANCE, dict(window, maintenance_window_phase="pause"))
    assert marked(), "the pause job paused nothing"
    emulator.admin("POST", "clock", json={"advance_seconds": 4 * 3600})
    run_playbook(env, MAINTENANCE, dict(window, maintenance_window_phase="resume"))
    assert not marked()
    tokens = emulator.state()["tokens"]
    assert tokens["issued"] > tokens["valid"] >= 1, "the resume job must have used tokens of its own"


# -- documentation --------------------------------------------------------------------------------------

def ansible_doc(ansible_env, *args):
    cmd = [str(Path(sys.executable).parent / "ansible-doc"), "--json", *args]
    proc = subprocess.run(cmd, env=ansible_env, capture_output=True, text=True, timeout=120, check=True)
    return next(iter(json.loads(proc.stdout).values()))["doc"]


def test_lookup_doc_shows_every_auth_option_with_its_env_variable_and_play_variable(ansible_env):
    options = ansible_doc(ansible_env, "-t", "lookup", "talend_ops.cloud.talend_token")["options"]
    for option, env in AUTH_OPTIONS.items():
        assert [e["name"] for e in options[option]["env"]] == [env], option
        assert [v["name"] for v in options[option]["vars"]] == ["talend_" + option], option
    assert options["token_cache"]["default"] is False


@pytest.mark.parametrize("module", ["talend_task_pause", "talend_task_info"])
def test_module_doc_names_the_env_variable_of_every_auth_option(ansible_env, module):
    options = ansible_doc(ansible_env, "talend_ops.cloud." + module)["options"]
    for option, env in AUTH_OPTIONS.items():
        assert "E(%s)" % env in " ".join(options[option]["description"]), option
