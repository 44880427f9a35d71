"""A deliberately wrong emulator answer (one field's type flipped) is caught by Prism and by schemathesis.

The emulator's ``set_fields`` fault replaces a field of a successful answer; these
tests prove that the conformance checks are not green by construction.
"""

from __future__ import annotations

import pytest
import requests

from conformance_harness import (  # noqa: F401  # pylint: disable=unused-import
    DEMO_PAT, SAMPLE, client_headers, prism_front, require_spec, service_account, task_id)
from schemathesis_run import build_config, run
from tmc_emulator.server import start_in_thread

TASK = task_id("Sync Salesforce Opportunities", "Sales Ops")
PAUSED = task_id("Sync Concur Expense Reports", "Finance")
TASK_PATH = "/orchestration/executables/tasks/{taskId}"
BOT = service_account("maintenance-bot")

FLIPS = [
    # (what, fault, request, field Prism must name)
    ("task version as a number", {"set_fields": {"version": 7}, "path": f"/tasks/{TASK}$", "method": "GET"},
     ("GET", f"/orchestration/executables/tasks/{TASK}", None), "version"),
    ("page total as a string", {"set_fields": {"total": "60"}, "path": "/tasks$", "method": "GET"},
     ("GET", "/orchestration/executables/tasks", None), "total"),
    ("task id of list items as a number", {"set_fields": {"items.*.executable": 42}, "path": "/tasks$", "method": "GET"},
     ("GET", "/orchestration/executables/tasks", None), "executable"),
    ("pause flag of a task as a string",
     {"set_fields": {"taskPauseDetails.pause": "true"}, "method": "GET", "path": f"/tasks/{PAUSED}$"},
     ("GET", f"/orchestration/executables/tasks/{PAUSED}", None), "pause"),
    ("execution status outside its enum",
     {"set_fields": {"status": "RUNNING"}, "method": "GET", "path": "/processing/executions/"},
     ("GET", f"/processing/executions/{SAMPLE['executions'][0]['executionId']}", None), "status"),
]


@pytest.mark.parametrize("fault,call,field", [f[1:] for f in FLIPS], ids=[f[0] for f in FLIPS])
def test_prism_reports_an_answer_with_a_flipped_field(prism_front, fault, call, field):
    emulator, prism = prism_front
    emulator.admin("POST", "reset")
    emulator.admin("POST", "faults", json=fault)
    mark = prism.mark()
    method, path, body = call
    resp = requests.request(method, prism.url + path, headers=client_headers(), json=body, timeout=30)
    assert resp.status_code == 500 and "problem+json" in resp.headers["Content-Type"], resp.text[:500]
    locations = [v["location"] for v in resp.json()["validation"]]
    assert any(loc[:2] == ["response", "body"] and field in loc for loc in locations), locations
    with pytest.raises(AssertionError, match="VIOLATIONS"):
        prism.assert_no_violations(mark)


def test_prism_reports_expires_in_sent_as_a_number(prism_front):
    emulator, prism = prism_front
    emulator.admin("POST", "reset")
    emulator.admin("POST", "config", json={"expires_in_as_string": False})
    resp = requests.post(prism.url + "/security/oauth/token", auth=(BOT["id"], BOT["secret"]), timeout=30,
                         json={"audience": prism.url, "grant_type": "client_credentials"})
    assert resp.status_code == 500, resp.text[:500]
    assert ["response", "body", "expires_in"] in [v["location"] for v in resp.json()["validation"]]


def test_schemathesis_fails_on_an_answer_with_a_flipped_field(tmp_path):
    spec = require_spec()
    handle = start_in_thread()
    try:
        requests.post(f"{handle.url}/_emulator/faults", timeout=10, json={
            "set_fields": {"version": 7}, "path": "/orchestration/executables/tasks/[^/]+$", "method": "GET",
            "count": -1}).raise_for_status()
        config = build_config(SAMPLE, handle.url, DEMO_PAT, BOT, max_examples=10)
        report = run(spec, handle.url, config, tmp_path,
                     ("--include-path", TASK_PATH, "--include-method", "GET", "--phases", "examples,fuzzing"))
    finally:
        handle.stop()
    assert report["exit_code"] == 1, report["output"]
    failed = {f["title"]: f["operations"] for f in report["failures"]}
    assert failed.get("Response violates schema") == [f"GET {TASK_PATH}"], report["output"]
    assert "version" in report["output"]
