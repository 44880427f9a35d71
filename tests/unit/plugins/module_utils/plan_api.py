# SPDX-License-Identifier: GPL-3.0-or-later
"""A small in-memory Talend API for the plan phase's unit tests: answers by route, records every request."""

from __future__ import annotations

from datetime import datetime, timezone

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import check_request

HOUR = 3_600_000
START = 1_800_000_000_000 - 1_800_000_000_000 % HOUR + 2 * HOUR  # a round hour in 2027
NOW = START - 2 * HOUR
MAX_SEARCH_MS = 31 * 24 * HOUR


def iso(ms):
    return datetime.fromtimestamp(ms / 1000.0, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def task(task_id, name, pause=None):
    workspace = {"id": "w", "name": "Finance", "environment": {"id": "e", "name": "Production"}}
    item = {"executable": task_id, "name": name, "workspace": workspace}
    if pause is not None:
        item["taskPauseDetails"] = pause
    return item


def run(task_id, started_ms, minutes, status="execution_successful", execution_id=None):
    return {"executionId": execution_id or "%s-%d" % (task_id, started_ms), "taskId": task_id, "status": status,
            "triggerTimestamp": started_ms, "startTimestamp": iso(started_ms),
            "finishTimestamp": iso(started_ms + minutes * 60_000) if status == "execution_successful" else None}


class FakeApi:
    """``call(method, path, params, json, ok, accept)`` like ``TalendClient.call``.

    :param tasks: task list items. :param events: ``[(ms, kind, id)]`` scheduled runs.
    :param executions: execution items (all statuses). :param page_size: items per page of every list.
    """

    def __init__(self, tasks=(), plans=(), events=(), executions=(), page_size=100, refuse=None):
        self.tasks, self.plans, self.events, self.executions = list(tasks), list(plans), list(events), list(executions)
        self.page_size, self.refuse, self.sent = page_size, refuse, []
        self.max_workers = 1
        self.auth = type("Pat", (), {"renewable": False})()

    def _page(self, items, offset, limit=100):
        size = min(limit, self.page_size)
        return {"items": items[offset:offset + size], "limit": size, "offset": offset, "total": len(items)}

    def call(self, method, path, params=None, json=None, ok=(200,), accept=None):
        self.sent.append((method, path, dict(params or {}), dict(json or {})))
        if self.refuse:
            raise TalendApiError(self.refuse, "%s %s" % (method, path), message="refused")
        params, json = params or {}, json or {}
        if path == "/orchestration/environments":
            return 200, [{"id": "e", "name": "Production"}]
        if path == "/orchestration/executables/tasks":
            return 200, self._page(self.tasks, params.get("offset", 0))
        if path == "/orchestration/executables/plans":
            return 200, self._page(self.plans, params.get("offset", 0))
        if path.startswith("/orchestration/executables/tasks/"):
            found = [t for t in self.tasks if t["executable"] == path.rsplit("/", 1)[1]]
            return 200, found[0] if found else None
        if path == "/orchestration/executables/events/search":
            assert json["to"] - json["from"] <= MAX_SEARCH_MS, "a search over more than 31 days"
            items = [{"id": i, "type": k, "date": iso(ms), "sourceTriggerName": "t"} for ms, k, i in sorted(self.events)
                     if json["from"] <= ms <= json["to"]]
            return 200, self._page(items, json.get("offset", 0))
        if path == "/processing/executables/tasks/executions":
            items = [e for e in self.executions if e["status"] == params["status"]]
            items.sort(key=lambda e: e["triggerTimestamp"], reverse=True)
            return 200, self._page(items, params.get("offset", 0), params.get("limit", 100))
        raise AssertionError("unexpected request %s %s" % (method, path))


def plan_request(**options):
    """A checked plan ``WindowRequest`` of window w1 from START to START + 2 h, selector Production."""
    params = dict(window_id="w1", phase="plan", reason=None, selectors=[{"environment": "Production"}], task_ids=[],
                  plan_ids=[], drain=True, drain_timeout=1800, drain_interval=30, drain_on_timeout="fail",
                  report_dir=None, tenant=None, window_start=iso(START), window_end=iso(START + 2 * HOUR))
    params.update(options)
    return check_request(params, now_ms=NOW)
