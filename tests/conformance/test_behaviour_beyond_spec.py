"""Behaviour the vendor spec does not encode: each is a row of the table in tests/emulator/README.md
("Behaviour the spec does not encode", with its source) and is tested here on the emulator itself.

Sources: [S] vendor spec, [S docs] vendor documentation, [F] reports from live tenants,
[A] our assumption. Prism cannot check these: some are outside the spec (``POST`` on a
pause path, the legacy ``/tmc/v2.6`` paths: Prism answers those itself), the others are
choices the spec leaves open.
"""

from __future__ import annotations

import re

import pytest
import requests

from conformance_harness import EMULATOR_DIR, SAMPLE, service_account, task_id, ws_id
from tmc_emulator.server import start_in_thread

README = (EMULATOR_DIR / "README.md").read_text(encoding="utf-8")
TASKS = "/orchestration/executables/tasks"
NEVER_PAUSED = task_id("Sync Salesforce Opportunities", "Sales Ops")
HEADERS = {"Authorization": "Bearer emulator-demo-pat", "talend-version": "2021-03"}
SOURCES = ("[S]", "[S docs]", "[F]", "[A]")


def behaviour_rows() -> dict[str, str]:
    """``{behaviour cell: source cell}`` of the README table "Behaviour the spec does not encode"."""
    section = README.split("## Behaviour the spec does not encode", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("behaviour", "---") and not set(cells[0]) <= {"-"}:
            rows[cells[0]] = cells[2]
    return rows


@pytest.fixture(scope="module")
def emulator():
    handle = start_in_thread()
    yield handle
    handle.stop()


@pytest.fixture
def url(emulator):
    requests.post(f"{emulator.url}/_emulator/reset", timeout=10).raise_for_status()
    return emulator.url


def get(url, path, **kwargs):
    return requests.get(url + path, headers=HEADERS, timeout=10, **kwargs)


def check_name_filter_is_a_prefix(url):
    names = [i["name"] for i in get(url, TASKS, params={"name": "Sync Salesforce Accounts"}).json()["items"]]
    assert "Sync Salesforce Accounts - Delta" in names and all(n.startswith("Sync Salesforce Accounts") for n in names)
    assert get(url, TASKS, params={"name": "Salesforce Accounts"}).json()["total"] == 0


def check_pages_cap_at_100(url):
    requests.post(f"{url}/_emulator/tasks/generate", json={"count": 150, "seed": "cap"}, timeout=30)
    page = get(url, TASKS, params={"limit": 1000}).json()
    assert page["limit"] == 100 and len(page["items"]) == 100 and page["total"] == 210


def check_never_paused_task_has_no_pause_details(url):
    assert "taskPauseDetails" not in get(url, f"{TASKS}/{NEVER_PAUSED}").json()
    item = next(i for i in get(url, TASKS, params={"workspaceId": ws_id("Sales Ops")}).json()["items"]
                if i["executable"] == NEVER_PAUSED)
    assert "taskPauseDetails" not in item


def check_expires_in_is_a_string(url):
    bot = service_account("maintenance-bot")
    body = requests.post(f"{url}/security/oauth/token", auth=(bot["id"], bot["secret"]), timeout=10,
                         json={"audience": url, "grant_type": "client_credentials"}).json()
    assert body["expires_in"] == "1800" and body["token_type"] == "Bearer"


def check_stop_answers_204_text_plain(url):
    ex = requests.post(f"{url}/_emulator/executions", json={"task_id": NEVER_PAUSED}, timeout=10).json()
    resp = requests.delete(f"{url}/processing/executions/{ex['executionId']}", timeout=10,
                           headers=dict(HEADERS, Accept="text/plain, application/json, */*"))
    assert resp.status_code == 204 and resp.content == b""
    assert resp.headers["Content-Type"].startswith("text/plain")


def check_post_on_pause_is_405(url):
    resp = requests.post(f"{url}{TASKS}/{NEVER_PAUSED}/pause", json={"pause": True}, headers=HEADERS, timeout=10)
    assert resp.status_code == 405 and "PUT" in resp.headers["Allow"]
    assert "taskPauseDetails" not in get(url, f"{TASKS}/{NEVER_PAUSED}").json()


def check_legacy_paths_are_404(url):
    for path in ("/tmc/v2.6/executables/tasks", f"/tmc/v2.6/executions/{SAMPLE['executions'][0]['executionId']}"):
        resp = get(url, path)
        assert resp.status_code == 404 and resp.json()["status"] == 404


def check_events_answer_a_past_range(url):
    now = requests.get(f"{url}/_emulator/clock", timeout=10).json()["now_ms"]
    body = {"environmentId": SAMPLE["environments"][0]["id"], "from": now - 3 * 3_600_000, "to": now - 3_600_000}
    items = requests.post(f"{url}/orchestration/executables/events/search", json=body, headers=HEADERS,
                          timeout=10).json()["items"]
    assert len([i for i in items if i["id"] == NEVER_PAUSED]) == 2


def check_once_trigger_has_no_next_run_once_passed(url):
    backfill = task_id("Backfill Orders History", "Data Platform")
    env = SAMPLE["environments"][0]["id"]

    def runs(body):
        items = requests.post(f"{url}/orchestration/executables/events/search", json=dict(body, environmentId=env),
                              headers=HEADERS, timeout=10).json()["items"]
        return [i for i in items if i["id"] == backfill]

    now = requests.post(f"{url}/_emulator/clock", json={"freeze": True}, timeout=10).json()["now_ms"]
    assert len(runs({"to": now + 2 * 3_600_000, "workspaceIds": [ws_id("Data Platform")]})) == 1
    later = requests.post(f"{url}/_emulator/clock", json={"advance_seconds": 3 * 3600}, timeout=10).json()["now_ms"]
    assert runs({"to": later + 30 * 86_400_000, "workspaceIds": [ws_id("Data Platform")]}) == []


def check_pause_is_applied_at_once(url):
    resp = requests.put(f"{url}{TASKS}/{NEVER_PAUSED}/pause", json={"pause": True}, headers=HEADERS, timeout=10)
    assert resp.status_code == 202
    assert get(url, f"{TASKS}/{NEVER_PAUSED}").json()["taskPauseDetails"]["pause"] is True


# (README row, sources the row must give, check)
BEHAVIOURS = [
    ("`name` on `GET .../tasks` and `.../plans`", ("[F]",), check_name_filter_is_a_prefix),
    ("`limit` > 100", ("[S]", "[A]"), check_pages_cap_at_100),
    ("never-paused task", ("[A]",), check_never_paused_task_has_no_pause_details),
    ("`expires_in` type", ("[S]",), check_expires_in_is_a_string),
    ("`DELETE /processing/executions/{id}`", ("[S]", "[F]"), check_stop_answers_204_text_plain),
    ("`POST .../pause`", ("[S]",), check_post_on_pause_is_405),
    ("legacy `/tmc/v2.6/...`", ("[F]",), check_legacy_paths_are_404),
    ("events search over a past range", ("[A]",), check_events_answer_a_past_range),
    ("`ONCE` trigger", ("[A]",), check_once_trigger_has_no_next_run_once_passed),
    ("pause 202 applied", ("[S]", "[A]"), check_pause_is_applied_at_once),
]


def test_every_row_of_the_readme_table_names_its_source():
    rows = behaviour_rows()
    assert len(rows) >= len(BEHAVIOURS)
    unsourced = [b for b, source in rows.items() if not any(s in source for s in SOURCES)]
    assert not unsourced


@pytest.mark.parametrize("row,sources", [b[:2] for b in BEHAVIOURS], ids=[b[2].__name__[6:] for b in BEHAVIOURS])
def test_each_behaviour_is_in_the_readme_table_with_its_source(row, sources):
    rows = behaviour_rows()
    assert row in rows, sorted(rows)
    assert all(s in rows[row] for s in sources), rows[row]


@pytest.mark.parametrize("check", [b[2] for b in BEHAVIOURS], ids=[b[2].__name__[6:] for b in BEHAVIOURS])
def test_each_behaviour_holds_on_the_emulator(url, check):
    check(url)


def test_readme_marks_assumptions_apart_from_sourced_facts():
    assert re.search(r"\[A\] our assumption", README)
