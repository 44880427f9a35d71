#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: talend_execution_info
short_description: List Talend Cloud task executions, by default those in flight
version_added: 0.1.0
description:
  - Lists the executions of Talend Cloud tasks of an environment, a workspace or given tasks.
  - By default only executions in flight are listed, that is with status V(dispatching) or V(executing).
    O(status) selects other statuses.
  - Every execution counts, several for one task included (a task on a Remote Engine cluster may run
    once per engine).
  - Never changes anything.
author:
  - talend_ops.cloud maintainers (@talend-ops)
extends_documentation_fragment:
  - talend_ops.cloud._tmc
  - talend_ops.cloud._attributes
  - talend_ops.cloud._attributes.INFO_MODULE
attributes:
  action_group:
    support: full
    membership:
      - talend_ops.cloud.talend
options:
  task_ids:
    description:
      - Ids of the tasks whose executions are listed.
      - With O(environment) or O(workspace), only the executions of these tasks within that scope are listed.
      - Up to 10 ids alone are read task by task (two requests per task for executions in flight);
        more ids are read from the account-wide list and filtered.
    type: list
    elements: str
  environment:
    description:
      - Environment id or exact name.
    type: str
  workspace:
    description:
      - Workspace id or exact name. A name that exists in several environments needs O(environment).
    type: str
  status:
    description:
      - Statuses of the executions to list. The API filters one status per request, so each status
        costs at least one request.
      - V(terminated) matches every terminated execution, V(terminated_timeout) and
        V(terminated_shutdown) included.
      - The default lists executions in flight.
    type: list
    elements: str
    choices:
      - dispatching
      - executing
      - deploy_failed
      - execution_successful
      - execution_rejected
      - execution_failed
      - terminated
      - terminated_timeout
      - terminated_shutdown
    default: [dispatching, executing]
  last_days:
    description:
      - Days of history to search, 1 to 60. Unset uses the API default of 60 days.
    type: int
seealso:
  - module: talend_ops.cloud.talend_execution_stop
  - module: talend_ops.cloud.talend_task_info
notes:
  - At least one of O(task_ids), O(environment) or O(workspace) is required.
  - Users running the API against live tenants report that very long runs can be missing from the
    execution lists. An empty result is evidence that nothing runs, not proof.
  - Plan executions are not listed; the executions of the tasks a plan runs are, with RV(executions[].plan_id) set.
"""

EXAMPLES = r"""
- name: Executions in flight in the Production environment
  talend_ops.cloud.talend_execution_info:
    environment: Production
  register: in_flight

- name: Executions in flight of two tasks
  talend_ops.cloud.talend_execution_info:
    task_ids:
      - c50025e08f57ad3323981fc9
      - ff5658cb9a491a48d9166f42
  register: in_flight

- name: Failed executions of the last day in one workspace
  talend_ops.cloud.talend_execution_info:
    environment: Production
    workspace: Finance
    status: [execution_failed, deploy_failed]
    last_days: 1
  register: failed_runs
"""

RETURN = r"""
executions:
  description: Executions of the selected tasks with one of the selected statuses, oldest trigger first.
  returned: always
  type: list
  elements: dict
  contains:
    execution_id:
      description: Execution id.
      type: str
      sample: 9b2e6c1e-0d7e-4c39-9a57-2f1a1d0c7f44
    task_id:
      description: Id of the task that runs.
      type: str
    status:
      description: Status, for example V(dispatching), V(executing), V(execution_successful).
      type: str
    execution_status:
      description: Detailed status, for example C(DISPATCHING_FLOW), C(STARTING_FLOW_EXECUTION).
      type: str
    execution_type:
      description: What started it, C(MANUAL), C(SCHEDULED), C(WEBHOOK) or C(PLAN).
      type: str
    trigger_timestamp:
      description: When it was triggered, ISO 8601 UTC.
      type: str
      sample: "2024-05-01T22:00:00.000Z"
    start_timestamp:
      description: When it started to execute, ISO 8601 UTC; null while dispatching.
      type: str
    finish_timestamp:
      description: When it ended, ISO 8601 UTC; null while in flight.
      type: str
    plan_id:
      description: Id of the plan that runs it, when it runs as a plan step.
      type: str
    engine_id:
      description: Remote Engine that runs it, when the API says.
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import (
    client_from_module,
    tmc_argument_spec,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError, TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK, validate_ids
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import (
    IN_FLIGHT,
    STATUSES,
    list_executions,
    validate_statuses,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import (
    resolve_environment,
    resolve_workspace,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tmc_argument_spec(),
            task_ids=dict(type="list", elements="str"),
            environment=dict(type="str"),
            workspace=dict(type="str"),
            status=dict(type="list", elements="str", choices=list(STATUSES), default=list(IN_FLIGHT)),
            last_days=dict(type="int"),
        ),
        required_one_of=[("task_ids", "environment", "workspace")],
        supports_check_mode=True,
    )
    p = module.params
    try:
        task_ids = validate_ids(p["task_ids"], TASK) if p["task_ids"] is not None else None
        statuses = validate_statuses(p["status"])
        if p["last_days"] is not None and not 1 <= p["last_days"] <= 60:
            raise TalendConfigError("last_days must be between 1 and 60, got %d." % p["last_days"])
        client = client_from_module(module)
        env = resolve_environment(client, p["environment"]) if p["environment"] else None
        ws = resolve_workspace(client, p["workspace"], env["id"] if env else None) if p["workspace"] else None
        executions = list_executions(client, task_ids, env["id"] if env else None, ws["id"] if ws else None,
                                     statuses, p["last_days"])
    except TalendError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, executions=executions)


if __name__ == "__main__":
    main()
