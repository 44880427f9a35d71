# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: the pause phase killed with SIGKILL at a random point, then recovered by re-runs.

About a hundred generated tasks (some paused by someone else, each with a schedule) and emulator latency give
the pause phase time to be killed in the middle: selection, plan pauses or task pauses. The kill point is
the emulator's count of public requests, drawn from a fixed seed. ansible-core's workers call ``setsid``, so
the whole process tree is stopped (SIGSTOP on every pid, repeated until no new pid appears) and then killed
(SIGKILL on each): nothing of the killed play sends a request afterwards. Recovery is a second pause run
then a resume on another machine (fresh ANSIBLE_HOME, state and report directories), or a resume alone; the
window invariant (tests/e2e/invariants.py) must hold after each recovery run.
"""

from __future__ import annotations

import random
import signal
import time

import pytest
from invariants import assert_window_invariant, selection_of, snapshot
from windowrun import report, run_killed, run_phase, window_vars

GENERATED = 90
STAGING = {"environment": "Staging", "include_plans": True}
# seed: recovery (pause again then resume on another machine, or resume at once: the window is called off).
# The seeds give kill points spread over the phase: request 2 (selection), 42 and 80 of about 93.
SEEDS = {31: "resume-only", 7: "pause-then-resume", 5: "pause-then-resume"}


def wait_quiet(emulator, quiet_seconds=0.5, timeout=30):
    """Wait until the emulator's request count stops moving (answers in flight at the kill are done)."""
    deadline, last, since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        total = emulator.requests_log()["total"]
        if total != last:
            last, since = total, time.monotonic()
        elif time.monotonic() - since >= quiet_seconds:
            return total
        time.sleep(0.05)
    raise AssertionError("the emulator still receives requests %d s after the kill" % timeout)


def other_machine(env, tmp_path):
    """``env`` of another machine: its own ANSIBLE_HOME, temp and state directories (no file of the pause)."""
    base = tmp_path / "other-machine"
    return dict(env, ANSIBLE_HOME=str(base / "ansible-home"), ANSIBLE_LOCAL_TEMP=str(base / "tmp"),
                XDG_STATE_HOME=str(base / "state"))


def marked(emulator, window_id) -> set:
    """``(kind, id)`` of what is paused with the window's marker now."""
    marker = "[maintenance-window:%s]" % window_id
    return {key for key, entry in snapshot(emulator).items()
            if (entry["pause"] or {}).get("pause") and marker in ((entry["pause"] or {}).get("pauseContext") or "")}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_pause_killed_at_a_random_point_recovers_with_reruns(emulator, ansible_env, tmp_path, seed):
    rng = random.Random(seed)
    state = emulator.state()
    staging = next(e["id"] for e in state["environments"] if e["name"] == "Staging")
    emulator.admin("POST", "tasks/generate", json={"count": GENERATED, "environment_id": staging, "seed": "crash",
                                                   "paused_every": 9, "with_schedules": True})
    emulator.admin("POST", "config", json={"latency_ms": 20})
    before = snapshot(emulator)
    selected = selection_of(before, emulator.state(), environment_names={"Staging"})
    to_pause = {key for key in selected if not (before[key]["pause"] or {}).get("pause")}
    window_id = "crash-%d" % seed
    reports = tmp_path / "reports"

    # the killed run: the kill point is a count of public requests, somewhere from the first read to the writes
    kill_at = rng.randint(1, len(to_pause))
    # one request at a time: a quiet controller's requests otherwise go out as fast as max_workers allow (the
    # rate limit counts a window, it does not space them), and the kill would land after the last pause
    killed, returncode = run_killed(ansible_env, emulator, window_vars(
        window_id, "pause", reports, selectors=(STAGING,), talend_max_workers=1), tmp_path / "killed-run.log", kill_at)
    assert killed and returncode == -signal.SIGKILL, "the play ended before request %d (rc %s):\n%s" % (
        kill_at, returncode, (tmp_path / "killed-run.log").read_text()[-3000:])
    wait_quiet(emulator)
    held_at_kill = marked(emulator, window_id)
    assert held_at_kill < to_pause, "the kill at request %d came after every pause" % kill_at
    if (reports / ("%s.json" % window_id)).exists():   # killed after its record of what it was about to send
        killed_run = report(reports, window_id)["runs"][-1]
        may_hold = {(kind, r["id"]) for kind in ("tasks", "plans") for r in killed_run[kind]
                    if r["result"] not in ("not attempted", "failed", "left alone: paused by someone else")}
        assert held_at_kill <= may_hold, "the killed run's record misses tasks it changed: %s" % (
            sorted(held_at_kill - may_hold))
    else:
        assert not held_at_kill, "the run changed tasks without a record of them"

    if SEEDS[seed] == "pause-then-resume":
        out = run_phase(ansible_env, window_id, "pause", reports, selectors=(STAGING,)).stdout
        assert_window_invariant(before, emulator, window_id, "paused", selected=selected)
        run = report(reports, window_id)["runs"][-1]
        held = {k: sum(1 for key in held_at_kill if key[0] == k) for k in ("tasks", "plans")}
        for kind in ("tasks", "plans"):
            assert run["counts"][kind]["held"] == held[kind], kind
            assert run["counts"][kind]["held"] + run["counts"][kind]["paused"] == sum(
                1 for key in to_pause if key[0] == kind), kind
        if held_at_kill:
            assert "an earlier run already paused %d task(s) and %d plan(s)" % (held["tasks"], held["plans"]) in out

    elsewhere = other_machine(ansible_env, tmp_path)
    out = run_phase(elsewhere, window_id, "resume", tmp_path / "other-reports", selectors=(STAGING,)).stdout
    assert ("nothing to resume for window %s" % window_id in out) == (SEEDS[seed] == "resume-only" and not held_at_kill)
    assert_window_invariant(before, emulator, window_id, "resumed")
    run = report(tmp_path / "other-reports", window_id)["runs"][-1]
    expected = to_pause if SEEDS[seed] == "pause-then-resume" else held_at_kill
    assert run["counts"]["tasks"]["resumed"] + run["counts"]["plans"]["resumed"] == len(expected)
