"""Task and plan executions whose status follows the emulator clock.

An execution is stored with its trigger time and durations; its status is
computed on read, so moving the clock moves every execution:

``dispatching`` (``DISPATCHING_FLOW``) for ``dispatch_ms`` after the trigger,
then ``executing`` (``STARTING_FLOW_EXECUTION``) for ``run_ms``, then the
final status. ``deploy_failed`` and ``execution_rejected`` end at the end of
dispatching without starting. A stop (``DELETE``) ends it as ``terminated``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tmc_emulator.clock import iso_utc

EXECUTION_STATUS_OF = {
    "dispatching": "DISPATCHING_FLOW",
    "executing": "STARTING_FLOW_EXECUTION",
    "execution_successful": "EXECUTION_SUCCESS",
    "execution_failed": "EXECUTION_FAILED",
    "execution_rejected": "EXECUTION_REJECTED",
    "deploy_failed": "DEPLOY_FAILED",
    "terminated": "EXECUTION_TERMINATED",
    "terminated_timeout": "EXECUTION_TERMINATED_TIMEOUT",
    "terminated_shutdown": "EXECUTION_TERMINATED_SHUTDOWN",
}
# The ``status`` query filter: ``terminated`` matches every terminated sub status [S].
STATUS_FILTER_MATCHES = {
    "terminated": {"terminated", "terminated_timeout", "terminated_shutdown"},
}
TASK_STATUSES = tuple(EXECUTION_STATUS_OF)
IN_FLIGHT = frozenset({"dispatching", "executing"})
NOT_STARTED_FINALS = frozenset({"deploy_failed", "execution_rejected"})

PLAN_EXECUTION_STATUS_OF = {
    "executing": "STARTED",
    "execution_successful": "EXECUTION_SUCCESS",
    "execution_failed": "EXECUTION_FAILED",
    "execution_misfired": "EXECUTION_MISFIRED",
}
PLAN_STATUSES = tuple(PLAN_EXECUTION_STATUS_OF)


@dataclass
class TaskExecution:
    """One task execution. Times are epoch ms, durations ms."""

    execution_id: str
    task_id: str
    trigger_ms: int
    dispatch_ms: int
    run_ms: int
    final_status: str
    execution_type: str = "MANUAL"
    user_id: str = ""
    user_type: str = "HUMAN"
    plan_id: str | None = None
    remote_engine_id: str | None = None
    stopped_ms: int | None = None
    extra: dict = field(default_factory=dict)

    def natural_finish_ms(self) -> int:
        """When it ends if nobody stops it (epoch ms)."""
        if self.final_status in NOT_STARTED_FINALS:
            return self.trigger_ms + self.dispatch_ms
        return self.trigger_ms + self.dispatch_ms + self.run_ms

    def finish_ms(self) -> int:
        """When it ends, a stop included (epoch ms)."""
        natural = self.natural_finish_ms()
        if self.stopped_ms is not None and self.stopped_ms < natural:
            return self.stopped_ms
        return natural

    def phase(self, now_ms: int) -> tuple[str, int | None, int | None]:
        """``(status, start_ms or None, finish_ms or None)`` at ``now_ms``."""
        start = self.trigger_ms + self.dispatch_ms
        finish = self.finish_ms()
        started = self.final_status not in NOT_STARTED_FINALS and start < finish
        if now_ms >= finish:
            if self.stopped_ms is not None and self.stopped_ms < self.natural_finish_ms():
                return "terminated", (start if start <= self.stopped_ms else None), finish
            return self.final_status, (start if started else None), finish
        if now_ms < start:
            return "dispatching", None, None
        return "executing", start, None

    def is_in_flight(self, now_ms: int) -> bool:
        """Whether its status is ``dispatching`` or ``executing`` at ``now_ms``."""
        return now_ms < self.finish_ms()

    def overlaps(self, from_ms: int, to_ms: int) -> bool:
        """Whether it ran (trigger to finish) at some time in ``[from_ms, to_ms]``."""
        return self.trigger_ms <= to_ms and self.finish_ms() >= from_ms


@dataclass
class PlanExecution:
    """One plan execution. Times are epoch ms, durations ms."""

    execution_id: str
    plan_id: str
    trigger_ms: int
    run_ms: int
    final_status: str
    execution_type: str = "MANUAL"
    user_id: str = ""
    user_type: str = "HUMAN"
    planned_count: int = 1
    misfired_reason: str | None = None

    def finish_ms(self) -> int:
        """When it ends (epoch ms)."""
        return self.trigger_ms + (0 if self.final_status == "execution_misfired" else self.run_ms)

    def status(self, now_ms: int) -> str:
        """Status at ``now_ms``."""
        return self.final_status if now_ms >= self.finish_ms() else "executing"

    def overlaps(self, from_ms: int, to_ms: int) -> bool:
        """Whether it ran at some time in ``[from_ms, to_ms]``."""
        return self.trigger_ms <= to_ms and self.finish_ms() >= from_ms


def task_execution_status(ex: TaskExecution, task: dict | None, now_ms: int) -> dict:
    """The vendor ``TaskExecutionStatus`` of ``ex`` at ``now_ms`` (list items)."""
    status, start, finish = ex.phase(now_ms)
    item = {
        "executionId": ex.execution_id,
        "taskId": ex.task_id,
        "taskVersion": (task or {}).get("version", ""),
        "status": status,
        "executionStatus": EXECUTION_STATUS_OF[status],
        "executionType": ex.execution_type,
        "triggerTimestamp": iso_utc(ex.trigger_ms),
        "userId": ex.user_id,
        "userType": ex.user_type,
    }
    if start is not None:
        item["startTimestamp"] = iso_utc(start)
    if finish is not None:
        item["finishTimestamp"] = iso_utc(finish)
    if ex.plan_id:
        item["planId"] = ex.plan_id
    runtime = dict((task or {}).get("runtime") or {"type": "CLOUD"})
    if ex.remote_engine_id:
        runtime["engineId"] = ex.remote_engine_id
        if runtime.get("type") == "REMOTE_ENGINE_CLUSTER":
            runtime["clusterId"] = runtime.get("id", "")
    item["runtime"] = runtime
    if status == "execution_failed":
        item["errorMessage"] = "Job ended with errors (exit code 1)"
    return item


def job_execution_status(ex: TaskExecution, task: dict | None, workspace_id: str,
                         account_id: str, now_ms: int) -> dict:
    """The vendor ``JobExecutionStatusV21`` of ``ex`` (``GET /processing/executions/{id}``)."""
    base = task_execution_status(ex, task, now_ms)
    runtime = base.pop("runtime")
    destination = runtime.get("type", "CLOUD")
    item = {
        "executionId": base["executionId"],
        "accountId": account_id,
        "workspaceId": workspace_id,
        "jobId": ex.task_id,
        "jobVersion": base.pop("taskVersion"),
        "environmentVersion": "1.3",
        "executionDestination": destination,
        "status": base["status"],
        "executionStatus": base["executionStatus"],
        "executionType": base["executionType"],
        "triggerTimestamp": base["triggerTimestamp"],
        "userId": base["userId"],
        "userType": base["userType"],
    }
    for key in ("startTimestamp", "finishTimestamp", "planId", "errorMessage"):
        if key in base:
            item[key] = base[key]
    if runtime.get("engineId"):
        item["remoteEngineId"] = runtime["engineId"]
    if destination == "REMOTE_ENGINE_CLUSTER":
        item["remoteEngineClusterId"] = runtime.get("id", "")
    if base["status"] == "execution_successful":
        item["numberOfProcessedRows"] = 1000 + (int(ex.execution_id[:6], 16) % 90000)
        item["numberOfRejectedRows"] = 0
    return item


def plan_execution_status(ex: PlanExecution, now_ms: int) -> dict:
    """The vendor ``PlanExecutionStatus`` of ``ex`` at ``now_ms``."""
    status = ex.status(now_ms)
    item = {
        "executionId": ex.execution_id,
        "planId": ex.plan_id,
        "startTimestamp": iso_utc(ex.trigger_ms),
        "status": status,
        "executionStatus": PLAN_EXECUTION_STATUS_OF[status],
        "executionType": ex.execution_type,
        "userId": ex.user_id,
        "userType": ex.user_type,
        "plannedExecutableCount": ex.planned_count,
        "doneExecutableCount": ex.planned_count if status != "executing" else 0,
    }
    if status != "executing":
        item["finishTimestamp"] = iso_utc(ex.finish_ms())
    if status == "execution_misfired" and ex.misfired_reason:
        item["misfiredExecutionReason"] = ex.misfired_reason
        item["doneExecutableCount"] = 0
    return item
