# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the planned end written before the window marker and read back from a pauseContext."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_end import (
    format_end,
    planned_end_of,
    reason_with_end,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import (
    REASON_MAX_LENGTH,
    Window,
    window_of,
)

END = datetime(2026, 12, 8, 5, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("end, text", [
    ("2026-12-08T05:00:00Z", "2026-12-08T05:00Z"),
    ("2026-12-08T06:00:00+01:00", "2026-12-08T05:00Z"),
    ("2026-12-08 05:00:30.250Z", "2026-12-08T05:00:30Z"),
    (datetime(2026, 12, 8, 5, 0, tzinfo=timezone.utc), "2026-12-08T05:00Z"),
])
def test_the_end_is_written_in_utc_to_the_minute_or_second(end, text):
    assert format_end(end) == text


def test_the_pause_context_with_an_end_keeps_the_marker_last_and_reads_back():
    window = Window("CHG0042")
    context = window.pause_context(reason_with_end("DB upgrade", "2026-12-08T06:00:00+01:00"))
    assert context == "DB upgrade (until 2026-12-08T05:00Z) [maintenance-window:CHG0042]"
    assert window.holds(context) and window_of(context) == "CHG0042"
    assert planned_end_of(context) == END


def test_without_an_end_the_reason_is_unchanged_and_no_end_is_read():
    assert reason_with_end("DB upgrade", None) == reason_with_end("DB upgrade", "") == "DB upgrade"
    assert planned_end_of(Window("w1").pause_context("DB upgrade")) is None


@pytest.mark.parametrize("context", [
    None,
    "",
    "DB upgrade (until 2026-12-08T05:00Z)",  # no marker: not a window's context
    "(until 2026-12-08T05:00Z) quoted by a human [maintenance-window:w1]",  # the note is not right before the marker
    "DB upgrade (until 2026-12-08T05:00Z) [maintenance-window:w1] resumed by hand",  # marker not last
    "DB upgrade (until 2026-13-45T05:00Z) [maintenance-window:w1]",  # no such date
    "DB upgrade (until tomorrow) [maintenance-window:w1]",
])
def test_only_a_note_right_before_a_trailing_marker_counts(context):
    assert planned_end_of(context) is None


def test_a_note_with_seconds_and_space_before_the_marker_reads_back():
    assert planned_end_of("x (until 2026-12-08T05:00:30Z)   [maintenance-window:w1]  ") == END.replace(second=30)


def test_an_end_without_offset_is_refused_naming_the_variable():
    with pytest.raises(TalendConfigError, match="maintenance_window_end .* has no UTC offset"):
        reason_with_end("DB upgrade", "2026-12-08T05:00:00")


def test_a_reason_with_a_marker_is_still_refused():
    with pytest.raises(TalendConfigError, match="may not carry a window marker"):
        reason_with_end("x [maintenance-window:other]", END)


def test_a_reason_too_long_to_carry_the_end_says_how_long_it_may_be():
    longest = reason_with_end("r" * 171, "2026-12-08T05:00:30Z")
    assert len(longest) == REASON_MAX_LENGTH
    with pytest.raises(TalendConfigError, match="keep it to 171"):
        reason_with_end("r" * 172, "2026-12-08T05:00:30Z")
