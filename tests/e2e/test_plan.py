# SPDX-License-Identifier: GPL-3.0-or-later
"""The plan phase on the emulator: the demo window, compared with the emulator's own schedule and history.

The expected runs are worked out here from the emulator's state (triggers through the emulator's schedule code,
durations from its execution history), not from what the collection read.
"""

from __future__ import annotations

import re
import statistics
from datetime import datetime

import pytest
from e2ekit import ROOT, run_playbook
from tmc_emulator.demo_window import demo_window, iso_with_offset
from tmc_emulator.schedules import occurrences

PLAYBOOK = ROOT / "playbooks" / "maintenance.yml"
WINDOW_ID = "demo-db-upgrade"
READ_POSTS = {"POST /orchestration/executables/events/search", "POST /orchestration/executables/tasks/search"}


def ms(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def plan_vars(start_ms, end_ms, report_dir, **more):
    return dict({"maintenance_window_phase": "plan", "maintenance_window_id": WINDOW_ID,
                 "maintenance_window_selectors": [{"environment": "Production", "include_plans": True}],
                 "maintenance_window_start": iso_with_offset(start_ms), "maintenance_window_end": iso_with_offset(end_ms),
                 "maintenance_window_report_dir": str(report_dir)}, **more)


def run_plan(emulator, ansible_env, report_dir, **more):
    """Run the plan of the demo window (worked out from the emulator's clock); ``(start, end, stdout, plan.md)``."""
    start, end = demo_window(emulator.admin("GET", "clock")["now_ms"])
    emulator.admin("DELETE", "requests")
    out = run_playbook(ansible_env, PLAYBOOK, plan_vars(start, end, report_dir, **more)).stdout
    return start, end, out, (report_dir / (WINDOW_ID + ".plan.md")).read_text()


def table(markdown, heading):
    """Rows (lists of cells) of the first table under ``## heading``."""
    section = markdown.split("## " + heading, 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split(" | ") for line in section.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in row] for row in rows[1:]]


def expected_skipped(state, start, end):
    """``{(id, epoch ms to the second)}`` of every scheduled run in [start, end] of Production's tasks and plans not
    paused (the plan writes times to the second)."""
    production = {e["id"] for e in state["environments"] if e["name"] == "Production"}
    workspaces = {w["id"] for w in state["workspaces"] if w["environmentId"] in production}
    out = set()
    for records, key in ((state["tasks"], "taskPauseDetails"), (state["plans"], "planPauseDetails")):
        for record in records:
            if record["workspaceId"] in workspaces and not (record.get(key) or {}).get("pause"):
                out |= {(record["id"], when // 1000 * 1000) for trigger in record.get("triggers") or []
                        for when in occurrences(trigger, start, end)}
    return out


def usual_seconds(state, task_id):
    """Median of the last 5 successful runs of a task in the emulator's history, seconds; None without any."""
    runs = sorted((e for e in state["taskExecutions"] if e["taskId"] == task_id
                   and e["status"] == "execution_successful"), key=lambda e: e["triggerTimestamp"], reverse=True)[:5]
    if not runs:
        return None
    return round(statistics.median(ms(e["finishTimestamp"]) - ms(e["startTimestamp"]) for e in runs) / 1000.0)


@pytest.mark.parametrize("hours_later", [0, 7])
def test_plan_skips_exactly_the_emulator_schedule_sends_no_write_and_covers_the_latest_run(
        emulator, ansible_env, tmp_path, hours_later):
    if hours_later:  # another time of day: the window holds other daily runs and other runs are going at its start
        emulator.admin("POST", "clock", json={"advance_seconds": hours_later * 3600})
    before = emulator.state()
    start, end, out, markdown = run_plan(emulator, ansible_env, tmp_path)
    log = emulator.requests_log()

    # the scheduled runs the window skips, run by run
    skipped = {(row[3], ms(row[0])) for row in table(markdown, "Scheduled runs the window will skip")}
    truth = expected_skipped(before, start, end)
    assert skipped == truth
    assert len(truth) > 50  # the demo window holds hourly, interval, plan and one-off runs
    assert "skips %d scheduled run(s)" % len(truth) in out

    # read-only: every request was a GET or one of the two searches, exactly those the plan says it sent
    assert log["byRoute"], log
    assert all(route.startswith("GET ") or route in READ_POSTS for route in log["byRoute"]), log["byRoute"]
    assert not [e for e in log["entries"] if e["method"] not in ("GET", "POST")]
    sent = {row[0]: int(row[1]) for row in table(markdown, "Requests the plan sent")}
    assert sent == log["byRoute"]
    assert emulator.state()["tasks"] == before["tasks"] and emulator.state()["plans"] == before["plans"]
    for text in (out, markdown, (tmp_path / (WINDOW_ID + ".plan.html")).read_text()):
        assert ansible_env["TALEND_TOKEN"] not in text

    # runs going at the start: expected end = start of the run + median of the emulator's history
    going = table(markdown, "Runs still going when the window opens")
    assert {"Sync Coupa Purchase Orders", "Load Jira Issues to Snowflake", "Sync Zendesk Tickets to Snowflake"} <= {
        row[0] for row in going}
    known = [row for row in going if row[5] != "unknown"]
    for name, task_id, dummy, began, dummy, end, dummy in known:
        assert abs(ms(end) - ms(began) - usual_seconds(before, task_id) * 1000) <= 1000, name
    for name, task_id, dummy, began, usual, end, dummy in going:
        if end == "unknown":  # a run in flight of a task with no successful run in the history: said, not guessed
            assert usual == "no successful run in the history" and usual_seconds(before, task_id) is None, name
    latest = max(ms(row[5]) for row in known)
    suggested = int(re.search(r"use maintenance_window_drain_timeout: (\d+)", markdown).group(1))
    assert suggested * 1000 >= latest - start
    assert "Use maintenance_window_drain_timeout: %d" % suggested in out


def test_plan_without_a_window_fails_before_any_request(emulator, ansible_env, tmp_path):
    emulator.admin("DELETE", "requests")
    proc = run_playbook(ansible_env, PLAYBOOK, {"maintenance_window_phase": "plan", "maintenance_window_id": WINDOW_ID,
                                                "maintenance_window_selectors": [{"environment": "Production"}],
                                                "maintenance_window_end": "2020-01-01T01:00:00"}, check=False)
    assert proc.returncode != 0
    assert "The plan phase needs maintenance_window_start" in proc.stdout
    assert "'2020-01-01T01:00:00' has no UTC offset" in proc.stdout
    assert emulator.requests_log()["total"] == 0


def test_a_pause_with_a_schedule_window_in_the_past_fails_before_any_request(emulator, ansible_env):
    emulator.admin("DELETE", "requests")
    past = [{"environment": "Production", "scheduled_from": "2026-01-04T01:00:00Z", "scheduled_to": "2026-01-04T05:00:00Z"}]
    proc = run_playbook(ansible_env, PLAYBOOK, {"maintenance_window_phase": "pause", "maintenance_window_id": WINDOW_ID,
                                                "maintenance_window_selectors": past}, check=False)
    assert proc.returncode != 0 and "wholly in the past" in proc.stdout
    assert emulator.requests_log()["total"] == 0


def test_plan_sets_the_stats_the_design_names(emulator, ansible_env, tmp_path):
    start, end = demo_window(emulator.admin("GET", "clock")["now_ms"])
    env = dict(ansible_env, ANSIBLE_SHOW_CUSTOM_STATS="true")
    stats = run_playbook(env, PLAYBOOK, plan_vars(start, end, tmp_path)).stdout.split("CUSTOM STATS", 1)[1]
    assert '"maintenance_window_plan"' in stats
    for key in ("tasks_to_pause", "plans_to_pause", "skipped_runs", "in_flight", "suggested_drain_timeout",
                "pause_requests", "pause_seconds_at_rate_limit"):
        assert '"%s"' % key in stats, stats
