"""Starting runs: through the API (``MANUAL``), by the scheduler (``SCHEDULED``) or the admin API.

Every run the emulator starts itself takes its duration and outcome from the config
(``default_dispatch_seconds``, ``default_run_seconds``, ``default_final_status``), or
from a ``run_outcome_ids`` fault naming its task or plan (:mod:`tmc_emulator.run_outcomes`);
a scheduled run without a fault lasts the record's typical duration when its history
gives one. The caller holds ``rt.lock``.
"""

from __future__ import annotations

import uuid

from tmc_emulator.executions import PlanExecution, TaskExecution
from tmc_emulator.routes_plans import plan_task_ids
from tmc_emulator.runtime import EmulatorRuntime


def new_task_execution(rt: EmulatorRuntime, task_id: str, execution_type: str, user: str,
                       user_type: str, dispatch_s: float | None = None, run_s: float | None = None,
                       final_status: str | None = None, engine_id: str | None = None) -> TaskExecution:
    """Create and store an execution triggered now (caller holds ``rt.lock``).

    Durations in seconds default to ``default_dispatch_seconds`` / ``default_run_seconds``.
    """
    cfg = rt.config
    ex = TaskExecution(
        execution_id=str(uuid.uuid4()), task_id=task_id, trigger_ms=rt.clock.now_ms(),
        dispatch_ms=int((cfg["default_dispatch_seconds"] if dispatch_s is None else dispatch_s) * 1000),
        run_ms=int((cfg["default_run_seconds"] if run_s is None else run_s) * 1000),
        final_status=final_status or cfg["default_final_status"], execution_type=execution_type,
        user_id=user, user_type=user_type, remote_engine_id=engine_id)
    rt.store.add_task_execution(ex)
    return ex


def new_plan_execution(rt: EmulatorRuntime, plan: dict, execution_type: str, user: str,
                       user_type: str, run_s: float | None = None,
                       final_status: str = "execution_successful") -> PlanExecution:
    """Create and store a plan execution triggered now (caller holds ``rt.lock``)."""
    run = rt.config["default_dispatch_seconds"] + rt.config["default_run_seconds"]
    ex = PlanExecution(execution_id=str(uuid.uuid4()), plan_id=plan["id"],
                       trigger_ms=rt.clock.now_ms(), run_ms=int((run if run_s is None else run_s) * 1000),
                       final_status=final_status, execution_type=execution_type, user_id=user,
                       user_type=user_type, planned_count=max(1, len(plan_task_ids(plan.get("chart")))))
    rt.store.plan_executions[ex.execution_id] = ex
    return ex


def start_task_run(rt: EmulatorRuntime, task: dict, execution_type: str, user: str, user_type: str,
                   when_ms: int | None = None, run_s: float | None = None) -> TaskExecution:
    """Start a run of ``task`` triggered at ``when_ms`` (default now), a fault's outcome applied.

    :param run_s: run time (seconds) when no fault says otherwise; ``None`` = ``default_run_seconds``.
    """
    outcome = rt.faults.run_outcomes.take(task["id"])
    if outcome is not None:
        ex = new_task_execution(rt, task["id"], execution_type, user, user_type,
                                dispatch_s=outcome.dispatch_seconds,
                                run_s=run_s if outcome.run_seconds is None else outcome.run_seconds,
                                final_status=outcome.final_status)
    else:
        ex = new_task_execution(rt, task["id"], execution_type, user, user_type, run_s=run_s)
    if when_ms is not None:
        ex.trigger_ms = when_ms
    return ex


def start_plan_run(rt: EmulatorRuntime, plan: dict, execution_type: str, user: str, user_type: str,
                   when_ms: int | None = None, run_s: float | None = None) -> PlanExecution:
    """Start a run of ``plan`` triggered at ``when_ms`` (default now), a fault's outcome applied
    (any unsuccessful ``final_status`` ends a plan ``execution_failed``)."""
    outcome = rt.faults.run_outcomes.take(plan["id"])
    final = "execution_failed" if outcome and outcome.final_status not in (None, "execution_successful") \
        else "execution_successful"
    if outcome is not None and outcome.run_seconds is not None:
        run_s = (outcome.dispatch_seconds or 0) + outcome.run_seconds
    ex = new_plan_execution(rt, plan, execution_type, user, user_type, run_s=run_s, final_status=final)
    if when_ms is not None:
        ex.trigger_ms = when_ms
    return ex


def start_scheduled_run(rt: EmulatorRuntime, kind: str, record: dict, when_ms: int) -> None:
    """The scheduler's run of a task (``kind`` ``"TASK"``) or plan at ``when_ms``."""
    typical = rt.store.typical_run_s.get(record["id"])
    if kind == "TASK":
        start_task_run(rt, record, "SCHEDULED", "scheduler", "HUMAN", when_ms, typical)
    else:
        start_plan_run(rt, record, "SCHEDULED", "scheduler", "HUMAN", when_ms, typical)
