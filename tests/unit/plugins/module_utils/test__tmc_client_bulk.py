# SPDX-License-Identifier: GPL-3.0-or-later
"""The bulk path against a real HTTP server (the emulator in a thread): connection reuse and request counts."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import PersonalAccessToken
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_pause import set_pause_states

BENCH_DATA = Path(__file__).resolve().parents[4] / "bench" / "data" / "bench.json"


@pytest.fixture(scope="module")
def emulator():
    from tmc_emulator.server import start_in_thread

    handle = start_in_thread(data_path=str(BENCH_DATA))
    answer = requests.post(handle.url + "/_emulator/tasks/generate", json={"count": 60, "seed": "bulk"}, timeout=30)
    answer.raise_for_status()
    handle.task_ids = sorted(t["id"] for t in requests.get(handle.url + "/_emulator/state", timeout=30).json()["tasks"])
    yield handle
    handle.stop()


def emulator_counts(url):
    return requests.get(url + "/_emulator/requests?last=0", timeout=30).json()


def test_bulk_pause_reuses_at_most_one_connection_per_worker_and_sends_only_puts(emulator):
    requests.delete(emulator.url + "/_emulator/requests", timeout=30)
    client = TalendClient(emulator.url, PersonalAccessToken("emulator-bench-pat"), rate_limit=1000000, max_workers=4)
    entries, failures = set_pause_states(client, TASK, emulator.task_ids, True, "bulk test")
    set_pause_states(client, TASK, emulator.task_ids, False, "bulk test")
    manager = client.session.get_adapter(emulator.url).poolmanager
    pools = [manager.pools[key] for key in manager.pools.keys()]
    assert not failures and all(e["changed"] for e in entries)
    assert len(pools) == 1 and pools[0].num_connections <= 4
    assert emulator_counts(emulator.url)["byRoute"] == {"PUT /orchestration/executables/tasks/{taskId}/pause": 120}
    assert client.request_count == 120
