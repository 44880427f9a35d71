"""Every operation the collection uses, driven through ``prism proxy --errors`` with the vendor spec.

Each case sends a request the collection could send (spec-valid) through Prism to a
freshly reset emulator and fails when Prism reports the request or the answer as off
the vendor spec (a ``sl-violations`` header, a Prism ``problem+json`` answer, or a
violation in Prism's log), or when the status is not the one expected. Happy paths
and the documented errors: 401, 403, 404, 405 (running a paused task or plan), 204
(a pause or resume that changes nothing), 400 where a spec-valid request breaks a
documented rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
import requests

from conformance_harness import (  # noqa: F401  # pylint: disable=unused-import
    DEMO_PAT, FINANCE_PAT, SAMPLE, VIEWER_PAT, client_headers, env_id, plan_id, prism_front,
    require_spec, service_account, task_id, ws_id)
import vendor_spec

NEVER_PAUSED = task_id("Sync Salesforce Opportunities", "Sales Ops")
PAUSED = task_id("Sync Concur Expense Reports", "Finance")
FINANCE_TASK = task_id("Publish Revenue Dashboard Extract", "Finance")
STAGING_TASK = next(t["id"] for t in SAMPLE["tasks"] if t["workspaceId"] == ws_id("Integration QA"))
PLAN = plan_id("Nightly Sales Pipeline")
PAUSED_PLAN = plan_id("QA Regression Suite")
RESUMED_PLAN = plan_id("Finance Intraday Reconciliation")
FINISHED_EXECUTION = next(ex["executionId"] for ex in SAMPLE["executions"]
                          if ex["triggeredSecondsAgo"] > ex.get("dispatchSeconds", 0) + ex["runSeconds"])
FAILED_PLAN_RUN = next(ex for ex in SAMPLE["planExecutions"] if ex["finalStatus"] == "execution_failed")
RUNNING_PLAN_RUN = next(ex for ex in SAMPLE["planExecutions"] if ex["triggeredSecondsAgo"] < ex["runSeconds"])
UNKNOWN_TASK = "0123456789abcdef01234567"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
BOT = service_account("maintenance-bot")
RETIRED_BOT = service_account("retired-bot")
DAY_MS = 86_400_000
STOP_ACCEPT = "text/plain, application/json, */*"


@dataclass
class Case:
    """One request through Prism and the status the emulator must answer.

    ``path_params``, ``query`` and ``body`` values may be callables ``f(ctx) -> value`` with
    ``ctx = {"emulator", "prism", "now_ms"}`` (ids made by a setup, the proxy URL).
    """

    name: str
    method: str
    template: str
    status: int
    path_params: dict = field(default_factory=dict)
    query: dict | None = None
    body: Any = None
    token: str | None = DEMO_PAT
    basic: tuple[str, str] | None = None
    accept: str = "application/json"


def _running_execution(task: str) -> Callable[[dict], str]:
    def make(ctx: dict) -> str:
        return ctx["emulator"].admin("POST", "executions", json={"task_id": task, "duration_seconds": 600})[
            "executionId"]
    return make


def _window(days: float) -> Callable[[dict], dict]:
    def make(ctx: dict) -> dict:
        return {"environmentId": env_id("Production"), "from": ctx["now_ms"],
                "to": ctx["now_ms"] + int(days * DAY_MS)}
    return make


def _past_window(days_ago_from: float, days_ago_to: float) -> Callable[[dict], dict]:
    def make(ctx: dict) -> dict:
        return {"environmentId": env_id("Production"), "from": ctx["now_ms"] - int(days_ago_from * DAY_MS),
                "to": ctx["now_ms"] - int(days_ago_to * DAY_MS)}
    return make


def _range(days_ago_from: float, days_ago_to: float = 0, **extra) -> Callable[[dict], dict]:
    def make(ctx: dict) -> dict:
        return dict(extra, **{"from": ctx["now_ms"] - int(days_ago_from * DAY_MS),
                              "to": ctx["now_ms"] - int(days_ago_to * DAY_MS)})
    return make


def _token_body(audience: str | None = None) -> Callable[[dict], dict]:
    def make(ctx: dict) -> dict:
        return {"audience": audience or ctx["prism"].url, "grant_type": "client_credentials"}
    return make


TASKS = "/orchestration/executables/tasks"
TASK = "/orchestration/executables/tasks/{taskId}"
TASK_PAUSE = "/orchestration/executables/tasks/{taskId}/pause"
PLANS = "/orchestration/executables/plans"
PLAN_ONE = "/orchestration/executables/plans/{planId}"
PLAN_PAUSE = "/orchestration/executables/plans/{planId}/pause"
EXECUTION = "/processing/executions/{executionId}"
TASK_EXECUTIONS = "/processing/executables/tasks/{taskId}/executions"

CASES = [
    # environments and workspaces
    Case("environments", "GET", "/orchestration/environments", 200),
    Case("environments by FIQL name", "GET", "/orchestration/environments", 200, query={"query": "name==Production"}),
    Case("environments without token", "GET", "/orchestration/environments", 401, token=None),
    Case("environments with unknown token", "GET", "/orchestration/environments", 401, token="not-a-token"),
    Case("workspaces", "GET", "/orchestration/workspaces", 200),
    Case("workspaces of one environment", "GET", "/orchestration/workspaces", 200,
         query={"query": "environment.name==Production;type==shared"}),
    Case("workspaces with malformed FIQL", "GET", "/orchestration/workspaces", 400, query={"query": "name=~x"}),
    Case("workspaces without token", "GET", "/orchestration/workspaces", 401, token=None),
    # task lists
    Case("tasks first page", "GET", TASKS, 200),
    Case("tasks by name prefix and environment", "GET", TASKS, 200,
         query={"name": "Sync Salesforce", "environmentId": env_id("Production"), "limit": 100, "offset": 0}),
    Case("tasks of a workspace, second page", "GET", TASKS, 200,
         query={"workspaceId": ws_id("Finance"), "limit": 5, "offset": 5}),
    Case("tasks with limit above 100", "GET", TASKS, 200, query={"limit": 500}),
    Case("tasks with limit 0", "GET", TASKS, 400, query={"limit": 0}),
    Case("tasks seen by a viewer", "GET", TASKS, 200, token=VIEWER_PAT),
    Case("tasks without token", "GET", TASKS, 401, token=None),
    Case("task search by tags", "POST", TASKS + "/search", 200,
         body={"environmentId": env_id("Production"), "tags": ["crm"], "limit": 100, "offset": 0}),
    Case("task search by name", "POST", TASKS + "/search", 200, body={"name": "Snowflake"}),
    Case("task search with environment and workspace", "POST", TASKS + "/search", 400,
         body={"environmentId": env_id("Production"), "workspaceId": ws_id("Finance")}),
    Case("task search in unknown environment", "POST", TASKS + "/search", 404, body={"environmentId": UNKNOWN_TASK}),
    Case("task search without token", "POST", TASKS + "/search", 401, body={}, token=None),
    # one task
    Case("task never paused", "GET", TASK, 200, {"taskId": NEVER_PAUSED}),
    Case("task paused", "GET", TASK, 200, {"taskId": PAUSED}),
    Case("task unknown", "GET", TASK, 404, {"taskId": UNKNOWN_TASK}),
    Case("task of a workspace not visible", "GET", TASK, 403, {"taskId": STAGING_TASK}, token=FINANCE_PAT),
    Case("task without token", "GET", TASK, 401, {"taskId": NEVER_PAUSED}, token=None),
    # pause / resume a task
    Case("pause a running task", "PUT", TASK_PAUSE, 202, {"taskId": NEVER_PAUSED},
         body={"pause": True, "pauseContext": "[maintenance-window:mw-1] conformance"}),
    Case("pause a paused task (no-op)", "PUT", TASK_PAUSE, 204, {"taskId": PAUSED},
         body={"pause": True, "pauseContext": "[maintenance-window:mw-1] conformance"}),
    Case("resume a paused task", "PUT", TASK_PAUSE, 202, {"taskId": PAUSED}, body={"pause": False}),
    Case("resume a running task (no-op)", "PUT", TASK_PAUSE, 204, {"taskId": NEVER_PAUSED}, body={"pause": False}),
    Case("pause by a viewer", "PUT", TASK_PAUSE, 403, {"taskId": NEVER_PAUSED}, body={"pause": True}, token=VIEWER_PAT),
    Case("pause with VIEWER on the workspace", "PUT", TASK_PAUSE, 403, {"taskId": NEVER_PAUSED},
         body={"pause": True}, token=FINANCE_PAT),
    Case("pause with AUTHOR on the workspace", "PUT", TASK_PAUSE, 202, {"taskId": FINANCE_TASK},
         body={"pause": True}, token=FINANCE_PAT),
    Case("pause an unknown task", "PUT", TASK_PAUSE, 404, {"taskId": UNKNOWN_TASK}, body={"pause": True}),
    Case("pause without token", "PUT", TASK_PAUSE, 401, {"taskId": NEVER_PAUSED}, body={"pause": True}, token=None),
    # plans
    Case("plans", "GET", PLANS, 200),
    Case("plans by name and environment", "GET", PLANS, 200,
         query={"name": "Finance", "environmentId": env_id("Production"), "limit": 100, "offset": 0}),
    Case("plans using a task", "GET", PLANS, 200, query={"taskId": NEVER_PAUSED}),
    Case("plans without token", "GET", PLANS, 401, token=None),
    Case("plan never paused", "GET", PLAN_ONE, 200, {"planId": PLAN}),
    Case("plan paused", "GET", PLAN_ONE, 200, {"planId": PAUSED_PLAN}),
    Case("plan resumed earlier", "GET", PLAN_ONE, 200, {"planId": RESUMED_PLAN}),
    Case("plan unknown", "GET", PLAN_ONE, 404, {"planId": UNKNOWN_ID}),
    Case("plan of a workspace not visible", "GET", PLAN_ONE, 403, {"planId": PAUSED_PLAN}, token=FINANCE_PAT),
    Case("pause a plan", "PUT", PLAN_PAUSE, 202, {"planId": PLAN}, body={"pause": True, "pauseContext": "mw"}),
    Case("pause a paused plan (no-op)", "PUT", PLAN_PAUSE, 204, {"planId": PAUSED_PLAN}, body={"pause": True}),
    Case("resume a paused plan", "PUT", PLAN_PAUSE, 202, {"planId": PAUSED_PLAN}, body={"pause": False}),
    Case("pause a plan by a viewer", "PUT", PLAN_PAUSE, 403, {"planId": PLAN}, body={"pause": True}, token=VIEWER_PAT),
    Case("pause an unknown plan", "PUT", PLAN_PAUSE, 404, {"planId": UNKNOWN_ID}, body={"pause": True}),
    # scheduled events
    Case("events in a window", "POST", "/orchestration/executables/events/search", 200, body=_window(1)),
    Case("events of some workspaces", "POST", "/orchestration/executables/events/search", 200,
         body=lambda ctx: dict(_window(2)(ctx), workspaceIds=[ws_id("Finance")], limit=10, offset=0)),
    Case("events over more than 31 days", "POST", "/orchestration/executables/events/search", 400, body=_window(40)),
    Case("events over a past range", "POST", "/orchestration/executables/events/search", 200,
         body=_past_window(2, 1)),
    Case("events from the past to the future", "POST", "/orchestration/executables/events/search", 200,
         body=lambda ctx: {"environmentId": env_id("Production"), "from": ctx["now_ms"] - 3 * 3_600_000,
                           "to": ctx["now_ms"] + 3 * 3_600_000, "limit": 100, "offset": 100}),
    Case("events of the next 2 hours (a ONCE trigger among them)", "POST",
         "/orchestration/executables/events/search", 200,
         body=lambda ctx: {"environmentId": env_id("Production"), "to": ctx["now_ms"] + 2 * 3_600_000,
                           "workspaceIds": [ws_id("Data Platform")]}),
    Case("events over exactly 31 days in the past", "POST", "/orchestration/executables/events/search", 200,
         body=_past_window(31, 0)),
    Case("events over a past range longer than 31 days", "POST", "/orchestration/executables/events/search",
         400, body=_past_window(32, 0)),
    Case("events with to before from", "POST", "/orchestration/executables/events/search", 400,
         body=_past_window(1, 2)),
    Case("events of an unknown environment", "POST", "/orchestration/executables/events/search", 404,
         body=lambda ctx: dict(_window(1)(ctx), environmentId=UNKNOWN_TASK)),
    Case("events without token", "POST", "/orchestration/executables/events/search", 401, body=_window(1),
         token=None),
    # task executions
    Case("executions in flight", "GET", "/processing/executables/tasks/executions", 200,
         query={"status": "executing", "environmentId": env_id("Production"), "limit": 100, "offset": 0}),
    Case("executions dispatching", "GET", "/processing/executables/tasks/executions", 200,
         query={"status": "dispatching"}),
    Case("executions of the last 60 days", "GET", "/processing/executables/tasks/executions", 200,
         query={"lastDays": 60}),
    Case("executions over 61 days", "GET", "/processing/executables/tasks/executions", 400, query={"lastDays": 61}),
    Case("executions without token", "GET", "/processing/executables/tasks/executions", 401, token=None),
    Case("executions of one task", "GET", TASK_EXECUTIONS, 200, {"taskId": SAMPLE["executions"][0]["taskId"]},
         query={"status": "executing"}),
    Case("successful runs of one task (history)", "GET", TASK_EXECUTIONS, 200,
         {"taskId": SAMPLE["executions"][0]["taskId"]}, query={"status": "execution_successful", "lastDays": 30}),
    Case("failed runs of one task (history)", "GET", TASK_EXECUTIONS, 200,
         {"taskId": SAMPLE["executions"][0]["taskId"]}, query={"status": "execution_failed", "lastDays": 60}),
    Case("runs of one task from/to", "GET", TASK_EXECUTIONS, 200, {"taskId": SAMPLE["executions"][0]["taskId"]},
         query=_range(7, 0, limit=100, offset=0)),
    Case("executions of an environment from/to, second page", "GET", "/processing/executables/tasks/executions",
         200, query=_range(2, 0, environmentId=env_id("Production"), limit=100, offset=100)),
    Case("successful executions of an environment (history)", "GET", "/processing/executables/tasks/executions",
         200, query={"environmentId": env_id("Production"), "status": "execution_successful", "lastDays": 7,
                     "limit": 100, "offset": 100}),
    Case("executions with from after to", "GET", "/processing/executables/tasks/executions", 400,
         query=_range(1, 2)),
    Case("executions over more than 60 days", "GET", "/processing/executables/tasks/executions", 400,
         query=_range(61, 0)),
    Case("executions of an unknown task", "GET", TASK_EXECUTIONS, 404, {"taskId": UNKNOWN_TASK}),
    *[Case(f"execution {ex['finalStatus']} {ex['executionId'][:8]}", "GET", EXECUTION, 200,
           {"executionId": ex["executionId"]}) for ex in SAMPLE["executions"]],
    Case("execution unknown", "GET", EXECUTION, 404, {"executionId": UNKNOWN_ID}),
    # run and stop
    Case("run a task", "POST", "/processing/executions", 201, body={"executable": NEVER_PAUSED}),
    Case("run a task with log level and timeout", "POST", "/processing/executions", 201,
         body={"executable": NEVER_PAUSED, "logLevel": "WARN", "timeout": 3600, "parameters": {}}),
    Case("run a paused task", "POST", "/processing/executions", 405, body={"executable": PAUSED}),
    Case("run an unknown task", "POST", "/processing/executions", 404, body={"executable": UNKNOWN_TASK}),
    Case("run a task as a viewer", "POST", "/processing/executions", 403, body={"executable": NEVER_PAUSED},
         token=VIEWER_PAT),
    Case("run a plan", "POST", "/processing/executions/plans", 201, body={"executable": PLAN}),
    Case("run a paused plan", "POST", "/processing/executions/plans", 405, body={"executable": PAUSED_PLAN}),
    Case("run an unknown plan", "POST", "/processing/executions/plans", 404, body={"executable": UNKNOWN_ID}),
    Case("re-run a failed plan execution", "POST", "/processing/executions/plans", 201,
         body={"executable": FAILED_PLAN_RUN["planId"], "executionPlanId": FAILED_PLAN_RUN["executionId"]}),
    Case("re-run a plan execution that did not fail", "POST", "/processing/executions/plans", 422,
         body={"executable": RUNNING_PLAN_RUN["planId"], "executionPlanId": RUNNING_PLAN_RUN["executionId"]}),
    Case("re-run an unknown plan execution", "POST", "/processing/executions/plans", 404,
         body={"executable": PLAN, "executionPlanId": UNKNOWN_ID}),
    Case("stop an execution in flight", "DELETE", EXECUTION, 204,
         {"executionId": _running_execution(NEVER_PAUSED)}, accept=STOP_ACCEPT),
    Case("stop an execution that ended", "DELETE", EXECUTION, 400, {"executionId": FINISHED_EXECUTION},
         accept=STOP_ACCEPT),
    Case("stop an unknown execution", "DELETE", EXECUTION, 404, {"executionId": UNKNOWN_ID}, accept=STOP_ACCEPT),
    Case("stop as a viewer", "DELETE", EXECUTION, 403, {"executionId": _running_execution(NEVER_PAUSED)},
         token=VIEWER_PAT, accept=STOP_ACCEPT),
    Case("plan executions", "GET", "/processing/executables/plans/executions", 200),
    Case("plan executions misfired", "GET", "/processing/executables/plans/executions", 200,
         query={"status": "execution_misfired", "lastDays": 30}),
    Case("plan executions from/to (history)", "GET", "/processing/executables/plans/executions", 200,
         query=_range(30, 0, environmentId=env_id("Production"), status="execution_successful")),
    Case("plan executions without token", "GET", "/processing/executables/plans/executions", 401, token=None),
    # service account tokens
    Case("token for a service account", "POST", "/security/oauth/token", 200, body=_token_body(),
         token=None, basic=(BOT["id"], BOT["secret"])),
    Case("token with a wrong secret", "POST", "/security/oauth/token", 401, body=_token_body(),
         token=None, basic=(BOT["id"], "wrong-secret")),
    Case("token for another region", "POST", "/security/oauth/token", 401,
         body=_token_body("https://api.eu.cloud.talend.com"), token=None, basic=(BOT["id"], BOT["secret"])),
    Case("token with an unsupported grant type", "POST", "/security/oauth/token", 401,
         body=lambda ctx: {"audience": ctx["prism"].url, "grant_type": "password"},
         token=None, basic=(BOT["id"], BOT["secret"])),
    Case("token for a disabled service account", "POST", "/security/oauth/token", 403, body=_token_body(),
         token=None, basic=(RETIRED_BOT["id"], RETIRED_BOT["secret"])),
]


def _resolve(value, ctx):
    return value(ctx) if callable(value) else value


def send(case: Case, emulator, prism) -> requests.Response:
    """Send ``case`` through Prism (the emulator was reset by the caller)."""
    ctx = {"emulator": emulator, "prism": prism, "now_ms": emulator.admin("GET", "clock")["now_ms"]}
    path = case.template.format(**{k: _resolve(v, ctx) for k, v in case.path_params.items()})
    headers = client_headers(case.token)
    headers["Accept"] = case.accept
    kwargs: dict = {"headers": headers, "params": _resolve(case.query, ctx), "timeout": 30}
    if case.body is not None:
        kwargs["json"] = _resolve(case.body, ctx)
    if case.basic:
        kwargs["auth"] = case.basic
    return requests.request(case.method, prism.url + path, **kwargs)


def test_the_cases_cover_every_operation_of_the_spec_with_a_success():
    spec = json.loads(require_spec().read_text(encoding="utf-8"))
    covered = {(c.method, c.template) for c in CASES if c.status < 300}
    assert vendor_spec.operations(spec) == covered


def test_every_expected_status_is_declared_by_the_spec():
    spec = json.loads(require_spec().read_text(encoding="utf-8"))
    undeclared = [(c.name, c.status) for c in CASES
                  if str(c.status) not in spec["paths"][c.template][c.method.lower()]["responses"]]
    assert not undeclared


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_prism_finds_request_and_answer_within_the_vendor_spec(prism_front, case):
    emulator, prism = prism_front
    emulator.admin("POST", "reset")
    mark = prism.mark()
    resp = send(case, emulator, prism)
    assert "sl-violations" not in resp.headers, resp.headers["sl-violations"]
    assert "problem+json" not in resp.headers.get("Content-Type", ""), resp.text
    assert resp.status_code == case.status, (resp.status_code, resp.text)
    prism.assert_no_violations(mark)


def test_prism_log_holds_no_token_and_no_secret(prism_front):
    emulator, prism = prism_front
    emulator.admin("POST", "reset")
    token = requests.post(prism.url + "/security/oauth/token", auth=(BOT["id"], BOT["secret"]), timeout=30,
                          json={"audience": prism.url, "grant_type": "client_credentials"}).json()["access_token"]
    for bearer in (token, DEMO_PAT):
        assert requests.get(prism.url + "/orchestration/environments", headers=client_headers(bearer),
                            timeout=30).status_code == 200
    prism.settle()
    log = prism.log_text()
    assert "/orchestration/environments" in log
    for secret in (token, DEMO_PAT, BOT["secret"], "Bearer", "Basic"):
        assert secret not in log
