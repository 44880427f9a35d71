# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: the pause phase drains the in-flight executions of the paused tasks before the maintenance.

The emulator clock is frozen in these tests, so executions move only when a test advances it; real
intervals are 1 s. A play step after the role stands for the maintenance, to see whether it starts.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from e2ekit import ROOT

MAINTENANCE = "THE MAINTENANCE STARTS NOW"
POLL_ROUTE = "GET /processing/executables/tasks/{taskId}/executions"
PLAYBOOK = """\
- name: Pause a window, then run the maintenance
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  roles:
    - role: talend_ops.cloud.maintenance_window
  tasks:
    - name: The maintenance
      ansible.builtin.debug:
        msg: %s
""" % MAINTENANCE
POLL_RE = re.compile(r"^Window drain-e2e: poll (\d+) at (\d+) s: ([^\n]*)$", re.M)


@pytest.fixture
def playbook(tmp_path):
    path = tmp_path / "maintenance_then_work.yml"
    path.write_text(PLAYBOOK)
    return path


@pytest.fixture
def frozen(emulator):
    """The emulator with its clock frozen: executions advance only through ``advance``."""
    emulator.admin("POST", "clock", json={"freeze": True})
    return emulator


def task_id(emulator, name, workspace="Finance"):
    state = emulator.state()
    ws = next(w["id"] for w in state["workspaces"] if w["name"] == workspace)
    return next(t["id"] for t in state["tasks"] if t["name"] == name and t["workspaceId"] == ws)


def start_run(emulator, task, seconds, engine=None):
    body = {"task_id": task, "duration_seconds": seconds, "dispatch_seconds": 0, "engine_id": engine}
    return emulator.admin("POST", "executions", json=body)["executionId"]


def execution(emulator, execution_id):
    return next(e for e in emulator.state()["taskExecutions"] if e["executionId"] == execution_id)


def paused(emulator, task):
    return (emulator.tasks()[task].get("taskPauseDetails") or {}).get("pause", False)


def window(tasks, **extra):
    return dict({"maintenance_window_phase": "pause", "maintenance_window_id": "drain-e2e",
                 "maintenance_window_tasks": tasks, "maintenance_window_drain_interval": 1}, **extra)


def ansible_playbook(env, playbook, extra_vars, *args):
    import json

    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(playbook),
           "-e", json.dumps(extra_vars), *args]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=str(ROOT))


def run(env, playbook, extra_vars, *args):
    proc = ansible_playbook(env, playbook, extra_vars, *args)
    out, dummy = proc.communicate(timeout=300)
    return proc.returncode, out


def polls_seen(emulator):
    return emulator.requests_log()["byRoute"].get(POLL_ROUTE, 0)


def wait_for_polls(emulator, proc, count, timeout=90):
    """Wait until the emulator has answered ``count`` per-task execution reads (2 per task and poll)."""
    deadline = time.monotonic() + timeout
    while polls_seen(emulator) < count:
        if proc.poll() is not None:
            raise AssertionError("ansible-playbook ended early:\n" + proc.stdout.read())
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("no poll came within %s s:\n%s" % (timeout, proc.communicate()[0]))
        time.sleep(0.1)


def poll_labels(out):
    """``[(poll number, elapsed seconds, outcome text)]`` of the drain's poll lines, printed as each poll happens."""
    return [(int(n), int(s), text) for n, s, text in POLL_RE.findall(out)]


def test_runs_that_end_inside_the_timeout_are_waited_for_and_both_cluster_runs_count(frozen, ansible_env, playbook):
    task = task_id(frozen, "Load SAP Cost Centers")
    short = start_run(frozen, task, 600, engine="re-node-a")
    long_ = start_run(frozen, task, 1200, engine="re-node-b")
    frozen.admin("DELETE", "requests")
    proc = ansible_playbook(ansible_env, playbook, window([task], maintenance_window_drain_timeout=120))
    wait_for_polls(frozen, proc, 2)           # poll 1 saw both runs
    frozen.admin("POST", "clock", json={"advance_seconds": 600})
    wait_for_polls(frozen, proc, polls_seen(frozen) + 4)  # a whole poll after the first run ended
    frozen.admin("POST", "clock", json={"advance_seconds": 600})
    out, dummy = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    outcomes = [text for _n, _s, text in poll_labels(out)]
    assert outcomes[0].startswith("2 still running: Load SAP Cost Centers (")
    assert short in outcomes[0] and long_ in outcomes[0]
    assert any(o.startswith("1 still running: Load SAP Cost Centers (%s, executing)" % long_) for o in outcomes)
    assert outcomes[-1] == "nothing in flight"
    assert "no execution of the 1 paused task(s) is in flight" in out
    assert MAINTENANCE in out
    assert "DELETE /processing/executions/{executionId}" not in frozen.requests_log()["byRoute"]
    assert execution(frozen, long_)["status"] == "execution_successful"


def test_run_outlasting_the_timeout_stops_the_play_before_the_maintenance_by_default(frozen, ansible_env, playbook):
    task = task_id(frozen, "Load SAP Cost Centers")
    run_id = start_run(frozen, task, 3600)
    rc, out = run(ansible_env, playbook, window([task], maintenance_window_drain_timeout=2))
    assert rc != 0
    assert MAINTENANCE not in out
    failure = out[out.index("fatal: [localhost]"):]
    assert "Load SAP Cost Centers" in failure and run_id in failure and "before the maintenance" in failure
    assert "maintenance_window_phase=resume -e maintenance_window_id=drain-e2e" in failure
    assert paused(frozen, task), "the tasks must stay paused when the drain gives up"
    assert execution(frozen, run_id)["status"] == "executing"


def test_pause_run_again_after_a_timeout_waits_again_for_the_tasks_the_window_holds(frozen, ansible_env, playbook):
    task = task_id(frozen, "Load SAP Cost Centers")
    run_id = start_run(frozen, task, 3600)
    rc, _out = run(ansible_env, playbook, window([task], maintenance_window_drain_timeout=0))
    assert rc != 0 and paused(frozen, task)
    frozen.admin("POST", "clock", json={"advance_seconds": 3600})
    rc, out = run(ansible_env, playbook, window([task], maintenance_window_drain_timeout=0))
    assert rc == 0, out
    assert [text for _n, _s, text in poll_labels(out)] == ["nothing in flight"]
    assert execution(frozen, run_id)["status"] == "execution_successful"


def test_run_outlasting_the_timeout_is_left_running_with_continue(frozen, ansible_env, playbook):
    task = task_id(frozen, "Load SAP Cost Centers")
    run_id = start_run(frozen, task, 3600)
    rc, out = run(ansible_env, playbook, window([task], maintenance_window_drain_timeout=1,
                                                maintenance_window_drain_on_timeout="continue"))
    assert rc == 0, out
    assert "going on although 1 execution(s)" in out and run_id in out
    assert out.index("going on although") < out.index(MAINTENANCE)
    assert execution(frozen, run_id)["status"] == "executing"


def test_run_outlasting_the_timeout_is_stopped_with_stop(frozen, ansible_env, playbook):
    task = task_id(frozen, "Load SAP Cost Centers")
    run_id = start_run(frozen, task, 3600)
    frozen.admin("DELETE", "requests")
    rc, out = run(ansible_env, playbook, window([task], maintenance_window_drain_timeout=1,
                                                maintenance_window_drain_on_timeout="stop"))
    assert rc == 0, out
    assert "stop requested for 1 execution(s): Load SAP Cost Centers (%s)." % run_id in out
    assert out.index("stop requested") < out.index(MAINTENANCE)
    assert frozen.requests_log()["byRoute"]["DELETE /processing/executions/{executionId}"] == 1
    assert execution(frozen, run_id)["status"] == "terminated"


def quiet_tasks(emulator, count):
    """Ids of ``count`` tasks that are not paused and have no execution in flight."""
    state = emulator.state()
    busy = {e["taskId"] for e in state["taskExecutions"] if e["status"] in ("dispatching", "executing")}
    quiet = [t["id"] for t in state["tasks"]
             if t["id"] not in busy and not (t.get("taskPauseDetails") or {}).get("pause")]
    assert len(quiet) >= count
    return quiet[:count]


@pytest.mark.parametrize("size", [1, 11], ids=["read-per-task", "read-from-the-account-list"])
def test_runs_of_tasks_outside_the_window_do_not_block_it(frozen, ansible_env, playbook, size):
    tasks = quiet_tasks(frozen, size)
    outside = next(t for t in frozen.tasks() if t not in tasks)
    start_run(frozen, outside, 3600)
    in_flight = [e for e in frozen.state()["taskExecutions"] if e["status"] in ("dispatching", "executing")]
    assert len({e["taskId"] for e in in_flight}) >= 2, "executions of other tasks must be in flight"
    rc, out = run(ansible_env, playbook, window(tasks, maintenance_window_drain_timeout=60))
    assert rc == 0, out
    assert [text for _n, _s, text in poll_labels(out)] == ["nothing in flight"]
    assert "no execution of the %d paused task(s) is in flight (1 poll(s)" % size in out
    assert MAINTENANCE in out


def test_drain_ends_at_the_first_poll_past_the_timeout(frozen, ansible_env, playbook):
    timeout, interval = 3, 1
    task = task_id(frozen, "Load SAP Cost Centers")
    start_run(frozen, task, 3600)
    rc, out = run(ansible_env, playbook, window([task], maintenance_window_drain_timeout=timeout,
                                                maintenance_window_drain_interval=interval,
                                                maintenance_window_drain_on_timeout="continue"))
    assert rc == 0, out
    polls = poll_labels(out)
    assert 1 <= len(polls) <= timeout // interval + 1
    assert all(elapsed < timeout for _n, elapsed, _t in polls[:-1]), polls
    assert polls[-1][1] >= timeout, polls
    # The last poll starts one interval after the one before it, which was still inside the timeout.
    assert polls[-1][1] - (polls[-2][1] if len(polls) > 1 else 0) <= interval + 5, polls
    assert all(text.startswith("1 still running: Load SAP Cost Centers") for _n, _s, text in polls)


def test_check_mode_polls_once_and_stops_nothing(frozen, ansible_env, playbook):
    task = task_id(frozen, "Load SAP Cost Centers")
    run_id = start_run(frozen, task, 3600)
    frozen.admin("DELETE", "requests")
    rc, out = run(ansible_env, playbook, window([task], maintenance_window_drain_timeout=60,
                                                maintenance_window_drain_on_timeout="stop"), "--check")
    assert rc == 0, out
    assert len(poll_labels(out)) == 1
    assert "check mode: 1 execution(s)" in out
    routes = frozen.requests_log()["byRoute"]
    assert not [r for r in routes if not r.startswith("GET ")], routes
    assert execution(frozen, run_id)["status"] == "executing" and not paused(frozen, task)


def test_unreadable_executions_stop_the_play_before_the_maintenance(frozen, ansible_env, playbook):
    task = task_id(frozen, "Load SAP Cost Centers")
    frozen.admin("POST", "faults", json={"status": 403, "count": -1, "method": "GET",
                                         "path": "^/processing/executables/tasks/.*/executions$",
                                         "message": "Forbidden", "detail": "no TMC_OPERATOR"})
    try:
        rc, out = run(ansible_env, playbook, window([task], maintenance_window_drain_timeout=60))
    finally:
        frozen.admin("DELETE", "faults")
    assert rc != 0
    assert MAINTENANCE not in out
    (poll,) = poll_labels(out)
    assert poll[2].startswith("could not read the executions:") and "403" in poll[2]
    assert "cannot tell whether runs are still going" in out and "maintenance_window_phase=resume" in out
    assert ansible_env["TALEND_TOKEN"] not in out
