# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: one window over the account maximum (30,000 tasks and plans) at the API's rate limit (issue 19).

An emulator (its own process, bench/data/bench.json) with ``--tasks`` generated tasks and ``--plans`` generated
plans in environment ``Bench`` (one task and one plan paused and resumed before, so that the lists carry pause
details as on live tenants), the emulator and the client both at ``--rate-limit`` x ``--speedup`` requests per
minute (the speedup runs the same window proportionally faster when 1,800/min would take too long for the
machine: 60,000 PUTs at 1,800/min take 33 minutes), ``--latency-ms`` per request. ``playbooks/maintenance.yml``
pauses then resumes every task and plan (two ansible-playbook runs, drain off). Measured in the same run:

* the **floor**: requests the emulator accepted ÷ the rate (and the strict floor of the issue: one PUT per task
  and plan per phase plus the pages of the task and plan lists), and wall ÷ floor;
* 429s, failed tasks and plans (the emulator's state after each phase: every one carries the marker after the
  pause, none is paused after the resume), most accepted requests in any 60 s;
* the controller's peak RSS summed over the ``ansible-playbook`` process tree (psutil every 50 ms);
* the emulator's own throughput with the 30,000 records loaded (2 processes x 8 keep-alive threads of PUT
  toggles, zero latency, no limit, before the window) against the busiest second of the window;
* where the time goes, per phase: Ansible before the engine, selection (first request to the first PUT), the
  PUTs, the verification (read-back and the resume's checks after the last PUT), the engine after its last
  request (report, result), Ansible after the engine; from the emulator's request log and the Ansible log;
* the longest silence of the play while the phases ran (time between two lines of the Ansible log): the
  progress lines must come at least every 30 s.

Usage: .venv/bin/python bench/account_max.py [--tasks 27000] [--plans 3000] [--speedup 6] [--label NAME]
Results: bench/results/<date>-account-max-<label>.{json,md}. Exit 1 when a phase failed or left a record in the
wrong state; targets are reported, never asserted (``--enforce-targets``: exit 2 when one is missed).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from benchtools import ROOT, Emulator, machine_load, request_stats, run_measured, task_spans
from run_bench import DATA, ENVIRONMENT, ROLE_PLAYBOOK, _hammer, ansible_env

WINDOW = "account-max"
MARKER = "[maintenance-window:%s]" % WINDOW
TARGETS = {"ratio_to_floor_max": 1.05, "rss_mb_max": 200.0, "silence_s_max": 30.0}
ENGINE_TASK = re.compile(r"^Run the window phase ")
LOG_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--tasks", type=int, default=27000)
    parser.add_argument("--plans", type=int, default=3000)
    parser.add_argument("--rate-limit", type=int, default=1800, help="the vendor's limit, requests per minute")
    parser.add_argument("--speedup", type=float, default=6.0,
                        help="emulator and client limit = rate-limit x speedup (1: the vendor's own pace)")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--max-workers", type=int, default=8)
    parser.add_argument("--throughput-requests", type=int, default=8000)
    parser.add_argument("--label", default="now")
    parser.add_argument("--results-dir", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--enforce-targets", action="store_true")
    return parser.parse_args(argv)


def prepare(emu, args, rate):
    """Generate the tasks and plans, warm their lists (one of each paused and resumed before), zero the counters."""
    first_task = emu.admin("POST", "tasks/generate", {"count": args.tasks, "seed": "max"})["first_id"]
    emu.admin("PUT", "tasks/%s/pause-details" % first_task, {"pause": False})
    if args.plans:
        first_plan = emu.admin("POST", "plans/generate", {"count": args.plans, "seed": "max"})["first_id"]
        emu.admin("PUT", "plans/%s/pause-details" % first_plan, {"pause": False})
    emu.admin("POST", "config", {"latency_ms": args.latency_ms, "rate_limit_per_minute": rate,
                                 "request_log_size": 3 * (args.tasks + args.plans) + 10000})
    emu.admin("DELETE", "requests")


def throughput(emu, requests_total):
    """The emulator's PUT throughput with every record loaded: 2 processes x 8 keep-alive threads, no limit.

    On 2 cores the clients take much of the CPU, so the answered rate understates the emulator; ``capacity_per_s``
    is what one core answers at the emulator's measured CPU time per request (a single-process server)."""
    emu.admin("POST", "config", {"latency_ms": 0, "rate_limit_per_minute": 0})
    ids = [t["id"] for t in emu.tasks()][:2000]
    emu.admin("DELETE", "requests")
    cpu, started = emu.cpu_seconds(), time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.starmap(_hammer, [(emu.url, ids, 8, requests_total // 16)] * 2)
    wall = time.perf_counter() - started
    answered = emu.admin("GET", "requests?last=0")["total"]
    cpu_ms = 1000.0 * (emu.cpu_seconds() - cpu) / max(answered, 1)
    # every toggle was sent an even number of times per id: leave every task as it was (active)
    for task_id in ids:
        emu.admin("PUT", "tasks/%s/pause-details" % task_id, {"pause": False})
    return {"requests": answered, "wall_s": round(wall, 2), "requests_per_s": round(answered / wall, 1),
            "cpu_ms_per_request": round(cpu_ms, 2), "capacity_per_s": round(1000.0 / cpu_ms, 1) if cpu_ms else None}


def state_counts(emu):
    """``{records, marked, paused}`` over every task and plan the emulator holds."""
    state = emu.admin("GET", "state")
    records = []
    for kind, key in (("tasks", "taskPauseDetails"), ("plans", "planPauseDetails")):
        values = state.get(kind) or []
        values = values.values() if isinstance(values, dict) else values
        records += [(r.get(key) or r.get("pauseDetails") or {}) for r in values]
    paused = [d for d in records if d.get("pause")]
    return {"records": len(records), "marked": sum(1 for d in paused if MARKER in (d.get("pauseContext") or "")),
            "paused": len(paused)}


def log_times(path):
    """Epoch seconds of every line of an Ansible log."""
    out = []
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        match = LOG_STAMP.match(line)
        if match:
            out.append(datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp())
    return out


def breakdown(entries, span, ansible_log, wall):
    """Where the time of one phase went (seconds), from the request log entries of its span and its Ansible log."""
    inside = sorted(e["emulatorTimeMs"] / 1000.0 - e["durationMs"] / 1000.0 for e in entries
                    if span[0] * 1000 <= e["emulatorTimeMs"] <= span[1] * 1000)
    puts = sorted(e["emulatorTimeMs"] / 1000.0 - e["durationMs"] / 1000.0 for e in entries
                  if span[0] * 1000 <= e["emulatorTimeMs"] <= span[1] * 1000 and e["method"] == "PUT")
    spans = task_spans(ansible_log)
    engine = sum(seconds for seconds, name in spans if ENGINE_TASK.match(name))
    stamps = log_times(ansible_log)
    engine_start = None
    for line in Path(ansible_log).read_text(encoding="utf-8", errors="replace").splitlines():
        if "TASK [" in line and "Run the window phase " in line:
            engine_start = datetime.strptime(LOG_STAMP.match(line).group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            break
    if not inside or not puts or engine_start is None:
        return {"wall_s": wall, "engine_s": engine}
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    return {
        "wall_s": wall, "engine_s": round(engine, 2), "requests": len(inside), "puts": len(puts),
        "ansible_before_engine_s": round(engine_start - span[0], 2),
        "engine_before_first_request_s": round(inside[0] - engine_start, 2),
        "selection_s": round(puts[0] - inside[0], 2),
        "puts_s": round(puts[-1] - puts[0], 2),
        "verification_and_checks_s": round(inside[-1] - puts[-1], 2),
        "engine_after_last_request_s": round(engine_start + engine - inside[-1], 2),
        "ansible_after_engine_s": round(span[1] - (engine_start + engine), 2),
        "longest_silence_s": round(max(gaps), 1) if gaps else None,
        "progress_lines": sum(1 for line in Path(ansible_log).read_text(encoding="utf-8", errors="replace")
                              .splitlines() if " done, " in line and "/s" in line),
    }


def run_phase(emu, phase, args, rate, workdir):
    variables = {"maintenance_window_phase": phase, "maintenance_window_id": WINDOW,
                 "maintenance_window_selectors": [{"environment": ENVIRONMENT, "include_plans": True}],
                 "maintenance_window_drain": False, "talend_rate_limit": int(rate),
                 "talend_max_workers": args.max_workers, "maintenance_window_report_dir": str(workdir / "reports")}
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(ROLE_PLAYBOOK),
           "-e", json.dumps(variables)]
    ansible_log = workdir / ("%s.ansible.log" % phase)
    started = time.time()
    result = run_measured(cmd, ansible_env(emu.url, workdir, ansible_log), workdir / ("%s.out" % phase),
                          timeout=7200)
    result["span"] = (started, time.time())
    result["ansible_log"] = str(ansible_log)
    result["state_after"] = state_counts(emu)
    return result


def measure(args, workdir):
    rate = int(args.rate_limit * args.speedup)
    records = args.tasks + args.plans
    with Emulator(DATA, workdir / "emulator") as emu:
        prepare(emu, args, 0)
        load_before = machine_load(exclude_pid=os.getpid())
        emulator_alone = throughput(emu, args.throughput_requests)
        prepare_limits = {"latency_ms": args.latency_ms, "rate_limit_per_minute": rate,
                          "request_log_size": 3 * records + 10000}
        emu.admin("POST", "config", prepare_limits)
        emu.admin("DELETE", "requests")
        time.sleep(61)  # the throughput test's requests leave the emulator's 60 s window
        cpu_before = emu.cpu_seconds()
        phases = {phase: run_phase(emu, phase, args, rate, workdir) for phase in ("pause", "resume")}
        emulator_cpu = emu.cpu_seconds() - cpu_before
        log = emu.admin("GET", "requests?last=%d" % (3 * records + 10000))
    problems = []
    for phase, result in phases.items():
        if result["rc"] != 0:
            problems.append("%s: ansible-playbook rc=%s (see %s)" % (phase, result["rc"], result["log"]))
    if phases["pause"]["state_after"]["marked"] != records:
        problems.append("pause: %d of %d records carry the marker" % (phases["pause"]["state_after"]["marked"], records))
    if phases["resume"]["state_after"]["paused"]:
        problems.append("resume: %d records still paused" % phases["resume"]["state_after"]["paused"])
    entries = log.get("entries", [])
    accepted = log["total"] - log["rateLimited"]
    by_route = log.get("byRoute", {})
    list_pages = sum(n for route, n in by_route.items()
                     if route in ("GET /orchestration/executables/tasks", "GET /orchestration/executables/plans"))
    wall = sum(p["wall_s"] for p in phases.values())
    floor = accepted * 60.0 / rate
    strict = (2 * records + list_pages) * 60.0 / rate
    stats = request_stats(log, args.latency_ms)
    out = {
        "records": records, "tasks": args.tasks, "plans": args.plans, "rate_limit": args.rate_limit,
        "speedup": args.speedup, "rate_used": rate, "latency_ms": args.latency_ms, "max_workers": args.max_workers,
        "wall_s": round(wall, 1), "requests_accepted": accepted, "requests_429": log["rateLimited"],
        "requests_by_route": by_route, "floor_s": round(floor, 1), "ratio_to_floor": round(wall / floor, 3),
        "strict_floor_s": round(strict, 1), "ratio_to_strict_floor": round(wall / strict, 3),
        "max_in_any_60s": stats["max_in_any_60s"], "busiest_second": stats["busiest_second"],
        "emulator_alone": emulator_alone, "emulator_cpu_percent_of_one_core": round(100.0 * emulator_cpu / wall, 1),
        "peak_rss_sum_mb": max(p["peak_rss_sum_mb"] for p in phases.values()),
        "peak_pss_sum_mb": max(p["peak_pss_sum_mb"] for p in phases.values()),
        "phases": {}, "problems": problems, "load_before": load_before,
    }
    for phase, result in phases.items():
        out["phases"][phase] = dict(
            breakdown(entries, result["span"], result["ansible_log"], result["wall_s"]),
            rc=result["rc"], peak_rss_sum_mb=result["peak_rss_sum_mb"], peak_pss_sum_mb=result["peak_pss_sum_mb"],
            peak_rss_by_process_mb=result["peak_rss_by_process_mb"], cpu_s=result["cpu_s"],
            state_after=result["state_after"])
    out["longest_silence_s"] = max((p.get("longest_silence_s") or 0) for p in out["phases"].values())
    out["targets"] = {
        "wall / floor": [out["ratio_to_floor"], "<= %s" % TARGETS["ratio_to_floor_max"],
                         out["ratio_to_floor"] <= TARGETS["ratio_to_floor_max"]],
        "429s": [out["requests_429"], "0", out["requests_429"] == 0],
        "failed or wrong state": [len(problems), "0", not problems],
        "controller peak RSS tree MB": [out["peak_rss_sum_mb"], "<= %s" % TARGETS["rss_mb_max"],
                                        out["peak_rss_sum_mb"] <= TARGETS["rss_mb_max"]],
        "emulator capacity req/s > busiest second": [
            "%s > %s" % (emulator_alone["capacity_per_s"], out["busiest_second"]), "capacity > demand",
            (emulator_alone["capacity_per_s"] or 0) > out["busiest_second"]],
        "longest silence of the play, s": [
            out["longest_silence_s"], "<= %s" % TARGETS["silence_s_max"],
            out["longest_silence_s"] <= TARGETS["silence_s_max"]],
    }
    return out


def markdown(result, label):
    lines = ["# Account maximum: %s records, %s (%s)" % (format(result["records"], ","), label, date.today()), "",
             "Rate %s/min (%s x the vendor's %s/min, emulator and client), latency %s ms, %s workers. Load before: %s."
             % (result["rate_used"], result["speedup"], result["rate_limit"], result["latency_ms"],
                result["max_workers"], result["load_before"]["loadavg"]), "",
             "| target | measured | threshold | met |", "|---|---|---|---|"]
    lines += ["| %s | %s | %s | %s |" % (name, v[0], v[1], "yes" if v[2] else "**no**")
              for name, v in result["targets"].items()]
    lines += ["", "Wall %s s, floor %s s (%s accepted requests), strict floor %s s (ratio %s)." % (
        result["wall_s"], result["floor_s"], format(result["requests_accepted"], ","), result["strict_floor_s"],
        result["ratio_to_strict_floor"]), "", "| seconds | pause | resume |", "|---|---:|---:|"]
    keys = ("wall_s", "ansible_before_engine_s", "engine_before_first_request_s", "selection_s", "puts_s",
            "verification_and_checks_s", "engine_after_last_request_s", "ansible_after_engine_s", "longest_silence_s",
            "progress_lines", "requests", "puts", "peak_rss_sum_mb")
    lines += ["| %s | %s | %s |" % (k, result["phases"]["pause"].get(k), result["phases"]["resume"].get(k))
              for k in keys]
    lines += ["", "Requests by route: `%s`" % json.dumps(result["requests_by_route"], sort_keys=True)]
    if result["problems"]:
        lines += ["", "Problems: %s" % "; ".join(result["problems"])]
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="account-max-") as tmp:
        result = measure(args, Path(tmp))
    result["date"], result["label"] = date.today().isoformat(), args.label
    stem = Path(args.results_dir) / ("%s-account-max-%s" % (result["date"], args.label))
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    text = markdown(result, args.label)
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    print("account_max: results in %s.{json,md}" % stem)
    if result["problems"]:
        return 1
    missed = [name for name, v in result["targets"].items() if not v[2]]
    return 2 if (missed and args.enforce_targets) else 0


if __name__ == "__main__":
    sys.exit(main())
