# SPDX-License-Identifier: GPL-3.0-or-later
"""The plan's client: reads only, the searches allowed, task detail reads counted and not sent."""

from __future__ import annotations

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_client import (
    PlanClient,
    WriteRefused,
    operation_of,
)

from plan_api import FakeApi, task


@pytest.mark.parametrize("method,path", [("PUT", "/orchestration/executables/tasks/abc/pause"),
                                         ("DELETE", "/processing/executions/e1"),
                                         ("POST", "/processing/executions"),
                                         ("POST", "/orchestration/executables/tasks/abc/pause")])
def test_a_write_is_refused_before_it_is_sent(method, path):
    api = FakeApi()
    with pytest.raises(WriteRefused):
        PlanClient(api).call(method, path, json={"pause": True})
    assert api.sent == []


def test_the_two_searches_are_sent_as_reads():
    api = FakeApi()
    client = PlanClient(api)
    list(client.iter_pages("POST", "/orchestration/executables/events/search", body={"from": 0, "to": 1}))
    assert client.requests_sent() == {"POST /orchestration/executables/events/search": 1}


def test_a_task_detail_read_is_counted_not_sent_unless_the_id_was_given():
    api = FakeApi(tasks=[task("aaa", "A"), task("bbb", "B")])
    client = PlanClient(api, sent_task_ids=["bbb"])
    assert client.get("/orchestration/executables/tasks/aaa") is None
    assert client.get("/orchestration/executables/tasks/bbb")["name"] == "B"
    assert client.detail_reads_not_sent == 1
    assert client.requests_sent() == {"GET /orchestration/executables/tasks/{taskId}": 1}


@pytest.mark.parametrize("method,path,operation", [
    ("GET", "/orchestration/executables/tasks/5161aced1368fcde561ef201", "GET /orchestration/executables/tasks/{taskId}"),
    ("PUT", "/orchestration/executables/plans/p-1/pause", "PUT /orchestration/executables/plans/{planId}/pause"),
    ("GET", "/processing/executables/tasks/t1/executions", "GET /processing/executables/tasks/{taskId}/executions"),
    ("GET", "/processing/executables/tasks/executions", "GET /processing/executables/tasks/executions"),
    ("POST", "/orchestration/executables/tasks/search", "POST /orchestration/executables/tasks/search"),
    ("GET", "/processing/executions/x-1", "GET /processing/executions/{executionId}")])
def test_operations_are_named_like_the_emulator_request_log(method, path, operation):
    assert operation_of(method, path) == operation
