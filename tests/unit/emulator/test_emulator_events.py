"""Scheduled events search and the cron/interval evaluator behind it."""

from __future__ import annotations

from emulator_harness import (api, assert_error_response, check_schema, emulator_server,  # noqa: F401  # pylint: disable=unused-import
                              env_id, task_id, ws_id)
from tmc_emulator.clock import parse_iso
from tmc_emulator.schedules import occurrences

EVENTS = "/orchestration/executables/events/search"
DAY = 86_400_000


def search_all(api, **body):
    items, offset = [], 0
    while True:
        page = api.post(EVENTS, json=dict(body, offset=offset)).json()
        items += page["items"]
        offset += len(page["items"])
        if offset >= page["total"] or not page["items"]:
            return items


def test_events_in_window_are_sorted_and_typed(api):
    start = parse_iso("2026-03-02T00:00:00Z")  # a Monday
    api.admin("POST", "clock", json={"set_epoch_ms": start})
    page = api.post(EVENTS, json={"environmentId": env_id("Production"), "to": start + DAY}).json()
    check_schema(page, "PageScheduledEventsResponse")
    items = search_all(api, environmentId=env_id("Production"), **{"from": start, "to": start + DAY})
    dates = [i["date"] for i in items]
    assert dates == sorted(dates)
    gl = task_id("Load SAP GL Entries to Snowflake", "Finance")
    assert {"id": gl, "sourceTriggerName": "Nightly 02:00 UTC", "date": "2026-03-02T02:00:00.000Z",
            "type": "TASK"} in items
    assert any(i["type"] == "PLAN" for i in items)
    assert all(i["id"] != task_id("Backfill Orders History", "Data Platform") for i in items)


def test_window_excludes_events_outside_it(api):
    start = parse_iso("2026-03-02T02:30:00Z")
    items = search_all(api, environmentId=env_id("Production"), workspaceIds=[ws_id("Finance")],
                       **{"from": start, "to": start + 20 * 60_000})
    assert items and all(start <= parse_iso(i["date"]) <= start + 20 * 60_000 for i in items)
    names = {i["sourceTriggerName"] for i in items}
    assert names == {"Nightly 02:30 UTC", "Hourly at :50", "Every 30 minutes"}


def test_tags_filter_events(api):
    start = parse_iso("2026-03-02T00:00:00Z")
    items = search_all(api, environmentId=env_id("Production"), tags=["sap", "nightly"],
                       **{"from": start, "to": start + DAY})
    assert items and all(i["type"] == "TASK" for i in items)


def test_from_defaults_to_the_emulator_clock(api):
    now = api.admin("GET", "clock")["now_ms"]
    items = search_all(api, environmentId=env_id("Production"), to=now + 3_600_000)
    assert items and all(parse_iso(i["date"]) >= now - 1000 for i in items)


def test_missing_required_fields_is_400(api):
    assert_error_response(api.post(EVENTS, json={"to": 1}), 400)
    assert_error_response(api.post(EVENTS, json={"environmentId": env_id("Production")}), 400)
    assert_error_response(api.post(EVENTS, json={"environmentId": env_id("Production"),
                                                 "from": 10 * DAY, "to": DAY}), 400)


def test_unknown_environment_is_404(api):
    now = api.admin("GET", "clock")["now_ms"]
    assert_error_response(api.post(EVENTS, json={"environmentId": "0" * 24, "to": now + 3_600_000}), 404)


def test_window_over_31_days_is_400(api):
    now = api.admin("GET", "clock")["now_ms"]
    assert_error_response(api.post(EVENTS, json={"environmentId": env_id("Production"),
                                                 "to": now + 32 * DAY}), 400)


def test_cron_with_time_zone_and_weekdays():
    trigger = {"type": "CRON", "cron": "30 7 * * 1-5", "timeZone": "Europe/Paris"}
    start = parse_iso("2026-03-27T00:00:00Z")  # Friday; DST in Paris starts Sunday 29th
    got = list(occurrences(trigger, start, start + 4 * DAY))
    assert got == [parse_iso("2026-03-27T06:30:00Z"), parse_iso("2026-03-30T05:30:00Z")]


def test_cron_steps_lists_and_day_of_month_or_week():
    start = parse_iso("2026-01-01T00:00:00Z")
    assert len(list(occurrences({"cron": "*/15 0 * * *"}, start, start + DAY - 1))) == 4
    first_or_monday = list(occurrences({"cron": "0 0 1 * 1"}, start, start + 14 * DAY))
    assert len(first_or_monday) == 3  # Jan 1st, Mon 5th, Mon 12th


def test_interval_trigger_is_aligned_on_its_start_date():
    trigger = {"type": "INTERVAL", "intervalMinutes": 45, "startDate": "2026-01-01T00:10:00Z"}
    start = parse_iso("2026-01-01T01:00:00Z")
    assert list(occurrences(trigger, start, start + 60 * 60_000)) == [
        parse_iso("2026-01-01T01:40:00Z")]
