# SPDX-License-Identifier: GPL-3.0-or-later
"""What waves and catch-up runs cost a resume: requests by route and wall time, on an in-process emulator.

N generated tasks (hourly schedules) in Staging are paused, the emulator clock moves two hours (two skipped runs
each), then one resume per scenario on a fresh copy of that state: all at once; waves of 10 % (no watch:
interval 0); all at once with ``catch_up: once``. Runs the window engine directly (no ansible-playbook), so the
numbers are the engine's requests, not the play's start-up.

    .venv/bin/python bench/resume_waves_bench.py [--tasks 1000] [--out bench/results/<date>-resume-waves]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / ".build" / "collections"), str(ROOT / "tests" / "emulator"), str(ROOT / "tests" / "e2e")]

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # noqa: E402

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import tmc_argument_spec  # noqa: E402
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_engine import run_window_phase  # noqa: E402
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import window_argument_spec  # noqa: E402
from e2ekit import DEMO_PAT, SAMPLE_DATA, Emulator  # noqa: E402
from tmc_emulator.server import start_in_thread  # noqa: E402

HOURLY = [{"name": "hourly", "type": "CRON", "cron": "0 * * * *", "timeZone": "UTC"}]
SCENARIOS = {"all at once": {}, "waves of 10 %": {"resume_wave_size": None, "resume_wave_interval": 0},
             "catch-up once": {"catch_up": "once", "drain_interval": 1}}


def params(url, **args):
    base = {"api_url": url, "token": DEMO_PAT, "rate_limit": 100000, "window_id": "bench-waves",
            "selectors": [{"environment": "Staging", "tags": ["bench-waves"]}]}
    result = ArgumentSpecValidator(dict(tmc_argument_spec(), **window_argument_spec())).validate(dict(base, **args))
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def prepare(emulator, count):
    emulator.admin("POST", "reset", json={"data_path": str(SAMPLE_DATA)})
    emulator.admin("POST", "clock", json={"set_epoch_ms": 1796724000000})  # 2026-12-08T10:00:00Z
    emulator.admin("POST", "config", json={"default_run_seconds": 1, "default_dispatch_seconds": 0})
    state = emulator.state()
    staging = next(e["id"] for e in state["environments"] if e["name"] == "Staging")
    emulator.admin("POST", "tasks/generate", json={"count": count, "environment_id": staging, "seed": "bench-waves",
                                                   "tags": ["bench-waves"], "triggers": HOURLY})
    out = run_window_phase(params(emulator.url, phase="pause", reason="bench"), say=lambda line: None)
    assert not out.get("failed"), out.get("msg")
    emulator.admin("POST", "clock", json={"advance_seconds": 2 * 3600})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    handle = start_in_thread(data_path=str(SAMPLE_DATA), port=0)
    emulator = Emulator(handle.url)
    rows = []
    try:
        for name, extra in SCENARIOS.items():
            prepare(emulator, args.tasks)
            extra = {k: (max(1, args.tasks // 10) if v is None else v) for k, v in extra.items()}
            emulator.admin("DELETE", "requests")
            said = []
            start = time.monotonic()
            out = run_window_phase(params(emulator.url, phase="resume", **extra), say=said.append)
            wall = time.monotonic() - start
            log = emulator.requests_log()
            assert not out.get("failed"), out.get("msg")
            rows.append({"scenario": name, "tasks": args.tasks, "wall_s": round(wall, 2), "requests": log["total"],
                         "by_route": dict(sorted(log["byRoute"].items())), "lines_said": len(said),
                         "resumed": len(out["resumed_task_ids"])})
    finally:
        handle.stop()
    text = ["# Resume: waves and catch-up runs, %d tasks (%s)" % (args.tasks, time.strftime("%Y-%m-%d")), "",
            "In-process emulator, no latency, no rate limit; two skipped hourly runs per task.", "",
            "| scenario | wall s | requests | resumed | lines said live |", "|---|---:|---:|---:|---:|"]
    text += ["| %(scenario)s | %(wall_s)s | %(requests)d | %(resumed)d | %(lines_said)d |" % r for r in rows]
    text += ["", "Requests by route:", ""]
    for row in rows:
        text.append("- %s: %s" % (row["scenario"], ", ".join("%s %d" % kv for kv in row["by_route"].items())))
    print("\n".join(text))
    if args.out:
        Path(args.out + ".md").write_text("\n".join(text) + "\n")
        Path(args.out + ".json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
