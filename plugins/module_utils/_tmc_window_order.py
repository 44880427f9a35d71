# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Soonest first: the order in which the pause phase pauses what it selected.

At the API's rate limit a pause of 10,000 tasks takes minutes, and the tasks not reached yet keep starting runs.
The tasks and plans whose next scheduled run is soonest are paused first: the events search (``POST
/orchestration/executables/events/search``, paged, one search per environment, no request per task) over the
time the pause itself will take (plus a margin) tells which runs are due; those go first, by due time, and the
rest keep the selection's order.
"""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import iter_events, parse_instant

MARGIN_SECONDS = 120


def horizon_seconds(calls, rate_limit) -> int:
    """How far ahead to look: the time ``calls`` requests take at ``rate_limit`` per minute, plus a margin."""
    return int(calls * 60 / max(rate_limit, 1)) + MARGIN_SECONDS


def soonest_first(client, entries, now_ms, horizon_s) -> tuple:
    """``entries`` (summaries with ``id`` and ``environment_id``) with those due soonest first.

    :param client: a ``TalendClient``. :param now_ms: now, epoch milliseconds. :param horizon_s: seconds ahead.
    :returns: ``(ordered entries, {id: due time ISO 8601} of those due in the horizon, error text or None)``;
        when the events cannot be read, the order is kept and the error says why.
    """
    wanted = {e["id"] for e in entries}
    due = {}
    try:
        for environment_id in sorted({e.get("environment_id") for e in entries if e.get("environment_id")}):
            for event in iter_events(client, environment_id, now_ms, now_ms + horizon_s * 1000):
                event_id, date = event.get("id"), event.get("date")
                if event_id in wanted and date is not None:
                    when = parse_instant(date, "date") if isinstance(date, str) else int(date)
                    if when < due.get(event_id, (when + 1, None))[0]:
                        due[event_id] = (when, date)
    except TalendError as exc:
        return list(entries), {}, str(exc)
    position = {e["id"]: n for n, e in enumerate(entries)}
    ordered = sorted(entries, key=lambda e: (0, due[e["id"]][0]) if e["id"] in due else (1, position[e["id"]]))
    return ordered, {i: d for i, (_w, d) in due.items()}, None
