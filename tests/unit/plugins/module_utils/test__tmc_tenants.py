# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the failure policy across tenants and of what the end of the play says about each tenant."""

from __future__ import annotations

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_tenants import tenant_summary


def outcome(tenant, error="", phase="pause", tasks=(), plans=(), rollback=None):
    key = "paused" if phase == "pause" else "resumed"
    out = {"tenant": tenant, "window_id": "CHG1", "phase": phase, "error": error,
           "paused_task_ids": [], "paused_plan_ids": [], "resumed_task_ids": [], "resumed_plan_ids": [],
           "rollback": rollback}
    out.update({"%s_task_ids" % key: list(tasks), "%s_plan_ids" % key: list(plans)})
    return out


def test_every_tenant_succeeding_names_each_with_its_counts_and_fails_nothing():
    summary = tenant_summary([outcome("us", tasks=["t1"]), outcome("eu", tasks=["t1", "t2"], plans=["p1"])])
    assert summary == {"rollback": False, "failed": [], "message": "",
                       "lines": ["eu: paused 2 tasks and 1 plan", "us: paused 1 task and 0 plans"]}


def test_continue_names_the_failed_tenant_and_says_the_others_went_on():
    summary = tenant_summary([outcome("eu", tasks=["t1"]), outcome("us", error="HTTP 403 on every pause")])
    assert not summary["rollback"] and summary["failed"] == ["us"]
    assert summary["lines"][1] == "us: the pause phase FAILED: HTTP 403 on every pause"
    assert summary["message"].startswith("Window CHG1: the pause phase failed on 1 of 2 tenant(s): us.")
    assert "went on" in summary["message"] and "--limit us" in summary["message"]
    assert "[maintenance-window:CHG1]" in summary["message"]


def test_rollback_is_asked_only_for_a_failed_pause():
    failed = [outcome("eu", tasks=["t1"]), outcome("us", error="403")]
    assert tenant_summary(failed, "rollback")["rollback"] is True
    assert tenant_summary(failed, "continue")["rollback"] is False
    resume = [outcome("eu", phase="resume"), outcome("us", phase="resume", error="403")]
    assert tenant_summary(resume, "rollback")["rollback"] is False
    assert "run the resume phase again with --limit us" in tenant_summary(resume, "rollback")["message"]


def test_after_a_rollback_the_message_says_what_every_tenant_resumed():
    rolled = [outcome("eu", tasks=["t1", "t2"], rollback={"error": "", "resumed_task_ids": ["t1", "t2"]}),
              outcome("us", error="403", rollback={"error": "", "resumed_task_ids": []})]
    summary = tenant_summary(rolled, "rollback")
    assert summary["failed"] == ["us"]
    assert summary["lines"][0] == "eu: paused 2 tasks and 0 plans; rolled back: resumed 2 tasks and 0 plans"
    assert "every tenant resumed what this window had paused (eu resumed 2 tasks and 0 plans; us resumed 0 tasks" \
        in summary["message"]


def test_a_failed_rollback_names_the_tenant_still_holding_the_marker():
    rolled = [outcome("eu", tasks=["t1"], rollback={"error": "HTTP 503"}),
              outcome("us", error="403", rollback={"error": "", "resumed_task_ids": []})]
    summary = tenant_summary(rolled, "rollback")
    assert summary["failed"] == ["eu", "us"]
    assert "eu: paused 1 task and 0 plans; rollback FAILED: HTTP 503" in summary["lines"]
    assert "The rollback failed on eu" in summary["message"] and "--limit eu." in summary["message"]


def test_one_run_on_localhost_fails_with_the_roles_own_message():
    summary = tenant_summary([outcome("", error="Window CHG1: the pause phase could not pause 1 of 3 tasks.")])
    assert summary["failed"] == ["localhost"]
    assert summary["message"] == "Window CHG1: the pause phase could not pause 1 of 3 tasks."


def test_a_long_error_is_cut_in_the_tenant_line():
    summary = tenant_summary([outcome("eu", error="x" * 1000)])
    assert len(summary["lines"][0]) < 320 and summary["lines"][0].endswith("(the whole message is above)")


def test_an_unknown_policy_is_refused_naming_the_choices():
    with pytest.raises(TalendConfigError, match="continue, rollback"):
        tenant_summary([], "abort")


def test_a_plan_phase_is_named_planned_not_resumed():
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_tenants import _line

    assert _line({"tenant": "eu", "phase": "plan", "error": ""}) == \
        "eu: planned (read-only; the forecast is in its plan report)"
