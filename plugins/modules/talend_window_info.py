#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: talend_window_info
short_description: List the maintenance windows still open on a Talend Cloud tenant
version_added: 0.1.0
description:
  - Finds every maintenance window that still holds a paused task or plan, from the tenant alone. A window
    is open while a paused task or plan carries a C(pauseContext) that ends with its marker
    C([maintenance-window:<id>]). No local file or report is read, so it sees the windows opened from
    any controller, AWX job or colleague.
  - For each window, says what it holds, since when, paused by whom, and its planned end when the pause
    phase recorded one (role variable C(maintenance_window_end), written before the marker as
    C((until 2026-12-08T05:00Z))). A window past its planned end is RV(windows[].overdue).
  - Reads the task and plan lists page by page; a task's detail is read only when the tenant's task list
    carries no pause details at all.
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
  window_id:
    description:
      - Only this window. Without it, every open window of the scope is listed.
      - 1 to 64 letters, digits, C(.), C(_) or C(-), starting with a letter or digit.
    type: str
  environment:
    description:
      - Environment id or exact name. With neither O(environment) nor O(workspace), the whole account
        (what the credentials may see) is searched.
    type: str
  workspace:
    description:
      - Workspace id or exact name. A name that exists in several environments needs O(environment).
    type: str
seealso:
  - module: talend_ops.cloud.talend_task_info
  - module: talend_ops.cloud.talend_window_phase
notes:
  - A task or plan whose marker was quoted inside a longer human context, or that someone resumed, does not
    count; only what is paused with the marker as the last text of its context is held by a window.
  - RV(windows[].overdue) compares the planned end with the clock of the machine that runs the module.
"""

EXAMPLES = r"""
- name: Every window still open on the tenant
  talend_ops.cloud.talend_window_info:
  register: open_windows

- name: Say which windows are open, and which are overdue
  ansible.builtin.debug:
    msg: "{{ open_windows.windows | map(attribute='window_id') | list }} open,
          {{ open_windows.windows | selectattr('overdue') | map(attribute='window_id') | list }} overdue"

- name: Is window mw-10 still holding anything in Production?
  talend_ops.cloud.talend_window_info:
    window_id: mw-10
    environment: Production
  register: mw_10

- name: Fail when a window outlived its planned end
  ansible.builtin.assert:
    that: open_windows.windows | selectattr('overdue') | list | length == 0
    fail_msg: "Windows past their planned end: {{ open_windows.windows | selectattr('overdue') | map(attribute='window_id') | join(', ') }}"
"""

RETURN = r"""
windows:
  description: One entry per open window in the scope, the one paused earliest first. Empty when none is open.
  returned: always
  type: list
  elements: dict
  contains:
    window_id:
      description: The window id (the text of its marker).
      type: str
      sample: CHG0042
    tasks:
      description: How many tasks the window holds paused.
      type: int
      sample: 12
    plans:
      description: How many plans the window holds paused.
      type: int
      sample: 0
    task_ids:
      description: Ids of those tasks, sorted.
      type: list
      elements: str
    plan_ids:
      description: Ids of those plans, sorted.
      type: list
      elements: str
    paused_since:
      description: The earliest pause date among them, as the API gives it (ISO 8601 UTC); null when the API gave none.
      type: str
      sample: "2026-12-08T01:00:12.345Z"
    paused_by:
      description: The users (or service accounts) that paused them, sorted.
      type: list
      elements: str
      sample: [maintenance-bot]
    planned_end:
      description:
        - The planned end recorded by the pause phase (ISO 8601 UTC), the latest one when several runs
          recorded different ends; null when none was recorded.
      type: str
      sample: "2026-12-08T05:00:00Z"
    overdue:
      description: True when the planned end has passed; false without a planned end.
      type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import (
    client_from_module,
    tmc_argument_spec,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_info import open_windows


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tmc_argument_spec(),
            window_id=dict(type="str"),
            environment=dict(type="str"),
            workspace=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    try:
        windows = open_windows(client_from_module(module), p["window_id"], p["environment"], p["workspace"])
    except TalendError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, windows=windows)


if __name__ == "__main__":
    main()
