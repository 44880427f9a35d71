# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of task executions: in-flight queries, filtering, timestamps, stop with its Accept header."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import PersonalAccessToken
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import (
    PER_TASK_MAX,
    iso_utc,
    list_executions,
    stop_executions,
    validate_execution_ids,
    validate_statuses,
)

BASE = "https://api.us.cloud.talend.com"


def client(workers=1):
    return TalendClient(BASE, PersonalAccessToken("unit-pat"), retries=0, rate_limit=100000, max_workers=workers,
                        sleep=lambda s: None)


def item(execution_id, task_id, status, trigger="2024-05-01T22:00:00Z", **extra):
    return dict({"executionId": execution_id, "taskId": task_id, "status": status,
                 "executionStatus": {"dispatching": "DISPATCHING_FLOW"}.get(status, "STARTING_FLOW_EXECUTION"),
                 "executionType": "SCHEDULED", "triggerTimestamp": trigger, "taskVersion": "0.1",
                 "userId": "u", "userType": "HUMAN"}, **extra)


def page(*items):
    return {"items": list(items), "limit": 100, "offset": 0, "total": len(items)}


def path_of(sent):
    return urlsplit(sent["url"]).path


def test_in_flight_of_a_few_tasks_is_one_query_per_task_and_status_dispatching_first(scripted):
    scripted.queue(200, page(item("e1", "t1", "dispatching")))
    scripted.queue(200, page(item("e2", "t1", "executing", startTimestamp="2024-05-01T22:00:05Z")))
    scripted.queue(200, page())
    scripted.queue(200, page())
    executions = list_executions(client(), ["t1", "t2"])
    assert [(path_of(s), s["params"]["status"]) for s in scripted.sent] == [
        ("/processing/executables/tasks/t1/executions", "dispatching"),
        ("/processing/executables/tasks/t1/executions", "executing"),
        ("/processing/executables/tasks/t2/executions", "dispatching"),
        ("/processing/executables/tasks/t2/executions", "executing"),
    ]
    assert [(e["execution_id"], e["status"]) for e in executions] == [("e1", "dispatching"), ("e2", "executing")]


def test_two_executions_of_one_task_on_a_cluster_both_count(scripted):
    scripted.queue(200, page())
    scripted.queue(200, page(item("e1", "t1", "executing", runtime={"type": "REMOTE_ENGINE_CLUSTER", "engineId": "re1"}),
                             item("e2", "t1", "executing", runtime={"type": "REMOTE_ENGINE_CLUSTER", "engineId": "re2"})))
    executions = list_executions(client(), ["t1"])
    assert [(e["execution_id"], e["engine_id"]) for e in executions] == [("e1", "re1"), ("e2", "re2")]


def test_many_task_ids_use_the_account_list_and_ignore_other_tasks(scripted):
    ids = ["t%d" % i for i in range(PER_TASK_MAX + 1)]
    scripted.queue(200, page(item("e1", "t3", "dispatching"), item("x1", "outside", "dispatching")))
    scripted.queue(200, page(item("x2", "outside", "executing"), item("e2", "t0", "executing")))
    executions = list_executions(client(), ids)
    assert [path_of(s) for s in scripted.sent] == ["/processing/executables/tasks/executions"] * 2
    assert [s["params"]["status"] for s in scripted.sent] == ["dispatching", "executing"]
    assert sorted(e["execution_id"] for e in executions) == ["e1", "e2"]


def test_environment_scope_sends_environment_and_workspace_ids_and_filters_task_ids(scripted):
    scripted.queue(200, page(item("e1", "t1", "dispatching"), item("x1", "t9", "dispatching")))
    scripted.queue(200, page())
    executions = list_executions(client(), ["t1"], environment_id="env1", workspace_id="ws1")
    assert scripted.sent[0]["params"] == {"environmentId": "env1", "workspaceId": "ws1", "status": "dispatching",
                                          "limit": 100, "offset": 0}
    assert [e["execution_id"] for e in executions] == ["e1"]


def test_given_statuses_are_queried_one_per_request_with_last_days(scripted):
    scripted.queue(200, page(item("e1", "t1", "execution_failed")))
    executions = list_executions(client(), environment_id="env1", statuses=["execution_failed"], last_days=1)
    assert scripted.sent[0]["params"]["status"] == "execution_failed"
    assert scripted.sent[0]["params"]["lastDays"] == 1
    assert executions[0]["status"] == "execution_failed"


def test_execution_seen_by_both_queries_is_reported_once_with_its_later_status(scripted):
    scripted.queue(200, page(item("e1", "t1", "dispatching")))
    scripted.queue(200, page(item("e1", "t1", "executing")))
    executions = list_executions(client(), ["t1"])
    assert [(e["execution_id"], e["status"]) for e in executions] == [("e1", "executing")]


def test_every_page_is_read(scripted):
    first = {"items": [item("e%d" % i, "t1", "executing") for i in range(100)], "limit": 100, "offset": 0, "total": 101}
    scripted.queue(200, page())
    scripted.queue(200, first)
    scripted.queue(200, {"items": [item("e100", "t1", "executing")], "limit": 100, "offset": 100, "total": 101})
    assert len(list_executions(client(), ["t1"])) == 101
    assert scripted.sent[2]["params"]["offset"] == 100


def test_summary_fields_and_timestamps_in_utc(scripted):
    scripted.queue(200, page(item("e1", "t1", "executing", trigger="2024-05-02T00:00:00+02:00",
                                  startTimestamp=1714600805120, planId="p1")))
    scripted.queue(200, page())
    (execution,) = list_executions(client(), environment_id="env1")
    assert execution == {
        "execution_id": "e1", "task_id": "t1", "status": "executing", "execution_status": "STARTING_FLOW_EXECUTION",
        "execution_type": "SCHEDULED", "trigger_timestamp": "2024-05-01T22:00:00.000Z",
        "start_timestamp": "2024-05-01T22:00:05.120Z", "finish_timestamp": None, "plan_id": "p1", "engine_id": None,
    }


@pytest.mark.parametrize("value, expected", [
    ("2024-05-01T22:00:00Z", "2024-05-01T22:00:00.000Z"),
    ("2024-05-01T22:00:00.341Z", "2024-05-01T22:00:00.341Z"),
    ("2024-05-01T18:00:00-04:00", "2024-05-01T22:00:00.000Z"),
    ("2024-05-01T22:00:00", "2024-05-01T22:00:00.000Z"),
    (1714600800000, "2024-05-01T22:00:00.000Z"),
    ("1714600800000", "2024-05-01T22:00:00.000Z"),
    (None, None),
    ("", None),
    ("not a date", "not a date"),
])
def test_timestamps_become_iso_8601_utc(value, expected):
    assert iso_utc(value) == expected


def test_unknown_status_fails_before_any_request(scripted):
    with pytest.raises(TalendConfigError, match="'running'"):
        validate_statuses(["executing", "running"])
    assert scripted.sent == []


def test_no_status_means_in_flight():
    assert validate_statuses(None) == ["dispatching", "executing"]


def test_bad_execution_id_is_refused():
    with pytest.raises(TalendConfigError, match="'../x'"):
        validate_execution_ids(["ok-1", "../x"])
    assert validate_execution_ids(["a", "b", "a"]) == ["a", "b"]


def test_stop_reads_then_deletes_with_an_accept_header_the_api_accepts(scripted):
    scripted.queue(200, {"executionId": "e1", "jobId": "t1", "status": "executing"})
    scripted.queue(204, "")
    entries, failures = stop_executions(client(), ["e1"])
    assert failures == []
    assert entries == [{"execution_id": "e1", "task_id": "t1", "status": "executing", "changed": True,
                        "message": "stop requested"}]
    delete = scripted.sent[1]
    assert delete["method"] == "DELETE" and path_of(delete) == "/processing/executions/e1"
    accept = delete["headers"]["Accept"]
    assert "text/plain" in accept and accept != "application/json"


def test_stop_of_an_ended_execution_is_unchanged_and_sends_no_delete(scripted):
    scripted.queue(200, {"executionId": "e1", "jobId": "t1", "status": "execution_successful"})
    entries, dummy = stop_executions(client(), ["e1"])
    assert entries[0]["changed"] is False and [s["method"] for s in scripted.sent] == ["GET"]


def test_stop_in_check_mode_never_deletes(scripted):
    scripted.queue(200, {"executionId": "e1", "jobId": "t1", "status": "dispatching"})
    entries, dummy = stop_executions(client(), ["e1"], check_mode=True)
    assert entries[0]["changed"] is True and [s["method"] for s in scripted.sent] == ["GET"]


def test_execution_that_ends_before_the_stop_is_unchanged(scripted):
    scripted.queue(200, {"executionId": "e1", "jobId": "t1", "status": "executing"})
    scripted.queue(400, {"status": 400, "message": "Execution already finished"})
    scripted.queue(200, {"executionId": "e1", "jobId": "t1", "status": "execution_successful"})
    entries, failures = stop_executions(client(), ["e1"])
    assert failures == [] and entries[0]["changed"] is False
    assert "before the stop" in entries[0]["message"]


def test_stop_attempts_every_id_and_names_the_failed_ones(scripted):
    scripted.queue(404, {"status": 404, "message": "Not found", "requestId": "r-1"})
    scripted.queue(200, {"executionId": "e2", "jobId": "t2", "status": "executing"})
    scripted.queue(204, "")
    entries, failures = stop_executions(client(), ["gone", "e2"])
    assert [e["execution_id"] for e in entries] == ["e2"]
    assert failures[0]["execution_id"] == "gone" and failures[0]["status"] == 404
    assert "r-1" in failures[0]["error"] and "No execution with this id" in failures[0]["error"]


def test_refused_stop_of_a_running_execution_is_a_failure(scripted):
    scripted.queue(200, {"executionId": "e1", "jobId": "t1", "status": "executing"})
    scripted.queue(403, {"status": 403, "message": "Forbidden"})
    entries, failures = stop_executions(client(), ["e1"])
    assert entries == [] and failures[0]["status"] == 403 and "TMC_OPERATOR" in failures[0]["error"]
