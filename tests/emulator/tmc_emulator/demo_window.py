"""The planned window of ``make demo``, relative to the emulator's clock.

The sample tenant's schedules are hourly crons at fixed minutes (``0 * * * *``,
``5 * * * *``, ... ``50 * * * *``), intervals from midnight (5, 15, 30, 60,
120 minutes), daily crons, and one ``ONCE`` trigger 80 minutes after the emulator
starts. A window from the first ``HH:55:00Z`` at least 15 minutes ahead, two hours
long, therefore always holds, whatever the time of day:

* two runs of each hourly task (e.g. Sync Salesforce Opportunities, ``5 * * * *``),
* one run of the plan Finance Intraday Reconciliation (every 120 minutes from 00:00Z),
* the one-off run of Backfill Orders History (when the demo starts within 5 minutes
  of the emulator),
* runs in flight at its start that have a history: Sync Coupa Purchase Orders
  (``50 * * * *``, ~25 min), Load Jira Issues (``45 * * * *``, ~17 min), Sync Zendesk
  Tickets (``40 * * * *``, ~28 min), Load Clickstream Events (every 15 min, ~28 min).
"""

from __future__ import annotations

from datetime import datetime, timezone

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
LEAD_MS = 15 * MINUTE_MS
START_MINUTE = 55
LENGTH_MS = 2 * HOUR_MS


def demo_window(now_ms: int) -> tuple[int, int]:
    """``(start_ms, end_ms)``: the first ``HH:55:00Z`` at least 15 minutes after ``now_ms``, and 2 h later."""
    earliest = now_ms + LEAD_MS
    start = earliest - earliest % HOUR_MS + START_MINUTE * MINUTE_MS
    if start < earliest:
        start += HOUR_MS
    return start, start + LENGTH_MS


def iso_with_offset(epoch_ms: int) -> str:
    """ISO 8601 with an explicit offset, seconds precision: ``2026-12-07T18:55:00+00:00``."""
    return datetime.fromtimestamp(epoch_ms // 1000, tz=timezone.utc).isoformat()
