# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: window_tenants
author:
  - talend_ops.cloud maintainers (@talend-ops)
version_added: 0.1.0
short_description: What a maintenance window did on each tenant, and whether the play rolls back or fails
description:
  - Used by the playbook C(talend_ops.cloud.maintenance) when it runs a window on the hosts of the inventory
    group C(talend_tenants) (each host a tenant). Takes the outcome of every tenant and the failure policy
    C(maintenance_window_tenant_failure), and says whether to roll back, which tenants failed, one line per
    tenant, and why the play fails with what to run next.
  - Sends nothing to any API.
positional: policy
options:
  _input:
    description:
      - One outcome per tenant, with the keys C(tenant), C(window_id), C(phase) (V(pause) or V(resume)),
        C(error) (empty when the phase succeeded), C(paused_task_ids), C(paused_plan_ids), C(resumed_task_ids),
        C(resumed_plan_ids) and C(rollback) (null, or after a rollback C(error), C(resumed_task_ids),
        C(resumed_plan_ids)).
    type: list
    elements: dict
    required: true
  policy:
    description: The failure policy.
    type: str
    choices: [continue, rollback]
    default: continue
"""

EXAMPLES = r"""
- name: Name every tenant with its outcome
  ansible.builtin.debug:
    msg: "{{ (outcomes | talend_ops.cloud.window_tenants('continue')).lines }}"
  vars:
    outcomes:
      - {tenant: eu, window_id: CHG1, phase: pause, error: "", paused_task_ids: [t1, t2], paused_plan_ids: []}
      - {tenant: us, window_id: CHG1, phase: pause, error: "HTTP 403", paused_task_ids: [], paused_plan_ids: []}
"""

RETURN = r"""
_value:
  description: What to do and say.
  type: dict
  contains:
    rollback:
      description: True when the policy is V(rollback) and the pause phase failed on a tenant.
      type: bool
    failed:
      description: Tenants whose phase or rollback failed, sorted.
      type: list
      elements: str
    lines:
      description: "One line per tenant, sorted by tenant, for example C(eu: paused 2 tasks and 0 plans)."
      type: list
      elements: str
    message:
      description: Why the play fails and what to run next; empty when every tenant succeeded.
      type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_tenants import tenant_summary


def window_tenants(outcomes, policy="continue"):
    """See DOCUMENTATION."""
    try:
        return tenant_summary(list(outcomes or []), policy)
    except TalendConfigError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    """The filter ``talend_ops.cloud.window_tenants``."""

    def filters(self):
        return {"window_tenants": window_tenants}
