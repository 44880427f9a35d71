# SPDX-License-Identifier: GPL-3.0-or-later
"""The planned window (maintenance_window_start / _end) and past schedule windows, checked before any request."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import check_request

from window_params import run

NOW = 1_800_000_000_000  # 2027-01-15T08:00:00Z
FUTURE = ("2027-02-01T01:00:00+00:00", "2027-02-01T03:00:00+01:00")


def _check(phase="plan", start=FUTURE[0], end=FUTURE[1], selectors=None):
    return check_request({"window_id": "w1", "phase": phase, "selectors": selectors or [{"environment": "Production"}],
                          "window_start": start, "window_end": end, "drain_timeout": 1800, "drain_interval": 30},
                         now_ms=NOW)


def test_a_plan_keeps_the_window_in_epoch_milliseconds():
    request = _check()
    assert request.planning
    assert request.end_ms - request.start_ms == 3_600_000


def test_a_yaml_timestamp_with_an_offset_is_accepted():
    start = datetime.datetime(2027, 2, 1, 1, 0, tzinfo=datetime.timezone.utc)
    assert _check(start=start, end="2027-02-01T05:00:00Z").start_ms == int(start.timestamp() * 1000)


@pytest.mark.parametrize("start,end,expected", [
    (None, None, "The plan phase needs maintenance_window_start"),
    (FUTURE[0], None, "The plan phase needs maintenance_window_end"),
    ("tomorrow 2am", FUTURE[1], "maintenance_window_start 'tomorrow 2am' is not an ISO 8601"),
    ("2027-02-01T01:00:00", FUTURE[1], "has no UTC offset"),
    (FUTURE[1], FUTURE[0], "must be after maintenance_window_start"),
    ("2026-01-01T01:00:00Z", "2026-01-01T03:00:00Z", "wholly in the past"),
])
def test_a_bad_or_missing_window_is_refused_saying_what_to_write(start, end, expected):
    with pytest.raises(TalendConfigError, match="(?s)%s.*no request was sent" % expected.replace("(", r"\(")):
        _check(start=start, end=end)


def test_every_problem_is_named_at_once():
    with pytest.raises(TalendConfigError) as info:
        check_request({"window_id": "bad id!", "phase": "plan", "window_start": "soon", "window_end": None},
                      now_ms=NOW)
    text = str(info.value)
    for part in ("not a valid window id", "names nothing to plan", "'soon' is not an ISO 8601",
                 "needs maintenance_window_end"):
        assert part in text


@pytest.mark.parametrize("phase", ["pause", "plan"])
def test_a_selector_schedule_window_wholly_in_the_past_is_refused(phase):
    past = [{"environment": "Production", "scheduled_from": "2026-11-29T01:00:00Z",
             "scheduled_to": "2026-11-29T05:00:00Z"}]
    with pytest.raises(TalendConfigError, match="wholly in the past"):
        _check(phase=phase, selectors=past)


def test_resume_ignores_past_schedule_windows_and_needs_no_planned_window():
    past = [{"environment": "Production", "scheduled_from": "2026-11-29T01:00:00Z",
             "scheduled_to": "2026-11-29T05:00:00Z"}]
    assert _check(phase="resume", start=None, end=None, selectors=past).start_ms is None


def test_a_refused_plan_sends_no_request(scripted):
    result = run(phase="plan", selectors=[{"environment": "Production"}], window_start="2020-01-01T00:00:00Z",
                 window_end="2020-01-01T01:00:00Z")
    assert result["failed"] and "wholly in the past" in result["msg"]
    assert scripted.sent == []


def test_a_past_schedule_window_fails_the_pause_before_any_request(scripted):
    result = run(phase="pause", selectors=[{"environment": "Production", "scheduled_from": "2020-01-01T00:00:00Z",
                                            "scheduled_to": "2020-01-01T01:00:00Z"}])
    assert result["failed"] and "wholly in the past" in result["msg"]
    assert scripted.sent == []
