#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: talend_task_info
short_description: Select Talend Cloud tasks (and plans) and read their pause state
version_added: 0.1.0
description:
  - Lists Talend Cloud tasks matching every given filter, with their environment, workspace, tags and
    pause state; with O(include_plans) or O(plan_ids), plans as well. Reads every page of each list.
  - Never changes anything.
  - Operators' selections map to filters, for example "everything in Production" (O(environment)),
    "the Finance workspace" (O(workspace)), "tasks tagged sap" (O(tags)), or "whatever is scheduled
    between 01:00 and 05:00 UTC on Sunday" (O(scheduled_from) and O(scheduled_to)).
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
      - Ids of the tasks to read (one C(GET) each). The other filters then narrow this list; no task list is read.
      - An id holds only letters, digits, C(-) and C(_); a bad id fails the module before any request.
    type: list
    elements: str
  plan_ids:
    description:
      - Ids of the plans to read (one C(GET) each), returned in RV(plans). O(environment), O(workspace),
        O(paused), O(pause_context_contains) and the schedule window narrow them.
      - With O(task_ids) or O(plan_ids) the module reads exactly those ids and lists nothing.
    type: list
    elements: str
  environment:
    description:
      - Environment id or exact name (names are resolved with C(GET /orchestration/environments)).
    type: str
  workspace:
    description:
      - Workspace id or exact name (resolved with C(GET /orchestration/workspaces)). A name that exists in
        several environments needs O(environment).
    type: str
  name:
    description:
      - Exact task name. The API matches names as prefixes; this module keeps exact matches only.
      - When listing, a name carried by several tasks (for example the same task in two environments) is an
        error that names every candidate; add O(environment) or O(workspace), or give O(task_ids).
    type: str
  tags:
    description:
      - Tags that must all be on the task (case as stored), with C(POST /orchestration/executables/tasks/search).
    type: list
    elements: str
  paused:
    description:
      - V(true) keeps only paused tasks and plans, V(false) only those that are not paused. Unset keeps both.
    type: bool
  pause_context_contains:
    description:
      - Keep only tasks and plans whose C(pauseContext) contains this text, for example a maintenance window
        marker C([maintenance-window:chg0042]).
    type: str
  scheduled_from:
    description:
      - Start of a scheduling window, ISO 8601 with a UTC offset (C(2026-11-29T01:00:00Z),
        C(2026-11-29T02:00:00+01:00)). Only tasks and plans with a scheduled run between O(scheduled_from)
        and O(scheduled_to) (both included) are kept, per C(POST /orchestration/executables/events/search).
      - A time without offset, or O(scheduled_to) not after O(scheduled_from), fails before any request.
      - Requires O(scheduled_to). The events search runs once per environment concerned (the environment of
        O(environment) or O(workspace), else those of the tasks and plans found).
      - A YAML timestamp is accepted.
    type: raw
  scheduled_to:
    description:
      - End of the scheduling window, ISO 8601 with a UTC offset. Requires O(scheduled_from).
    type: raw
  include_plans:
    description:
      - Select plans as well, returned in RV(plans). These are the plans of O(environment) / O(workspace), narrowed by
        the other filters. O(name) and O(tags) describe tasks, so with them a plan is kept when one of its
        steps runs a task they match; with a window, when the plan itself has a scheduled run inside it.
      - Plans run tasks too, so a maintenance window pauses them as well.
    type: bool
    default: false
seealso:
  - module: talend_ops.cloud.talend_task_pause
  - module: talend_ops.cloud.talend_plan_pause
  - name: Role talend_ops.cloud.maintenance_window
    description: Pauses, then resumes, what a maintenance window takes out of service (C(ansible-doc -t role talend_ops.cloud.maintenance_window)).
    link: https://github.com/talend-ops/cloud/tree/main/roles/maintenance_window
notes:
  - At least one of O(task_ids), O(plan_ids), O(environment), O(workspace), O(name), O(tags),
    O(scheduled_from) / O(scheduled_to) or O(pause_context_contains) is required.
  - Pause states come from C(taskPauseDetails) / C(planPauseDetails) of the list items when the tenant sends
    them; otherwise the module reads each one's detail (one C(GET) per task or plan).
  - The events search answers one item per scheduled run; a window over tasks that run every few minutes
    reads many pages.
"""

EXAMPLES = r"""
- name: Read every task of the Production environment
  talend_ops.cloud.talend_task_info:
    environment: Production
  register: production

- name: Tasks of the Finance workspace tagged sap, and the plans that run them
  talend_ops.cloud.talend_task_info:
    workspace: Finance
    tags: [sap]
    include_plans: true
  register: sap

- name: Tasks and plans of Production scheduled between 01:00 and 05:00 UTC on Sunday
  talend_ops.cloud.talend_task_info:
    environment: Production
    scheduled_from: "2026-11-29T01:00:00Z"
    scheduled_to: "2026-11-29T06:00:00+01:00"
    include_plans: true
  register: sunday_night

- name: Tasks and plans still paused by window chg0042
  talend_ops.cloud.talend_task_info:
    environment: Production
    include_plans: true
    paused: true
    pause_context_contains: "[maintenance-window:chg0042]"
  register: still_paused
"""

RETURN = r"""
tasks:
  description: Tasks matching every filter, sorted by environment, workspace and name.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Task id.
      type: str
      sample: 5f3c2a1b9d8e7f6a5b4c3d2e
    name:
      description: Task name.
      type: str
      sample: Load SAP GL Entries to Snowflake
    environment:
      description: Environment of the task's workspace, C({id, name}).
      type: dict
    workspace:
      description: Workspace of the task, C({id, name}).
      type: dict
    tags:
      description: Tags of the task.
      type: list
      elements: str
    paused:
      description: Whether the task is paused. A task without C(taskPauseDetails) is not paused.
      type: bool
    pause_context:
      description: C(pauseContext) of the last pause or resume, null when the task was never paused.
      type: str
    pause_user:
      description: User or service account that last paused or resumed the task.
      type: str
    pause_date:
      description: When the task was last paused or resumed (ISO 8601).
      type: str
plans:
  description:
    - Plans matching every filter, sorted by environment, workspace and name.
    - Empty unless O(include_plans) or O(plan_ids) is given.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Plan id (the C(executable) of a plan list item).
      type: str
      sample: a89997b1-ca5d-4f14-5531-58e3831e6d1c
    name:
      description: Plan name.
      type: str
    environment:
      description: Environment of the plan's workspace, C({id, name}).
      type: dict
    workspace:
      description: Workspace of the plan, C({id, name}).
      type: dict
    paused:
      description: Whether the plan is paused. A plan without C(planPauseDetails) is not paused.
      type: bool
    pause_context:
      description: C(pauseContext) of the last pause or resume, null when the plan was never paused.
      type: str
    pause_user:
      description: User or service account that last paused or resumed the plan.
      type: str
    pause_date:
      description: When the plan was last paused or resumed (ISO 8601).
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import (
    client_from_module,
    tmc_argument_spec,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import PLAN, TASK, validate_ids
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import parse_window
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import select_executables, selector_options

SELECTION_OPTIONS = ("task_ids", "plan_ids", "environment", "workspace", "name", "tags", "scheduled_from",
                     "scheduled_to", "pause_context_contains")


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tmc_argument_spec(),
            task_ids=dict(type="list", elements="str"),
            plan_ids=dict(type="list", elements="str"),
            paused=dict(type="bool"),
            pause_context_contains=dict(type="str"),
            **selector_options()
        ),
        required_one_of=[SELECTION_OPTIONS],
        required_together=[("scheduled_from", "scheduled_to")],
        supports_check_mode=True,
    )
    p = module.params
    try:
        task_ids = validate_ids(p["task_ids"], TASK) if p["task_ids"] is not None else None
        plan_ids = validate_ids(p["plan_ids"], PLAN) if p["plan_ids"] is not None else None
        parse_window(p["scheduled_from"], p["scheduled_to"])
    except TalendError as exc:
        module.fail_json(msg=str(exc))
    client = client_from_module(module)
    try:
        result = select_executables(
            client, task_ids=task_ids, plan_ids=plan_ids, environment=p["environment"], workspace=p["workspace"],
            name=p["name"], tags=p["tags"], paused=p["paused"], pause_context_contains=p["pause_context_contains"],
            scheduled_from=p["scheduled_from"], scheduled_to=p["scheduled_to"], include_plans=p["include_plans"])
    except TalendError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
