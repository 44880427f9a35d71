# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: playbooks/maintenance.yml pauses a window and resumes exactly what it paused."""

from __future__ import annotations

from e2ekit import ROOT, run_playbook

PLAYBOOK = ROOT / "playbooks" / "maintenance.yml"
WINDOW = "e2e-window-1"
MARKER = "[maintenance-window:%s]" % WINDOW


def pause_states(emulator):
    """``{task id: (paused, pauseContext)}`` read from the emulator's state."""
    return {tid: ((t.get("taskPauseDetails") or {}).get("pause", False), (t.get("taskPauseDetails") or {}).get("pauseContext"))
            for tid, t in emulator.tasks().items()}


def task_ids_of_environment(emulator, name):
    state = emulator.state()
    env_id = next(e["id"] for e in state["environments"] if e["name"] == name)
    workspaces = {w["id"] for w in state["workspaces"] if w["environmentId"] == env_id}
    return {t["id"] for t in state["tasks"] if t["workspaceId"] in workspaces}


def window_vars(phase, **extra):
    return dict({"maintenance_window_phase": phase, "maintenance_window_id": WINDOW,
                 "maintenance_window_reason": "e2e DB upgrade", "maintenance_window_drain": False,
                 "maintenance_window_selectors": [{"environment": "Production"}]}, **extra)


def test_pause_then_resume_restores_every_task_state(emulator, ansible_env):
    before = pause_states(emulator)
    production = task_ids_of_environment(emulator, "Production")
    assert any(before[t][0] for t in production), "sample data must hold a foreign-paused Production task"

    out = run_playbook(ansible_env, PLAYBOOK, window_vars("pause")).stdout
    during = pause_states(emulator)
    for tid, (paused, context) in before.items():
        if tid in production and not paused:
            assert during[tid] == (True, "e2e DB upgrade " + MARKER), tid
        else:
            assert during[tid] == (paused, context), "task %s outside the window or paused by someone else changed" % tid
    assert "paused" in out and WINDOW in out

    out = run_playbook(ansible_env, PLAYBOOK, window_vars("resume")).stdout
    after = pause_states(emulator)
    assert {t: s[0] for t, s in after.items()} == {t: s[0] for t, s in before.items()}
    for tid, (paused, context) in before.items():
        if paused:
            assert after[tid] == (True, context), "foreign-paused task %s lost its own context" % tid
    assert "resumed" in out


def test_second_pause_run_changes_nothing(emulator, ansible_env):
    run_playbook(ansible_env, PLAYBOOK, window_vars("pause"))
    first = pause_states(emulator)
    emulator.admin("DELETE", "requests")
    out = run_playbook(ansible_env, PLAYBOOK, window_vars("pause")).stdout
    assert pause_states(emulator) == first
    puts = {k: v for k, v in emulator.requests_log()["byRoute"].items() if k.startswith("PUT")}
    assert not puts, "a second pause run sent writes: %s" % puts
    assert "changed=0" in out


def test_resume_of_unknown_window_succeeds_with_nothing_to_resume(emulator, ansible_env):
    before = pause_states(emulator)
    out = run_playbook(ansible_env, PLAYBOOK, window_vars("resume", maintenance_window_id="never-paused")).stdout
    assert "nothing to resume for window never-paused" in out
    assert pause_states(emulator) == before


def test_window_marker_is_matched_with_its_closing_bracket(emulator, ansible_env):
    run_playbook(ansible_env, PLAYBOOK, window_vars("pause", maintenance_window_id="mw-10"))
    paused_by_mw10 = pause_states(emulator)
    out = run_playbook(ansible_env, PLAYBOOK, window_vars("resume", maintenance_window_id="mw-1")).stdout
    assert "nothing to resume for window mw-1" in out
    assert pause_states(emulator) == paused_by_mw10


def test_explicit_task_ids_are_paused_and_resumed(emulator, ansible_env):
    before = pause_states(emulator)
    target = sorted(t for t, (paused, _c) in before.items() if not paused)[:2]
    extra = {"maintenance_window_selectors": [], "maintenance_window_tasks": target}
    run_playbook(ansible_env, PLAYBOOK, window_vars("pause", **extra))
    assert all(pause_states(emulator)[t] == (True, "e2e DB upgrade " + MARKER) for t in target)
    run_playbook(ansible_env, PLAYBOOK, window_vars("resume", **extra))
    assert {t: s[0] for t, s in pause_states(emulator).items()} == {t: s[0] for t, s in before.items()}


def test_bad_window_id_fails_before_any_request(emulator, ansible_env):
    emulator.admin("DELETE", "requests")
    proc = run_playbook(ansible_env, PLAYBOOK, window_vars("pause", maintenance_window_id="../etc"), check=False)
    assert proc.returncode != 0 and "not a valid window id" in proc.stdout
    assert emulator.requests_log()["total"] == 0
