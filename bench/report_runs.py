# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: does the sixth run of a window cost the controller more than the first? (issue 19, item 5)

An emulator (bench/data/bench.json, no latency, no rate limit) with ``--tasks`` generated tasks. A setup run pauses
every task for the window with no report (``maintenance_window_report_dir: ""``; measured, not in the ratio), then
``--runs`` (6) measured runs of the pause phase of the same window, with a report: each finds every task paused with
the window's marker, records each of them as held (records of one size in every run), sends no PUT, and the report
grows by one full run each time. The work of every measured run is the same: what run N costs beyond run 1 is what
the report of the N - 1 earlier runs costs it. Each run is measured as
``bench/run_bench.py`` measures one (peak RSS summed over the ``ansible-playbook`` process tree, sampled every
50 ms), with the report's size on disk after it. The ratio run N / run 1 of the peak RSS is computed here.
``--collection`` runs another checkout of the collection (the number before a change): a directory holding
``ansible_collections/talend_ops/cloud``.

Usage: .venv/bin/python bench/report_runs.py [--tasks 30000] [--runs 6] [--label NAME]
Results: bench/results/<date>-report-runs-<label>.json and .md
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchtools import ROOT, Emulator, machine_load, run_measured

DATA = ROOT / "bench" / "data" / "bench.json"
PAT = "emulator-bench-pat"
WINDOW = "report-runs"
NO_LIMIT = 1000000
TARGET_RATIO = 1.10


def report_bytes(reports) -> dict:
    """Bytes on disk of the window's report: the JSON file and, when there is one, its run files."""
    index = reports / ("%s.json" % WINDOW)
    runs_dir = reports / ("%s.runs" % WINDOW)
    run_files = sorted(runs_dir.glob("*.json")) if runs_dir.is_dir() else []
    return {"index_bytes": index.stat().st_size if index.exists() else 0,
            "run_files": len(run_files), "run_files_bytes": sum(p.stat().st_size for p in run_files)}


def code_version(collection) -> str:
    """Short commit of the checkout measured (``--collection``), with ``+changes`` when it has uncommitted ones."""
    tree = Path(collection) / "ansible_collections" / "talend_ops" / "cloud"
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=str(tree), capture_output=True, text=True,
                          check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "plugins"], cwd=str(tree), capture_output=True,
                           text=True, check=False).stdout.strip()
    return head + ("+changes" if dirty else "")


def markdown(result) -> str:
    """The results file for people: one line per run, the ratio and the target."""
    lines = ["# Report runs: %d tasks, %d runs of one window (%s)" % (result["tasks"], len(result["runs"]),
                                                                      result["label"]), "",
             "Code %s, %s; no latency, no rate limit; load before %s, after %s; wall %.1f s in all." % (
                 result["code"] or "(not a git checkout)", result["date"], result["load_before"]["loadavg"],
                 result["loadavg_end"], result["wall_s"]), "",
             "| run | phase | rc | wall s | peak RSS tree MB | peak PSS tree MB | largest worker MB | report JSON bytes "
             "| run files | run files bytes |", "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
             "| setup | pause, no report | %d | %.1f | %.1f | %.1f | | | | |" % (
                 result["setup_pause"]["rc"], result["setup_pause"]["wall_s"], result["setup_pause"]["peak_rss_sum_mb"],
                 result["setup_pause"]["peak_pss_sum_mb"])]
    for number, run in enumerate(result["runs"], 1):
        lines.append("| %d | %s | %d | %.1f | %.1f | %.1f | %.1f | %d | %d | %d |" % (
            number, run["phase"], run["rc"], run["wall_s"], run["peak_rss_sum_mb"], run["peak_pss_sum_mb"],
            max(v for k, v in run["peak_rss_by_process_mb"].items() if k != "main"), run["index_bytes"], run["run_files"],
            run["run_files_bytes"]))
    lines += ["", "Peak RSS run %d / run 1: **%.3f** (target <= %.2f: %s)." % (
        len(result["runs"]), result["ratio_last_to_first"], TARGET_RATIO, "met" if result["target_met"] else "missed")]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--tasks", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--collection", default=str(ROOT / ".build" / "collections"))
    parser.add_argument("--label", default="now")
    args = parser.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory() as tmp, Emulator(DATA, Path(tmp) / "emu") as emu:
        work, reports = Path(tmp), Path(tmp) / "reports"
        emu.admin("POST", "tasks/generate", {"count": args.tasks, "seed": "report-runs"})
        emu.admin("POST", "config", {"latency_ms": 0, "rate_limit_per_minute": 0})
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TALEND_", "ANSIBLE_"))}
        env.update(TALEND_API_URL=emu.url, TALEND_TOKEN=PAT, ANSIBLE_COLLECTIONS_PATH=args.collection,
                   ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_HOME=str(work / "ansible-home"),
                   ANSIBLE_LOCAL_TEMP=str(work / "ansible-local"), ANSIBLE_NOCOLOR="true",
                   XDG_CACHE_HOME=str(work / "cache"), XDG_STATE_HOME=str(work / "state"),
                   PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        extra = {"maintenance_window_phase": "pause", "maintenance_window_id": WINDOW,
                 "maintenance_window_selectors": [{"environment": "Bench"}], "maintenance_window_drain": False,
                 "talend_rate_limit": NO_LIMIT, "maintenance_window_report_dir": str(reports)}
        load = machine_load()
        started = time.perf_counter()
        setup = run_measured([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
                              str(ROOT / "playbooks" / "maintenance.yml"),
                              "-e", json.dumps(dict(extra, maintenance_window_report_dir=""))],
                             env, work / "setup.log")
        if setup["rc"] != 0:
            print(Path(setup["log"]).read_text(encoding="utf-8", errors="replace")[-3000:], file=sys.stderr)
            return 1
        setup.pop("log")
        print("setup pause (no report): %.1f s, peak RSS tree %.1f MB" % (setup["wall_s"], setup["peak_rss_sum_mb"]),
              flush=True)
        for number in range(1, args.runs + 1):
            run = run_measured([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
                                str(ROOT / "playbooks" / "maintenance.yml"), "-e", json.dumps(extra)],
                               env, work / ("run-%d.log" % number))
            if run["rc"] != 0:
                print(Path(run["log"]).read_text(encoding="utf-8", errors="replace")[-3000:], file=sys.stderr)
            run.pop("log")
            run.update(phase="pause", **report_bytes(reports))
            runs.append(run)
            print("run %d: rc %d, %.1f s, peak RSS tree %.1f MB, report %d + %d bytes" % (
                number, run["rc"], run["wall_s"], run["peak_rss_sum_mb"], run["index_bytes"], run["run_files_bytes"]),
                flush=True)
        wall = time.perf_counter() - started
    ratio = runs[-1]["peak_rss_sum_mb"] / runs[0]["peak_rss_sum_mb"]
    result = {"date": date.today().isoformat(), "label": args.label, "code": code_version(args.collection),
              "tasks": args.tasks, "latency_ms": 0, "rate_limit": "none", "wall_s": round(wall, 1),
              "load_before": load, "loadavg_end": [round(x, 2) for x in os.getloadavg()], "setup_pause": setup,
              "runs": runs,
              "ratio_last_to_first": round(ratio, 3), "target_ratio_max": TARGET_RATIO,
              "target_met": ratio <= TARGET_RATIO}
    stem = ROOT / "bench" / "results" / ("%s-report-runs-%s" % (result["date"], args.label))
    Path(str(stem) + ".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    Path(str(stem) + ".md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    return 0 if all(r["rc"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
