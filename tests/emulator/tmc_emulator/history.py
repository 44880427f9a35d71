"""Finished executions of the scheduled tasks and plans, expanded from a compact spec.

The data file's ``executionHistory`` block says, per task or plan, how long its runs
take; the loader turns it into finished executions at the past occurrences of the
record's own triggers, relative to the emulator time at load, so the history is
"live" whenever the emulator starts (like ``triggeredSecondsAgo``)::

    "executionHistory": {
      "days": 3, "runs": 8, "user": "ops.admin@example.com",
      "tasks": [{"taskId": "c50025e08f57ad3323981fc9", "minutes": 55, "spread": 0.15, "failEvery": 5},
                {"taskId": "4af6bcacd38ebebddf48c98c", "minutes": 6, "days": 30}],
      "plans": [{"planId": "91932ebf-...", "minutes": 20}]
    }

Per entry (defaults from the block): ``minutes`` (median run time, required),
``spread`` (0.2: each run lasts ``minutes × (1 ± spread)``, deterministic per
occurrence), ``runs`` (the newest N finished runs kept), ``days`` (how far back,
at most 60: the executions API's own limit), ``failEvery`` (0: the k-th newest run
fails when k is a multiple of it; a failed run stops after 20-70 % of its time),
``dispatchSeconds`` (20), ``engineId``. Only occurrences whose run ended before
the load time are kept (history never adds a run in flight), and none after the
record's ``pauseDate`` when it is paused (a paused task does not run).
"""

from __future__ import annotations

import hashlib
import uuid

from tmc_emulator.clock import parse_iso
from tmc_emulator.executions import PlanExecution, TaskExecution
from tmc_emulator.schedules import occurrences

DAY_MS = 86_400_000
MAX_DAYS = 60
DEFAULTS = {"days": 3, "runs": 8, "spread": 0.2, "failEvery": 0, "dispatchSeconds": 20,
            "user": "ops.admin@example.com"}


class HistoryError(ValueError):
    """The ``executionHistory`` block is malformed (message names the entry)."""


def _unit(key: str) -> float:
    """A number in [0, 1) that depends only on ``key``."""
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big") / 2**64


def history_execution_id(record_id: str, trigger_ms: int) -> str:
    """A UUID that depends only on the record and the occurrence (stable across resets)."""
    digest = hashlib.sha1(f"history:{record_id}:{trigger_ms}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _setting(entry: dict, block: dict, key: str):
    return entry.get(key, block.get(key, DEFAULTS[key]))


def _runs(record: dict, details_key: str, entry: dict, block: dict, now_ms: int):
    """``(trigger_ms, dispatch_ms, run_ms, failed)`` of the kept runs, newest first."""
    minutes = entry.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes <= 0:
        raise HistoryError(f"history of {record['id']}: 'minutes' must be a positive number")
    days = min(float(_setting(entry, block, "days")), MAX_DAYS)
    keep = int(_setting(entry, block, "runs"))
    spread = float(_setting(entry, block, "spread"))
    fail_every = int(_setting(entry, block, "failEvery"))
    dispatch_ms = int(float(_setting(entry, block, "dispatchSeconds")) * 1000)
    if not 0 <= spread < 1 or keep < 0 or fail_every < 0 or days <= 0:
        raise HistoryError(f"history of {record['id']}: spread in [0, 1), runs, days and failEvery >= 0")
    until = now_ms
    details = record.get(details_key) or {}
    if details.get("pause") and details.get("pauseDate"):
        until = min(until, parse_iso(details["pauseDate"]))
    start = now_ms - int(days * DAY_MS)
    times = sorted({t for trigger in record.get("triggers", []) for t in occurrences(trigger, start, until)},
                   reverse=True)
    out = []
    for trigger_ms in times:
        if len(out) >= keep:
            break
        run_ms = int(minutes * 60_000 * (1 + spread * (2 * _unit(f"{record['id']}:{trigger_ms}") - 1)))
        failed = bool(fail_every) and (len(out) + 1) % fail_every == 0
        if failed:
            run_ms = int(run_ms * (0.2 + 0.5 * _unit(f"fail:{record['id']}:{trigger_ms}")))
        if trigger_ms + dispatch_ms + run_ms >= now_ms:
            continue  # would still be running: history is finished runs only
        out.append((trigger_ms, dispatch_ms, run_ms, failed))
    return out


def expand_history(block: dict | None, tasks: dict, plans: dict, now_ms: int
                   ) -> tuple[list[TaskExecution], list[PlanExecution]]:
    """Finished executions described by an ``executionHistory`` block.

    :param block: the data file's block (``None`` → no history).
    :param tasks: stored tasks by id; :param plans: stored plans by id.
    :param now_ms: emulator time of the load (epoch ms).
    :returns: ``(task executions, plan executions)``.
    :raises HistoryError: unknown id or a malformed entry.
    """
    if not block:
        return [], []
    task_runs, plan_runs = [], []
    user = str(block.get("user", DEFAULTS["user"]))
    for entry in block.get("tasks", []):
        task = tasks.get(entry.get("taskId"))
        if task is None:
            raise HistoryError(f"executionHistory: unknown taskId {entry.get('taskId')!r}")
        for trigger_ms, dispatch_ms, run_ms, failed in _runs(task, "taskPauseDetails", entry, block, now_ms):
            task_runs.append(TaskExecution(
                execution_id=history_execution_id(task["id"], trigger_ms), task_id=task["id"],
                trigger_ms=trigger_ms, dispatch_ms=dispatch_ms, run_ms=run_ms,
                final_status="execution_failed" if failed else "execution_successful",
                execution_type="SCHEDULED", user_id=user, user_type="HUMAN",
                remote_engine_id=entry.get("engineId")))
    for entry in block.get("plans", []):
        plan = plans.get(entry.get("planId"))
        if plan is None:
            raise HistoryError(f"executionHistory: unknown planId {entry.get('planId')!r}")
        entry = dict(entry, dispatchSeconds=0)
        for trigger_ms, _dispatch, run_ms, failed in _runs(plan, "planPauseDetails", entry, block, now_ms):
            plan_runs.append(PlanExecution(
                execution_id=history_execution_id(plan["id"], trigger_ms), plan_id=plan["id"],
                trigger_ms=trigger_ms, run_ms=run_ms,
                final_status="execution_failed" if failed else "execution_successful",
                execution_type="SCHEDULED", user_id=user, user_type="HUMAN", planned_count=1))
    return task_runs, plan_runs
