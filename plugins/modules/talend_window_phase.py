#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: talend_window_phase
short_description: Run the pause or the resume phase of a maintenance window in one step
version_added: 0.1.0
description:
  - Does in one module run what the role C(talend_ops.cloud.maintenance_window) does for a phase before its drain,
    so that the summaries of thousands of tasks never leave this process. Used by the role; it can be used
    on its own.
  - V(pause) reads every selector and the explicit ids (as M(talend_ops.cloud.talend_task_info) does), sorts the
    selection into what to pause, what this window already holds (paused with its marker) and what someone else
    paused (left alone), pauses the plans then the tasks with C(pauseContext) set to O(reason) followed by the
    marker C([maintenance-window:<window_id>]), and reads back what may be paused although its answer was lost.
  - V(resume) finds, within the environment and workspace of each selector (the whole account for a selector that
    gives neither) and among the explicit ids, the tasks and plans still paused with that exact marker, and
    resumes the tasks then the plans.
  - Every id is attempted; the module then fails if any id failed or a step stopped the phase (an unknown
    environment, an ambiguous name, an explicit id that does not exist), after writing the report.
  - Adds the record of the run to the window report in O(report_dir), as M(talend_ops.cloud.talend_window_report)
    does.
author:
  - talend_ops.cloud maintainers (@talend-ops)
extends_documentation_fragment:
  - talend_ops.cloud._tmc
  - talend_ops.cloud._attributes
attributes:
  check_mode:
    support: full
    details: Reads the selection and each state to change with C(GET), sends no C(PUT) and writes no report.
  diff_mode:
    support: none
  action_group:
    support: full
    membership:
      - talend_ops.cloud.talend
options:
  window_id:
    description: Id of the window, C(^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$), for example a change number.
    type: str
    required: true
  phase:
    description: Which phase to run.
    type: str
    required: true
    choices: [pause, resume]
  reason:
    description: Human text put before the marker in each C(pauseContext) (V(pause)).
    type: str
    default: Paused for a maintenance window
  selectors:
    description:
      - Selectors of tasks (and, with O(selectors[].include_plans), plans); the union of all of them and the
        explicit ids is paused. Within one selector every given key must match.
      - V(resume) uses only O(selectors[].environment) and O(selectors[].workspace).
    type: list
    elements: dict
    default: []
    suboptions:
      environment:
        description: Environment id or exact name.
        type: str
      workspace:
        description: Workspace id or exact name.
        type: str
      name:
        description: Exact task name.
        type: str
      tags:
        description: Tags that must all be on the task.
        type: list
        elements: str
      scheduled_from:
        description:
          - Start of a scheduling window, ISO 8601 with a UTC offset; only what has a scheduled run between
            O(selectors[].scheduled_from) and O(selectors[].scheduled_to) is selected. A YAML timestamp is
            accepted.
        type: raw
      scheduled_to:
        description: End of the scheduling window, ISO 8601 with a UTC offset.
        type: raw
      include_plans:
        description: Select the plans of the selector's scope as well (see M(talend_ops.cloud.talend_task_info)).
        type: bool
        default: false
  task_ids:
    description: Explicit task ids, in addition to what the selectors pick.
    type: list
    elements: str
    default: []
  plan_ids:
    description: Explicit plan ids, in addition to what the selectors pick.
    type: list
    elements: str
    default: []
  report_dir:
    description:
      - Directory of the window report C(<window_id>.json) and C(<window_id>.md), created with mode C(0700) when
        missing, before any request. Not given or empty, no report is written.
    type: path
notes:
  - Bad input (window id, ids, schedule windows, connection options) fails before any request.
seealso:
  - module: talend_ops.cloud.talend_task_info
  - module: talend_ops.cloud.talend_task_pause
  - module: talend_ops.cloud.talend_window_report
  - name: Role talend_ops.cloud.maintenance_window
    description: Runs this module for each phase, drains the runs in flight and tells what to do next.
    link: https://github.com/talend-ops/cloud/tree/main/roles/maintenance_window
"""

EXAMPLES = r"""
- name: Pause everything in Production for window CHG0042, report in ./reports
  talend_ops.cloud.talend_window_phase:
    window_id: CHG0042
    phase: pause
    reason: DB upgrade
    selectors:
      - environment: Production
        include_plans: true
    report_dir: reports
  register: paused

- name: Say what happened
  ansible.builtin.debug:
    msg: "{{ paused.messages }}"

- name: Resume what window CHG0042 paused
  talend_ops.cloud.talend_window_phase:
    window_id: CHG0042
    phase: resume
    selectors:
      - environment: Production
    report_dir: reports
"""

RETURN = r"""
messages:
  description: What the phase did, for people (selectors that select nothing, what was left alone, paused, resumed).
  returned: always
  type: list
  elements: str
  sample: ["Window CHG0042: paused 2 task(s): Load GL, Load AP and 0 plan(s). The window holds 2 task(s) and 0 plan(s) paused."]
selection_messages:
  description: The lines of RV(messages) about the selection (what selects nothing, what is left alone or held already).
  returned: always
  type: list
  elements: str
phase_message:
  description: The line of RV(messages) that says what was paused or resumed; empty when nothing was due.
  returned: always
  type: str
report_message:
  description: The line of RV(messages) that says where the report is; empty without O(report_dir).
  returned: always
  type: str
error:
  description: "The step that stopped the phase and why, C(<step>: <message>); null when none did."
  returned: always
  type: str
outcome:
  description: V(succeeded), or V(failed) when a step stopped the phase or an id failed.
  returned: always
  type: str
started:
  description: When the phase started (ISO 8601), the C(started) of its record in the report.
  returned: always
  type: str
counts:
  description: Counts of this run as in the report, C({tasks, plans}), each C({selected, attempted, paused, held,
    left_alone, resumed, already_active, failed, not_attempted, window_holds}).
  returned: always
  type: dict
failures:
  description: Tasks and plans that failed or were not attempted, C([{kind, id, name, result, status, message,
    request_id}]).
  returned: always
  type: list
  elements: dict
summary:
  description: C({status, all_back}) of the report after this run (C(status) V(paused), V(pause incomplete),
    V(resumed) or V(resume incomplete)).
  returned: always
  type: dict
json_path:
  description: Path of the JSON report.
  returned: when O(report_dir) is given
  type: str
markdown_path:
  description: Path of the Markdown summary.
  returned: when O(report_dir) is given
  type: str
paused_task_ids:
  description: V(pause) only; every task the window holds paused, now or by an earlier run (in check mode, would hold).
  returned: always
  type: list
  elements: str
paused_plan_ids:
  description: V(pause) only; the same for plans.
  returned: always
  type: list
  elements: str
task_names:
  description: "V(pause) only; C({id: name}) of the tasks of RV(paused_task_ids)."
  returned: always
  type: dict
resumed_task_ids:
  description: V(resume) only; the tasks resumed by this run.
  returned: always
  type: list
  elements: str
resumed_plan_ids:
  description: V(resume) only; the plans resumed by this run.
  returned: always
  type: list
  elements: str
failed_ids:
  description: Ids that could not be paused or resumed.
  returned: always
  type: list
  elements: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import (
    client_from_options,
    tmc_argument_spec,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError, TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import PLAN, TASK, validate_ids
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_report import (
    check_window_id,
    run_failures,
    utc_now,
    write_report,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import parse_window
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window import phase_run, run_pause, run_resume
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_text import (
    pause_messages,
    report_message,
    resume_messages,
)

SELECTOR_SPEC = dict(
    environment=dict(type="str"),
    workspace=dict(type="str"),
    name=dict(type="str"),
    tags=dict(type="list", elements="str"),
    scheduled_from=dict(type="raw"),
    scheduled_to=dict(type="raw"),
    include_plans=dict(type="bool", default=False),
)


def check_input(params):
    """Validate everything before any request; returns ``(task_ids, plan_ids)``. :raises TalendConfigError:"""
    check_window_id(params["window_id"])
    task_ids = validate_ids(params["task_ids"], TASK)
    plan_ids = validate_ids(params["plan_ids"], PLAN)
    if params["phase"] == "pause":
        for number, selector in enumerate(params["selectors"], 1):
            bounds = [selector.get(k) for k in ("scheduled_from", "scheduled_to")]
            try:
                parse_window(*[None if b in (None, "") else str(b) for b in bounds])
            except TalendConfigError as exc:
                raise TalendConfigError("selector %d: %s" % (number, exc)) from None
    return task_ids, plan_ids


def make_report_dir(path):
    """Create ``path`` (mode 0700; ``~`` already expanded by the ``path`` option type) when missing; an existing
    directory keeps its mode. :raises OSError:"""
    if not os.path.isdir(path):
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tmc_argument_spec(),
            window_id=dict(type="str", required=True),
            phase=dict(type="str", required=True, choices=["pause", "resume"]),
            reason=dict(type="str", default="Paused for a maintenance window"),
            selectors=dict(type="list", elements="dict", default=[], options=SELECTOR_SPEC),
            task_ids=dict(type="list", elements="str", default=[]),
            plan_ids=dict(type="list", elements="str", default=[]),
            report_dir=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    started = utc_now()
    try:
        task_ids, plan_ids = check_input(p)
    except TalendConfigError as exc:
        module.fail_json(msg="%s Nothing was changed." % exc)
    if p["report_dir"] and not module.check_mode:
        try:
            make_report_dir(p["report_dir"])
        except OSError as exc:
            module.fail_json(msg="The report directory %s could not be created: %s. Give a writable "
                                 "maintenance_window_report_dir. Nothing was changed." % (p["report_dir"], exc))
    pausing = p["phase"] == "pause"
    client, error = None, None
    try:
        client = client_from_options(p, warn=module.warn)
    except TalendError as exc:
        error = str(exc)
    if client is None:
        outcome = {"selection": None, "tasks_result": None, "plans_result": None, "tasks_at": None, "plans_at": None,
                   "error": error, "paused_task_ids": [], "paused_plan_ids": [], "failed_ids": [],
                   "resumed_task_ids": [], "resumed_plan_ids": []}
    elif pausing:
        outcome = run_pause(client, p["window_id"], p["reason"], p["selectors"], task_ids, plan_ids, module.check_mode)
    else:
        outcome = run_resume(client, p["window_id"], p["selectors"], task_ids, plan_ids, module.check_mode)
    run = phase_run(p["phase"], p["window_id"], outcome, started, reason=p["reason"])
    try:
        written = write_report(p["report_dir"], p["window_id"], run, check_mode=module.check_mode)
    except OSError as exc:
        module.fail_json(msg="The report of window %s could not be written in %s: %s. Give a writable "
                             "maintenance_window_report_dir." % (p["window_id"], p["report_dir"], exc))
    for warning in written["warnings"]:
        module.warn(warning)
    if client is None:
        notes, done = [], None
    elif pausing:
        notes, done = pause_messages(p["window_id"], outcome, module.check_mode)
    else:
        notes, done = resume_messages(p["window_id"], outcome, module.check_mode)
    where = report_message(p["window_id"], written) if written["json_path"] else None
    messages = notes + [m for m in (done, where) if m]
    selection = outcome["selection"] or {"tasks": []}
    held = set(outcome.get("paused_task_ids") or [])
    summary = written["document"]["summary"]
    failures = run_failures(run)
    result = dict(
        changed=any((outcome[k] or {}).get("changed") for k in ("tasks_result", "plans_result")),
        messages=messages, selection_messages=notes, phase_message=done or "", report_message=where or "",
        error=run["error"], outcome=run["outcome"], started=started, counts=run["counts"],
        failures=failures, summary={"status": summary["status"], "all_back": summary["all_back"]},
        paused_task_ids=outcome.get("paused_task_ids") or [], paused_plan_ids=outcome.get("paused_plan_ids") or [],
        task_names={t["id"]: t["name"] for t in selection["tasks"] if t["id"] in held} if pausing else {},
        resumed_task_ids=outcome.get("resumed_task_ids") or [], resumed_plan_ids=outcome.get("resumed_plan_ids") or [],
        failed_ids=outcome.get("failed_ids") or [f["id"] for f in failures])
    if written["json_path"]:
        result.update(json_path=written["json_path"], markdown_path=written["markdown_path"])
    if run["outcome"] != "succeeded":
        module.fail_json(msg=run["error"] or "%d task(s) or plan(s) could not be %s: %s" % (
            len(failures), "paused" if pausing else "resumed", ", ".join(f["id"] for f in failures[:20])), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
