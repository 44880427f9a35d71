# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Task executions (Processing API): list them, in flight or of given statuses, and stop them.

In flight means ``status`` ``dispatching`` or ``executing``. The list operations take one
``status`` per request, so an in-flight read is one query per status. Very long runs can be
missing from the lists on live tenants: an empty answer is evidence, not proof.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import map_concurrently
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError, TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import check_ids

TASK_EXECUTIONS_PATH = "/processing/executables/tasks/executions"
EXECUTIONS_PATH = "/processing/executions"
STATUSES = (
    "dispatching", "executing", "deploy_failed", "execution_successful", "execution_rejected",
    "execution_failed", "terminated", "terminated_timeout", "terminated_shutdown",
)
IN_FLIGHT = ("dispatching", "executing")
"""In-flight statuses, in the order they are queried: an execution that moves from
``dispatching`` to ``executing`` between the two queries is still seen by one of them."""
PER_TASK_MAX = 10
"""Up to this many task ids (and no environment or workspace), executions are read per task
(``2 x ids`` requests for an in-flight read); above it, from the account-wide list filtered here."""
STOP_ACCEPT = "text/plain, application/json, */*"
"""``Accept`` of the stop request: its 204 answer is ``text/plain`` and live tenants answer
``Accept: application/json`` alone with 406."""


def task_executions_path(task_id: str) -> str:
    """Path of one task's executions (``listTaskExecutions``); ``task_id`` already validated."""
    return "/processing/executables/tasks/%s/executions" % task_id


def execution_path(execution_id: str) -> str:
    """Path of one execution (``getTaskExecutionStatus``, ``stopExecution``); id already validated."""
    return "%s/%s" % (EXECUTIONS_PATH, execution_id)


def validate_statuses(statuses) -> list:
    """Return ``statuses`` as unique strings in their first order; None or empty means in flight.

    :param statuses: iterable of str from :data:`STATUSES`, or None.
    :raises TalendConfigError: naming every unknown value.
    """
    values = list(dict.fromkeys(statuses or IN_FLIGHT))
    bad = [s for s in values if s not in STATUSES]
    if bad:
        raise TalendConfigError("Unknown execution status(es) %s; use any of %s." % (
            ", ".join(repr(b) for b in bad), ", ".join(STATUSES)))
    return values


def validate_execution_ids(ids) -> list:
    """Execution ids (UUIDs) checked by ``_tmc_executables.check_ids``. :raises TalendConfigError: naming every bad id."""
    return check_ids(ids, "execution", "Nothing was stopped.")


def iso_utc(value):
    """Normalise an API timestamp to ISO 8601 UTC with milliseconds, e.g. ``2024-05-01T22:00:03.120Z``.

    :param value: ISO 8601 text (``Z``, an offset, or naive meaning UTC), epoch milliseconds
        (int, float or digits), or None.
    :returns: the UTC text; None for None or empty; the value unchanged when it cannot be parsed.
    """
    if value is None or value == "":
        return None
    try:
        if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
            moment = datetime.fromtimestamp(int(value) / 1000.0, tz=timezone.utc)
        else:
            text = value.strip()
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    except (ValueError, OverflowError, OSError, AttributeError):
        return value


def execution_summary(item: dict) -> dict:
    """Flatten a ``TaskExecutionStatus`` (list item) or ``JobExecutionStatusV21`` (detail).

    :returns: ``{execution_id, task_id, status, execution_status, execution_type, trigger_timestamp,
        start_timestamp, finish_timestamp, plan_id, engine_id}``; timestamps ISO 8601 UTC or None.
    """
    runtime = item.get("runtime") or {}
    return {
        "execution_id": item.get("executionId"),
        "task_id": item.get("taskId") or item.get("jobId"),
        "status": item.get("status"),
        "execution_status": item.get("executionStatus"),
        "execution_type": item.get("executionType"),
        "trigger_timestamp": iso_utc(item.get("triggerTimestamp")),
        "start_timestamp": iso_utc(item.get("startTimestamp")),
        "finish_timestamp": iso_utc(item.get("finishTimestamp")),
        "plan_id": item.get("planId"),
        "engine_id": runtime.get("engineId") or item.get("remoteEngineId"),
    }


def list_executions(client, task_ids=None, environment_id=None, workspace_id=None, statuses=None,
                    last_days=None) -> list:
    """Task executions of the given statuses (in flight by default), every page, one query per status.

    With only ``task_ids`` (at most :data:`PER_TASK_MAX`) each task's executions are read with
    ``GET /processing/executables/tasks/{taskId}/executions`` (``listTaskExecutions``); otherwise
    ``GET /processing/executables/tasks/executions`` (``listAvailableTasksExecutions``) with
    ``environmentId``/``workspaceId`` and the result is kept to ``task_ids`` when given. Every
    execution counts, several for one task included (one per engine on clusters). An execution
    seen by two queries (it changed status between them) is reported once, with the later status.

    :param client: a ``TalendClient``.
    :param task_ids: validated task ids (list of str) or None.
    :param environment_id: environment id (not name) or None.
    :param workspace_id: workspace id (not name) or None.
    :param statuses: validated statuses (see :func:`validate_statuses`), None for in flight.
    :param last_days: days of history (1..60, the API's default 60) or None.
    :returns: summaries (see :func:`execution_summary`) sorted by trigger time, task and execution id.
    :raises TalendApiError: any failed read (404 for an unknown task id).
    """
    statuses = list(statuses or IN_FLIGHT)
    base = {k: v for k, v in (("environmentId", environment_id), ("workspaceId", workspace_id),
                              ("lastDays", last_days)) if v is not None}
    if task_ids is not None and not environment_id and not workspace_id and len(task_ids) <= PER_TASK_MAX:
        def read_task(task_id):
            return [item for status in statuses
                    for item in client.iter_pages("GET", task_executions_path(task_id), dict(base, status=status))]
        items = [item for chunk in map_concurrently(client, read_task, task_ids) for item in chunk]
    else:
        items = [item for status in statuses
                 for item in client.iter_pages("GET", TASK_EXECUTIONS_PATH, dict(base, status=status))]
        if task_ids is not None:
            wanted = set(task_ids)
            items = [i for i in items if i.get("taskId") in wanted]
    by_id = {}
    for item in items:
        summary = execution_summary(item)
        by_id[summary["execution_id"]] = summary
    return sorted(by_id.values(), key=lambda e: (e["trigger_timestamp"] or "", e["task_id"] or "",
                                                 e["execution_id"] or ""))


def stop_executions(client, execution_ids, check_mode=False):
    """Stop every in-flight execution of ``execution_ids``; attempt every id even when some fail.

    Per id: ``GET /processing/executions/{id}`` (``getTaskExecutionStatus``) reads the status; an
    execution no longer in flight is left alone (unchanged); otherwise ``DELETE
    /processing/executions/{id}`` (``stopExecution``, 204 with a ``text/plain`` body, sent with
    ``Accept:`` :data:`STOP_ACCEPT`). A refused stop of an execution that ended meanwhile is unchanged.
    In check mode nothing is deleted. The stop is asynchronous: the status changes afterwards.

    :param client: a ``TalendClient``.
    :param execution_ids: validated ids (list of str).
    :param check_mode: report what would be stopped without any ``DELETE``.
    :returns: ``(entries, failures)``: ``entries`` one dict per succeeded id in input order
        (``execution_id``, ``task_id``, ``status`` before the stop, ``changed``, ``message``);
        ``failures`` one dict per failed id (``execution_id``, ``status``, ``message``, ``detail``,
        ``request_id``, ``error``).
    """
    def one(execution_id):
        try:
            return _stop_one(client, execution_id, check_mode), None
        except TalendApiError as exc:
            if exc.status == 404:
                exc = exc.with_hint("No execution with this id: check the id and the region.")
            elif exc.status == 403:
                exc = exc.with_hint("Stopping an execution needs the TMC_OPERATOR permission and the EXECUTE role on "
                                    "the task's workspace.")
            return None, dict(exc.as_dict(), execution_id=execution_id)

    outcomes = map_concurrently(client, one, execution_ids)
    return ([e for e, _f in outcomes if e is not None], [f for _e, f in outcomes if f is not None])


def _stop_one(client, execution_id, check_mode):
    before = execution_summary(client.get(execution_path(execution_id)) or {})
    entry = {"execution_id": execution_id, "task_id": before["task_id"], "status": before["status"]}
    if before["status"] not in IN_FLIGHT:
        return dict(entry, changed=False, message="not in flight (status %s): nothing to stop" % before["status"])
    if check_mode:
        return dict(entry, changed=True, message="would be stopped (check mode)")
    try:
        client.call("DELETE", execution_path(execution_id), ok=(200, 202, 204), accept=STOP_ACCEPT)
    except TalendApiError as exc:
        if exc.status not in (400, 404, 409, 410):
            raise
        after = execution_summary(client.get(execution_path(execution_id)) or {})
        if after["status"] in IN_FLIGHT:
            raise
        return dict(entry, changed=False, message="ended (status %s) before the stop" % after["status"])
    return dict(entry, changed=True, message="stop requested")
