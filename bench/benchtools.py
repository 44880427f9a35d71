# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of bench/run_bench.py: the emulator in its own process, measured ansible-playbook runs,
peak memory of a process tree and the machine's load.

Memory is measured two ways for each command:

* ``ru_maxrss`` from ``os.wait4`` on the command: the largest resident set of any single
  process of its tree (the kernel folds the maximum of every reaped descendant into it);
* a sampler thread (psutil, every 50 ms) summing the RSS and the PSS of every process of the
  tree: the sum of RSS counts pages that forked workers share once per process (an upper
  bound), the sum of PSS divides shared pages among their users (the real footprint).
"""

from __future__ import annotations

import bisect
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
EMULATORCTL = ROOT / "tests" / "emulator" / "emulatorctl.py"
MB = 1024.0 * 1024.0


class Emulator:
    """An emulator started with ``emulatorctl.py start`` in a state directory, stopped on exit.

    :param data: data file (path).
    :param state_dir: directory for its pid, URL and log files.
    """

    def __init__(self, data, state_dir):
        self.data = str(data)
        self.state_dir = str(state_dir)
        self.url = None
        self.pid = None
        self.http = requests.Session()

    def __enter__(self):
        out = subprocess.run([sys.executable, str(EMULATORCTL), "start", "--port", "0", "--state-dir", self.state_dir,
                              "--data", self.data], capture_output=True, text=True, check=False, timeout=60)
        if out.returncode != 0:
            raise RuntimeError("the emulator did not start: %s" % out.stderr.strip())
        self.url = out.stdout.strip().splitlines()[-1]
        self.pid = int(Path(self.state_dir, "emulator.pid").read_text(encoding="utf-8").strip())
        return self

    def __exit__(self, *exc_info):
        subprocess.run([sys.executable, str(EMULATORCTL), "stop", "--state-dir", self.state_dir],
                       capture_output=True, check=False, timeout=60)

    def admin(self, method, path, body=None):
        """Call ``/_emulator/<path>``; returns the JSON answer."""
        response = self.http.request(method, "%s/_emulator/%s" % (self.url, path), json=body, timeout=120)
        if response.status_code >= 400:
            raise RuntimeError("emulator admin %s %s: %s %s" % (method, path, response.status_code, response.text[:500]))
        return response.json()

    def cpu_seconds(self):
        """CPU time (user + system) the emulator process has used so far."""
        times = psutil.Process(self.pid).cpu_times()
        return times.user + times.system

    def tasks(self):
        """Every task as stored: ``[{id, name, taskPauseDetails?, ...}]``."""
        tasks = self.admin("GET", "state")["tasks"]
        return list(tasks.values()) if isinstance(tasks, dict) else tasks


def request_stats(log, latency_ms=0.0):
    """Arrival-time statistics of the emulator's request log entries (``GET /_emulator/requests``).

    An entry's ``emulatorTimeMs`` is taken when the answer leaves; its arrival is that minus ``durationMs``.

    :returns: dict ``max_in_any_60s`` (accepted requests, the emulator's own measure),
        ``busiest_second`` (accepted requests), ``server_ms_mean`` (time inside the emulator
        beyond ``latency_ms``, accepted requests).
    """
    entries = [e for e in log.get("entries", []) if e.get("note") != "rate_limited"]
    if not entries:
        return {"max_in_any_60s": 0, "busiest_second": 0, "server_ms_mean": None}
    arrivals = sorted(e["emulatorTimeMs"] - e["durationMs"] for e in entries)
    in_window = max(i + 1 - bisect.bisect_right(arrivals, t - 60000.0) for i, t in enumerate(arrivals))
    in_second = max(i + 1 - bisect.bisect_right(arrivals, t - 1000.0) for i, t in enumerate(arrivals))
    server_ms = sum(max(e["durationMs"] - latency_ms, 0.0) for e in entries) / len(entries)
    return {"max_in_any_60s": in_window, "busiest_second": in_second, "server_ms_mean": round(server_ms, 2)}


def api_span(log, start_epoch, end_epoch):
    """Requests of the emulator's log that arrived between two epoch times (one ansible-playbook run).

    :returns: dict ``requests`` (accepted and refused), ``puts`` (pause/resume requests) and
        ``put_span_s``: seconds from the first pause/resume request to the last one, the bulk
        part of the run, which the API's pace bounds (the rest is Ansible and the selection).
    """
    inside = [e for e in log.get("entries", []) if start_epoch * 1000.0 <= e["emulatorTimeMs"] <= end_epoch * 1000.0]
    puts = sorted(e["emulatorTimeMs"] - e["durationMs"] for e in inside if e["method"] == "PUT")
    span = (puts[-1] - puts[0]) / 1000.0 if puts else 0.0
    return {"requests": len(inside), "puts": len(puts), "put_span_s": round(span, 2)}


class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of a process and all its descendants until stopped."""

    def __init__(self, pid, interval=0.05):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_rss_sum = 0
        self.peak_pss_sum = 0
        self.peak_processes = 0
        self.peak_by_kind = {}
        self._stop_event = threading.Event()
        self._full = {}

    def run(self):
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def sample(self):
        """One sample of the tree (processes that vanish meanwhile are skipped)."""
        try:
            procs = [self.root] + self.root.children(recursive=True)
        except psutil.Error:
            return
        rss = pss = 0
        for proc in procs:
            try:
                if self._full.get(proc.pid, True):
                    try:
                        info = proc.memory_full_info()
                        one_rss, one_pss = info.rss, getattr(info, "pss", info.rss)
                    except psutil.AccessDenied:
                        self._full[proc.pid] = False
                        one_rss = one_pss = proc.memory_info().rss
                else:
                    one_rss = one_pss = proc.memory_info().rss
                kind = self._kind(proc)
            except psutil.Error:
                continue
            rss, pss = rss + one_rss, pss + one_pss
            self.peak_by_kind[kind] = max(self.peak_by_kind.get(kind, 0), one_rss)
        self.peak_rss_sum = max(self.peak_rss_sum, rss)
        self.peak_pss_sum = max(self.peak_pss_sum, pss)
        self.peak_processes = max(self.peak_processes, len(procs))

    def _kind(self, proc):
        """``main`` (ansible-playbook), ``worker`` (its forks) or ``module`` (anything deeper)."""
        if proc.pid == self.root.pid:
            return "main"
        return "worker" if proc.ppid() == self.root.pid else "module"

    def stop(self):
        """Stop sampling and wait for the thread."""
        self._stop_event.set()
        self.join()


def kill_tree(pid):
    """Stop a process and every descendant (all stopped first so none forks or reparents meanwhile)."""
    try:
        procs = [psutil.Process(pid)]
        procs += procs[0].children(recursive=True)
    except psutil.Error:
        return
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        for proc in procs:
            try:
                proc.send_signal(sig)
            except psutil.Error:
                pass


def run_measured(cmd, env, log_path, timeout=3600):
    """Run ``cmd`` with output to ``log_path``; measure wall time, CPU and peak memory of its process tree.

    :returns: dict ``rc``, ``wall_s``, ``cpu_s`` (user + system of the tree), ``maxrss_single_mb``
        (``ru_maxrss``), ``peak_rss_sum_mb``, ``peak_pss_sum_mb``, ``peak_processes``, ``log``.
    """
    with open(log_path, "w", encoding="utf-8") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        watchdog = threading.Timer(timeout, kill_tree, (proc.pid,))
        watchdog.start()
        dummy, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        watchdog.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
    return {
        "rc": proc.returncode,
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "maxrss_single_mb": round(usage.ru_maxrss / 1024.0, 1),
        "peak_rss_sum_mb": round(sampler.peak_rss_sum / MB, 1),
        "peak_pss_sum_mb": round(sampler.peak_pss_sum / MB, 1),
        "peak_processes": sampler.peak_processes,
        "peak_rss_by_process_mb": {k: round(v / MB, 1) for k, v in sorted(sampler.peak_by_kind.items())},
        "log": str(log_path),
    }


LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .*?\| (TASK|PLAY RECAP|PLAY) \[?(.*?)\]? \*+\s*$")


def task_spans(ansible_log):
    """Every task of an ``ANSIBLE_LOG_PATH`` file in order: ``[(seconds, task name)]``.

    A task's time runs from its ``TASK [...]`` line to the next ``TASK``/``PLAY`` line.
    """
    marks = []
    for line in Path(ansible_log).read_text(encoding="utf-8", errors="replace").splitlines():
        match = LOG_LINE.match(line)
        if match:
            stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            marks.append((stamp, match.group(2), match.group(3)))
    return [(round(nxt[0] - cur[0], 2), cur[2].split(" : ", 1)[-1])
            for cur, nxt in zip(marks, marks[1:]) if cur[1] == "TASK"]


def machine_load(exclude_pid=None, seconds=1.0):
    """Load averages and the busiest other processes (name and CPU %, never command lines).

    :param exclude_pid: a process whose tree (this bench) is left out.
    """
    mine = set()
    if exclude_pid:
        try:
            root = psutil.Process(exclude_pid)
            mine = {root.pid} | {p.pid for p in root.children(recursive=True)}
        except psutil.Error:
            pass
    procs = [p for p in psutil.process_iter(["name"]) if p.pid not in mine]
    for proc in procs:
        try:
            proc.cpu_percent(None)
        except psutil.Error:
            pass
    time.sleep(seconds)
    busy = []
    for proc in procs:
        try:
            percent = proc.cpu_percent(None)
        except psutil.Error:
            continue
        if percent >= 5.0:
            busy.append((round(percent), proc.info["name"]))
    return {"loadavg": [round(x, 2) for x in os.getloadavg()], "cpus": psutil.cpu_count(),
            "busy_other_processes": [{"cpu_percent": p, "name": n} for p, n in sorted(busy, reverse=True)[:6]]}
