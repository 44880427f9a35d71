# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The planned end of a window, written into the ``pauseContext`` the window writes and read back from it.

The pause phase records ``maintenance_window_end`` on each task and plan it pauses, just before the marker
(which stays the last text)::

    DB upgrade (until 2026-12-08T05:00Z) [maintenance-window:CHG0042]

so that anyone who reads the tenant (``talend_window_info``, another controller, the Talend console) knows
when the window was meant to close, with no local state. The end is written in UTC, to the minute (to the
second when it has seconds). :func:`reason_with_end` is the one writer, :func:`planned_end_of` the one reader.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import parse_instant
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import (
    REASON_MAX_LENGTH,
    Window,
    check_reason,
    window_of,
)

END_NOTE_FORMAT = "(until %s)"
END_NOTE_RE = re.compile(r"\(until (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?Z)\)\s*$")
END_NOTE_LENGTH = len(END_NOTE_FORMAT % "2026-12-08T05:00:00Z")
"""Longest note (with seconds), 28 characters: a reason with an end keeps to ``REASON_MAX_LENGTH`` with it."""


def format_end(end) -> str:
    """The end as written in a ``pauseContext``: UTC, ``2026-12-08T05:00Z`` (``...T05:00:30Z`` with seconds).

    :param end: ISO 8601 with a UTC offset (str) or an aware ``datetime``.
    :raises TalendConfigError: not ISO 8601 or no offset (names ``maintenance_window_end``).
    """
    moment = datetime.fromtimestamp(parse_instant(end, "maintenance_window_end") // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%MZ" if moment.second == 0 else "%Y-%m-%dT%H:%M:%SZ")


def reason_with_end(reason, end) -> str:
    """The reason the pause phase passes to :meth:`Window.pause_context`: ``"<reason> (until <end>)"``.

    Without an end, the reason as :func:`check_reason` returns it. The engine calls
    ``window.pause_context(reason_with_end(reason, end))``, so the marker stays the last text.

    :param reason: the human reason (str or None: the default reason).
    :param end: ISO 8601 with offset (str), an aware ``datetime``, or None.
    :returns: str of at most ``REASON_MAX_LENGTH`` characters.
    :raises TalendConfigError: a bad reason (see :func:`check_reason`), a bad end, or a reason too long
        to carry the end (the message says how long it may be).
    """
    text = check_reason(reason)
    if end is None or end == "":
        return text
    note = END_NOTE_FORMAT % format_end(end)
    if len(text) + 1 + len(note) > REASON_MAX_LENGTH:
        raise TalendConfigError(
            "maintenance_window_reason is %d characters long; with maintenance_window_end keep it to %d, so that "
            "the planned end and the window marker after it always fit in the pauseContext."
            % (len(text), REASON_MAX_LENGTH - 1 - END_NOTE_LENGTH))
    return "%s %s" % (text, note)


def planned_end_of(pause_context):
    """The planned end written in a context that ends with a window marker, or None.

    Only the note right before the marker counts (a ``(until ...)`` elsewhere in a human reason does not).

    :param pause_context: str or None, as read from the API.
    :returns: aware ``datetime`` in UTC, or None (no marker, no note, or a date that does not exist).
    """
    window_id = window_of(pause_context)
    if window_id is None:
        return None
    head = pause_context.rstrip()
    head = head[: len(head) - len(Window(window_id).marker)]
    match = END_NOTE_RE.search(head)
    if not match:
        return None
    text = match.group(1)
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ" if text.count(":") == 2 else "%Y-%m-%dT%H:%MZ").replace(
            tzinfo=timezone.utc)
    except ValueError:
        return None
