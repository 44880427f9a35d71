#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: talend_plan_pause
short_description: Pause or resume Talend Cloud plans
version_added: 0.1.0
description:
  - Pauses (O(state=paused)) or resumes (O(state=active)) one or many Talend Cloud plans with
    C(PUT /orchestration/executables/plans/{planId}/pause).
  - A paused plan discards its new run requests; resuming re-arms its triggers. The schedule itself is
    never touched. Plans run tasks too, so a maintenance window pauses the plans as well as the tasks.
  - Idempotent. The API answers 202 when the state changed and 204 when the plan already was in that
    state, so a run needs one request per plan; check mode and diff mode read each plan first.
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
    details: Reads each plan with C(GET) and reports what would change; sends no C(PUT).
  diff_mode:
    support: full
    details: Reads each plan before changing it; the diff shows the pause state of each changed plan.
  action_group:
    support: full
    membership:
      - talend_ops.cloud.talend
options:
  plan_id:
    description:
      - Id of one plan (the C(executable) of a plan list item).
      - Mutually exclusive with O(plan_ids).
    type: str
  plan_ids:
    description:
      - Ids of many plans, handled concurrently (see O(max_workers)) within O(rate_limit).
      - An id holds only letters, digits, C(-) and C(_); a bad id fails the module before any request.
    type: list
    elements: str
  state:
    description:
      - V(paused) pauses the plans, V(active) resumes them.
    type: str
    choices: [paused, active]
    default: paused
  pause_context:
    description:
      - Text stored as the plan's C(pauseContext) when the state changes, saying why it was paused and by whom.
      - A plan that already is in the wanted state keeps its own context.
    type: str
seealso:
  - module: talend_ops.cloud.talend_task_info
  - module: talend_ops.cloud.talend_task_pause
  - name: Role talend_ops.cloud.maintenance_window
    description: Pauses, then resumes, what a maintenance window takes out of service (C(ansible-doc -t role talend_ops.cloud.maintenance_window)).
    link: https://github.com/talend-ops/cloud/tree/main/roles/maintenance_window
notes:
  - Pausing needs the C(TMC_OPERATOR) permission and the C(AUTHOR) role on the plan's workspace; a 403
    answer says so.
  - Select plans by environment, workspace or schedule with M(talend_ops.cloud.talend_task_info) and
    O(talend_ops.cloud.talend_task_info#module:include_plans=true).
"""

EXAMPLES = r"""
- name: Pause the month-end plan for a database upgrade
  talend_ops.cloud.talend_plan_pause:
    plan_ids:
      - a89997b1-ca5d-4f14-9531-58e3831e6d1c
    state: paused
    pause_context: "DB upgrade CHG0042 [maintenance-window:chg0042]"
    api_url: "{{ talend_api_url }}"
    token: "{{ talend_token }}"

- name: Resume one plan, credentials from TALEND_REGION and TALEND_TOKEN
  talend_ops.cloud.talend_plan_pause:
    plan_id: a89997b1-ca5d-4f14-9531-58e3831e6d1c
    state: active
"""

RETURN = r"""
plans:
  description: One entry per plan that was handled without error, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Plan id.
      type: str
      sample: a89997b1-ca5d-4f14-5531-58e3831e6d1c
    name:
      description: Plan name, when it was read (check mode, diff mode).
      type: str
      returned: when read
      sample: Finance Month-End Close
    paused:
      description: Pause state after the run (in check mode, the state it would have).
      type: bool
    previous_paused:
      description: Pause state before the run.
      type: bool
    changed:
      description: Whether this plan's state changed (or would change, in check mode).
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
      description: Plan id.
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
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import PLAN
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_pause import (
    pause_argument_spec,
    run_pause_module,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(tmc_argument_spec(), **pause_argument_spec(PLAN)),
        mutually_exclusive=[("plan_id", "plan_ids")],
        required_one_of=[("plan_id", "plan_ids")],
        supports_check_mode=True,
    )
    run_pause_module(module, PLAN)


if __name__ == "__main__":
    main()
