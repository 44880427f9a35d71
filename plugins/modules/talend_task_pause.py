#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: talend_task_pause
short_description: Pause or resume Talend Cloud tasks
version_added: 0.1.0
description:
  - Pauses (O(state=paused)) or resumes (O(state=active)) one or many Talend Cloud tasks with
    C(PUT /orchestration/executables/tasks/{taskId}/pause).
  - A paused task lets its running executions finish and discards every new run request,
    scheduled, manual or webhook; resuming re-arms all its triggers. The schedule itself is never touched.
  - Idempotent. The API answers 202 when the state changed and 204 when the task already was in that
    state, so a run needs one request per task; check mode and diff mode read each task first.
  - In bulk, every id is attempted; the module then fails if any id failed, naming each one and its
    reason, and still reports the ones that succeeded.
author:
  - talend_ops.cloud maintainers (@talend-ops)
extends_documentation_fragment:
  - talend_ops.cloud._tmc
  - talend_ops.cloud._attributes
attributes:
  check_mode:
    support: full
    details: Reads each task with C(GET) and reports what would change; sends no C(PUT).
  diff_mode:
    support: full
    details: Reads each task before changing it; the diff shows the pause state of each changed task.
  action_group:
    support: full
    membership:
      - talend_ops.cloud.talend
options:
  task_id:
    description:
      - Id of one task (the C(executable) of a task list item).
      - Mutually exclusive with O(task_ids).
    type: str
  task_ids:
    description:
      - Ids of many tasks, handled concurrently (see O(max_workers)) within O(rate_limit).
      - An id holds only letters, digits, C(-) and C(_); a bad id fails the module before any request.
    type: list
    elements: str
  state:
    description:
      - V(paused) pauses the tasks, V(active) resumes them.
    type: str
    choices: [paused, active]
    default: paused
  pause_context:
    description:
      - Text stored as the task's C(pauseContext) when the state changes, saying why it was paused and by whom.
      - A task that already is in the wanted state keeps its own context.
    type: str
seealso:
  - module: talend_ops.cloud.talend_task_info
  - module: talend_ops.cloud.talend_plan_pause
  - name: Role talend_ops.cloud.maintenance_window
    description: Pauses, then resumes, what a maintenance window takes out of service (C(ansible-doc -t role talend_ops.cloud.maintenance_window)).
    link: https://github.com/talend-ops/cloud/tree/main/roles/maintenance_window
notes:
  - Pausing needs the C(TMC_OPERATOR) permission and the C(AUTHOR) role on the task's workspace; a 403
    answer says so.
"""

EXAMPLES = r"""
- name: Pause two tasks for a database upgrade
  talend_ops.cloud.talend_task_pause:
    task_ids:
      - c50025e08f57ad3323981fc9
      - ff5658cb9a491a48d9166f42
    state: paused
    pause_context: "DB upgrade CHG0042 [maintenance-window:chg0042]"
    api_url: "{{ talend_api_url }}"
    token: "{{ talend_token }}"

- name: Resume one task, credentials from TALEND_REGION and TALEND_TOKEN
  talend_ops.cloud.talend_task_pause:
    task_id: c50025e08f57ad3323981fc9
    state: active
"""

RETURN = r"""
tasks:
  description: One entry per task that was handled without error, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Task id.
      type: str
      sample: 5f3c2a1b9d8e7f6a5b4c3d2e
    name:
      description: Task name, when it was read (check mode, diff mode).
      type: str
      returned: when read
      sample: Load SAP GL Entries to Snowflake
    paused:
      description: Pause state after the run (in check mode, the state it would have).
      type: bool
    previous_paused:
      description: Pause state before the run.
      type: bool
    changed:
      description: Whether this task's state changed (or would change, in check mode).
      type: bool
    pause_context:
      description: C(pauseContext) in effect after the run when known, else null.
      type: str
failed_ids:
  description: Ids whose call failed. The module fails when this is not empty.
  returned: when some ids failed
  type: list
  elements: str
failures:
  description: One entry per failed id with the HTTP status and the API's error fields.
  returned: when some ids failed
  type: list
  elements: dict
  contains:
    id:
      description: Task id.
      type: str
    status:
      description: HTTP status, or null when no answer came.
      type: int
    message:
      description: C(message) of the API's C(ErrorResponse).
      type: str
    detail:
      description: C(detail) of the API's C(ErrorResponse).
      type: str
    request_id:
      description: C(requestId) of the API's C(ErrorResponse), to quote to Talend support.
      type: str
    error:
      description: The whole error text, with what to do next.
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import tmc_argument_spec
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_pause import (
    pause_argument_spec,
    run_pause_module,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(tmc_argument_spec(), **pause_argument_spec(TASK)),
        mutually_exclusive=[("task_id", "task_ids")],
        required_one_of=[("task_id", "task_ids")],
        supports_check_mode=True,
    )
    run_pause_module(module, TASK)


if __name__ == "__main__":
    main()
