"""Events search over a past range, ONCE triggers, the 31-day limit, schedules changed by the admin API."""

from __future__ import annotations

import requests

from emulator_harness import (api, assert_error_response, check_schema, emulator_server, env_id,  # noqa: F401  # pylint: disable=unused-import
                              task_id)
from tmc_emulator.clock import iso_utc, parse_iso

EVENTS = "/orchestration/executables/events/search"
DAY = 86_400_000
OPPORTUNITIES = task_id("Sync Salesforce Opportunities", "Sales Ops")
PROD = env_id("Production")


def search_all(api, **body):
    items, offset = [], 0
    while True:
        page = api.post(EVENTS, json=dict(body, offset=offset)).json()
        check_schema(page, "PageScheduledEventsResponse")
        items += page["items"]
        offset += len(page["items"])
        if offset >= page["total"] or not page["items"]:
            return items


def test_a_past_range_answers_the_runs_that_were_scheduled_then(api):
    now = api.admin("GET", "clock")["now_ms"]
    items = search_all(api, environmentId=PROD, **{"from": now - 3 * 3_600_000, "to": now - 3_600_000})
    mine = [parse_iso(i["date"]) for i in items if i["id"] == OPPORTUNITIES]
    assert len(mine) == 2 and all(now - 3 * 3_600_000 <= t <= now - 3_600_000 for t in mine)
    assert all(iso_utc(t)[14:16] == "05" for t in mine)


def test_a_past_range_of_a_paused_task_spans_its_pause(api):
    api.admin("POST", "clock", json={"freeze": True})
    paused_at = api.admin("GET", "clock")["now_ms"]
    assert api.put(f"/orchestration/executables/tasks/{OPPORTUNITIES}/pause", json={"pause": True}).status_code == 202
    resumed_at = api.admin("POST", "clock", json={"advance_seconds": 2 * 3600})["now_ms"]
    assert api.put(f"/orchestration/executables/tasks/{OPPORTUNITIES}/pause", json={"pause": False}).status_code == 202
    missed = [i for i in search_all(api, environmentId=PROD, **{"from": paused_at, "to": resumed_at})
              if i["id"] == OPPORTUNITIES]
    assert len(missed) == 2


def test_a_once_trigger_that_passed_during_a_window_leaves_no_next_run(api):
    api.admin("POST", "clock", json={"freeze": True})
    stored = api.admin("PUT", f"tasks/{OPPORTUNITIES}/triggers",
                       json=[{"name": "Go-live load", "type": "ONCE", "inSeconds": 1800}])
    now = api.admin("GET", "clock")["now_ms"]
    assert stored == [{"name": "Go-live load", "type": "ONCE", "at": iso_utc(now + 1_800_000)}]
    ahead = [i for i in search_all(api, environmentId=PROD, to=now + DAY) if i["id"] == OPPORTUNITIES]
    assert [i["sourceTriggerName"] for i in ahead] == ["Go-live load"]
    later = api.admin("POST", "clock", json={"advance_seconds": 3600})["now_ms"]
    assert [i for i in search_all(api, environmentId=PROD, to=later + 30 * DAY) if i["id"] == OPPORTUNITIES] == []
    past = search_all(api, environmentId=PROD, **{"from": now, "to": later})
    assert [i["date"] for i in past if i["id"] == OPPORTUNITIES] == [iso_utc(now + 1_800_000)]


def test_31_days_is_the_longest_range_past_or_future(api):
    now = api.admin("GET", "clock")["now_ms"]
    assert api.post(EVENTS, json={"environmentId": PROD, "from": now - 31 * DAY, "to": now}).status_code == 200
    assert_error_response(api.post(EVENTS, json={"environmentId": PROD, "from": now - 31 * DAY - 1, "to": now}), 400)
    assert_error_response(api.post(EVENTS, json={"environmentId": PROD, "from": now, "to": now - 1}), 400)


def test_bad_triggers_from_the_admin_api_are_400_and_change_nothing(api):
    before = api.admin("GET", "state")["tasks"]
    for body in ([{"type": "CRON", "cron": "61 * * * *"}], {"type": "ONCE"}, [{"type": "ONCE", "inSeconds": "x"}],
                 [{"type": "WEEKLY"}]):
        resp = requests.put(f"{api.url}/_emulator/tasks/{OPPORTUNITIES}/triggers", json=body, timeout=10)
        assert_error_response(resp, 400)
    assert api.admin("GET", "state")["tasks"] == before
    assert_error_response(requests.put(f"{api.url}/_emulator/tasks/{'0' * 24}/triggers", json=[], timeout=10), 404)


def test_paged_reads_see_schedule_and_pause_changes_between_pages(api):
    now = api.admin("GET", "clock")["now_ms"]
    window = {"environmentId": PROD, "from": now, "to": now + DAY, "limit": 5}
    first = api.post(EVENTS, json=window).json()
    api.admin("PUT", f"tasks/{OPPORTUNITIES}/triggers", json=[])
    second = api.post(EVENTS, json=window).json()
    assert second["total"] == first["total"] - 24
    page = api.get("/orchestration/executables/tasks", params={"name": "Sync Salesforce Opp"}).json()
    assert "taskPauseDetails" not in page["items"][0]
    api.put(f"/orchestration/executables/tasks/{OPPORTUNITIES}/pause", json={"pause": True})
    page = api.get("/orchestration/executables/tasks", params={"name": "Sync Salesforce Opp"}).json()
    assert page["items"][0]["taskPauseDetails"]["pause"] is True


def test_generated_plans_and_triggers_every_nth(api):
    soon_once = [{"name": "soon", "type": "ONCE", "inSeconds": 60}]
    made = api.admin("POST", "plans/generate", json={"count": 30, "environment_id": PROD, "seed": "p",
                                                     "triggers": soon_once, "triggers_every": 10})
    assert made["total_plans"] == 36 and made["generated"] == 30
    plans = api.get("/orchestration/executables/plans", params={"environmentId": PROD, "name": "", "limit": 100}).json()
    assert plans["total"] == 30 + 5
    check_schema(plans, "PagePlan")
    now = api.admin("GET", "clock")["now_ms"]
    soon = [i for i in search_all(api, environmentId=PROD, to=now + 120_000) if i["sourceTriggerName"] == "soon"]
    assert len(soon) == 3 and all(i["type"] == "PLAN" for i in soon)
    nightly = [{"name": "x", "type": "CRON", "cron": "0 1 * * *"}]
    tasks = api.admin("POST", "tasks/generate", json={"count": 20, "seed": "t", "environment_id": PROD,
                                                      "triggers": nightly, "triggers_every": 2})
    assert tasks["generated"] == 20
    resp = requests.post(f"{api.url}/_emulator/tasks/generate", json={"count": 1, "triggers": [{"type": "X"}]},
                         timeout=10)
    assert_error_response(resp, 400)


def test_pages_without_from_drop_the_runs_that_passed_between_them(api):
    api.admin("POST", "clock", json={"freeze": True})
    now = api.admin("GET", "clock")["now_ms"]
    body = {"environmentId": PROD, "to": now + 6 * 3_600_000, "limit": 100}
    first = api.post(EVENTS, json=body).json()
    later = api.admin("POST", "clock", json={"advance_seconds": 3600})["now_ms"]
    second = api.post(EVENTS, json=body).json()
    expected = search_all(api, environmentId=PROD, **{"from": later, "to": now + 6 * 3_600_000})
    assert second["total"] == len(expected) < first["total"]
    assert second["items"] == expected[:100]
    back = api.admin("POST", "clock", json={"set_epoch_ms": now})["now_ms"]
    assert api.post(EVENTS, json=body).json()["total"] == first["total"] and back == now
