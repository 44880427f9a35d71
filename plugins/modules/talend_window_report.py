#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: talend_window_report
short_description: Write the audit report of a maintenance window run
version_added: 0.1.0
description:
  - Adds the record of one run of a maintenance window phase to C(<path>/<window_id>.json) and rewrites the short
    Markdown summary C(<path>/<window_id>.md) beside it. Used by the role C(talend_ops.cloud.maintenance_window)
    after each phase, also when the phase failed.
  - For every task and plan the record gives its pause state before the run, the action taken, the result, the
    time, and for a failed call the HTTP status, the API's message and its request id. The JSON file keeps every
    run of the window made on this machine (pause, re-runs after a crash, resume) and a summary of what the window
    holds paused and whether all of it is back.
  - Both files are written atomically (a temporary file in the same directory, flushed to disk, then renamed), with
    mode C(0600) in a directory created with mode C(0700). They hold ids, names, pause contexts, users and times;
    never a token or a secret (this module takes no connection option and sends no request).
  - A file in the way that is not a report of this window is kept aside as C(<window_id>.json.unreadable-<time>)
    and a new report is started, with a warning.
author:
  - talend_ops.cloud maintainers (@talend-ops)
extends_documentation_fragment:
  - talend_ops.cloud._attributes
attributes:
  check_mode:
    support: full
    details: Builds the report and returns it; writes nothing.
  diff_mode:
    support: none
  action_group:
    support: none
    membership: []
    details: Takes no connection option, so it is not in C(group/talend_ops.cloud.talend).
options:
  path:
    description:
      - Directory of the report files; created (mode C(0700)) when missing. C(~) is expanded.
      - When not given, the record of the run is built and returned (RV(counts), RV(run)) and nothing is written.
    type: path
  window_id:
    description: Window id, the stem of the file names. C(^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$).
    type: str
    required: true
  phase:
    description: Phase of the run.
    type: str
    required: true
    choices: [pause, resume]
  marker:
    description: The window marker put in C(pauseContext), e.g. C([maintenance-window:CHG0042]).
    type: str
    required: true
  reason:
    description: The window's reason text.
    type: str
  started:
    description: When the phase started, ISO 8601 (e.g. C(2026-11-29T01:00:00Z)). The run ends now.
    type: str
    required: true
  tasks_before:
    description:
      - Tasks of the run as M(talend_ops.cloud.talend_task_info) returned them before any change (C(id), C(name),
        C(paused), C(pause_context), C(pause_user), C(pause_date)). Pause phase, the selection; resume phase,
        what carries the marker.
    type: list
    elements: dict
    default: []
  plans_before:
    description: Plans of the run, as O(tasks_before).
    type: list
    elements: dict
    default: []
  tasks_result:
    description:
      - Registered result of the M(talend_ops.cloud.talend_task_pause) call of the run (its C(tasks), C(failures),
        C(failed), C(msg) are read), or nothing when no call was made.
    type: dict
  plans_result:
    description: Registered result of the M(talend_ops.cloud.talend_plan_pause) call of the run.
    type: dict
  tasks_at:
    description: When the task call ended, ISO 8601.
    type: str
  plans_at:
    description: When the plan call ended, ISO 8601.
    type: str
  confirmed_ids:
    description:
      - Ids read back after the pause call that are paused with the window marker although the call failed or
        answered unchanged (the answer of an applied change was lost). They count as paused by the window.
    type: list
    elements: str
    default: []
  error:
    description: Message of an error that stopped the phase (selection, drain), recorded with the run.
    type: str
  drain:
    description: Outcome of the drain of the pause phase (free-form, e.g. C(polls), C(elapsed_seconds), C(still_running)).
    type: dict
  amend:
    description:
      - Add O(drain) and O(error) to the run of phase O(phase) started at O(started) that the report already holds
        (written by M(talend_ops.cloud.talend_window_phase)), instead of adding a run; an O(error) makes its outcome
        V(failed). O(tasks_before), O(plans_before), O(tasks_result), O(plans_result) and O(confirmed_ids) are not
        used.
      - When the report holds no such run (for example in check mode, or without O(path)), a run with no task and
        no plan is added, with a warning.
      - RV(run) then holds the run without its C(tasks) and C(plans) records (they are in the file).
    type: bool
    default: false
seealso:
  - name: Role talend_ops.cloud.maintenance_window
    description: Pauses, then resumes, what a maintenance window takes out of service, and writes this report.
    link: https://github.com/talend-ops/cloud/tree/main/roles/maintenance_window
"""

EXAMPLES = r"""
- name: Pause two tasks of window CHG0042
  talend_ops.cloud.talend_task_pause:
    task_ids: [c50025e08f57ad3323981fc9, ff5658cb9a491a48d9166f42]
    pause_context: "DB upgrade [maintenance-window:CHG0042]"
  register: paused
  ignore_errors: true

- name: Record the run in ./reports/CHG0042.json and ./reports/CHG0042.md
  talend_ops.cloud.talend_window_report:
    path: reports
    window_id: CHG0042
    phase: pause
    marker: "[maintenance-window:CHG0042]"
    started: "2026-11-29T01:00:00Z"
    tasks_before:
      - {id: c50025e08f57ad3323981fc9, name: Load SAP GL Entries to Snowflake, paused: false}
      - {id: ff5658cb9a491a48d9166f42, name: Load SAP AP Invoices to Snowflake, paused: false}
    tasks_result: "{{ paused }}"

- name: Add the outcome of a drain to the pause run of window CHG0042 started at 01:00
  talend_ops.cloud.talend_window_report:
    path: reports
    window_id: CHG0042
    phase: pause
    marker: "[maintenance-window:CHG0042]"
    started: "2026-11-29T01:00:00Z"
    amend: true
    drain: {polls: 3, elapsed_seconds: 62, still_running: []}
"""

RETURN = r"""
json_path:
  description: Path of the JSON report.
  returned: when O(path) is given
  type: str
  sample: /home/ops/.local/state/talend_ops_cloud/maintenance-windows/CHG0042.json
markdown_path:
  description: Path of the Markdown summary.
  returned: when O(path) is given
  type: str
run:
  description: The record of this run as added to the report (C(phase), C(started), C(finished), C(outcome), C(error),
    C(counts), C(tasks), C(plans), C(drain)).
  returned: always
  type: dict
counts:
  description:
    - Counts of this run, C({tasks, plans}), each C({selected, attempted, paused, held, left_alone, resumed, already_active,
      failed, not_attempted, window_holds}).
  returned: always
  type: dict
failures:
  description:
    - Tasks and plans of this run that failed or were not attempted, C([{kind, id, name, result, status, message,
      request_id}]); C(status) is the HTTP status (null without an answer), C(request_id) the API's request id.
  returned: always
  type: list
  elements: dict
summary:
  description:
    - What every run recorded in the file adds up to, C({status, all_back, paused_by_window, resumed, not_resumed}).
    - C(status) is V(paused), V(pause incomplete), V(resumed) or V(resume incomplete).
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_report import (
    amend_report,
    build_run,
    check_window_id,
    entry_records,
    run_failures,
    write_report,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path"),
            window_id=dict(type="str", required=True),
            phase=dict(type="str", required=True, choices=["pause", "resume"]),
            marker=dict(type="str", required=True),
            reason=dict(type="str"),
            started=dict(type="str", required=True),
            tasks_before=dict(type="list", elements="dict", default=[]),
            plans_before=dict(type="list", elements="dict", default=[]),
            tasks_result=dict(type="dict"),
            plans_result=dict(type="dict"),
            tasks_at=dict(type="str"),
            plans_at=dict(type="str"),
            confirmed_ids=dict(type="list", elements="str", default=[]),
            error=dict(type="str"),
            drain=dict(type="dict"),
            amend=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    p = module.params
    try:
        check_window_id(p["window_id"])
    except TalendConfigError as exc:
        module.fail_json(msg=str(exc))
    if p["amend"]:
        try:
            written = amend_report(p["path"], p["window_id"], p["phase"], p["started"], drain=p["drain"],
                                   error=p["error"], check_mode=module.check_mode)
        except OSError as exc:
            module.fail_json(msg="The report of window %s could not be written in %s: %s. Give a writable "
                                 "maintenance_window_report_dir." % (p["window_id"], p["path"], exc))
        if written is not None:
            finish(module, written, written["run"])
    tasks = [] if p["amend"] else entry_records(p["phase"], p["marker"], p["tasks_before"], p["tasks_result"],
                                                p["tasks_at"], p["confirmed_ids"])
    plans = [] if p["amend"] else entry_records(p["phase"], p["marker"], p["plans_before"], p["plans_result"],
                                                p["plans_at"], p["confirmed_ids"])
    run = build_run(p["phase"], p["marker"], tasks, plans, p["started"], reason=p["reason"], error=p["error"],
                    drain=p["drain"])
    try:
        written = write_report(p["path"], p["window_id"], run, check_mode=module.check_mode)
    except OSError as exc:
        module.fail_json(msg="The report of window %s could not be written in %s: %s. Give a writable "
                             "maintenance_window_report_dir." % (p["window_id"], p["path"], exc))
    if p["amend"] and written["json_path"] and not module.check_mode:
        written["warnings"].append("The report holds no %s run of window %s started at %s: the drain and the "
                                   "error were recorded as a run of their own." % (p["phase"], p["window_id"],
                                                                                   p["started"]))
    finish(module, written, run)


def finish(module, written, run):
    """Exit with the record of ``run`` and the paths and summary of ``written`` (``write_report``'s dict)."""
    for warning in written["warnings"]:
        module.warn(warning)
    failures = written["failures"] if "failures" in written else run_failures(run)
    result = dict(changed=bool(written["json_path"]), run=run, counts=run["counts"], failures=failures,
                  summary=written["document"]["summary"])
    if written["json_path"]:
        result.update(json_path=written["json_path"], markdown_path=written["markdown_path"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
