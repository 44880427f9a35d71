# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the open windows found from the markers: grouping, counts, dates, users, planned end, overdue."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import PersonalAccessToken
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_info import open_windows

BASE = "https://api.us.cloud.talend.com"
PROD = {"id": "e1", "name": "Production"}
NOW = datetime(2026, 12, 8, 6, 0, tzinfo=timezone.utc).timestamp()


def client():
    return TalendClient(BASE, PersonalAccessToken("unit-pat"), retries=0, rate_limit=100000, max_workers=1,
                        sleep=lambda s: None)


def details(context, user="maintenance-bot", date="2026-12-08T01:00:00.000Z", pause=True):
    return {"pause": pause, "pauseContext": context, "user": user, "userType": "SERVICE", "pauseDate": date}


def task(task_id, pause=None):
    out = {"executable": task_id, "name": "Task " + task_id, "workspace": {"id": "w1", "name": "Finance", "environment": PROD}}
    if pause is not None:
        out["taskPauseDetails"] = pause
    return out


def plan(plan_id, pause=None):
    out = {"executable": plan_id, "name": "Plan " + plan_id, "workspace": {"id": "w1", "name": "Finance", "environment": PROD}}
    if pause is not None:
        out["planPauseDetails"] = pause
    return out


def page(items):
    return {"items": items, "limit": 100, "offset": 0, "total": len(items)}


def tenant(scripted, tasks, plans=()):
    scripted.queue(200, page(list(tasks)))
    scripted.queue(200, page(list(plans)))


def test_windows_are_grouped_by_their_trailing_marker_with_counts_ids_dates_and_users(scripted):
    tenant(scripted, [
        task("t2", details("DB (until 2026-12-08T05:00Z) [maintenance-window:CHG1]", date="2026-12-08T01:05:00Z")),
        task("t1", details("DB (until 2026-12-08T05:00Z) [maintenance-window:CHG1]", user="ops.admin",
                           date="2026-12-08T01:00:00Z")),
        task("t3", details("Other [maintenance-window:mw-10]", user="someone", date="2026-11-01T00:00:00Z")),
        task("t4", details("held by jane")),
        task("t5"),
    ], [plan("p1", details("DB (until 2026-12-08T05:00Z) [maintenance-window:CHG1]"))])
    windows = open_windows(client(), clock=lambda: NOW)
    assert [w["window_id"] for w in windows] == ["mw-10", "CHG1"]  # the one paused earliest first
    chg1 = windows[1]
    assert (chg1["tasks"], chg1["plans"], chg1["task_ids"], chg1["plan_ids"]) == (2, 1, ["t1", "t2"], ["p1"])
    assert chg1["paused_since"] == "2026-12-08T01:00:00Z"
    assert chg1["paused_by"] == ["maintenance-bot", "ops.admin"]
    assert (chg1["planned_end"], chg1["overdue"]) == ("2026-12-08T05:00:00Z", True)
    assert (windows[0]["planned_end"], windows[0]["overdue"]) == (None, False)


def test_the_list_reads_only_lists_when_they_carry_pause_details(scripted):
    tenant(scripted, [task("t%d" % i, details("x [maintenance-window:w1]")) for i in range(5)])
    open_windows(client())
    assert [(s["method"], s["url"].replace(BASE, "")) for s in scripted.sent] == [
        ("GET", "/orchestration/executables/tasks"), ("GET", "/orchestration/executables/plans")]


@pytest.mark.parametrize("context", [
    "[maintenance-window:w1] quoted, then resumed by hand",
    "x [maintenance-window:w1",
    "x [maintenance-window:w1]",  # but resumed: pause false
])
def test_a_marker_that_is_not_last_or_a_resumed_task_is_no_window(scripted, context):
    tenant(scripted, [task("t1", details(context, pause=context != "x [maintenance-window:w1]"))])
    assert open_windows(client()) == []


def test_a_window_before_its_end_is_not_overdue_and_several_ends_keep_the_latest(scripted):
    tenant(scripted, [task("t1", details("a (until 2026-12-08T05:00Z) [maintenance-window:w1]")),
                      task("t2", details("a (until 2026-12-08T07:00Z) [maintenance-window:w1]"))])
    (window,) = open_windows(client(), clock=lambda: NOW)
    assert (window["planned_end"], window["overdue"]) == ("2026-12-08T07:00:00Z", False)


def test_window_id_keeps_only_that_window_and_no_prefix_of_it(scripted):
    tenant(scripted, [task("t1", details("a [maintenance-window:mw-1]")),
                      task("t2", details("a [maintenance-window:mw-10]"))])
    assert [w["task_ids"] for w in open_windows(client(), window_id="mw-1")] == [["t1"]]


def test_a_bad_window_id_fails_before_any_request(scripted):
    with pytest.raises(TalendConfigError, match="not a valid window id"):
        open_windows(client(), window_id="../x")
    assert scripted.sent == []


def test_a_scope_is_resolved_and_sent_as_a_filter(scripted):
    scripted.queue(200, [PROD])
    tenant(scripted, [])
    assert open_windows(client(), environment="Production") == []
    assert scripted.sent[1]["params"]["environmentId"] == "e1"
    assert scripted.sent[2]["params"]["environmentId"] == "e1"


def test_without_pause_dates_or_users_the_window_still_shows(scripted):
    tenant(scripted, [task("t1", {"pause": True, "pauseContext": "a [maintenance-window:w1]"})])
    (window,) = open_windows(client())
    assert (window["paused_since"], window["paused_by"]) == (None, [])
