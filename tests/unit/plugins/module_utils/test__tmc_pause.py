# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of bulk pause/resume: 202/204 semantics, check mode, failures, id validation."""

from __future__ import annotations

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import PersonalAccessToken
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import PLAN, TASK, validate_ids
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_pause import (
    failure_message,
    pause_diff,
    set_pause_states,
)

BASE = "https://api.us.cloud.talend.com"


def client(workers=1):
    return TalendClient(BASE, PersonalAccessToken("unit-pat"), retries=0, rate_limit=100000, max_workers=workers,
                        sleep=lambda s: None)


def test_pause_202_reports_changed_from_active(scripted):
    scripted.queue(202)
    entries, failures = set_pause_states(client(), TASK, ["t1"], True, "ctx [maintenance-window:w1]")
    assert failures == []
    assert entries == [{"id": "t1", "previous_paused": False, "paused": True, "changed": True,
                        "pause_context": "ctx [maintenance-window:w1]"}]
    sent = scripted.sent[0]
    assert sent["method"] == "PUT"
    assert sent["url"] == BASE + "/orchestration/executables/tasks/t1/pause"
    assert sent["json"] == {"pause": True, "pauseContext": "ctx [maintenance-window:w1]"}


def test_pause_twice_reports_unchanged_on_204(scripted):
    scripted.queue(204)
    entries, dummy = set_pause_states(client(), TASK, ["t1"], True, "ctx")
    assert entries[0]["changed"] is False and entries[0]["previous_paused"] is True
    assert entries[0]["pause_context"] is None  # the context in place is unknown and was not overwritten


def test_resume_sends_pause_false(scripted):
    scripted.queue(202)
    entries, dummy = set_pause_states(client(), PLAN, ["p1"], False)
    assert scripted.sent[0]["url"].endswith("/orchestration/executables/plans/p1/pause")
    assert scripted.sent[0]["json"] == {"pause": False}
    assert entries[0]["previous_paused"] is True and entries[0]["paused"] is False


def test_check_mode_reads_and_never_writes(scripted):
    scripted.queue(200, {"id": "t1", "name": "Load GL", "taskPauseDetails": {"pause": False}})
    scripted.queue(200, {"id": "t2", "name": "Sync CRM"})
    entries, dummy = set_pause_states(client(), TASK, ["t1", "t2"], True, "ctx", check_mode=True)
    assert [s["method"] for s in scripted.sent] == ["GET", "GET"]
    assert [e["changed"] for e in entries] == [True, True]
    assert entries[0]["name"] == "Load GL"


def test_check_mode_on_paused_task_predicts_no_change_and_keeps_its_context(scripted):
    scripted.queue(200, {"id": "t1", "name": "Load GL", "taskPauseDetails": {"pause": True, "pauseContext": "theirs"}})
    entries, dummy = set_pause_states(client(), TASK, ["t1"], True, "ours", check_mode=True)
    assert entries[0]["changed"] is False and entries[0]["pause_context"] == "theirs"


def test_diff_mode_reads_first_and_writes_only_what_differs(scripted):
    scripted.queue(200, {"id": "t1", "name": "A", "taskPauseDetails": {"pause": True}})
    scripted.queue(200, {"id": "t2", "name": "B"})
    scripted.queue(202)
    entries, dummy = set_pause_states(client(), TASK, ["t1", "t2"], True, "ctx", read_first=True)
    assert [s["method"] for s in scripted.sent] == ["GET", "GET", "PUT"]
    diff = pause_diff(TASK, entries)
    assert diff == {"before": {"tasks": {"t2": {"paused": False}}}, "after": {"tasks": {"t2": {"paused": True}}}}


def test_bulk_attempts_every_id_and_reports_each_failure(scripted):
    scripted.queue(202)
    scripted.queue(403, {"status": 403, "message": "Forbidden", "requestId": "r-403"})
    scripted.queue(404, {"status": 404, "message": "Task not found"})
    scripted.queue(204)
    entries, failures = set_pause_states(client(), TASK, ["a", "b", "c", "d"], True, "ctx")
    assert [e["id"] for e in entries] == ["a", "d"]
    assert [(f["id"], f["status"], f["request_id"]) for f in failures] == [("b", 403, "r-403"), ("c", 404, None)]
    assert "TMC_OPERATOR" in failures[0]["error"] and "AUTHOR" in failures[0]["error"]
    text = failure_message(TASK, entries, failures)
    assert "2 of 4 tasks failed" in text and "b:" in text and "c:" in text


def test_concurrent_bulk_keeps_input_order(scripted):
    for dummy in range(20):
        scripted.queue(202)
    ids = ["t%02d" % i for i in range(20)]
    entries, dummy = set_pause_states(client(workers=8), TASK, ids, True)
    assert [e["id"] for e in entries] == ids


@pytest.mark.parametrize("bad", ["../x", "a/b", "a b", "", " ", "x\n", "..", "t1?x=1"])
def test_ids_with_path_characters_are_refused_before_any_request(bad):
    with pytest.raises(TalendConfigError, match="Nothing was changed"):
        validate_ids(["ok-1", bad])


def test_duplicate_ids_are_sent_once():
    assert validate_ids(["a", "b", "a"]) == ["a", "b"]
