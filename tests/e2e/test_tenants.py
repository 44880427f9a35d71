# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: one window across two tenants (two emulators), as the hosts of the inventory group talend_tenants.

Pause and resume run on both tenants in parallel with a report each; with one tenant refusing (a viewer token:
every pause answers 403), ``maintenance_window_tenant_failure: continue`` leaves the other tenant paused and
fails naming the refusing one, ``rollback`` resumes the other tenant too. ``playbooks/windows.yml`` prints the
open windows of every tenant.
"""

from __future__ import annotations

import pytest
import yaml

from e2ekit import DEMO_PAT, ROOT, run_playbook
from invariants import assert_window_invariant, selection_of, snapshot
from reportfiles import read_report

MAINTENANCE = ROOT / "playbooks" / "maintenance.yml"
WINDOWS = ROOT / "playbooks" / "windows.yml"
WINDOW = "e2e-tenants-1"
VIEWER_PAT = "emulator-viewer-pat"


def inventory(tmp_path, eu, us, us_token=DEMO_PAT):
    """Two tenants: ``tenant-eu`` on the first emulator, ``tenant-us`` on the second."""
    path = tmp_path / "tenants.yml"
    path.write_text(yaml.safe_dump({"talend_tenants": {"hosts": {
        "tenant-eu": {"talend_api_url": eu.url, "talend_token": DEMO_PAT},
        "tenant-us": {"talend_api_url": us.url, "talend_token": us_token},
    }}}))
    return path


def window_vars(phase, reports, **extra):
    return dict({"maintenance_window_id": WINDOW, "maintenance_window_phase": phase,
                 "maintenance_window_reason": "e2e two tenants", "maintenance_window_drain": False,
                 "maintenance_window_selectors": [{"environment": "Production"}],
                 "maintenance_window_report_dir": str(reports)}, **extra)


def run(env, playbook, tenants, extra_vars=None, check=True):
    return run_playbook(env, playbook, extra_vars, "-i", str(tenants), "--forks", "4", check=check)


def production(emulator, before):
    return selection_of(before, emulator.state(), environment_names={"Production"}, kinds=("tasks",))


def public_interval(emulator):
    """``(first, last)`` emulator times (ms) of the public API requests it logged."""
    times = [e["emulatorTimeMs"] for e in emulator.requests_log()["entries"] if not e["path"].startswith("/_emulator")]
    return min(times), max(times)


@pytest.fixture
def tenants_ready(emulator, second_emulator):
    """Both emulators reset, with a little latency so that each phase lasts long enough to see the overlap."""
    for emu in (emulator, second_emulator):
        emu.admin("POST", "config", json={"latency_ms": 40, "request_log_size": 2000})
        emu.admin("DELETE", "requests")
    return emulator, second_emulator


def test_two_tenants_pause_then_resume_in_parallel_with_a_report_each(tenants_ready, ansible_env, tmp_path):
    eu, us = tenants_ready
    tenants, reports = inventory(tmp_path, eu, us), tmp_path / "reports"
    before = {"eu": snapshot(eu), "us": snapshot(us)}

    out = run(ansible_env, MAINTENANCE, tenants, window_vars("pause", reports)).stdout
    for name, emu in (("eu", eu), ("us", us)):
        assert_window_invariant(before[name], emu, WINDOW, "paused", selected=production(emu, before[name]))
    (eu_first, eu_last), (us_first, us_last) = public_interval(eu), public_interval(us)
    assert eu_first < us_last and us_first < eu_last, "the two tenants must be paused at the same time"
    assert sorted(p.name for p in reports.glob("*.json")) == ["%s.tenant-eu.json" % WINDOW, "%s.tenant-us.json" % WINDOW]
    assert "tenant-eu: paused" in out and "tenant-us: paused" in out

    out = run(ansible_env, MAINTENANCE, tenants, window_vars("resume", reports)).stdout
    for name, emu in (("eu", eu), ("us", us)):
        assert_window_invariant(before[name], emu, WINDOW, "resumed")
    assert "tenant-eu: resumed" in out and "tenant-us: resumed" in out
    for tenant in ("tenant-eu", "tenant-us"):
        document = read_report(reports / ("%s.%s.json" % (WINDOW, tenant)))
        assert [run["phase"] for run in document["runs"]] == ["pause", "resume"], tenant
        assert document["runs"][1]["counts"]["tasks"]["resumed"] == document["runs"][0]["counts"]["tasks"]["paused"]


def test_continue_leaves_the_other_tenant_paused_and_fails_naming_the_refusing_one(
        tenants_ready, ansible_env, tmp_path):
    eu, us = tenants_ready
    tenants = inventory(tmp_path, eu, us, us_token=VIEWER_PAT)
    before = {"eu": snapshot(eu), "us": snapshot(us)}

    proc = run(ansible_env, MAINTENANCE, tenants, window_vars("pause", tmp_path / "reports"), check=False)
    assert proc.returncode != 0
    assert_window_invariant(before["eu"], eu, WINDOW, "paused", selected=production(eu, before["eu"]))
    assert snapshot(us) == before["us"], "the refusing tenant paused nothing"
    assert "failed on 1 of 2 tenant(s): tenant-us" in proc.stdout
    assert "The other tenants went on" in proc.stdout and "--limit tenant-us" in proc.stdout
    assert "tenant-eu: paused" in proc.stdout


def test_rollback_resumes_every_tenant_when_one_refuses_the_pause(tenants_ready, ansible_env, tmp_path):
    eu, us = tenants_ready
    tenants = inventory(tmp_path, eu, us, us_token=VIEWER_PAT)
    before = {"eu": snapshot(eu), "us": snapshot(us)}

    proc = run(ansible_env, MAINTENANCE, tenants,
               window_vars("pause", tmp_path / "reports", maintenance_window_tenant_failure="rollback"), check=False)
    assert proc.returncode != 0
    for name, emu in (("eu", eu), ("us", us)):
        assert_window_invariant(before[name], emu, WINDOW, "resumed")
    assert eu.requests_log()["byRoute"].get("PUT /orchestration/executables/tasks/{taskId}/pause", 0) > 0
    assert "failed on 1 of 2 tenant(s): tenant-us" in proc.stdout
    assert "maintenance_window_tenant_failure=rollback: every tenant resumed" in proc.stdout
    assert "tenant-eu: paused" in proc.stdout and "rolled back: resumed" in proc.stdout


def test_a_bad_failure_policy_fails_before_any_request(tenants_ready, ansible_env, tmp_path):
    eu, us = tenants_ready
    proc = run(ansible_env, MAINTENANCE, inventory(tmp_path, eu, us),
               window_vars("pause", tmp_path / "reports", maintenance_window_tenant_failure="abort"), check=False)
    assert proc.returncode != 0 and "maintenance_window_tenant_failure" in proc.stdout
    assert eu.requests_log()["total"] == 0 and us.requests_log()["total"] == 0


def test_windows_playbook_prints_the_open_windows_of_every_tenant(tenants_ready, ansible_env, tmp_path):
    eu, us = tenants_ready
    eu.admin("PUT", "tasks/ba65d966494bab10a0f8f018/pause-details", json={
        "pause": True, "pauseContext": "e2e (until 2020-01-01T00:00Z) [maintenance-window:late-1]",
        "user": "ops.admin@example.com", "pauseDate": "2026-01-01T00:00:00.000Z"})
    out = run(ansible_env, WINDOWS, inventory(tmp_path, eu, us)).stdout
    eu_part = out[out.index("ok: [tenant-eu]", out.index("Print the open windows")):]
    assert "late-1" in out and "mw-10" in out
    assert out.count("window_id: mw-10") + out.count('"window_id": "mw-10"') == 2, out
    assert "overdue" in eu_part
