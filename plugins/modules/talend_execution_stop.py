#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: talend_execution_stop
short_description: Stop Talend Cloud task executions that are in flight
version_added: 0.1.0
description:
  - Stops the given task executions that are still in flight (status V(dispatching) or V(executing)).
    An execution that already ended is left alone and reported unchanged.
  - Each execution's status is read first, then a stop is requested. The stop is asynchronous;
    the execution ends (status V(terminated)) shortly afterwards.
  - Every id is attempted; the module then fails if any id failed, naming each id and its reason.
    The ones that succeeded are still reported.
author:
  - talend_ops.cloud maintainers (@talend-ops)
extends_documentation_fragment:
  - talend_ops.cloud._tmc
  - talend_ops.cloud._attributes
attributes:
  check_mode:
    support: full
    details: In check mode the statuses are read and nothing is stopped.
  diff_mode:
    support: none
  action_group:
    support: full
    membership:
      - talend_ops.cloud.talend
options:
  execution_ids:
    description:
      - Ids of the task executions to stop, as listed by M(talend_ops.cloud.talend_execution_info).
      - Plan executions cannot be stopped through the API; stop the executions of their tasks instead.
    type: list
    elements: str
    required: true
seealso:
  - module: talend_ops.cloud.talend_execution_info
notes:
  - Stopping needs the C(TMC_OPERATOR) permission and the C(EXECUTE) role on the task's workspace.
"""

EXAMPLES = r"""
- name: Find the executions in flight of a task
  talend_ops.cloud.talend_execution_info:
    task_ids: [c50025e08f57ad3323981fc9]
  register: in_flight

- name: Stop them
  talend_ops.cloud.talend_execution_stop:
    execution_ids: "{{ in_flight.executions | map(attribute='execution_id') | list }}"
  when: in_flight.executions | length > 0
"""

RETURN = r"""
executions:
  description: One entry per execution that was stopped or found already ended, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    execution_id:
      description: Execution id.
      type: str
    task_id:
      description: Id of the task that runs.
      type: str
    status:
      description: Status read before the stop, for example V(executing).
      type: str
    changed:
      description: Whether a stop was requested (in check mode, whether one would be).
      type: bool
    message:
      description: What was done, for example C(stop requested) or C(not in flight (status execution_successful)).
      type: str
failed_ids:
  description: Ids that could not be stopped or read.
  returned: when some ids failed
  type: list
  elements: str
failures:
  description: One entry per failed id with C(execution_id), C(status) (HTTP), C(message), C(detail),
    C(request_id) and C(error).
  returned: when some ids failed
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import (
    client_from_module,
    tmc_argument_spec,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executions import (
    stop_executions,
    validate_execution_ids,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            tmc_argument_spec(),
            execution_ids=dict(type="list", elements="str", required=True),
        ),
        supports_check_mode=True,
    )
    try:
        ids = validate_execution_ids(module.params["execution_ids"])
    except TalendConfigError as exc:
        module.fail_json(msg=str(exc))
    client = client_from_module(module)
    entries, failures = stop_executions(client, ids, check_mode=module.check_mode)
    result = {"changed": any(e["changed"] for e in entries), "executions": entries}
    if failures:
        result["failed_ids"] = [f["execution_id"] for f in failures]
        result["failures"] = failures
        reasons = "; ".join("%s: %s" % (f["execution_id"], f["error"]) for f in failures)
        module.fail_json(msg="%d of %d executions could not be stopped (%d succeeded and are reported in "
                             "'executions'): %s" % (len(failures), len(ids), len(entries), reasons), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
