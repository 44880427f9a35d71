"""The emulator's data: environments, workspaces, tasks, plans, executions.

Loaded from a JSON data file (``tests/emulator/data/sample.json`` by default;
its shape is described in ``tests/emulator/README.md``). Records are kept as
plain dicts in insertion order, with indexes by id and by workspace, so a list
paged read over 30,000 tasks filters once (``lists``, a :class:`ListCache`).
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from tmc_emulator.executions import PlanExecution, TaskExecution
from tmc_emulator.history import HistoryError, expand_history
from tmc_emulator.late_pause import PendingPause, settle
from tmc_emulator.listcache import ListCache
from tmc_emulator.schedules import resolve_relative_trigger, validate_trigger

DEFAULT_DATA_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                 "data", "sample.json")


class DataError(ValueError):
    """The data file is malformed (message names the record)."""


def load_data_file(path: str | None) -> dict:
    """Read a data file (``None`` → the sample data); returns the parsed JSON dict."""
    with open(path or DEFAULT_DATA_PATH, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise DataError("the data file must hold a JSON object")
    return data


class Store:
    """All TMC objects of one emulator instance.

    :param data: parsed data file (see :func:`load_data_file`).
    :param now_ms: emulator time (epoch ms) the relative times of the data
        (``triggeredSecondsAgo``) are taken from.
    """

    def __init__(self, data: dict, now_ms: int) -> None:
        data = copy.deepcopy(data)
        self.account: dict = data.get("account") or {"id": "emulator-account", "name": "Emulator"}
        self.environments: dict[str, dict] = {}
        self.workspaces: dict[str, dict] = {}
        self.tasks: dict[str, dict] = {}
        self.plans: dict[str, dict] = {}
        self.task_executions: dict[str, TaskExecution] = {}
        self.executions_by_task: dict[str, list[TaskExecution]] = {}
        self.plan_executions: dict[str, PlanExecution] = {}
        self.generated: dict[str, int] = {}
        self.pending_pause: dict[str, PendingPause] = {}
        self.version = 0  # moves when a task or plan is added or its triggers change (list caches)
        self.lists = ListCache()
        self.executions_version = 0  # moves when a task execution is added or removed
        self.execution_lists = ListCache(8)
        self.now_ms = lambda: now_ms  # the runtime puts its clock here
        for env in data.get("environments", []):
            _require(env, ("id", "name"), "environment")
            self.environments[env["id"]] = env
        for ws in data.get("workspaces", []):
            _require(ws, ("id", "name", "environmentId"), "workspace")
            if ws["environmentId"] not in self.environments:
                raise DataError(f"workspace {ws['id']}: unknown environmentId {ws['environmentId']}")
            self.workspaces[ws["id"]] = ws
        for task in data.get("tasks", []):
            self.add_task(task)
        for plan in data.get("plans", []):
            self.add_plan(plan)
        for raw in data.get("executions", []):
            self.add_task_execution(_task_execution_from_data(raw, now_ms))
        for raw in data.get("planExecutions", []):
            ex = _plan_execution_from_data(raw, now_ms)
            self.plan_executions[ex.execution_id] = ex
        self.typical_run_s: dict[str, float] = {  # from executionHistory: for the scheduler's runs
            e.get("taskId") or e.get("planId"): float(e["minutes"]) * 60
            for key in ("tasks", "plans") for e in (data.get("executionHistory") or {}).get(key, [])
            if isinstance(e, dict) and isinstance(e.get("minutes"), (int, float))}
        try:
            task_runs, plan_runs = expand_history(data.get("executionHistory"), self.tasks, self.plans, now_ms)
        except (HistoryError, KeyError, TypeError, ValueError) as exc:
            raise DataError(f"executionHistory: {exc}") from exc
        for ex in task_runs:
            self.add_task_execution(ex)
        for ex in plan_runs:
            self.plan_executions[ex.execution_id] = ex
        self.credentials: dict[str, Any] = {
            "personalAccessTokens": data.get("personalAccessTokens", []),
            "serviceAccounts": data.get("serviceAccounts", []),
        }

    # -- tasks -------------------------------------------------------------------------
    def add_task(self, task: dict) -> None:
        """Add (or replace) a task record; fields as in the data file."""
        _require(task, ("id", "name", "workspaceId"), "task")
        self._check_workspace(task, "task")
        task.setdefault("version", "0.1.0")
        task.setdefault("artifact", {"id": task["id"], "name": task["name"], "version": task["version"]})
        task.setdefault("tags", [])
        task.setdefault("triggers", [])
        task.setdefault("runtime", {"type": "CLOUD"})
        _check_triggers(task, "task", self.now_ms())
        self.tasks[task["id"]] = task
        self.version += 1

    def add_plan(self, plan: dict) -> None:
        """Add (or replace) a plan record; fields as in the data file."""
        _require(plan, ("id", "name", "workspaceId"), "plan")
        self._check_workspace(plan, "plan")
        plan.setdefault("triggers", [])
        _check_triggers(plan, "plan", self.now_ms())
        self.plans[plan["id"]] = plan
        self.version += 1

    def set_triggers(self, record: dict, triggers: list, kind: str) -> None:
        """Replace a task's or plan's triggers (validated first; relative ``ONCE`` resolved now).

        :raises DataError: a trigger cannot be evaluated; the record keeps its triggers.
        """
        candidate = {"id": record["id"], "triggers": copy.deepcopy(triggers)}
        _check_triggers(candidate, kind, self.now_ms())
        record["triggers"] = candidate["triggers"]
        self.version += 1

    def remove_record(self, kind: str, record_id: str) -> int:
        """Delete a task (``kind`` ``"tasks"``) or plan with its executions; returns how many executions."""
        self.pending_pause.pop(record_id, None)
        self.version += 1
        if kind == "tasks":
            del self.tasks[record_id]
            gone = self.executions_by_task.pop(record_id, [])
            for ex in gone:
                self.task_executions.pop(ex.execution_id, None)
            self.executions_version += 1
            return len(gone)
        del self.plans[record_id]
        gone_ids = [i for i, ex in self.plan_executions.items() if ex.plan_id == record_id]
        for execution_id in gone_ids:
            del self.plan_executions[execution_id]
        return len(gone_ids)

    def add_task_execution(self, ex: TaskExecution) -> None:
        """Register an execution (its task must exist)."""
        if ex.task_id not in self.tasks:
            raise DataError(f"execution {ex.execution_id}: unknown taskId {ex.task_id}")
        self.task_executions[ex.execution_id] = ex
        self.executions_by_task.setdefault(ex.task_id, []).append(ex)
        self.executions_version += 1

    def settle(self, record: dict, read: bool = False, at_ms: int | None = None) -> dict:
        """Apply a late pause of ``record`` that is due (see :mod:`tmc_emulator.late_pause`).

        :param read: the caller shows the record to a client (counts as one read).
        :param at_ms: the time (epoch ms) to judge "due" at; default now.
        :returns: ``record``.
        """
        if self.pending_pause:
            settle(self.pending_pause, record, self.now_ms() if at_ms is None else at_ms, read)
        return record

    def settle_due(self) -> None:
        """Apply every late pause whose time has come (reads not counted)."""
        for record_id in list(self.pending_pause):
            record = self.tasks.get(record_id) or self.plans.get(record_id)
            if record is not None:
                settle(self.pending_pause, record, self.now_ms())

    def environment_of_workspace(self, workspace_id: str) -> dict:
        """The environment record of a workspace id."""
        return self.environments[self.workspaces[workspace_id]["environmentId"]]

    def _check_workspace(self, record: dict, kind: str) -> None:
        if record["workspaceId"] not in self.workspaces:
            raise DataError(f"{kind} {record['id']}: unknown workspaceId {record['workspaceId']}")

    def snapshot(self, now_ms: int) -> dict:
        """Counts and records for ``GET /_emulator/state`` (tasks and plans as stored)."""
        self.settle_due()
        return {
            "pendingPauses": [p.describe(i) for i, p in self.pending_pause.items()],
            "account": self.account,
            "environments": list(self.environments.values()),
            "workspaces": list(self.workspaces.values()),
            "tasks": list(self.tasks.values()),
            "plans": list(self.plans.values()),
            "counts": {
                "environments": len(self.environments),
                "workspaces": len(self.workspaces),
                "tasks": len(self.tasks),
                "plans": len(self.plans),
                "taskExecutions": len(self.task_executions),
                "planExecutions": len(self.plan_executions),
                "tasksPaused": sum(1 for t in self.tasks.values()
                                   if (t.get("taskPauseDetails") or {}).get("pause")),
            },
        }


def _require(record: Any, keys: tuple[str, ...], kind: str) -> None:
    if not isinstance(record, dict):
        raise DataError(f"{kind}: expected an object, got {record!r}")
    missing = [k for k in keys if not record.get(k)]
    if missing:
        raise DataError(f"{kind} {record.get('id', '?')}: missing {', '.join(missing)}")


def _check_triggers(record: dict, kind: str, now_ms: int) -> None:
    """Validate the triggers of a record; a ``ONCE`` trigger given as ``inSeconds`` (relative to
    ``now_ms``, the load time) gets its absolute ``at``."""
    if not isinstance(record["triggers"], list):
        raise DataError(f"{kind} {record['id']}: triggers must be a list")
    for trigger in record["triggers"]:
        try:
            resolve_relative_trigger(trigger, now_ms)
            validate_trigger(trigger)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{kind} {record['id']}: bad trigger {trigger!r}: {exc}") from exc


def _task_execution_from_data(raw: dict, now_ms: int) -> TaskExecution:
    """An execution of the data file; times relative to ``now_ms`` (``triggeredSecondsAgo``)."""
    _require(raw, ("executionId", "taskId"), "execution")
    trigger = now_ms - int(float(raw.get("triggeredSecondsAgo", 0)) * 1000)
    return TaskExecution(
        execution_id=raw["executionId"],
        task_id=raw["taskId"],
        trigger_ms=trigger,
        dispatch_ms=int(float(raw.get("dispatchSeconds", 5)) * 1000),
        run_ms=int(float(raw.get("runSeconds", 120)) * 1000),
        final_status=raw.get("finalStatus", "execution_successful"),
        execution_type=raw.get("executionType", "SCHEDULED"),
        user_id=raw.get("userId", ""),
        user_type=raw.get("userType", "HUMAN"),
        plan_id=raw.get("planId"),
        remote_engine_id=raw.get("remoteEngineId"),
    )


def _plan_execution_from_data(raw: dict, now_ms: int) -> PlanExecution:
    _require(raw, ("executionId", "planId"), "plan execution")
    return PlanExecution(
        execution_id=raw["executionId"],
        plan_id=raw["planId"],
        trigger_ms=now_ms - int(float(raw.get("triggeredSecondsAgo", 0)) * 1000),
        run_ms=int(float(raw.get("runSeconds", 600)) * 1000),
        final_status=raw.get("finalStatus", "execution_successful"),
        execution_type=raw.get("executionType", "SCHEDULED"),
        user_id=raw.get("userId", ""),
        user_type=raw.get("userType", "HUMAN"),
        planned_count=int(raw.get("plannedExecutableCount", 1)),
        misfired_reason=raw.get("misfiredExecutionReason"),
    )
