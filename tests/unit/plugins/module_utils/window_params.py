# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the window engine in unit tests with validated options, as the action plugin does."""

from __future__ import annotations

import json

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import tmc_argument_spec
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_engine import run_window_phase
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import window_argument_spec

PAT = "unit-secret-pat-value"
TASK = {"id": "t1", "name": "Load GL", "workspace": {"id": "w", "name": "Finance", "environment": {"id": "e"}},
        "taskPauseDetails": {"pause": False}}
EXECUTING = {"executionId": "x-1", "taskId": "t1", "status": "executing", "triggerTimestamp": 1764378000000}


def params(**args):
    """Validated options, as the action plugin gets them from ``validate_argument_spec``."""
    base = {"api_url": "https://api.us.cloud.talend.com", "token": PAT, "rate_limit": 100000, "window_id": "w1",
            "phase": "pause"}
    result = ArgumentSpecValidator(dict(tmc_argument_spec(), **window_argument_spec())).validate(dict(base, **args))
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def run(check_mode=False, said=None, **args):
    result = run_window_phase(params(**args), check_mode=check_mode, say=(said if said is not None else []).append)
    assert PAT not in json.dumps(result)
    return result


def page(*items):
    """One page of a paged list holding ``items``."""
    return {"items": list(items), "total": len(items), "limit": 100, "offset": 0}


def paused_with(context, task=None):
    """``TASK`` (or ``task``) as the list shows it after a pause with ``context``."""
    return dict(task or TASK, taskPauseDetails={"pause": True, "pauseContext": context, "user": "ops"})
