# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: runs that start on selected tasks while the pause phase goes out (issue 19, "soonest first").

An emulator (bench/data/bench.json) with ``--tasks`` generated tasks, every ``--due-every``-th with a ONCE trigger
``--due-in`` seconds after the start (or, with ``--due-spread FIRST:LAST:BATCHES``, the tasks generated in BATCHES
batches whose due times run from FIRST to LAST seconds after the start, in a shuffled order of the batches, so that
the list order says nothing of the due time), one task paused and resumed before (lists with pause details, as on
live tenants; ``--cold``: none), its scheduler on (a run starts when the clock passes a trigger of a task
that is not paused), the API's rate limit ``--rate-limit`` per minute for the emulator and the client. The pause
phase of ``playbooks/maintenance.yml`` runs over every task; afterwards the SCHEDULED runs of generated tasks
requested while the phase ran are counted. ``--collection`` runs another checkout of the collection (for the
number before a change): a directory holding ``ansible_collections/talend_ops/cloud``, whose
``playbooks/maintenance.yml`` runs.

Usage: .venv/bin/python bench/soonest_first.py [--tasks 3000] [--due-every 10] [--due-in 60 | --due-spread 20:280:10]
       [--label NAME]
The issue's scenario (make bench-soonest-first): --tasks 10000 --due-every 10 --due-spread 20:280:10: 1,000 tasks due
during the ~290 s the pause phase of 10,000 tasks takes at 1,800/min.
Results: bench/results/<date>-soonest-first-<label>.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from benchtools import ROOT, Emulator, machine_load, run_measured

DATA = ROOT / "bench" / "data" / "bench.json"
PAT = "emulator-bench-pat"


def epoch_ms(value) -> int:
    """Epoch milliseconds of an ISO 8601 UTC text or a number (0 when missing)."""
    if not value:
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def batches(args) -> list:
    """``[(tasks, due in seconds)]`` of the generate calls: one batch, or ``--due-spread``'s batches in a fixed
    shuffled order (their due times evenly from FIRST to LAST)."""
    if not args.due_spread:
        return [(args.tasks, args.due_in)]
    first, last, count = (int(x) for x in args.due_spread.split(":"))
    times = [first + (last - first) * i // max(count - 1, 1) for i in range(count)]
    random.Random(19).shuffle(times)
    size = args.tasks // count
    return [(size + (args.tasks - size * count if i == count - 1 else 0), due) for i, due in enumerate(times)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--due-every", type=int, default=10)
    parser.add_argument("--due-in", type=int, default=60, help="seconds from the start to the ONCE trigger")
    parser.add_argument("--due-spread", default=None, help="FIRST:LAST:BATCHES seconds (see above)")
    parser.add_argument("--rate-limit", type=int, default=1800)
    parser.add_argument("--cold", action="store_true",
                        help="no task paused before: lists without pause details (see bench/cold_tenant.py)")
    parser.add_argument("--collection", default=str(ROOT / ".build" / "collections"))
    parser.add_argument("--label", default="now")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, Emulator(DATA, Path(tmp) / "emu") as emu:
        emu.admin("POST", "config", {"scheduler": True, "rate_limit_per_minute": args.rate_limit,
                                     "default_dispatch_seconds": 0, "default_run_seconds": 600})
        first = None
        for count, due_in in batches(args):
            answer = emu.admin("POST", "tasks/generate", {"count": count, "seed": "soonest",
                                                          "triggers": [{"name": "due", "type": "ONCE",
                                                                        "inSeconds": due_in}],
                                                          "triggers_every": args.due_every})
            first = first or answer["first_id"]
        if not args.cold:   # one task paused and resumed before: the lists carry pause details, as on live tenants
            emu.admin("PUT", "tasks/%s/pause-details" % first, {"pause": False})
        env = dict(os.environ, TALEND_API_URL=emu.url, TALEND_TOKEN=PAT, ANSIBLE_COLLECTIONS_PATH=args.collection,
                   XDG_CACHE_HOME=str(Path(tmp) / "cache"), XDG_STATE_HOME=str(Path(tmp) / "state"),
                   ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default")
        extra = {"maintenance_window_phase": "pause", "maintenance_window_id": "soonest",
                 "maintenance_window_selectors": [{"environment": "Bench"}], "maintenance_window_drain": False,
                 "talend_rate_limit": args.rate_limit}
        load = machine_load()
        started = time.time() * 1000
        run = run_measured([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
                            str(Path(args.collection, "ansible_collections", "talend_ops", "cloud", "playbooks",
                                     "maintenance.yml")), "-e", json.dumps(extra)],
                           env, Path(tmp) / "pause.log")
        ended = time.time() * 1000
        state = emu.admin("GET", "state")
        tasks = state["tasks"].values() if isinstance(state["tasks"], dict) else state["tasks"]
        generated = {t["id"] for t in tasks}
        runs = [e for e in state["taskExecutions"] if e["taskId"] in generated
                and e.get("executionType") == "SCHEDULED" and started <= epoch_ms(e.get("triggerTimestamp")) <= ended]
        paused = sum(1 for t in tasks if (t.get("taskPauseDetails") or {}).get("pause"))
    result = {"date": date.today().isoformat(), "label": args.label, "tasks": args.tasks,
              "due_during_the_phase": args.tasks // args.due_every, "due_in_seconds": args.due_in,
              "due_batches": batches(args), "collection": args.collection, "cold": args.cold,
              "rate_limit": args.rate_limit, "pause_rc": run["rc"], "pause_wall_s": run["wall_s"], "paused": paused,
              "runs_started_on_selected_tasks_during_the_pause": len(runs), "load_before": load}
    out = ROOT / "bench" / "results" / ("%s-soonest-first-%s.json" % (result["date"], args.label))
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0 if run["rc"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
