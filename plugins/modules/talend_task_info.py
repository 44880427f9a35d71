#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: talend_task_info
short_description: Select Talend Cloud tasks and read their pause state
version_added: 0.1.0
description:
  - Lists Talend Cloud tasks matching every given filter, with their environment, workspace, tags and
    pause state. Reads every page of the task list.
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
      - Ids of the tasks to read. The other filters then narrow this list.
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
  name:
    description:
      - Exact task name. The API matches names as prefixes; this module keeps exact matches only.
    type: str
  paused:
    description:
      - V(true) keeps only paused tasks, V(false) only tasks that are not paused. Unset keeps both.
    type: bool
  pause_context_contains:
    description:
      - Keep only tasks whose C(pauseContext) contains this text, for example a maintenance window
        marker C([maintenance-window:chg0042]).
    type: str
seealso:
  - module: talend_ops.cloud.talend_task_pause
notes:
  - At least one of O(task_ids), O(environment), O(workspace) or O(name) is required.
"""

EXAMPLES = r"""
- name: Read every task of the Production environment
  talend_ops.cloud.talend_task_info:
    environment: Production
  register: production

- name: Tasks still paused by window chg0042
  talend_ops.cloud.talend_task_info:
    environment: Production
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
      description: Whether the task is paused.
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
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import (
    client_from_module,
    tmc_argument_spec,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import TASK, validate_ids
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import select_tasks


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tmc_argument_spec(),
            task_ids=dict(type="list", elements="str"),
            environment=dict(type="str"),
            workspace=dict(type="str"),
            name=dict(type="str"),
            paused=dict(type="bool"),
            pause_context_contains=dict(type="str"),
        ),
        required_one_of=[("task_ids", "environment", "workspace", "name")],
        supports_check_mode=True,
    )
    p = module.params
    try:
        task_ids = validate_ids(p["task_ids"], TASK) if p["task_ids"] is not None else None
        client = client_from_module(module)
        tasks = select_tasks(client, task_ids, p["environment"], p["workspace"], p["name"], p["paused"],
                             p["pause_context_contains"])
    except TalendError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, tasks=tasks)


if __name__ == "__main__":
    main()
