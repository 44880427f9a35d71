# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the filter talend_ops.cloud.window_tenants (a thin shell over _tmc_tenants)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.talend_ops.cloud.plugins.filter.window_tenants import FilterModule


def test_the_filter_is_registered_and_summarises_the_outcomes():
    window_tenants = FilterModule().filters()["window_tenants"]
    summary = window_tenants([{"tenant": "eu", "window_id": "w", "phase": "pause", "error": "",
                               "paused_task_ids": ["t1"], "paused_plan_ids": []}])
    assert summary["lines"] == ["eu: paused 1 task and 0 plans"] and summary["failed"] == []


def test_a_bad_policy_is_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="maintenance_window_tenant_failure"):
        FilterModule().filters()["window_tenants"]([], "sometimes")
