"""The demo's planned window: always several tasks and a plan with runs inside, one task with two,
runs in flight at its start that have a history; ``emulatorctl demo-window`` prints it."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest
import requests

from emulator_harness import (EMULATOR_DIR, SAMPLE, api, emulator_server, env_id, plan_id,  # noqa: F401  # pylint: disable=unused-import
                              task_id)
from tmc_emulator.clock import parse_iso
from tmc_emulator.demo_window import demo_window, iso_with_offset
from tmc_emulator.history import expand_history
from tmc_emulator.schedules import occurrences
from tmc_emulator.state import Store

EVENTS = "/orchestration/executables/events/search"
HOUR = 3_600_000
OPPORTUNITIES = task_id("Sync Salesforce Opportunities", "Sales Ops")
COUPA = task_id("Sync Coupa Purchase Orders", "Finance")
BACKFILL = task_id("Backfill Orders History", "Data Platform")
INTRADAY_PLAN = plan_id("Finance Intraday Reconciliation")


def events(api, start, end):
    items, offset = [], 0
    while True:
        page = api.post(EVENTS, json={"environmentId": env_id("Production"), "from": start, "to": end,
                                      "offset": offset}).json()
        items += page["items"]
        offset += len(page["items"])
        if offset >= page["total"]:
            return items


@pytest.mark.parametrize("now_iso", ["2026-12-07T17:25:10Z", "2026-12-07T17:40:00Z", "2026-12-07T17:39:59Z",
                                     "2026-03-29T00:50:00Z", "2026-12-31T23:59:59Z"])
def test_window_starts_at_hh55_15_to_75_minutes_ahead_and_lasts_two_hours(now_iso):
    now = parse_iso(now_iso)
    start, end = demo_window(now)
    assert 15 * 60_000 <= start - now < 75 * 60_000
    assert iso_with_offset(start)[14:] == "55:00+00:00" and end - start == 2 * HOUR
    assert datetime.fromisoformat(iso_with_offset(start)).utcoffset() is not None


def test_the_window_holds_the_runs_the_demo_shows(api):
    now = api.admin("GET", "clock")["now_ms"]
    start, end = demo_window(now)
    items = events(api, start, end)
    runs = {}
    for item in items:
        runs.setdefault(item["id"], []).append(item)
    assert len(runs[OPPORTUNITIES]) == 2
    assert len([i for i in items if i["type"] == "TASK"]) > 10
    assert len(runs[INTRADAY_PLAN]) == 1 and runs[INTRADAY_PLAN][0]["type"] == "PLAN"
    assert [i["sourceTriggerName"] for i in runs[BACKFILL]] == ["One-off backfill after the warehouse migration"]


def test_runs_in_flight_at_the_window_start_have_a_history_to_forecast_their_end():
    for now in range(parse_iso("2026-12-07T00:00:00Z"), parse_iso("2026-12-08T00:00:00Z"), 17 * 60_000):
        start, dummy = demo_window(now)
        store = Store(SAMPLE, now)
        task = store.tasks[COUPA]
        last = max(t for trig in task["triggers"] for t in occurrences(trig, start - HOUR, start))
        history = [ex for ex in store.executions_by_task[COUPA] if ex.final_status == "execution_successful"]
        assert len(history) >= 5
        expected_ms = sorted(ex.run_ms + ex.dispatch_ms for ex in history)[len(history) // 2]
        assert last < start < last + expected_ms


def test_the_one_off_trigger_is_relative_to_the_emulator_start():
    now = parse_iso("2026-12-07T17:25:10Z")
    store = Store(SAMPLE, now)
    (trigger,) = store.tasks[BACKFILL]["triggers"]
    assert parse_iso(trigger["at"]) == now + 4800 * 1000
    assert expand_history(None, store.tasks, store.plans, now) == ([], [])


def test_emulatorctl_prints_the_window_of_the_running_emulator(tmp_path):
    ctl = [sys.executable, str(EMULATOR_DIR / "emulatorctl.py")]
    state = ["--state-dir", str(tmp_path)]
    none = subprocess.run(ctl + ["demo-window"] + state, capture_output=True, text=True, timeout=60, check=False)
    assert none.returncode == 3
    started = subprocess.run(ctl + ["start", "--port", "0"] + state, capture_output=True, text=True, timeout=60,
                             check=False)
    try:
        url = started.stdout.strip()
        now = requests.post(url + "/_emulator/clock", json={"freeze": True}, timeout=5).json()["now_ms"]
        out = subprocess.run(ctl + ["demo-window"] + state, capture_output=True, text=True, timeout=60, check=True)
        start_iso, end_iso = out.stdout.split()
        assert (parse_iso(start_iso), parse_iso(end_iso)) == demo_window(now)
    finally:
        subprocess.run(ctl + ["stop"] + state, capture_output=True, timeout=60, check=False)
