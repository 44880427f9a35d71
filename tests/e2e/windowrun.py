# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the fault, crash and report tests: run a window phase, read its report, watch the emulator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from e2ekit import ROOT, SAMPLE_DATA, Emulator, run_playbook
from reportfiles import read_report

MAINTENANCE = ROOT / "playbooks" / "maintenance.yml"
PRODUCTION = {"environment": "Production", "include_plans": True}
PAUSE_PUT = "PUT /orchestration/executables/tasks/{taskId}/pause"
PLAN_PAUSE_PUT = "PUT /orchestration/executables/plans/{planId}/pause"


def window_vars(window_id, phase, reports, selectors=(PRODUCTION,), **extra):
    """Extra vars of ``playbooks/maintenance.yml`` for one phase of a window, report in ``reports``."""
    return dict({"maintenance_window_id": window_id, "maintenance_window_phase": phase,
                 "maintenance_window_reason": "e2e fault test", "maintenance_window_drain": False,
                 "maintenance_window_selectors": list(selectors),
                 "maintenance_window_report_dir": str(reports)}, **extra)


def run_phase(env, window_id, phase, reports, check=True, cli_args=(), **extra):
    """Run one phase with ``playbooks/maintenance.yml``; returns the ``CompletedProcess``.

    :param cli_args: more ansible-playbook arguments, e.g. ``("--check",)``.
    :param extra: more variables for :func:`window_vars` (``selectors``, role variables).
    """
    return run_playbook(env, MAINTENANCE, window_vars(window_id, phase, reports, **extra), *cli_args, check=check)


def report(reports, window_id) -> dict:
    """The JSON report of ``window_id`` in the directory ``reports``, every run's full record in ``runs``."""
    return read_report(reports / ("%s.json" % window_id))


def sample_service_account(name="maintenance-bot"):
    """``(client id, secret)`` of a service account of the sample data."""
    account = next(a for a in json.loads(SAMPLE_DATA.read_text())["serviceAccounts"] if a["name"] == name)
    return account["id"], account["secret"]


def with_service_account(env):
    """``env`` with the sample service account instead of the PAT."""
    client_id, secret = sample_service_account()
    out = {k: v for k, v in env.items() if k != "TALEND_TOKEN"}
    out.update({"TALEND_CLIENT_ID": client_id, "TALEND_CLIENT_SECRET": secret})
    return out


def route_count(emulator, route) -> int:
    """Requests the emulator counted on ``route`` (e.g. :data:`PAUSE_PUT`) since its counters were zeroed."""
    return emulator.requests_log()["byRoute"].get(route, 0)


class WhenRequests:
    """Call ``action()`` once, from a thread, as soon as ``count(summary)`` reaches ``threshold``.

    ``summary`` is ``GET /_emulator/requests?last=0`` (admin calls are not counted there). Polls every
    ``interval`` seconds for at most ``timeout`` seconds. ``fired`` tells whether the action ran.
    """

    def __init__(self, emulator, threshold, action, count=lambda s: s["total"], interval=0.005, timeout=240):
        self.fired = False
        self._stop = threading.Event()
        emulator = Emulator(emulator.url)  # a session of its own: the test thread may use the other one

        def watch():
            deadline = time.monotonic() + timeout
            while not self._stop.is_set() and time.monotonic() < deadline:
                if count(emulator.admin("GET", "requests", params={"last": 0})) >= threshold:
                    action()
                    self.fired = True
                    return
                time.sleep(interval)

        self._thread = threading.Thread(target=watch, daemon=True)
        self._thread.start()

    def stop(self):
        """Stop watching (the action may have run already) and wait for the thread."""
        self._stop.set()
        self._thread.join(timeout=10)


def process_tree(root_pid) -> set:
    """``root_pid`` and every pid descending from it (read from ``/proc/<pid>/stat``)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry, encoding="utf-8", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            parents[int(entry)] = int(fields[1])
    tree, grew = {root_pid}, True
    while grew:
        children = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        grew = bool(children)
        tree |= children
    return tree


def kill_tree(root_pid) -> int:
    """SIGSTOP every pid of the tree (again until no new pid appears), then SIGKILL each; returns how many."""
    stopped = set()
    while True:
        new = process_tree(root_pid) - stopped
        if not new:
            break
        for pid in new:
            try:
                os.kill(pid, signal.SIGSTOP)
            except ProcessLookupError:
                pass
        stopped |= new
    for pid in stopped:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return len(stopped)


def run_killed(env, emulator, extra_vars, log_path, threshold, count=lambda s: s["total"], timeout=240):
    """Run ``playbooks/maintenance.yml`` with ``extra_vars`` and kill its whole process tree (:func:`kill_tree`) as
    soon as ``count(summary)`` of the emulator's requests reaches ``threshold`` (see :class:`WhenRequests`).

    :param log_path: where the play's output goes. :returns: ``(killed: bool, return code)``.
    """
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(MAINTENANCE),
           "-e", json.dumps(extra_vars)]
    with open(log_path, "w", encoding="utf-8") as log:
        play = subprocess.Popen(cmd, env=env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT)
        killed = []
        watcher = WhenRequests(emulator, threshold, lambda: killed.append(kill_tree(play.pid)), count=count)
        try:
            returncode = play.wait(timeout=timeout)
        finally:
            watcher.stop()
            if play.poll() is None:
                kill_tree(play.pid)
                play.wait()
    return bool(killed), returncode
