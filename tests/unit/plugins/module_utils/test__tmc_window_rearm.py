# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the schedule checks (_tmc_window_rearm): the ledger per task between its pause and its resume,
the ledger alone for a wave, the re-arm once."""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_rearm import check_rearm, check_schedules

H = 3600 * 1000
T10 = 1796724000000   # 2026-12-08T10:00:00Z


class Events:
    """A fake client whose events search answers the hourly runs of ``ids`` in the range asked."""

    def __init__(self, *ids):
        self.ids, self.ranges = ids, []

    def iter_pages(self, method, path, params=None, body=None):
        self.ranges.append((body["from"], body["to"]))
        start = -(-body["from"] // H) * H
        return iter([{"id": i, "type": "TASK", "date": t, "sourceTriggerName": "hourly"}
                     for t in range(start, body["to"] + 1, H) for i in self.ids])


def entry(task_id, paused_at, resumed_at=None):
    out = {"id": task_id, "name": "Task " + task_id, "environment_id": "e", "paused_at": paused_at}
    if resumed_at:
        out["resumed_at"] = resumed_at
    return out


def test_each_task_skips_the_runs_between_its_own_pause_and_its_own_resume():
    client = Events("a", "b")
    check = check_schedules(client, [entry("a", "2026-12-08T10:00:01Z"),
                                     entry("b", "2026-12-08T10:00:01Z", resumed_at="2026-12-08T11:30:00Z")],
                            T10 + 2 * H + 5000, rearm=False)
    assert [(r["id"], r["date"]) for r in check.skipped_runs] == [
        ("a", "2026-12-08T11:00:00.000Z"), ("b", "2026-12-08T11:00:00.000Z"), ("a", "2026-12-08T12:00:00.000Z")]
    assert len(client.ranges) == 1, "the ledger alone: no search ahead"


def test_the_rearm_check_runs_once_over_what_was_resumed():
    client = Events("a")
    resumed = [entry("a", "2026-12-08T10:00:01Z"), entry("gone", "2026-12-08T10:00:01Z")]
    check = check_schedules(client, resumed, T10 + 2 * H, rearm=False)
    check.skipped_runs.append({"id": "gone", "date": "2026-12-08T11:00:00.000Z", "trigger": "once"})
    check_rearm(client, resumed, check, T10 + 2 * H)
    assert check.next_runs == 1 and [e["id"] for e in check.not_rearmed] == ["gone"]
    assert client.ranges[-1][0] == T10 + 2 * H


def test_the_rearm_search_stops_reading_once_every_resumed_task_has_a_run_ahead():
    client, read = Events("a", "b", "other"), []

    def counting(method, path, params=None, body=None):
        for item in Events.iter_pages(client, method, path, params, body):
            read.append(item)
            yield item

    client.iter_pages = counting
    check = check_schedules(client, [entry("a", "2026-12-08T10:00:01Z"), entry("b", "2026-12-08T10:00:01Z")],
                            T10 + 2 * H, rearm=False)
    read.clear()
    check_rearm(client, [entry("a", "2026-12-08T10:00:01Z"), entry("b", "2026-12-08T10:00:01Z")], check, T10 + 2 * H)
    assert check.next_runs == 2 and len(read) == 2, "two events read of a month of hourly runs"
