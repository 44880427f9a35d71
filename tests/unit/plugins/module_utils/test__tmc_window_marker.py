# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the window: id rule, marker, the pauseContext written, and which context a window holds."""

from __future__ import annotations

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import (
    REASON_MAX_LENGTH,
    Window,
    check_reason,
    window_of,
)


def test_the_context_written_ends_with_the_marker():
    assert Window("CHG0042").pause_context("DB upgrade") == "DB upgrade [maintenance-window:CHG0042]"
    assert Window("CHG0042").pause_context("") == "Paused for a maintenance window [maintenance-window:CHG0042]"


@pytest.mark.parametrize("context, holds", [
    ("DB upgrade [maintenance-window:mw-1]", True),
    ("[maintenance-window:mw-1]", True),
    ("DB upgrade [maintenance-window:mw-1]  ", True),
    ("DB upgrade [maintenance-window:mw-10]", False),
    ("see [maintenance-window:mw-1] for the reason", False),
    ("Nightly freeze [maintenance-window:mw-1] [maintenance-window:mw-2]", False),
    ("DB upgrade [maintenance-window:mw-1", False),
    (None, False),
])
def test_a_window_holds_only_a_context_that_ends_with_its_marker(context, holds):
    assert Window("mw-1").holds(context) is holds


def test_window_of_names_the_window_whose_marker_ends_the_context():
    assert window_of("x [maintenance-window:mw-2]") == "mw-2"
    assert window_of("x [maintenance-window:mw-2] later text") is None


@pytest.mark.parametrize("window_id", ["../x", "", "a/b", ".hidden", "x" * 65, None, "a b"])
def test_bad_window_ids_are_refused(window_id):
    with pytest.raises(TalendConfigError, match="not a valid window id"):
        Window(window_id)


def test_a_reason_that_carries_a_marker_or_is_too_long_is_refused():
    with pytest.raises(TalendConfigError, match="may not carry a window marker"):
        check_reason("see [maintenance-window:mw-1]")
    with pytest.raises(TalendConfigError, match="keep it to %d" % REASON_MAX_LENGTH):
        check_reason("x" * (REASON_MAX_LENGTH + 1))
    assert check_reason("  DB upgrade  ") == "DB upgrade"
