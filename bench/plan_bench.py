# SPDX-License-Identifier: GPL-3.0-or-later
"""The plan phase's cost at 10,000 tasks: its requests against those of the pause phase it forecasts.

Starts the emulator with bench/data/bench.json, generates ``--tasks`` tasks (each with a nightly schedule at
02:00 UTC; every 10th also every 30 minutes), starts 20 runs in flight, then runs through
``playbooks/maintenance.yml`` the plan phase of a two-hour window (the next HH:55Z at least 15 minutes ahead,
as the demo's) and then the pause phase (no drain), and counts each phase's requests in the emulator's log.
Writes bench/results/<date>-plan-<tasks>.json and .md.

    .venv/bin/python bench/plan_bench.py [--tasks 10000] [--label plan]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "emulator"))

from benchtools import Emulator  # noqa: E402
from run_bench import ROOT, ansible_env, code_version  # noqa: E402
from tmc_emulator.demo_window import demo_window, iso_with_offset  # noqa: E402

TARGET_SHARE = 0.02
SELECTOR = [{"environment": "Bench"}]


def run_phase(url, workdir, phase, extra):
    """Run one phase; ``(seconds, completed process)``."""
    env = dict(ansible_env(url, workdir, workdir / ("%s.log" % phase)), TALEND_RATE_LIMIT="1000000")
    variables = dict({"maintenance_window_phase": phase, "maintenance_window_id": "bench-plan",
                      "maintenance_window_selectors": SELECTOR, "maintenance_window_drain": False,
                      "maintenance_window_report_dir": str(workdir / "reports")}, **extra)
    began = time.perf_counter()
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
                           str(ROOT / "playbooks" / "maintenance.yml"), "-e", json.dumps(variables)],
                          env=env, capture_output=True, text=True, cwd=str(ROOT), check=False, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError("the %s phase failed:\n%s" % (phase, proc.stdout[-3000:]))
    return time.perf_counter() - began, proc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--label", default="plan")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="plan-bench-") as tmp:
        workdir = Path(tmp)
        with Emulator(ROOT / "bench" / "data" / "bench.json", workdir / "emulator") as emu:
            first = emu.admin("POST", "tasks/generate", {"count": args.tasks, "seed": "plan", "with_schedules": True})
            every30 = [{"name": "Every 30 minutes", "type": "INTERVAL", "intervalMinutes": 30,
                        "startDate": "2024-01-01T00:00:00Z"}]
            tasks = emu.tasks()
            for task in tasks[::10]:
                emu.admin("PUT", "tasks/%s/triggers" % task["id"], every30 + task.get("triggers", []))
            emu.admin("PUT", "tasks/%s/pause-details" % first["first_id"], {"pause": False})
            for task in tasks[5:205:10]:
                emu.admin("POST", "executions", {"task_id": task["id"], "duration_seconds": 1800})
            emu.admin("POST", "config", {"request_log_size": 4 * args.tasks + 2000})
            start, end = demo_window(emu.admin("GET", "clock")["now_ms"])
            window = {"maintenance_window_start": iso_with_offset(start), "maintenance_window_end": iso_with_offset(end)}
            emu.admin("DELETE", "requests")
            plan_seconds, proc = run_phase(emu.url, workdir, "plan", window)
            plan_log = emu.admin("GET", "requests?last=1")
            markdown = (workdir / "reports" / "bench-plan.plan.md").read_text()
            emu.admin("DELETE", "requests")
            pause_seconds, dummy = run_phase(emu.url, workdir, "pause", {})
            pause_log = emu.admin("GET", "requests?last=1")
    plan_total, pause_total = plan_log["total"], pause_log["total"]
    share = plan_total / float(pause_total)
    report = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "code": code_version(), "tasks": args.tasks,
              "window": window, "plan": {"requests": plan_total, "by_route": plan_log["byRoute"],
                                         "seconds": round(plan_seconds, 1)},
              "pause": {"requests": pause_total, "by_route": pause_log["byRoute"], "seconds": round(pause_seconds, 1)},
              "share": round(share, 4), "target_share": TARGET_SHARE, "met": share <= TARGET_SHARE,
              "forecast_pause_requests": int(re.search(r"The pause phase sends about (\d+)", markdown).group(1))}
    out = ROOT / "bench" / "results" / ("%s-%s-%d" % (report["date"], args.label, args.tasks))
    out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    plan_routes, pause_routes = report["plan"]["by_route"], report["pause"]["by_route"]
    rows = "\n".join("| %s | %d | %d |" % (route, plan_routes.get(route, 0), pause_routes.get(route, 0))
                     for route in sorted(set(plan_routes) | set(pause_routes)))
    out.with_suffix(".md").write_text(
        "# Plan phase cost, %d tasks (%s, commit %s)\n\nWindow %s to %s. The plan sent **%d** requests in %.1f s; "
        "the pause phase it forecasts sent **%d** in %.1f s (the plan forecast %d): the plan is **%.2f %%** of the "
        "pause (target at most %.0f %%: %s).\n\n| request | plan | pause |\n|---|---:|---:|\n%s\n" % (
            args.tasks, report["date"], report["code"]["commit"], window["maintenance_window_start"],
            window["maintenance_window_end"], plan_total, plan_seconds, pause_total, pause_seconds,
            report["forecast_pause_requests"], share * 100, TARGET_SHARE * 100, "met" if report["met"] else "missed",
            rows), encoding="utf-8")
    print(out.with_suffix(".md").read_text())
    return 0 if report["met"] else 2


if __name__ == "__main__":
    sys.exit(main())
