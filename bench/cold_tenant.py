# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: what the pause phase costs on a cold tenant (issue 19, item 2), in requests per task.

A cold tenant is one whose task list items carry no ``taskPauseDetails``. Two tenants, each in its own emulator
(bench/data/bench.json, ``--tasks`` generated tasks in the environment ``Bench``, no latency, no rate limit), one
pause phase of ``playbooks/maintenance.yml`` over the whole environment each; the emulator's request counters
(``GET /_emulator/requests``, zeroed just before the phase) give every request the phase sent:

* ``cold``: no task was ever paused, so no list item carries the key (what a live tenant shows before its first
  window; the list carries the key again once tasks are paused, and the read-back reads list pages);
* ``cold-no-details``: ``list_includes_pause_details: false`` (list items never carry the key, paused or not),
  with ``--paused-other`` tasks paused beforehand by another window and ``--paused-ours`` with this window's
  marker (``PUT /_emulator/tasks/{id}/pause-details``): the pause answers 204 for those. Here every read-back
  is a read of one task too (no list shows a state): it measures the saving, not the floor.

The ratio printed is the phase's requests (every one the emulator counted: list pages, the events search that
orders the pause, the ``PUT``s, reads of single tasks, read-back pages) divided by the tasks of the tenant.
``--collection`` runs another checkout of the collection (for the number before a change): a directory holding
``ansible_collections/talend_ops/cloud``.

Usage: .venv/bin/python bench/cold_tenant.py [--tasks 1000] [--paused-other 5] [--paused-ours 5] [--label NAME]
Results: bench/results/<date>-cold-tenant-<label>.json and .md
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from benchtools import ROOT, Emulator, machine_load, run_measured

DATA = ROOT / "bench" / "data" / "bench.json"
PAT = "emulator-bench-pat"
WINDOW = "cold"
OTHER_WINDOW_CONTEXT = "Another team's upgrade [maintenance-window:other]"
OUR_CONTEXT = "An earlier run [maintenance-window:%s]" % WINDOW
TASK_DETAIL = "GET /orchestration/executables/tasks/{taskId}"
TASK_PAUSE = "PUT /orchestration/executables/tasks/{taskId}/pause"


def run_tenant(name, args, workdir) -> dict:
    """One emulator, one tenant, one pause phase: its requests by route and the state after."""
    with Emulator(DATA, Path(workdir) / name) as emu:
        first = emu.admin("POST", "tasks/generate", {"count": args.tasks, "seed": "cold"})["first_id"]
        ids = [t["id"] for t in emu.tasks()]
        other, ours = [], []
        if name == "cold-no-details":
            emu.admin("POST", "config", {"list_includes_pause_details": False})
            step = max(1, len(ids) // max(1, args.paused_other + args.paused_ours))
            marked = ids[step // 2::step][:args.paused_other + args.paused_ours]
            other, ours = marked[:args.paused_other], marked[args.paused_other:]
            for task_id, context in [(i, OTHER_WINDOW_CONTEXT) for i in other] + [(i, OUR_CONTEXT) for i in ours]:
                emu.admin("PUT", "tasks/%s/pause-details" % task_id,
                          {"pause": True, "pauseContext": context, "user": "someone@example.com", "userType": "HUMAN",
                           "pauseDate": "2026-12-01T10:00:00.000Z"})
        emu.admin("POST", "config", {"request_log_size": 4 * args.tasks + 1000})
        emu.admin("DELETE", "requests")
        env = dict(os.environ, TALEND_API_URL=emu.url, TALEND_TOKEN=PAT, ANSIBLE_COLLECTIONS_PATH=args.collection,
                   XDG_CACHE_HOME=str(Path(workdir) / name / "cache"), XDG_STATE_HOME=str(Path(workdir) / name / "state"),
                   ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default")
        extra = {"maintenance_window_phase": "pause", "maintenance_window_id": WINDOW,
                 "maintenance_window_selectors": [{"environment": "Bench"}], "maintenance_window_drain": False,
                 "maintenance_window_report_dir": str(Path(workdir) / name / "reports")}
        run = run_measured([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
                            str(ROOT / "playbooks" / "maintenance.yml"), "-e", json.dumps(extra)],
                           env, Path(workdir) / ("%s.log" % name))
        log = emu.admin("GET", "requests?last=1")
        tasks = {t["id"]: t.get("taskPauseDetails") or {} for t in emu.tasks()}
    marker = "[maintenance-window:%s]" % WINDOW
    held = sum(1 for d in tasks.values() if d.get("pause") and (d.get("pauseContext") or "").endswith(marker))
    left_alone_kept = all((tasks[i].get("pauseContext") == OTHER_WINDOW_CONTEXT) for i in other)
    by_route = dict(sorted(log["byRoute"].items()))
    return {"tenant": name, "tasks": args.tasks, "first_id": first, "paused_by_other_window_before": len(other),
            "paused_with_this_marker_before": len(ours), "pause_rc": run["rc"], "pause_wall_s": round(run["wall_s"], 1),
            "requests": log["total"], "requests_by_route": by_route,
            "puts": by_route.get(TASK_PAUSE, 0), "single_task_reads": by_route.get(TASK_DETAIL, 0),
            "requests_per_task": round(log["total"] / float(args.tasks), 4),
            "held_by_the_window_after": held, "left_alone_untouched": left_alone_kept,
            "state_ok": run["rc"] == 0 and held == args.tasks - len(other) and left_alone_kept}


def markdown(result) -> str:
    """The results as a Markdown note."""
    lines = ["# Cold tenant: requests of the pause phase per task (%s, %s)" % (result["date"], result["label"]), "",
             "Load before: %s" % json.dumps(result["load_before"]), "",
             "| tenant | tasks | paused before (other window / this window) | requests | PUTs | reads of one task "
             "| requests ÷ tasks | state ok |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for t in result["tenants"]:
        lines.append("| %s | %d | %d / %d | %d | %d | %d | **%.3f** | %s |" % (
            t["tenant"], t["tasks"], t["paused_by_other_window_before"], t["paused_with_this_marker_before"],
            t["requests"], t["puts"], t["single_task_reads"], t["requests_per_task"], "yes" if t["state_ok"] else "NO"))
    lines += [""]
    for t in result["tenants"]:
        lines += ["Requests of `%s` by route:" % t["tenant"], ""]
        lines += ["* %s: %d" % (route, n) for route, n in t["requests_by_route"].items()]
        lines += [""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--paused-other", type=int, default=5, help="cold-no-details: tasks paused by another window")
    parser.add_argument("--paused-ours", type=int, default=5, help="cold-no-details: tasks with this window's marker")
    parser.add_argument("--collection", default=str(ROOT / ".build" / "collections"))
    parser.add_argument("--label", default="now")
    args = parser.parse_args(argv)
    load = machine_load()
    with tempfile.TemporaryDirectory() as tmp:
        tenants = [run_tenant(name, args, tmp) for name in ("cold", "cold-no-details")]
    result = {"date": date.today().isoformat(), "label": args.label, "collection": args.collection,
              "load_before": load, "tenants": tenants}
    stem = ROOT / "bench" / "results" / ("%s-cold-tenant-%s" % (result["date"], args.label))
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown(result) + "\n", encoding="utf-8")
    for t in tenants:
        print("%-16s %5d tasks  %5d requests  %4d PUTs  %4d reads of one task  %.3f requests per task  state %s" % (
            t["tenant"], t["tasks"], t["requests"], t["puts"], t["single_task_reads"], t["requests_per_task"],
            "ok" if t["state_ok"] else "WRONG"))
    return 0 if all(t["state_ok"] for t in tenants) else 1


if __name__ == "__main__":
    sys.exit(main())
