"""One bounded, seeded ``schemathesis run`` of the vendor spec against an emulator.

The configuration (``schemathesis.toml``) is written per run because it carries the
emulator URL (token audience) and the ids of the sample data, offered to the
generator through dictionaries so that the fuzzing reaches existing tasks, plans and
executions as well as unknown ids.

Checks: ``all`` (server errors, status codes, content types, response headers and
schemas, negative data rejected, positive data accepted, unsupported methods, Allow
header, missing required headers, authentication, stateful ones), with one check
left out and one widened:

* ``use_after_free`` is left out: the spec's only ``DELETE``,
  ``/processing/executions/{executionId}``, stops an execution; it does not delete
  it, and the stopped execution stays readable with status ``terminated`` [S]
  (the check expects a 404 after a ``DELETE``).
* ``positive_data_acceptance`` also accepts 400, 403, 404 and 405: the subset spec
  keeps the schemas but not the vendor's prose rules, so a schema-valid request can
  rightly be refused: ``limit`` 1..100, ``lastDays`` 1..60, ``environmentId`` and
  ``workspaceId`` exclusive in a task search, a 31-day events window (400); a viewer
  token or an unknown id (403, 404); running a paused task (405). Any other refusal
  (406, 409, 415, 422, ...) still fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

SEED = 20210301
MAX_EXAMPLES = 25
EXCLUDED_CHECKS = ["use_after_free"]
POSITIVE_DATA_REFUSALS = ["2XX", 400, 401, 403, 404, 405]


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def build_config(sample: dict, base_url: str, pat: str, bot: dict, max_examples: int = MAX_EXAMPLES,
                 seed: int = SEED) -> str:
    """The ``schemathesis.toml`` text of a run.

    :param sample: the emulator's data (``tests/emulator/data/sample.json`` parsed).
    :param base_url: the emulator URL (also the token audience it accepts).
    :param pat: bearer token for every operation but the token exchange.
    :param bot: service account ``{"id", "secret"}`` for ``POST /security/oauth/token``.
    :param max_examples: test cases per operation and phase.
    :param seed: the generator's seed (fixed: a run is reproducible).
    """
    dictionaries = {
        "taskIds": [t["id"] for t in sample["tasks"]],
        "planIds": [p["id"] for p in sample["plans"]],
        "executionIds": [e["executionId"] for e in sample["executions"]],
        "environmentIds": [e["id"] for e in sample["environments"]],
        "workspaceIds": [w["id"] for w in sample["workspaces"]],
        "audiences": [base_url],
        "grantTypes": ["client_credentials"],
    }
    often = 0.7
    lines = [
        f"seed = {seed}",
        "workers = 1",
        "color = false",
        "",
        "[cache]",
        "enabled = false",
        "",
        "[generation]",
        f"max-examples = {max_examples}",
        "",
        "[headers]",
        '"talend-version" = "2021-03"',
        "",
        "[checks.positive_data_acceptance]",
        f"expected-statuses = {_toml_value(POSITIVE_DATA_REFUSALS)}",
        "",
        "[parameters]",
        '"path.taskId" = ' + _toml_value({"dictionary": "taskIds", "probability": often}),
        '"path.planId" = ' + _toml_value({"dictionary": "planIds", "probability": often}),
        '"path.executionId" = ' + _toml_value({"dictionary": "executionIds", "probability": often}),
        '"query.environmentId" = ' + _toml_value({"dictionary": "environmentIds", "probability": 0.5}),
        '"query.workspaceId" = ' + _toml_value({"dictionary": "workspaceIds", "probability": 0.5}),
        '"body.environmentId" = ' + _toml_value({"dictionary": "environmentIds", "probability": often}),
        '"body.audience" = ' + _toml_value({"dictionary": "audiences", "probability": often}),
        '"body.grant_type" = ' + _toml_value({"dictionary": "grantTypes", "probability": often}),
        "",
    ]
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {_toml_value(values)}", ""]
    lines += [
        "[[operations]]",
        'exclude-path = "/security/oauth/token"',
        f"headers = {_toml_value({'Authorization': f'Bearer {pat}'})}",
        "",
        "[[operations]]",
        'include-path = "/security/oauth/token"',
        f"auth = {_toml_value({'basic': {'username': bot['id'], 'password': bot['secret']}})}",
        "",
        "[[operations]]",
        'include-path = "/processing/executions"',
        "parameters = " + _toml_value({"body.executable": {"dictionary": "taskIds", "probability": often}}),
        "",
        "[[operations]]",
        'include-path = "/processing/executions/plans"',
        "parameters = " + _toml_value({"body.executable": {"dictionary": "planIds", "probability": often}}),
        "",
    ]
    return "\n".join(lines)


def run(spec: Path, base_url: str, config_text: str, work_dir: Path, extra_args: tuple[str, ...] = (),
        timeout: float = 900) -> dict:
    """Run ``schemathesis run`` and return its JSON report plus ``output`` and ``seconds``.

    :param spec: the vendor spec.
    :param base_url: the emulator URL.
    :param config_text: see :func:`build_config`.
    :param work_dir: folder for the config and the reports.
    :param extra_args: more ``schemathesis run`` options (e.g. ``--include-path``).
    :returns: the report dict (``operations``, ``test_cases``, ``failures``, ``errors``,
        ``exit_code``, ...) with ``output`` (the CLI text) and ``seconds`` (wall time) added.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    config = work_dir / "schemathesis.toml"
    config.write_text(config_text, encoding="utf-8")
    report_dir = work_dir / "report"
    st = Path(sys.executable).parent / "schemathesis"
    command = [str(st), "--config-file", str(config), "--no-color", "run", str(spec), "--url", base_url,
               "--checks", "all", "--exclude-checks", ",".join(EXCLUDED_CHECKS),
               "--report", "json", "--report-dir", str(report_dir), *extra_args]
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                          cwd=str(work_dir))
    seconds = time.monotonic() - started
    reports = sorted(report_dir.glob("json-*.json"))
    if not reports:
        raise AssertionError(f"schemathesis wrote no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    report = json.loads(reports[-1].read_text(encoding="utf-8"))
    report["output"] = proc.stdout + proc.stderr
    report["seconds"] = seconds
    report["exit_code"] = proc.returncode
    return report
