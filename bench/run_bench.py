# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the maintenance_window role against an ansible.builtin.uri loop and the rate-limit floor.

Every scenario starts its own emulator (tests/emulator, separate process) with bench/data/bench.json,
generates the tasks in environment "Bench", runs the pause and then the resume phase as two
ansible-playbook runs, checks the emulator's state after each, and reads its request counters.

  emulator   the emulator's own throughput with zero latency (is it the bottleneck?)
  limited    role; emulator latency and rate limit (--latency-ms, --rate-limit); client rate_limit the same
  unlimited  role; same latency, no limit anywhere
  uri        ansible.builtin.uri loop (bench/playbooks/uri_loop.yml), same emulator as unlimited
  rss        role on --rss-tasks tasks, no limit: peak memory of the controller

Usage: .venv/bin/python bench/run_bench.py [--smoke] [--scenarios a,b] [--tasks N] ... (make bench, make bench-smoke)
Exit status: 0 all ran correctly (targets are reported, not enforced unless --enforce-targets);
1 a run failed or left a task in the wrong state; 2 a target missed with --enforce-targets.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import requests

from benchtools import ROOT, Emulator, api_span, machine_load, request_stats, run_measured, task_spans

DATA = ROOT / "bench" / "data" / "bench.json"
URI_PLAYBOOK = ROOT / "bench" / "playbooks" / "uri_loop.yml"
ROLE_PLAYBOOK = ROOT / "playbooks" / "maintenance.yml"
URI_LOOP_TASK = "Pause or resume each task"
"""Name of the per-task loop in uri_loop.yml: its time per item scales a partial run up to every task."""
PAT = "emulator-bench-pat"
ENVIRONMENT = "Bench"
WINDOW = "bench"
MARKERS = {"role": "[maintenance-window:%s]" % WINDOW, "uri": "[maintenance-window:bench-uri]"}
NO_LIMIT = 1000000
"""Client rate_limit used where no limit applies (requests per minute: never reached)."""
SCENARIOS = ("emulator", "limited", "unlimited", "uri", "rss")
TARGETS = {"limited_ratio_max": 1.15, "uri_ratio_min": 25.0, "rss_mb_max": 250.0}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--smoke", action="store_true",
                        help="tiny run for make test: 50 tasks, no latency, emulator, limited and uri (3 tasks timed), results to a temp dir")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=50, help="emulator latency per request")
    parser.add_argument("--rate-limit", type=int, default=1800, help="requests/min of the emulator and the client")
    parser.add_argument("--max-workers", type=int, default=8)
    parser.add_argument("--rss-tasks", type=int, default=10000)
    parser.add_argument("--uri-tasks", type=int, default=0, help="time the uri loop on this many tasks and scale up (0: all)")
    parser.add_argument("--drain", action="store_true", help="let the role drain (off: the drain waits for runs, not the API)")
    parser.add_argument("--label", default=None, help="results file name part (default: full or smoke)")
    parser.add_argument("--results-dir", default=None, help="default bench/results (smoke: a temp dir)")
    parser.add_argument("--enforce-targets", action="store_true", help="exit 2 when a target is missed")
    args = parser.parse_args(argv)
    if args.smoke:
        args.tasks, args.latency_ms, args.rate_limit, args.uri_tasks = 50, 0, 3000, 3
        if args.scenarios == parser.get_default("scenarios"):
            args.scenarios = "emulator,limited,uri"
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown or not args.scenarios:
        parser.error("--scenarios takes a comma-separated list of %s, got %r" % (", ".join(SCENARIOS), ",".join(args.scenarios)))
    args.label = args.label or ("smoke" if args.smoke else "full")
    return args


def ansible_env(url, workdir, log_path):
    """Environment of an ansible-playbook run against the emulator (like tests/e2e)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALEND_", "ANSIBLE_"))}
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".build" / "collections"),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_LOCAL_TEMP": str(workdir / "ansible-local"),
        "ANSIBLE_HOME": str(workdir / "ansible-home"),
        "ANSIBLE_NOCOLOR": "true",
        "ANSIBLE_LOG_PATH": str(log_path),
        "XDG_CACHE_HOME": str(workdir / "xdg-cache"),  # the modules' shared request window: one per run
        "TALEND_API_URL": url,
        "TALEND_TOKEN": PAT,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
    })
    return env


def prepare(emu, count, latency_ms, rate_limit):
    """Generate ``count`` tasks (one of them paused and resumed before, so that lists carry pause details
    as on live tenants), then set latency and limit and zero the counters."""
    first = emu.admin("POST", "tasks/generate", {"count": count, "seed": "bench"})["first_id"]
    emu.admin("PUT", "tasks/%s/pause-details" % first, {"pause": False})
    emu.admin("POST", "config", {"latency_ms": latency_ms, "rate_limit_per_minute": rate_limit,
                                 "request_log_size": 4 * count + 1000})
    emu.admin("DELETE", "requests")


def paused_count(emu, marker):
    """``(tasks, paused with marker, paused)`` in the emulator now."""
    tasks = emu.tasks()
    details = [t.get("taskPauseDetails") or {} for t in tasks]
    paused = [d for d in details if d.get("pause")]
    return len(tasks), sum(1 for d in paused if marker in (d.get("pauseContext") or "")), len(paused)


def run_phases(emu, kind, workdir, args, count, client_rate, extra=None):
    """Pause then resume with the role or the uri loop; returns the per-phase measures and checks."""
    phases, problems = {}, []
    for phase in ("pause", "resume"):
        stem = workdir / ("%s-%s-%s" % (kind, count, phase))
        if kind == "role":
            variables = {"maintenance_window_phase": phase, "maintenance_window_id": WINDOW,
                         "maintenance_window_selectors": [{"environment": ENVIRONMENT}],
                         "maintenance_window_drain": args.drain, "talend_rate_limit": client_rate,
                         "talend_max_workers": args.max_workers, "maintenance_window_report_dir": str(workdir / "reports")}
            playbook = ROLE_PLAYBOOK
        else:
            variables = dict(uri_loop_phase=phase, uri_loop_environment=ENVIRONMENT, **(extra or {}))
            playbook = URI_PLAYBOOK
        cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(playbook),
               "-e", json.dumps(variables)]
        ansible_log = Path(str(stem) + ".ansible.log")
        started = time.time()
        result = run_measured(cmd, ansible_env(emu.url, workdir, ansible_log), Path(str(stem) + ".out"))
        result["epoch_span"] = (started, time.time())
        output = result.pop("log")
        spans = task_spans(ansible_log) if ansible_log.exists() else []
        result["slowest_tasks"] = sorted(spans, reverse=True)[:5]
        result["task_seconds"] = spans
        result["loop_s"] = sum(seconds for seconds, name in spans if name == URI_LOOP_TASK)
        total, marked, paused = paused_count(emu, MARKERS[kind])
        expected = (extra or {}).get("uri_loop_limit") or total
        result.update(tasks=total, paused_with_marker=marked, paused=paused)
        if result["rc"] != 0:
            problems.append("%s %s: ansible-playbook rc=%s" % (kind, phase, result["rc"]))
            print(Path(output).read_text(encoding="utf-8", errors="replace")[-3000:], file=sys.stderr)
        if phase == "pause" and marked != expected:
            problems.append("%s pause: %d of %d tasks carry the marker" % (kind, marked, expected))
        if phase == "resume" and paused != 0:
            problems.append("%s resume: %d tasks still paused" % (kind, paused))
        phases[phase] = result
    return phases, problems


def role_or_uri(kind, args, workdir, count, latency_ms, emulator_limit, client_rate, extra=None):
    """One scenario on a fresh emulator: measures, request counters, emulator CPU, machine load."""
    with Emulator(DATA, workdir / ("emulator-%s-%s-%s" % (kind, count, emulator_limit))) as emu:
        prepare(emu, count, latency_ms, emulator_limit)
        load_before = machine_load(exclude_pid=os.getpid())
        cpu_before, started = emu.cpu_seconds(), time.perf_counter()
        phases, problems = run_phases(emu, kind, workdir, args, count, client_rate, extra)
        wall = time.perf_counter() - started
        emulator_cpu = emu.cpu_seconds() - cpu_before
        log = emu.admin("GET", "requests?last=%d" % (4 * count + 1000))
    for measure in phases.values():
        measure.update(api_span(log, *measure.pop("epoch_span")))
    sent, limited = log["total"], log["rateLimited"]
    return {
        "tasks": count, "latency_ms": latency_ms, "emulator_rate_limit": emulator_limit, "client_rate_limit": client_rate,
        "max_workers": args.max_workers, "drain": args.drain,
        "wall_s": round(sum(p["wall_s"] for p in phases.values()), 2),
        "requests_sent": sent, "requests_429": limited, "requests_accepted": sent - limited,
        "requests_by_route": log["byRoute"], "requests_by_status": log["byStatus"],
        "emulator": dict(request_stats(log, latency_ms), cpu_s=round(emulator_cpu, 2),
                         cpu_percent_of_one_core=round(100.0 * emulator_cpu / wall, 1)),
        "peak_rss_sum_mb": max(p["peak_rss_sum_mb"] for p in phases.values()),
        "peak_pss_sum_mb": max(p["peak_pss_sum_mb"] for p in phases.values()),
        "maxrss_single_mb": max(p["maxrss_single_mb"] for p in phases.values()),
        "phases": phases, "problems": problems, "load_before": load_before,
    }


def _hammer(url, ids, threads, per_thread):
    """Child process of the emulator throughput test: ``threads`` keep-alive sessions, PUT pause toggles."""
    done = []

    def worker(offset):
        session = requests.Session()
        headers = {"Authorization": "Bearer " + PAT, "talend-version": "2021-03"}
        for i in range(per_thread):
            task_id = ids[(offset * per_thread + i) % len(ids)]
            session.put("%s/orchestration/executables/tasks/%s/pause" % (url, task_id), headers=headers,
                        json={"pause": i % 2 == 0}, timeout=30)
        done.append(per_thread)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(done)


def emulator_throughput(args, workdir):
    """Requests per second the emulator answers with zero latency: one keep-alive client, then 2 x 8 clients."""
    total = 300 if args.smoke else 3000
    with Emulator(DATA, workdir / "emulator-throughput") as emu:
        prepare(emu, 200, 0, 0)
        ids = [t["id"] for t in emu.tasks()]
        out = {"load_before": machine_load(exclude_pid=os.getpid())}
        for name, processes, threads in (("one_client", 1, 1), ("two_processes_x_8_threads", 2, 8)):
            emu.admin("DELETE", "requests")
            cpu_before, started = emu.cpu_seconds(), time.perf_counter()
            with multiprocessing.get_context("spawn").Pool(processes) as pool:
                counts = pool.starmap(_hammer, [(emu.url, ids, threads, total // (processes * threads))] * processes)
            wall = time.perf_counter() - started
            answered = emu.admin("GET", "requests?last=0")["total"]
            out[name] = {"requests": sum(counts), "answered": answered, "wall_s": round(wall, 2),
                         "requests_per_s": round(answered / wall, 1),
                         "emulator_cpu_percent_of_one_core": round(100.0 * (emu.cpu_seconds() - cpu_before) / wall, 1)}
    return out


def add_floors(results, args):
    """Floors and ratios (in place). Rate-limited floor: requests needed / rate limit; otherwise
    requests x latency / max_workers. Requests needed = those the emulator accepted (429s excluded)."""
    for run in results.values():
        if "phases" in run:
            run["put_span_s"] = round(sum(p.get("put_span_s", 0.0) for p in run["phases"].values()), 2)
    limited = results.get("limited")
    if limited:
        gaps = sum(max(p.get("puts", 0) - 1, 0) for p in limited["phases"].values())  # N requests: N - 1 intervals
        if gaps:
            limited["put_span_ratio_to_put_floor"] = round(limited["put_span_s"] / (gaps * 60.0 / limited["client_rate_limit"]), 3)
        limited["floor_s"] = round(limited["requests_accepted"] * 60.0 / limited["client_rate_limit"], 2)
        limited["floor_pauses_only_s"] = round(2 * limited["tasks"] * 60.0 / limited["client_rate_limit"], 2)
        limited["ratio_to_floor"] = round(limited["wall_s"] / limited["floor_s"], 3)
    for name in ("unlimited", "rss"):
        run = results.get(name)
        if run:
            run["floor_s"] = round(run["requests_accepted"] * run["latency_ms"] / 1000.0 / run["max_workers"], 2)
            run["ratio_to_floor"] = round(run["wall_s"] / run["floor_s"], 3) if run["floor_s"] else None
    uri = results.get("uri")
    if uri:
        measured = args.uri_tasks or uri["tasks"]
        uri["tasks_timed"] = measured
        uri["scaled"] = measured < uri["tasks"]
        loop_s = sum(p["loop_s"] for p in uri["phases"].values())
        uri["loop_seconds_per_item"] = round(loop_s / (2 * measured), 3)
        uri["wall_s_for_all_tasks"] = round(uri["wall_s"] + 2 * (uri["tasks"] - measured) * loop_s / (2 * measured), 2)
        uri["requests_for_all_tasks"] = uri["requests_sent"] + 2 * (uri["tasks"] - measured)
        if results.get("unlimited"):
            uri["role_speedup"] = round(uri["wall_s_for_all_tasks"] / results["unlimited"]["wall_s"], 1)


def check_targets(results, smoke):
    """Each target: measured value, threshold, met (None when its scenario did not run)."""
    targets = {}
    limited = results.get("limited")
    if limited:
        targets["limited: wall / rate-limit floor"] = {
            "measured": limited["ratio_to_floor"], "threshold": "<= %s" % TARGETS["limited_ratio_max"],
            "met": limited["ratio_to_floor"] <= TARGETS["limited_ratio_max"]}
        targets["limited: failed tasks, unretried 429s"] = {
            "measured": len(limited["problems"]), "threshold": "0", "met": not limited["problems"]}
    uri = results.get("uri")
    if uri and "role_speedup" in uri:
        targets["unlimited: uri loop / role"] = {"measured": uri["role_speedup"], "threshold": ">= %s" % TARGETS["uri_ratio_min"],
                                                 "met": uri["role_speedup"] >= TARGETS["uri_ratio_min"]}
    rss = results.get("rss")
    if rss:
        targets["rss: controller peak RSS, MB (%d tasks)" % rss["tasks"]] = {
            "measured": rss["peak_rss_sum_mb"], "threshold": "< %s" % TARGETS["rss_mb_max"],
            "met": rss["peak_rss_sum_mb"] < TARGETS["rss_mb_max"]}
    emulator = results.get("emulator")
    if emulator:
        capacity = emulator["two_processes_x_8_threads"]["requests_per_s"]
        demand = max([results[n]["emulator"]["busiest_second"] for n in ("limited", "unlimited", "uri", "rss") if n in results] or [0])
        targets["emulator: zero-latency req/s vs busiest second of the runs"] = {
            "measured": "%s vs %s" % (capacity, demand), "threshold": "capacity > busiest second", "met": capacity > demand}
    if smoke:
        for target in targets.values():
            target["note"] = "smoke run: tiny sizes, targets not meaningful"
    return targets


def markdown(report):
    """The results as a Markdown page."""
    lines = ["# Benchmark %s (%s)" % (report["label"], report["date"]), "",
             "Parameters: `%s`" % json.dumps(report["parameters"]), "",
             "| scenario | tasks | wall s | PUT span s | floor s | wall/floor | requests | 429s | max in 60 s "
             "| peak RSS tree MB (PSS) | largest process MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in ("limited", "unlimited", "uri", "rss"):
        run = report["results"].get(name)
        if not run:
            continue
        wall = run.get("wall_s_for_all_tasks", run["wall_s"])
        reqs = run.get("requests_for_all_tasks", run["requests_sent"])
        scaled = " (timed on %d, scaled)" % run["tasks_timed"] if run.get("scaled") else ""
        lines.append("| %s | %d | %s%s | %s | %s | %s | %s | %d | %s | %s (%s) | %s |" % (
            name, run["tasks"], wall, scaled, run.get("put_span_s", "-"), run.get("floor_s", "-"), run.get("ratio_to_floor", "-"),
            reqs, run["requests_429"], run["emulator"]["max_in_any_60s"], run["peak_rss_sum_mb"], run["peak_pss_sum_mb"],
            run["maxrss_single_mb"]))
    limited = report["results"].get("limited")
    if limited and "put_span_ratio_to_put_floor" in limited:
        lines += ["", "limited: the pause/resume requests alone ran at %s x their floor (PUT span %s s for %d PUTs at %d/min); "
                  "the rest of the wall time is Ansible and the selection." % (
                      limited["put_span_ratio_to_put_floor"], limited["put_span_s"],
                      sum(p.get("puts", 0) for p in limited["phases"].values()), limited["client_rate_limit"])]
    emulator = report["results"].get("emulator")
    if emulator:
        lines += ["", "Emulator alone, zero latency: one keep-alive client %s req/s; 2 processes x 8 threads %s req/s "
                  "(emulator CPU %s %% of one core)." % (emulator["one_client"]["requests_per_s"],
                                                         emulator["two_processes_x_8_threads"]["requests_per_s"],
                                                         emulator["two_processes_x_8_threads"]["emulator_cpu_percent_of_one_core"])]
    lines += ["", "| target | measured | threshold | met |", "|---|---|---|---|"]
    for name, target in report["targets"].items():
        lines.append("| %s | %s | %s | %s |" % (name, target["measured"], target["threshold"], "yes" if target["met"] else "**no**"))
    lines += ["", "Per phase (wall s, slowest tasks):", ""]
    for name, run in report["results"].items():
        for phase, measure in run.get("phases", {}).items():
            slow = "; ".join("%s s %s" % (s, t) for s, t in measure["slowest_tasks"][:3])
            lines.append("- %s %s: %s s (%s pause/resume requests from first to last: %s s), CPU %s s, peak RSS by process %s MB. %s" % (
                name, phase, measure["wall_s"], measure.get("puts"), measure.get("put_span_s"), measure["cpu_s"],
                measure.get("peak_rss_by_process_mb"), slow))
    lines += ["", "Machine: %s" % json.dumps(report["machine"]), ""]
    for name, run in report["results"].items():
        lines.append("- load before %s: %s" % (name, json.dumps(run["load_before"])))
    return "\n".join(lines) + "\n"


def code_version():
    """Commit of the tree measured, and the files of plugins/ and roles/ that differ from it (other work in progress)."""
    def git(*argv):
        out = subprocess.run(["git", *argv], cwd=str(ROOT), capture_output=True, text=True, check=False)
        return out.stdout.strip() if out.returncode == 0 else None

    changed = git("status", "--porcelain", "--", "plugins", "roles", "playbooks")
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_in_plugins_roles_playbooks": changed.splitlines() if changed else []}


def write_report(args, results, results_dir):
    """Floors, targets, the JSON and Markdown files (rewritten after each scenario); returns the report."""
    add_floors(results, args)
    report = {"label": args.label, "date": date.today().isoformat(), "parameters": {
        k: getattr(args, k) for k in ("tasks", "latency_ms", "rate_limit", "max_workers", "rss_tasks", "uri_tasks", "drain")},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "loadavg_end": [round(x, 2) for x in os.getloadavg()]},
        "code": code_version(),
        "results": results}
    report["targets"] = check_targets(results, args.smoke)
    stem = results_dir / ("%s-%s" % (report["date"], args.label))
    Path(str(stem) + ".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    Path(str(stem) + ".md").write_text(markdown(report), encoding="utf-8")
    report["files"] = "%s.json and .md" % stem
    return report


def main(argv=None):
    args = parse_args(argv)
    if not (ROOT / ".build" / "collections" / "ansible_collections" / "talend_ops" / "cloud").exists():
        print("run_bench: the collection is not linked; run 'make collection' first", file=sys.stderr)
        return 1
    results_dir = Path(args.results_dir) if args.results_dir else (
        Path(tempfile.mkdtemp(prefix="bench-smoke-")) if args.smoke else ROOT / "bench" / "results")
    results_dir.mkdir(parents=True, exist_ok=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="talend-bench-") as tmp:
        plan = {
            "emulator": lambda wd: emulator_throughput(args, wd),
            "limited": lambda wd: role_or_uri("role", args, wd, args.tasks, args.latency_ms, args.rate_limit, args.rate_limit),
            "unlimited": lambda wd: role_or_uri("role", args, wd, args.tasks, args.latency_ms, 0, NO_LIMIT),
            "uri": lambda wd: role_or_uri("uri", args, wd, args.tasks, args.latency_ms, 0, NO_LIMIT,
                                          {"uri_loop_limit": args.uri_tasks} if args.uri_tasks else None),
            "rss": lambda wd: role_or_uri("role", args, wd, args.rss_tasks, args.latency_ms, 0, NO_LIMIT),
        }
        for name in args.scenarios:
            print("run_bench: %s ..." % name, flush=True)
            workdir = Path(tmp) / name
            workdir.mkdir()
            results[name] = plan[name](workdir)
            for problem in results[name].get("problems", []):
                print("run_bench: PROBLEM: %s" % problem, file=sys.stderr)
            report = write_report(args, results, results_dir)
    print(markdown(report))
    print("run_bench: results in %s" % report["files"])
    if any(run.get("problems") for run in results.values()):
        return 1
    if args.enforce_targets and not all(t["met"] for t in report["targets"].values()):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
