# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: what processes of one controller share per API host, with real processes and emulators.

* The request window: tenants reached through one API host (however its URL is spelled) spend one
  budget; a tenant on another host has its own.
* The token cache: processes started together with one service account fetch one token.
"""

from __future__ import annotations

import json
import multiprocessing

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import PersonalAccessToken
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient, client_from_options
from e2ekit import DEMO_PAT, SAMPLE_DATA

TOKEN_ROUTE = "POST /security/oauth/token"
ENVIRONMENTS = "/orchestration/environments"
LIMIT = 6


class WouldWait(Exception):
    """Raised by the test's sleep: the limiter wanted to wait for the window to have room."""


def refuse_to_sleep(seconds):
    raise WouldWait(seconds)


def tenant_client(url, token, window_dir):
    return TalendClient(url, PersonalAccessToken(token), rate_limit=LIMIT, window_dir=window_dir,
                        sleep=refuse_to_sleep, retries=0)


def test_tenants_behind_one_api_host_share_its_window_and_another_host_has_its_own(emulator, second_emulator,
                                                                                   tmp_path):
    emulator.admin("POST", "config", json={"rate_limit_per_minute": LIMIT})
    second_emulator.admin("POST", "config", json={"rate_limit_per_minute": LIMIT})
    port = emulator.url.rsplit(":", 1)[1]
    window_dir = str(tmp_path / "windows")
    # two tenants (the demo and the finance token) on the first host, its URL spelled two ways
    tenant_a = tenant_client("http://127.0.0.1:%s" % port, DEMO_PAT, window_dir)
    tenant_b = tenant_client("http://LOCALHOST:%s/" % port, "emulator-finance-pat", window_dir)
    tenant_c = tenant_client(second_emulator.url, DEMO_PAT, window_dir)

    for dummy in range(LIMIT // 2):
        tenant_a.get(ENVIRONMENTS)
    for dummy in range(LIMIT // 2):
        tenant_b.get(ENVIRONMENTS)
    with pytest.raises(WouldWait) as waited:
        tenant_b.get(ENVIRONMENTS)  # the 7th request of the host waits for the window, whoever sends it
    assert waited.value.args[0] > 50
    with pytest.raises(WouldWait):
        tenant_a.get(ENVIRONMENTS)
    for dummy in range(LIMIT):
        tenant_c.get(ENVIRONMENTS)  # the other host: a full budget of its own, no wait

    first, second = emulator.requests_log(), second_emulator.requests_log()
    assert (first["total"], first["rateLimited"]) == (LIMIT, 0)
    assert (second["total"], second["rateLimited"]) == (LIMIT, 0)


def _one_process_of_the_account(url, client_id, secret, cache_dir, barrier, results):
    client = client_from_options({"api_url": url, "client_id": client_id, "client_secret": secret,
                                  "token_cache": True, "token_cache_dir": cache_dir, "retries": 0})
    barrier.wait(30)
    client.get(ENVIRONMENTS)
    results.put(client.auth.source)


def test_processes_started_together_with_one_service_account_fetch_one_token(emulator, tmp_path):
    account = next(a for a in json.loads(SAMPLE_DATA.read_text())["serviceAccounts"] if a["name"] == "maintenance-bot")
    # a slow token endpoint: without a lock, every process would find the cache empty and ask for its own token
    emulator.admin("POST", "faults", json={"delay_ms": 400, "count": 8, "path": "^/security/oauth/token$"})
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(8), context.Queue()
    processes = [context.Process(target=_one_process_of_the_account,
                                 args=(emulator.url, account["id"], account["secret"], str(tmp_path / "cache"),
                                       barrier, results)) for dummy in range(8)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0] * 8
    sources = sorted(results.get(timeout=5) for dummy in processes)
    log = emulator.requests_log()
    assert log["byRoute"].get(TOKEN_ROUTE) == 1
    assert log["byRoute"].get("GET " + ENVIRONMENTS) == 8
    assert sources == ["cache"] * 7 + ["endpoint"]
