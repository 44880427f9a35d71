# SPDX-License-Identifier: GPL-3.0-or-later
"""plan.md and plan.html: every skipped run and every run at the start, a self-contained page, summary lines."""

from __future__ import annotations

import re

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan import make_plan
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_client import PlanClient
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_html import (
    MAX_ROWS,
    render_plan_html,
    render_timeline,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_markdown import render_plan_markdown
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_runs import iso as plan_iso
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_text import plan_messages

from plan_api import HOUR, NOW, START, FakeApi, plan_request, run, task

MINUTE = 60_000


def _plan(count=3):
    tasks = [task("t%d" % n, "Load <GL> & %d" % n, {"pause": False}) for n in range(count)]
    events = [(START + (n % 110) * MINUTE, "TASK", "t%d" % n) for n in range(count)]
    history = [run("t0", NOW - k * HOUR, 50) for k in range(1, 6)]
    events.append((START - 20 * MINUTE, "TASK", "t0"))
    return make_plan(PlanClient(FakeApi(tasks=tasks, events=events, executions=history)), plan_request(), NOW, 1800)


def test_markdown_lists_every_skipped_run_and_the_run_going_at_the_start():
    plan = _plan()
    text = render_plan_markdown(plan)
    for skipped in plan.skipped:
        assert "| %s | task | %s | %s |" % (plan_iso(skipped["at_ms"]), skipped["name"], skipped["id"]) in text
    assert "use maintenance_window_drain_timeout: %d" % plan.drain["suggested_timeout"] in text
    assert "| Load <GL> & 0 | t0 | scheduled run | %s |" % plan_iso(START - 20 * MINUTE) in text


def test_html_is_self_contained_no_script_no_network_and_escapes_names():
    page = render_plan_html(_plan())
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=""", page)
    assert not re.findall(r"https?://(?!www\.w3\.org/2000/svg)", page)
    assert "Load &lt;GL&gt; &amp; 1" in page and "Load <GL>" not in page


def test_html_timeline_draws_the_window_a_mark_per_skipped_run_and_a_bar_per_run_at_the_start():
    plan = _plan()
    svg = render_timeline(plan)
    assert svg.count("skipped run at") == len(plan.skipped)
    assert svg.count(", expected end ") == len(plan.at_start()) == 1
    assert "Window w1: %s to %s" % (plan_iso(START), plan_iso(START + 2 * HOUR)) in svg


def test_html_timeline_stops_at_its_row_limit_and_the_table_keeps_every_run():
    plan = _plan(MAX_ROWS + 20)
    page = render_plan_html(plan)
    assert "20 more rows in the tables below" in page
    assert all(plan_iso(r["at_ms"]) in page for r in plan.skipped)


def test_summary_lines_say_the_window_the_skipped_runs_the_drain_timeout_and_the_cost():
    plan = _plan()
    lines = plan_messages(plan)
    assert lines[0].startswith("Window w1 (plan, read-only)") and "no write" in lines[0]
    assert any("skips 3 scheduled run(s)" in line for line in lines)
    assert any("Use maintenance_window_drain_timeout: %d" % plan.drain["suggested_timeout"] in line for line in lines)
    assert any("the pause phase sends about %d request(s)" % plan.cost["pause_requests"] in line for line in lines)
