# SPDX-License-Identifier: GPL-3.0-or-later
"""The pause phase on a cold tenant (task list items without pause details): one PUT per task and no read first;
only the 204s are read, to see whose pause it is (issue 19, item 2)."""

from __future__ import annotations

from reportfiles import read_report
from window_params import page, run

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import select_executables
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_change import ChangeOutcome
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_cold import settle_unknown
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import Window
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_select import sort_for_pause

ENVIRONMENTS = [{"id": "e1", "name": "Production"}]
OURS = "Earlier run [maintenance-window:w1]"
OTHERS = "Quarter close [maintenance-window:mw-7]"
CONTEXT = "Paused for a maintenance window [maintenance-window:w1]"


def item(tid, details=None):
    """A task list item (``TaskExtract``); without ``details`` it carries no ``taskPauseDetails`` key."""
    out = {"executable": tid, "name": "Task " + tid,
           "workspace": {"id": "w", "name": "Finance", "environment": {"id": "e1", "name": "Production"}}}
    if details is not None:
        out[TASK.pause_details_key] = details
    return out


def paused(context, user="ops.admin"):
    return {"pause": True, "pauseContext": context, "user": user, "userType": "HUMAN",
            "pauseDate": "2026-12-01T10:00:00.000Z"}


def detail(tid, details):
    """A task's detail (``TaskV21``) with ``details``."""
    return dict(item(tid), id=tid, **{TASK.pause_details_key: details})


def sent_summary(scripted):
    """``[(method, path tail)]`` of every request sent."""
    return [(s["method"], s["url"].split("/executables/", 1)[-1] if "/executables/" in s["url"] else s["url"].rsplit(
        "/", 1)[-1]) for s in scripted.sent]


def _cold_mix(scripted):
    """t1 active (202), t2 held by an earlier run of w1 (204), t3 paused by window mw-7 (204)."""
    scripted.queue(200, ENVIRONMENTS)
    scripted.queue(200, page(item("t1"), item("t2"), item("t3")))
    scripted.queue(200, page())                                  # soonest first: nothing due
    scripted.queue(202)
    scripted.queue(204)
    scripted.queue(204)
    scripted.queue(200, detail("t2", paused(OURS)))
    scripted.queue(200, detail("t3", paused(OTHERS, "someone.else")))
    scripted.queue(200, page(item("t1", paused(CONTEXT)), item("t2", paused(OURS)),
                             item("t3", paused(OTHERS, "someone.else"))))   # read-back: list pages


def _warm_mix(scripted):
    """The same tenant with the list carrying pause details (what the pause phase did before on every tenant)."""
    scripted.queue(200, ENVIRONMENTS)
    scripted.queue(200, page(item("t1", {"pause": False}), item("t2", paused(OURS)),
                             item("t3", paused(OTHERS, "someone.else"))))
    scripted.queue(200, page())
    scripted.queue(202)
    scripted.queue(200, page(item("t1", paused(CONTEXT)), item("t2", paused(OURS)),
                             item("t3", paused(OTHERS, "someone.else"))))


def _without_times(records):
    return [{k: v for k, v in r.items() if k != "at"} for r in records]


def test_a_cold_list_costs_one_put_per_task_and_a_read_of_each_204_only(scripted, tmp_path):
    _cold_mix(scripted)
    result = run(selectors=[{"environment": "Production"}], max_workers=1, report_dir=str(tmp_path))
    assert not result.get("failed"), result.get("msg")
    assert sent_summary(scripted) == [
        ("GET", "environments"), ("GET", "tasks"), ("POST", "events/search"),
        ("PUT", "tasks/t1/pause"), ("PUT", "tasks/t2/pause"), ("PUT", "tasks/t3/pause"),
        ("GET", "tasks/t2"), ("GET", "tasks/t3"), ("GET", "tasks")]
    assert all(s["json"] == {"pause": True, "pauseContext": CONTEXT} for s in scripted.sent if s["method"] == "PUT")
    assert result["paused_task_ids"] == ["t2", "t1"] and result["failed_ids"] == []
    run_record = read_report(tmp_path / "w1.json")["runs"][-1]
    records = {r["id"]: r for r in run_record["tasks"]}
    assert records["t1"]["before"]["paused"] is False and records["t1"]["result"] == "paused"
    assert records["t2"]["before"]["pause_context"] == OURS and records["t2"]["action"] == "none"
    assert records["t2"]["result"].startswith("held")
    assert records["t3"]["before"]["pause_user"] == "someone.else" and records["t3"]["result"].startswith("left alone")
    assert run_record["cold"] == {"unknown_before_pause": 3, "answered_204": 2, "held": 1, "left_alone": 1,
                                  "unread": {}}
    assert run_record["verify"]["asked"] == 1, "only the 202 is read back"


def test_a_cold_list_says_exactly_what_a_list_with_pause_details_says(scripted, tmp_path):
    _warm_mix(scripted)
    warm = run(selectors=[{"environment": "Production"}], max_workers=1, report_dir=str(tmp_path / "warm"))
    scripted.sent.clear()
    _cold_mix(scripted)
    cold = run(selectors=[{"environment": "Production"}], max_workers=1, report_dir=str(tmp_path / "cold"))
    for key in ("messages", "selection_messages", "finding_messages", "phase_message", "counts", "failures",
                "paused_task_ids", "paused_plan_ids", "failed_ids", "changed", "outcome"):
        assert cold[key] == warm[key] if key != "messages" else [
            m for m in cold[key] if "report" not in m] == [m for m in warm[key] if "report" not in m], key
    assert cold["stats"]["maintenance_window_stats"]["tasks"] == warm["stats"]["maintenance_window_stats"]["tasks"]
    assert "mw-7" in " ".join(cold["messages"]), "the other window is named"
    records = [read_report(tmp_path / d / "w1.json")["runs"][-1]["tasks"] for d in ("warm", "cold")]
    warm_records, cold_records = (_without_times(r) for r in records)
    assert cold_records == warm_records


def test_a_failed_put_on_a_cold_list_is_a_failure_of_that_id_and_is_not_read(scripted, tmp_path):
    scripted.queue(200, ENVIRONMENTS)
    scripted.queue(200, page(item("t1"), item("t2")))
    scripted.queue(200, page())
    scripted.queue(202)
    scripted.queue(403, {"message": "Forbidden", "requestId": "r-9"})
    scripted.queue(200, page(item("t1", paused(CONTEXT)), item("t2")))
    result = run(selectors=[{"environment": "Production"}], max_workers=1, report_dir=str(tmp_path))
    assert result["failed"] and result["failed_ids"] == ["t2"] and result["paused_task_ids"] == ["t1"]
    assert ("GET", "tasks/t2") not in sent_summary(scripted) and ("GET", "tasks/t1") not in sent_summary(scripted)
    assert "could not pause 1 of 2" in result["msg"] and "request id r-9" in result["msg"]
    records = {r["id"]: r for r in read_report(tmp_path / "w1.json")["runs"][-1]["tasks"]}
    assert records["t2"]["result"] == "failed" and records["t2"]["error"]["status"] == 403


def test_check_mode_on_a_cold_list_reads_each_task_and_sends_no_put(scripted, tmp_path):
    scripted.queue(200, ENVIRONMENTS)
    scripted.queue(200, page(item("t1"), item("t2")))
    scripted.queue(200, detail("t1", {"pause": False}))
    scripted.queue(200, detail("t2", paused(OTHERS)))
    scripted.queue(200, detail("t1", {"pause": False}))          # check mode reads what it would change
    result = run(check_mode=True, selectors=[{"environment": "Production"}], max_workers=1,
                 report_dir=str(tmp_path / "r"))
    assert "PUT" not in {s["method"] for s in scripted.sent}
    assert result["phase_message"].startswith("Window w1: would pause 1") and "mw-7" in " ".join(result["messages"])
    assert not (tmp_path / "r").exists()


def test_a_204_that_reads_not_paused_stays_in_the_change_and_is_read_back(scripted, tmp_path):
    scripted.queue(200, ENVIRONMENTS)
    scripted.queue(200, page(item("t1")))
    scripted.queue(200, page())
    scripted.queue(204)
    scripted.queue(200, detail("t1", {"pause": False}))          # resumed between the PUT and the read
    scripted.queue(200, page(item("t1", {"pause": False})))
    result = run(selectors=[{"environment": "Production"}], max_workers=1, report_dir=str(tmp_path))
    records = read_report(tmp_path / "w1.json")["runs"][-1]
    assert records["tasks"][0]["action"] == "pause" and records["tasks"][0]["before"]["paused"] is False
    assert records["cold"]["unread"] and records["verify"]["asked"] == 1
    assert result["paused_task_ids"] == []


def test_the_selection_leaves_the_state_unknown_only_when_asked_and_without_state_filters(scripted):
    def listed():
        scripted.queue(200, ENVIRONMENTS)
        scripted.queue(200, page(item("t1")))
    listed()
    found = select_executables(_client(), environment="Production", leave_pause_state_unknown=True)
    assert found["tasks"][0]["paused"] is None and len(scripted.sent) == 2
    listed()
    scripted.queue(200, detail("t1", paused(OURS)))
    found = select_executables(_client(), environment="Production")
    assert found["tasks"][0]["paused"] is True and scripted.sent[-1]["url"].endswith("/tasks/t1")
    listed()
    scripted.queue(200, detail("t1", paused(OURS)))
    found = select_executables(_client(), environment="Production", paused=True, leave_pause_state_unknown=True)
    assert [t["id"] for t in found["tasks"]] == ["t1"] and scripted.sent[-1]["url"].endswith("/tasks/t1")


def test_settle_unknown_moves_the_204s_by_whose_pause_it_is(scripted):
    window = Window("w1")
    entries = [{"id": i, "name": i, "paused": None, "pause_context": None} for i in ("a", "b", "c", "d")]
    tasks = sort_for_pause(entries, window)
    assert [e["id"] for e in tasks.to_pause] == ["a", "b", "c", "d"] and len(tasks.unknown) == 4
    change = ChangeOutcome(TASK, ids=["a", "b", "c", "d"],
                           entries=[{"id": "a", "changed": True}, {"id": "b", "changed": False},
                                    {"id": "c", "changed": False}],
                           failures=[{"id": "d", "status": 500}])
    scripted.queue(200, detail("b", paused(OURS)))
    scripted.queue(200, detail("c", paused(OTHERS)))
    out = settle_unknown(_client(), window, tasks, change)
    assert (out.held, out.foreign, out.answered_204) == (["b"], ["c"], ["b", "c"])
    assert [e["id"] for e in tasks.to_pause] == ["a", "d"] and [e["id"] for e in tasks.held] == ["b"]
    assert [e["id"] for e in tasks.foreign] == ["c"] and tasks.unknown == []
    assert change.ids == ["a", "d"] and [e["id"] for e in change.entries] == ["a"]
    assert [e["paused"] for e in entries] == [False, True, True, False]
    assert settle_unknown(_client(), window, sort_for_pause([], window), change) is None


def _client():
    from window_params import params
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import client_from_options
    return client_from_options(params(max_workers=1))
