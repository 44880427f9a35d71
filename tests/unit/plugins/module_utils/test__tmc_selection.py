# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of task and plan selection: resolution, paging, exact names, tags, pause details, windows."""

from __future__ import annotations

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import PersonalAccessToken
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError, TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import (
    select_executables,
)

BASE = "https://api.us.cloud.talend.com"
ENVS = [{"id": "e1", "name": "Production"}, {"id": "e2", "name": "Staging"}]
PROD = {"id": "e1", "name": "Production"}
STAGING = {"id": "e2", "name": "Staging"}
WORKSPACES = [{"id": "w1", "name": "Finance", "environment": PROD},
              {"id": "w2", "name": "Sales", "environment": PROD},
              {"id": "w3", "name": "Finance", "environment": STAGING}]
PAUSED = {"pause": True, "pauseContext": "DB upgrade [maintenance-window:mw-1]", "user": "ops", "userType": "HUMAN",
          "pauseDate": "2026-11-29T00:55:00Z"}


def client():
    return TalendClient(BASE, PersonalAccessToken("unit-pat"), retries=0, rate_limit=100000, max_workers=1,
                        sleep=lambda s: None)


def item(task_id, name, ws="w1", env=None, pause=None, tags=None):
    """A ``TaskExtract`` list item as live tenants send it (``taskPauseDetails`` only when given)."""
    out = {"executable": task_id, "name": name, "workspace": {"id": ws, "name": ws.upper(), "environment": env or PROD}}
    if tags is not None:
        out["tags"] = tags
    if pause is not None:
        out["taskPauseDetails"] = pause
    return out


def page(items, offset=0, total=None):
    return {"items": items, "limit": 100, "offset": offset, "total": len(items) if total is None else total}


def plan(plan_id, name, task_ids, ws="w1", env=None, pause=None):
    out = {"executable": plan_id, "name": name, "workspace": {"id": ws, "name": ws.upper(), "environment": env or PROD},
           "chart": {"id": "s1", "taskIds": task_ids[:1], "nextStep": {"id": "s2", "flows": [{"id": t} for t in task_ids[1:]]}}}
    if pause is not None:
        out["planPauseDetails"] = pause
    return out


def test_environment_by_name_lists_its_tasks_over_every_page(scripted):
    scripted.queue(200, ENVS)
    first = [item("t%03d" % i, "Task %03d" % i, pause={"pause": False}) for i in range(100)]
    scripted.queue(200, page(first, 0, 130))
    scripted.queue(200, page([item("t%03d" % i, "Task %03d" % i) for i in range(100, 130)], 100, 130))
    tasks = select_tasks(client(), environment="Production")
    assert len(tasks) == 130 and len({t["id"] for t in tasks}) == 130
    assert [s["params"] for s in scripted.sent[1:]] == [
        {"environmentId": "e1", "limit": 100, "offset": 0}, {"environmentId": "e1", "limit": 100, "offset": 100}]


def test_unknown_environment_fails_naming_the_known_ones_before_listing(scripted):
    scripted.queue(200, ENVS)
    with pytest.raises(TalendConfigError, match="Unknown environment 'Prod'; known environments: Production, Staging"):
        select_tasks(client(), environment="Prod")
    assert len(scripted.sent) == 1


def test_workspace_name_in_two_environments_is_ambiguous_without_environment(scripted):
    scripted.queue(200, WORKSPACES)
    with pytest.raises(TalendConfigError, match="Workspace 'Finance' is ambiguous.*Production.*Staging"):
        select_tasks(client(), workspace="Finance")


def test_workspace_name_is_resolved_within_the_environment(scripted):
    scripted.queue(200, ENVS)
    scripted.queue(200, WORKSPACES)
    scripted.queue(200, page([item("t1", "A", ws="w3", env=STAGING, pause={"pause": False})]))
    tasks = select_tasks(client(), environment="Staging", workspace="Finance")
    assert [t["id"] for t in tasks] == ["t1"]
    assert scripted.sent[2]["params"] == {"environmentId": "e2", "workspaceId": "w3", "limit": 100, "offset": 0}


def test_name_keeps_exact_matches_of_the_prefix_answer(scripted):
    scripted.queue(200, page([item("t1", "Sync Accounts", pause={"pause": False}),
                              item("t2", "Sync Accounts - Delta", pause={"pause": False})]))
    tasks = select_tasks(client(), name="Sync Accounts")
    assert [t["id"] for t in tasks] == ["t1"]
    assert scripted.sent[0]["params"]["name"] == "Sync Accounts"


def test_name_carried_by_two_tasks_is_an_error_listing_both(scripted):
    scripted.queue(200, page([item("t1", "Load GL", pause={"pause": False}),
                              item("t2", "Load GL", ws="w3", env=STAGING, pause={"pause": False})]))
    with pytest.raises(TalendConfigError) as err:
        select_tasks(client(), name="Load GL")
    text = str(err.value)
    assert "ambiguous" in text and "t1" in text and "t2" in text and "Production" in text and "Staging" in text


def test_name_ambiguity_ignores_pause_state(scripted):
    scripted.queue(200, page([item("t1", "Load GL", pause=PAUSED), item("t2", "Load GL", pause={"pause": False})]))
    with pytest.raises(TalendConfigError, match="ambiguous"):
        select_tasks(client(), name="Load GL", paused=False)


def test_tags_use_the_search_with_the_workspace_only(scripted):
    scripted.queue(200, ENVS)
    scripted.queue(200, WORKSPACES)
    scripted.queue(200, page([item("t1", "Load GL", tags=["sap", "finance"], pause={"pause": False})]))
    tasks = select_tasks(client(), environment="Production", workspace="Finance", tags=["sap", "finance"])
    assert [t["id"] for t in tasks] == ["t1"] and tasks[0]["tags"] == ["sap", "finance"]
    search = scripted.sent[2]
    assert search["method"] == "POST" and search["url"] == BASE + "/orchestration/executables/tasks/search"
    assert search["json"] == {"tags": ["sap", "finance"], "workspaceId": "w1", "limit": 100, "offset": 0}


def test_tags_search_reads_every_page(scripted):
    scripted.queue(200, page([item("t%03d" % i, "T%03d" % i, pause={"pause": False}) for i in range(100)], 0, 101))
    scripted.queue(200, page([item("t100", "T100", pause={"pause": False})], 100, 101))
    assert len(select_tasks(client(), tags=["bench"])) == 101
    assert [s["json"]["offset"] for s in scripted.sent] == [0, 100]
    assert "environmentId" not in scripted.sent[0]["json"]


def test_tasks_without_pause_details_in_the_list_are_read_one_by_one(scripted):
    scripted.queue(200, page([item("t1", "A"), item("t2", "B")]))
    scripted.queue(200, {"id": "t1", "name": "A", "taskPauseDetails": PAUSED})
    scripted.queue(200, {"id": "t2", "name": "B"})
    tasks = select_tasks(client(), name=None, pause_context_contains="[maintenance-window:mw-1]")
    assert [(t["id"], t["paused"], t["pause_user"]) for t in tasks] == [("t1", True, "ops")]
    assert [s["url"] for s in scripted.sent[1:]] == [BASE + "/orchestration/executables/tasks/t1",
                                                     BASE + "/orchestration/executables/tasks/t2"]


def test_list_carrying_pause_details_on_some_items_needs_no_detail_read(scripted):
    scripted.queue(200, page([item("t1", "A", pause=PAUSED), item("t2", "B")]))
    tasks = select_tasks(client(), pause_context_contains="[maintenance-window:mw-1]")
    assert [t["id"] for t in tasks] == ["t1"] and len(scripted.sent) == 1


def test_marker_of_window_mw_1_does_not_match_mw_10(scripted):
    other = dict(PAUSED, pauseContext="Freeze [maintenance-window:mw-10]")
    scripted.queue(200, page([item("t1", "A", pause=other), item("t2", "B", pause=PAUSED)]))
    tasks = select_tasks(client(), paused=True, pause_context_contains="[maintenance-window:mw-1]")
    assert [t["id"] for t in tasks] == ["t2"]


@pytest.mark.parametrize("paused, expected", [(False, ["t2", "t3"]), (True, ["t1"])])
def test_paused_filter_keeps_the_asked_state(scripted, paused, expected):
    scripted.queue(200, WORKSPACES)
    scripted.queue(200, page([item("t1", "A", pause=PAUSED), item("t2", "B", pause={"pause": False}),
                              item("t3", "C")]))
    assert [t["id"] for t in select_tasks(client(), workspace="w1", paused=paused)] == expected


def test_explicit_ids_are_read_and_narrowed_by_the_filters(scripted):
    scripted.queue(200, {"id": "t1", "name": "A", "tags": ["sap"], "workspace": {"id": "w1", "environment": PROD}})
    scripted.queue(200, {"id": "t2", "name": "B", "tags": [], "workspace": {"id": "w1", "environment": PROD}})
    tasks = select_tasks(client(), task_ids=["t1", "t2"], tags=["sap"])
    assert [t["id"] for t in tasks] == ["t1"]
    assert all(s["method"] == "GET" for s in scripted.sent)


def test_unknown_explicit_task_id_names_the_id(scripted):
    scripted.queue(404, {"status": 404, "message": "Task with id nope not found"})
    with pytest.raises(TalendApiError, match="No task with id nope"):
        select_tasks(client(), task_ids=["nope"])


def test_no_filter_at_all_is_refused_before_any_request(scripted):
    with pytest.raises(TalendConfigError, match="Give at least one of"):
        select_executables(client(), paused=True)
    assert scripted.sent == []


def test_naive_window_is_refused_before_any_request(scripted):
    with pytest.raises(TalendConfigError, match="no UTC offset"):
        select_executables(client(), environment="Production", scheduled_from="2026-11-29T01:00:00",
                           scheduled_to="2026-11-29T05:00:00Z")
    assert scripted.sent == []


def test_window_keeps_tasks_and_plans_with_an_event_inside(scripted):
    scripted.queue(200, ENVS)
    scripted.queue(200, page([item("t1", "A", pause={"pause": False}), item("t2", "B", pause={"pause": False})]))
    scripted.queue(200, page([plan("p1", "P1", ["t2"], pause={"pause": False}), plan("p2", "P2", ["t1"])]))
    scripted.queue(200, page([{"id": "t1", "type": "TASK"}, {"id": "p2", "type": "PLAN"}, {"id": "t1", "type": "TASK"}]))
    result = select_executables(client(), environment="Production", include_plans=True,
                                scheduled_from="2026-11-29T02:00:00+01:00", scheduled_to="2026-11-29T05:00:00Z")
    assert [t["id"] for t in result["tasks"]] == ["t1"] and [p["id"] for p in result["plans"]] == ["p2"]
    events = scripted.sent[3]["json"]
    assert events == {"environmentId": "e1", "from": 1795914000000, "to": 1795914000000 + 4 * 3600000,
                      "limit": 100, "offset": 0}


def test_window_with_a_workspace_searches_its_environment_and_only_it(scripted):
    scripted.queue(200, WORKSPACES)
    scripted.queue(200, page([item("t1", "A", ws="w2", pause={"pause": False})]))
    scripted.queue(200, page([]))
    tasks = select_tasks(client(), workspace="Sales", scheduled_from="2026-11-29T01:00:00Z",
                         scheduled_to="2026-11-29T05:00:00Z")
    assert tasks == []
    assert scripted.sent[2]["json"]["environmentId"] == "e1" and scripted.sent[2]["json"]["workspaceIds"] == ["w2"]


def test_window_without_scope_searches_each_environment_of_the_tasks_found(scripted):
    scripted.queue(200, page([item("t1", "A", tags=["sap"], pause={"pause": False}),
                              item("t2", "B", ws="w3", env=STAGING, tags=["sap"], pause={"pause": False})]))
    scripted.queue(200, page([{"id": "t1", "type": "TASK"}]))
    scripted.queue(200, page([]))
    tasks = select_tasks(client(), tags=["sap"], scheduled_from="2026-11-29T01:00:00Z",
                         scheduled_to="2026-11-29T05:00:00Z")
    assert [t["id"] for t in tasks] == ["t1"]
    assert [s["json"]["environmentId"] for s in scripted.sent[1:]] == ["e1", "e2"]
    assert scripted.sent[1]["json"]["tags"] == ["sap"]


def test_plans_with_tags_are_those_running_a_tagged_task(scripted):
    scripted.queue(200, page([item("t1", "A", tags=["sap"], pause={"pause": False})]))
    scripted.queue(200, page([plan("p1", "Runs t1", ["t9", "t1"], pause={"pause": False}),
                              plan("p2", "Runs others", ["t7"])]))
    result = select_executables(client(), tags=["sap"], include_plans=True)
    assert [p["id"] for p in result["plans"]] == ["p1"]
    assert result["plans"][0]["environment"] == PROD and result["plans"][0]["paused"] is False


def test_plans_list_without_charts_reads_each_plan_when_a_name_needs_them(scripted):
    scripted.queue(200, ENVS)
    scripted.queue(200, page([item("t1", "A", pause={"pause": False})]))
    bare = {"executable": "p1", "name": "P1", "workspace": {"id": "w1", "environment": PROD}, "planPauseDetails": PAUSED}
    scripted.queue(200, page([bare]))
    scripted.queue(200, plan("p1", "P1", ["t1"], pause=PAUSED))
    result = select_executables(client(), environment="Production", name="A", include_plans=True)
    assert [p["id"] for p in result["plans"]] == ["p1"] and result["plans"][0]["paused"] is True
    assert scripted.sent[3]["url"] == BASE + "/orchestration/executables/plans/p1"


def test_plans_of_a_scope_are_all_its_plans_without_reading_charts(scripted):
    scripted.queue(200, ENVS)
    scripted.queue(200, page([]))
    scripted.queue(200, page([{"executable": "p1", "name": "P1", "workspace": {"id": "w1", "environment": PROD},
                               "planPauseDetails": PAUSED}]))
    result = select_executables(client(), environment="Production", include_plans=True,
                                pause_context_contains="[maintenance-window:mw-1]")
    assert [p["id"] for p in result["plans"]] == ["p1"] and len(scripted.sent) == 3
    assert scripted.sent[2]["params"] == {"environmentId": "e1", "limit": 100, "offset": 0}


def test_plans_are_not_listed_unless_asked(scripted):
    scripted.queue(200, ENVS)
    scripted.queue(200, page([]))
    assert select_executables(client(), environment="Production") == {"tasks": [], "plans": []}
    assert len(scripted.sent) == 2


def test_explicit_plan_ids_are_read_and_no_task_is_listed(scripted):
    scripted.queue(200, plan("p1", "P1", ["t1"], pause=PAUSED))
    result = select_executables(client(), plan_ids=["p1"], paused=True)
    assert result["tasks"] == [] and [(p["id"], p["name"], p["paused"]) for p in result["plans"]] == [("p1", "P1", True)]
    assert [s["url"] for s in scripted.sent] == [BASE + "/orchestration/executables/plans/p1"]


def test_unknown_explicit_plan_id_names_the_id(scripted):
    scripted.queue(404, {"status": 404, "message": "Plan with id nope not found"})
    with pytest.raises(TalendApiError, match="No plan with id nope"):
        select_executables(client(), plan_ids=["nope"])


def test_window_on_explicit_ids_searches_the_environment_of_each_task(scripted):
    scripted.queue(200, {"id": "t1", "name": "A", "workspace": {"id": "w1", "environment": PROD}})
    scripted.queue(200, {"id": "t2", "name": "B", "workspace": {"id": "w3", "environment": STAGING}})
    scripted.queue(200, page([]))
    scripted.queue(200, page([{"id": "t2", "type": "TASK"}]))
    tasks = select_tasks(client(), task_ids=["t1", "t2"], scheduled_from="2026-11-29T01:00:00Z",
                         scheduled_to="2026-11-29T05:00:00Z")
    assert [t["id"] for t in tasks] == ["t2"]
    assert [s["json"]["environmentId"] for s in scripted.sent[2:]] == ["e1", "e2"]


def test_list_without_pause_details_reads_only_the_tasks_inside_the_window(scripted):
    scripted.queue(200, ENVS)
    scripted.queue(200, page([item("t%d" % i, "T%d" % i) for i in range(5)]))
    scripted.queue(200, page([{"id": "t3", "type": "TASK"}]))
    scripted.queue(200, {"id": "t3", "name": "T3", "taskPauseDetails": PAUSED})
    tasks = select_tasks(client(), environment="Production", scheduled_from="2026-11-29T01:00:00Z",
                         scheduled_to="2026-11-29T05:00:00Z")
    assert [(t["id"], t["paused"]) for t in tasks] == [("t3", True)]
    assert scripted.sent[-1]["url"] == BASE + "/orchestration/executables/tasks/t3" and len(scripted.sent) == 4


def select_tasks(client, **filters):
    """The ``tasks`` of ``select_executables`` (the tests here look at tasks only)."""
    return select_executables(client, **filters)["tasks"]
