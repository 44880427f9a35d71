# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of scheduling windows: ISO 8601 parsing with offsets and the events search."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import PersonalAccessToken
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient
from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_schedule as S
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import (
    parse_instant,
    parse_window,
    scheduled_ids,
)

BASE = "https://api.us.cloud.talend.com"
SUNDAY_0100_UTC_MS = 1795914000000  # 2026-11-29T01:00:00Z


def client():
    return TalendClient(BASE, PersonalAccessToken("unit-pat"), retries=0, rate_limit=100000, max_workers=1,
                        sleep=lambda s: None)


@pytest.mark.parametrize("text", [
    "2026-11-29T01:00:00Z",
    "2026-11-29T01:00:00+00:00",
    "2026-11-29T02:00:00+01:00",
    "2026-11-28T20:00:00-05:00",
    "2026-11-29 01:00:00+00:00",
    "2026-11-29T06:30:00+05:30",
])
def test_instants_with_any_offset_name_the_same_utc_millisecond(text):
    assert parse_instant(text, "scheduled_from") == SUNDAY_0100_UTC_MS


def test_fractions_of_a_second_are_kept_in_milliseconds():
    assert parse_instant("2026-11-29T01:00:00.250Z", "scheduled_from") == SUNDAY_0100_UTC_MS + 250


def test_aware_datetime_from_yaml_is_accepted():
    moment = datetime(2026, 11, 29, 2, 0, tzinfo=timezone(timedelta(hours=1)))
    assert parse_instant(moment, "scheduled_to") == SUNDAY_0100_UTC_MS


@pytest.mark.parametrize("text", ["2026-11-29T01:00:00", "2026-11-29", datetime(2026, 11, 29, 1, 0)])
def test_naive_time_is_rejected_asking_for_an_offset(text):
    with pytest.raises(TalendConfigError, match="no UTC offset.*scheduled_from|scheduled_from.*no UTC offset"):
        parse_instant(text, "scheduled_from")


@pytest.mark.parametrize("text", ["Sunday 01:00", "2026-13-40T01:00:00Z", "", "1795914000000"])
def test_text_that_is_not_iso_8601_is_rejected_with_an_example(text):
    with pytest.raises(TalendConfigError, match="not an ISO 8601 date and time.*e.g."):
        parse_instant(text, "scheduled_to")


def test_window_end_before_start_is_rejected():
    with pytest.raises(TalendConfigError, match="scheduled_to .* must be after scheduled_from"):
        parse_window("2026-11-29T05:00:00Z", "2026-11-29T01:00:00Z")


def test_window_end_equal_to_start_in_another_offset_is_rejected():
    with pytest.raises(TalendConfigError, match="must be after"):
        parse_window("2026-11-29T01:00:00Z", "2026-11-29T02:00:00+01:00")


def test_window_with_one_bound_only_is_rejected():
    with pytest.raises(TalendConfigError, match="both scheduled_from and scheduled_to"):
        parse_window("2026-11-29T01:00:00Z", None)


def test_no_window_is_none():
    assert parse_window(None, None) is None


def test_window_is_epoch_milliseconds():
    assert parse_window("2026-11-29T01:00:00Z", "2026-11-29T06:00:00+01:00") == (
        SUNDAY_0100_UTC_MS, SUNDAY_0100_UTC_MS + 4 * 3600 * 1000)


def test_events_search_sends_the_window_and_reads_every_page(scripted):
    first = [{"id": "t%d" % (i % 60), "type": "TASK", "date": "2026-11-29T01:00:00Z"} for i in range(100)]
    scripted.queue(200, {"items": first, "limit": 100, "offset": 0, "total": 102})
    scripted.queue(200, {"items": [{"id": "p1", "type": "PLAN"}, {"id": "t99", "type": "TASK"}],
                         "limit": 100, "offset": 100, "total": 102})
    found = scheduled_ids(client(), "env1", (1, 2), workspace_ids=["ws1"], tags=["sap"])
    assert found["PLAN"] == {"p1"}
    assert found["TASK"] == {"t%d" % i for i in range(60)} | {"t99"}
    assert [s["json"] for s in scripted.sent] == [
        {"environmentId": "env1", "from": 1, "to": 2, "workspaceIds": ["ws1"], "tags": ["sap"], "limit": 100,
         "offset": 0},
        {"environmentId": "env1", "from": 1, "to": 2, "workspaceIds": ["ws1"], "tags": ["sap"], "limit": 100,
         "offset": 100},
    ]
    assert all(s["method"] == "POST" and s["url"] == BASE + "/orchestration/executables/events/search"
               for s in scripted.sent)


def test_events_search_without_workspaces_or_tags_sends_neither(scripted):
    scripted.queue(200, {"items": [], "limit": 100, "offset": 0, "total": 0})
    assert scheduled_ids(client(), "env1", (1, 2)) == {"TASK": set(), "PLAN": set()}
    assert scripted.sent[0]["json"] == {"environmentId": "env1", "from": 1, "to": 2, "limit": 100, "offset": 0}


def test_a_range_longer_than_one_search_is_read_in_several_searches():
    class Client:
        def __init__(self):
            self.bodies = []

        def iter_pages(self, method, path, body=None):
            self.bodies.append(body)
            return iter([{"id": "t%d" % len(self.bodies)}])

    client = Client()
    day = 24 * 3600 * 1000
    events = list(S.iter_events(client, "env", 0, 40 * day))
    assert [(b["from"], b["to"]) for b in client.bodies] == [(0, S.MAX_SEARCH_MS - 1), (S.MAX_SEARCH_MS, 40 * day)]
    assert [e["id"] for e in events] == ["t1", "t2"]
    client.bodies.clear()
    list(S.iter_events(client, "env", 5, 5 + 31 * day))
    assert len(client.bodies) == 2 and client.bodies[-1]["from"] == client.bodies[-1]["to"]
