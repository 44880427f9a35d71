# SPDX-License-Identifier: GPL-3.0-or-later
"""The emulator at the account maximum: start time, memory and throughput with 30,000 tasks and plans.

Usage::

    .venv/bin/python bench/emulator_scale.py [--tasks 27000] [--plans 3000] [--puts 6000]
        [--emulator-root DIR] [--out bench/results/DATE-emulator-scale]

Writes a data file (bench/data/bench.json's tenant plus generated tasks and plans, each with
a nightly schedule, every 10th task hourly), starts the emulator of ``--emulator-root``
(default: this checkout; give another checkout to measure it the same way, e.g. before a
change) on it in its own process, and measures, with zero latency and no rate limit:

* ``start_s``: ``emulatorctl.py start`` until the emulator answers, and its RSS after it;
* a full paged read (limit 100) of the task list, the plan list and a one-day events search
  of the environment, by one keep-alive client: requests/s, and the slowest page;
* PUT pause toggles by 2 processes x 8 keep-alive threads: requests/s;
* the emulator's CPU time for each.

Results go to ``<out>.json`` and ``<out>.md`` (with the machine's load before the run).
No assertion: the targets are read from the results (see bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "emulator"))
from tmc_emulator.generate import generate_plans, generate_tasks  # noqa: E402  # pylint: disable=wrong-import-position

from run_bench import PAT, _hammer  # noqa: E402  # pylint: disable=wrong-import-position

HEADERS = {"Authorization": "Bearer " + PAT, "talend-version": "2021-03"}
HOURLY = [{"name": "Hourly at :30", "type": "CRON", "cron": "30 * * * *", "timeZone": "UTC"}]


def write_data(path: Path, tasks: int, plans: int) -> str:
    """The bench tenant with ``tasks`` + ``plans`` generated records; returns the environment id."""
    data = json.loads((ROOT / "bench" / "data" / "bench.json").read_text(encoding="utf-8"))
    ws_ids = [w["id"] for w in data["workspaces"]]
    data["tasks"] = generate_tasks(tasks, ws_ids, seed="scale", with_schedules=True, triggers=HOURLY,
                                   triggers_every=10)
    data["plans"] = generate_plans(plans, ws_ids, seed="scale", with_schedules=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return data["environments"][0]["id"]


def start(emulator_root: Path, data: Path, state_dir: Path) -> tuple[str, int, float]:
    """Start the emulator of ``emulator_root``; ``(url, pid, seconds until it answered)``."""
    ctl = emulator_root / "tests" / "emulator" / "emulatorctl.py"
    began = time.perf_counter()
    out = subprocess.run([sys.executable, str(ctl), "start", "--port", "0", "--state-dir", str(state_dir),
                          "--data", str(data)], capture_output=True, text=True, check=True, timeout=300)
    took = time.perf_counter() - began
    pid = int((state_dir / "emulator.pid").read_text(encoding="utf-8").strip())
    return out.stdout.strip().splitlines()[-1], pid, took


def stop(emulator_root: Path, state_dir: Path) -> None:
    """Stop the emulator started in ``state_dir``."""
    subprocess.run([sys.executable, str(emulator_root / "tests" / "emulator" / "emulatorctl.py"), "stop",
                    "--state-dir", str(state_dir)], capture_output=True, check=False, timeout=60)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def paged_read(url: str, method: str, path: str, body: dict | None = None, max_pages: int = 0) -> dict:
    """Read every page (limit 100; at most ``max_pages`` when > 0) with one keep-alive session;
    requests/s, the slowest page (ms) and the seconds a full read takes (measured, or extrapolated
    from the pages read)."""
    session = requests.Session()
    offset, total, pages, slowest = 0, None, 0, 0.0
    began = time.perf_counter()
    while (total is None or offset < total) and not (max_pages and pages >= max_pages):
        t0 = time.perf_counter()
        if method == "GET":
            resp = session.get(url + path, params={"limit": 100, "offset": offset}, headers=HEADERS, timeout=120)
        else:
            resp = session.post(url + path, json=dict(body or {}, limit=100, offset=offset), headers=HEADERS,
                                timeout=120)
        resp.raise_for_status()
        slowest = max(slowest, time.perf_counter() - t0)
        page = resp.json()
        total = page["total"]
        offset += 100
        pages += 1
    wall = time.perf_counter() - began
    all_pages = -(-total // 100)
    return {"items": total, "pages": pages, "wall_s": round(wall, 2), "requests_per_s": round(pages / wall, 1),
            "slowest_page_ms": round(slowest * 1000, 1), "full_read_s": round(wall * all_pages / pages, 1),
            "full_read_extrapolated": pages < all_pages}


def puts(url: str, ids: list[str], processes: int = 2, threads: int = 8) -> dict:
    """PUT pause toggles by ``processes`` x ``threads`` clients (``run_bench._hammer``); requests/s."""
    per_thread = len(ids) // (processes * threads)
    began = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        count = sum(pool.starmap(_hammer, [(url, ids, threads, per_thread)] * processes))
    wall = time.perf_counter() - began
    return {"requests": count, "clients": f"{processes} processes x {threads} threads", "wall_s": round(wall, 2),
            "requests_per_s": round(count / wall, 1)}


def measure(args) -> dict:
    """Run every measure once; returns the results dict."""
    root = Path(args.emulator_root).resolve()
    with tempfile.TemporaryDirectory(prefix="emulator-scale-") as tmp:
        data = Path(tmp) / "scale.json"
        env_id = write_data(data, args.tasks, args.plans)
        load = os.getloadavg()
        url, pid, start_s = start(root, data, Path(tmp) / "state")
        try:
            out = {"emulator_root": str(root), "tasks": args.tasks, "plans": args.plans,
                   "loadavg_before": [round(x, 2) for x in load], "cpus": os.cpu_count(),
                   "start_s": round(start_s, 2),
                   "rss_mb_after_start": round(psutil.Process(pid).memory_info().rss / 2**20, 1)}
            now = requests.get(url + "/_emulator/clock", timeout=10).json()["now_ms"]
            reads = {"task_list": ("GET", "/orchestration/executables/tasks", None),
                     "plan_list": ("GET", "/orchestration/executables/plans", None),
                     "events_one_day": ("POST", "/orchestration/executables/events/search",
                                        {"environmentId": env_id, "from": now, "to": now + 86_400_000})}
            for name, (method, path, body) in reads.items():
                cpu = cpu_seconds(pid)
                out[name] = paged_read(url, method, path, body, args.max_pages)
                out[name]["emulator_cpu_s"] = round(cpu_seconds(pid) - cpu, 2)
            ids = [t["id"] for t in generate_tasks(args.puts, ["x"], seed="scale")]
            cpu = cpu_seconds(pid)
            out["pause_puts"] = puts(url, ids)
            out["pause_puts"]["emulator_cpu_s"] = round(cpu_seconds(pid) - cpu, 2)
            out["rss_mb_at_end"] = round(psutil.Process(pid).memory_info().rss / 2**20, 1)
        finally:
            stop(root, Path(tmp) / "state")
    return out


def markdown(res: dict) -> str:
    """A short Markdown table of the results."""
    lines = [f"# Emulator at {res['tasks']:,} tasks + {res['plans']:,} plans",
             "", f"Emulator: `{res['emulator_root']}`; load average before: {res['loadavg_before']} "
             f"on {res['cpus']} CPUs; zero latency, no rate limit.", "",
             f"- start (until it answers): {res['start_s']} s; RSS after start {res['rss_mb_after_start']} MB, "
             f"at the end {res['rss_mb_at_end']} MB", "",
             "| measure | requests | requests/s | slowest page (ms) | full read (s) | emulator CPU (s) |",
             "|---|---|---|---|---|---|"]
    for name in ("task_list", "plan_list", "events_one_day"):
        r = res[name]
        full = f"{r['full_read_s']}" + (" (extrapolated)" if r["full_read_extrapolated"] else "")
        lines.append(f"| paged read (limit 100): {name} ({r['items']:,} items) | {r['pages']} | "
                     f"{r['requests_per_s']} | {r['slowest_page_ms']} | {full} | {r['emulator_cpu_s']} |")
    p = res["pause_puts"]
    lines.append(f"| PUT pause ({p['clients']}) | {p['requests']} | {p['requests_per_s']} | | | "
                 f"{p['emulator_cpu_s']} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--tasks", type=int, default=27_000)
    parser.add_argument("--plans", type=int, default=3_000)
    parser.add_argument("--puts", type=int, default=6_000, help="PUT pause requests (one per task)")
    parser.add_argument("--max-pages", type=int, default=0,
                        help="read at most this many pages of each list (0 = all; the full read is extrapolated)")
    parser.add_argument("--emulator-root", default=str(ROOT), help="checkout whose emulator is measured")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / f"{date.today()}-emulator-scale"))
    args = parser.parse_args(argv)
    res = measure(args)
    Path(args.out + ".json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    Path(args.out + ".md").write_text(markdown(res), encoding="utf-8")
    print(markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
