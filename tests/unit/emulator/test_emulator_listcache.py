"""ListCache: one filtering per paged read, dropped when the store's version moves."""

from __future__ import annotations

from emulator_harness import api, emulator_server, env_id  # noqa: F401  # pylint: disable=unused-import
from tmc_emulator.listcache import ListCache


def test_a_list_is_built_once_per_version_and_key():
    cache, built = ListCache(size=2), []

    def build(tag):
        return lambda: built.append(tag) or [tag]

    assert cache.get("a", 1, build("a1")) == ["a1"]
    assert cache.get("a", 1, build("again")) == ["a1"]
    assert cache.get("a", 2, build("a2")) == ["a2"]
    cache.get("b", 2, build("b"))
    cache.get("c", 2, build("c"))  # size 2: "a" goes
    assert cache.get("a", 2, build("a3")) == ["a3"]
    assert built == ["a1", "a2", "b", "c", "a3"] and (cache.hits, cache.misses) == (1, 5)


def test_pages_of_a_read_filter_once_and_generated_tasks_show_up(api, emulator_server):
    def lists():  # the store is replaced at reset
        return emulator_server.runtime.store.lists

    for offset in (0, 20, 40):
        api.get("/orchestration/executables/tasks", params={"limit": 20, "offset": offset})
    assert (lists().misses, lists().hits) == (1, 2)
    total = api.get("/orchestration/executables/tasks").json()["total"]
    api.admin("POST", "tasks/generate", json={"count": 5, "environment_id": env_id("Production"), "seed": "c"})
    assert api.get("/orchestration/executables/tasks").json()["total"] == total + 5


def test_an_execution_started_between_pages_is_listed(api):
    execs = "/processing/executables/tasks/executions"
    before = api.get(execs, params={"limit": 10}).json()["total"]
    ran = api.post("/processing/executions", json={"executable": "ba65d966494bab10a0f8f018"}).json()["executionId"]
    page = api.get(execs, params={"limit": 10}).json()
    assert page["total"] == before + 1 and page["items"][0]["executionId"] == ran
