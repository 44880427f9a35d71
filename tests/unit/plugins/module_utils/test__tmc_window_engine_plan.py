# SPDX-License-Identifier: GPL-3.0-or-later
"""The plan phase through the engine: files written (not in check mode), messages, stats, nothing changed."""

from __future__ import annotations

import json

from ansible_collections.talend_ops.cloud.plugins.module_utils import _tmc_window_engine as engine
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan import make_plan as real_make_plan

from plan_api import HOUR, START, FakeApi, iso, task
from window_params import PAT, run

WINDOW = {"window_start": iso(START), "window_end": iso(START + 2 * HOUR), "selectors": [{"environment": "Production"}]}
STATS = ("tasks_to_pause", "plans_to_pause", "skipped_runs", "in_flight", "suggested_drain_timeout", "pause_requests",
         "pause_seconds_at_rate_limit")


def _fake(monkeypatch, api):
    """The engine's plan reads ``api`` instead of the network (the PlanClient still wraps it)."""
    def make_plan(client, request, now_ms, rate_limit):
        client._client = api
        return real_make_plan(client, request, START - 2 * HOUR, rate_limit)
    monkeypatch.setattr(engine, "make_plan", make_plan)


def test_plan_writes_markdown_and_html_returns_messages_and_the_stats(monkeypatch, tmp_path):
    _fake(monkeypatch, FakeApi(tasks=[task("a", "Load GL", {"pause": False})], events=[(START, "TASK", "a")]))
    reports = tmp_path / "reports"
    result = run(phase="plan", report_dir=str(reports), **WINDOW)
    assert not result.get("failed") and result["changed"] is False
    assert result["plan_markdown_path"] == str(reports / "w1.plan.md")
    html = (reports / "w1.plan.html").read_text()
    assert "Load GL" in html and "<svg" in html
    assert result["plan_messages"][0].startswith("Window w1 (plan, read-only)")
    assert "w1.plan.html" in result["report_message"]
    stats = result["stats"]["maintenance_window_plan"]
    assert all(key in stats for key in STATS) and stats["skipped_runs"] == 1 and stats["tasks_to_pause"] == 1
    assert sorted(p.name for p in reports.iterdir()) == ["w1.plan.html", "w1.plan.md"]  # no run added to w1.json
    for path in reports.iterdir():
        assert PAT not in path.read_text()


def test_plan_in_check_mode_writes_no_file(monkeypatch, tmp_path):
    _fake(monkeypatch, FakeApi(tasks=[task("a", "Load GL", {"pause": False})]))
    result = run(check_mode=True, phase="plan", report_dir=str(tmp_path / "reports"), **WINDOW)
    assert "check mode" in result["report_message"]
    assert not (tmp_path / "reports").exists() or not list((tmp_path / "reports").iterdir())


def test_a_plan_that_cannot_reach_the_api_fails_saying_nothing_was_changed(monkeypatch, tmp_path):
    _fake(monkeypatch, FakeApi(refuse=401))
    result = run(phase="plan", report_dir=str(tmp_path), **WINDOW)
    assert result["failed"] and "Preflight" in result["msg"] and "Nothing was changed" in result["msg"]
    assert json.dumps(result).count(PAT) == 0
