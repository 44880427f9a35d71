"""Environments, workspaces and task lists/search/detail."""

from __future__ import annotations

from emulator_harness import (FINANCE_PAT, SAMPLE, Client, api, assert_error_response,  # noqa: F401  # pylint: disable=unused-import
                              check_schema, emulator_server, env_id, task_id, ws_id)

TASKS = "/orchestration/executables/tasks"


def test_environments_is_a_bare_array_with_one_default(api):
    envs = api.get("/orchestration/environments").json()
    assert [e["name"] for e in envs] == ["Production", "Staging", "Development"]
    assert [e["name"] for e in envs if e["default"]] == ["Production"]
    check_schema(envs, {"type": "array", "items": {"$ref": "#/components/schemas/EnvironmentInfo"}})


def test_environments_fiql_name_filter(api):
    envs = api.get("/orchestration/environments", params={"query": "name==Staging"}).json()
    assert [e["id"] for e in envs] == [env_id("Staging")]
    assert len(api.get("/orchestration/environments", params={"query": "name==Dev*"}).json()) == 1


def test_workspaces_fiql_name_and_environment(api):
    query = f"environment.id=={env_id('Production')};name==Sales Ops"
    wss = api.get("/orchestration/workspaces", params={"query": query}).json()
    assert [w["id"] for w in wss] == [ws_id("Sales Ops")]
    assert wss[0]["environment"]["name"] == "Production"
    assert {w["type"] for w in api.get("/orchestration/workspaces").json()} == {"shared", "custom", "personal"}
    check_schema(wss, {"type": "array", "items": {"$ref": "#/components/schemas/WorkspaceInfo"}})


def test_bad_fiql_is_400(api):
    assert_error_response(api.get("/orchestration/workspaces", params={"query": "(name==x)"}), 400)


def test_list_item_id_is_in_executable_not_id(api):
    page = api.get(TASKS, params={"limit": 5}).json()
    check_schema(page, "PageTask")
    for item in page["items"]:
        assert "id" not in item
        assert len(item["executable"]) == 24 and int(item["executable"], 16) >= 0


def test_name_filter_matches_as_prefix(api):
    names = [i["name"] for i in api.get(TASKS, params={"name": "Sync Salesforce Accounts"}).json()["items"]]
    assert "Sync Salesforce Accounts" in names and "Sync Salesforce Accounts - Delta" in names
    assert all(n.startswith("Sync Salesforce Accounts") for n in names)
    assert api.get(TASKS, params={"name": "Salesforce"}).json()["total"] == 0


def test_same_name_in_two_environments_is_filtered_by_environment(api):
    name = "Load SAP GL Entries to Snowflake"
    both = api.get(TASKS, params={"name": name}).json()["items"]
    assert {i["workspace"]["environment"]["name"] for i in both} == {"Production", "Staging"}
    prod = api.get(TASKS, params={"name": name, "environmentId": env_id("Production")}).json()["items"]
    assert {i["workspace"]["environment"]["name"] for i in prod} == {"Production"}


def test_paging_past_100_returns_every_task_once(api):
    api.admin("POST", "tasks/generate", json={"count": 250, "workspace_id": ws_id("Data Platform")})
    seen, offset = [], 0
    while True:
        page = api.get(TASKS, params={"offset": offset}).json()
        assert page["limit"] == 100 and len(page["items"]) <= 100
        seen += [i["executable"] for i in page["items"]]
        offset += len(page["items"])
        if offset >= page["total"]:
            break
    assert len(seen) == len(set(seen)) == 310


def test_limit_above_100_is_answered_with_100(api):
    api.admin("POST", "tasks/generate", json={"count": 150})
    page = api.get(TASKS, params={"limit": 500}).json()
    assert page["limit"] == 100 and len(page["items"]) == 100


def test_bad_limit_or_offset_is_400(api):
    assert_error_response(api.get(TASKS, params={"limit": 0}), 400)
    assert_error_response(api.get(TASKS, params={"offset": -1}), 400)
    assert_error_response(api.get(TASKS, params={"limit": "ten"}), 400)


def test_never_paused_task_has_no_pause_details_key(api):
    never = next(t for t in SAMPLE["tasks"] if "taskPauseDetails" not in t)
    detail = api.get(f"{TASKS}/{never['id']}").json()
    assert "taskPauseDetails" not in detail
    items = api.get(TASKS, params={"name": never["name"]}).json()["items"]
    item = next(i for i in items if i["executable"] == never["id"])
    assert "taskPauseDetails" not in item and item["tags"] == never["tags"]


def test_list_carries_pause_details_of_paused_and_resumed_tasks(api):
    items = {i["executable"]: i for i in api.get(TASKS).json()["items"]}
    paused = task_id("Sync Concur Expense Reports", "Finance")
    resumed = task_id("Publish Revenue Dashboard Extract", "Finance")
    assert items[paused]["taskPauseDetails"]["pause"] is True
    assert items[paused]["taskPauseDetails"]["user"] == "jane.doe@example.com"
    assert items[resumed]["taskPauseDetails"]["pause"] is False


def test_list_without_pause_details_when_configured(api):
    api.admin("POST", "config", json={"list_includes_pause_details": False})
    items = api.get(TASKS).json()["items"]
    assert not any("taskPauseDetails" in i or "tags" in i for i in items)


def test_task_detail_is_task_v21(api):
    tid = task_id("Load SAP GL Entries to Snowflake", "Finance")
    detail = api.get(f"{TASKS}/{tid}").json()
    check_schema(detail, "TaskV21")
    assert detail["id"] == tid
    assert detail["workspace"]["environment"]["id"] == env_id("Production")
    assert set(detail["artifact"]) >= {"id", "name", "version"}
    assert "sap" in detail["tags"]


def test_unknown_task_is_404(api):
    assert_error_response(api.get(f"{TASKS}/{'0' * 24}"), 404)


def test_search_requires_all_tags(api):
    body = {"tags": ["sap", "nightly"], "environmentId": env_id("Production")}
    page = api.post(f"{TASKS}/search", json=body).json()
    check_schema(page, "PageTask")
    assert page["total"] >= 3
    assert all({"sap", "nightly"} <= set(i["tags"]) for i in page["items"])


def test_search_name_is_contains_per_spec(api):
    page = api.post(f"{TASKS}/search", json={"name": "salesforce accounts"}).json()
    assert page["total"] >= 3
    api.admin("POST", "config", json={"search_name_match": "prefix"})
    assert api.post(f"{TASKS}/search", json={"name": "salesforce accounts"}).json()["total"] == 0


def test_search_with_environment_and_workspace_is_400(api):
    body = {"environmentId": env_id("Production"), "workspaceId": ws_id("Finance")}
    assert_error_response(api.post(f"{TASKS}/search", json=body), 400)


def test_search_unknown_workspace_is_404(api):
    assert_error_response(api.post(f"{TASKS}/search", json={"workspaceId": "f" * 24}), 404)


def test_operator_with_partial_rights_sees_only_their_workspaces(api):
    fin = Client(api.url, token=FINANCE_PAT)
    names = {w["name"] for w in fin.get("/orchestration/workspaces").json()}
    assert names == {"Finance", "Sales Ops", "Data Platform"}
    assert {e["name"] for e in fin.get("/orchestration/environments").json()} == {"Production"}


def test_legacy_v26_path_is_404(api):
    assert_error_response(api.get("/tmc/v2.6/executables/tasks"), 404)


def test_unknown_path_is_404_error_response(api):
    assert_error_response(api.get("/orchestration/nothing-here"), 404)
