# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin of ``talend_ops.cloud.talend_window_phase``: runs the window engine on the controller.

The engine runs in this worker process rather than as a module process so that what it tells while it
works (each poll of the drain, and later each wave of a paced resume) reaches the play output as it happens:
a module can only speak when it ends. The options, the checks and every decision are the engine's
(``plugins/module_utils/_tmc_window_engine.py``); this file only validates the options against the same
``argument_spec`` a module would, applies the task's ``environment`` to the ``TALEND_*`` fallbacks, runs the
engine and keeps every ``no_log`` value out of the result.
"""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager

from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import tmc_argument_spec, url_password
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_engine import (
    PhaseInterrupted,
    run_window_phase,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_input import window_argument_spec

display = Display()


@contextmanager
def _environment(values):
    """``os.environ`` with ``values`` (the task's ``environment``) for the time of the block."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: "%s" % v for k, v in values.items()})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def _signals_stop_the_phase():
    """SIGINT and SIGTERM (Ctrl-C, AWX's cancel: ansible-playbook terminates its workers) raise
    ``PhaseInterrupted`` in the engine, which records what it did before the worker ends."""
    def interrupt(signum, frame):
        raise PhaseInterrupted(signal.Signals(signum).name)

    saved = {number: signal.signal(number, interrupt) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


class ActionModule(ActionBase):
    """Run one phase of a maintenance window (see the module documentation)."""

    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        environment = {}
        self._compute_environment_string(environment)
        warnings = []
        spec = dict(tmc_argument_spec(), **window_argument_spec())
        with _environment(environment), _signals_stop_the_phase():
            dummy, params = self.validate_argument_spec(argument_spec=spec)
            outcome = run_window_phase(params, check_mode=bool(self._play_context.check_mode),
                                       say=display.display, warn=warnings.append)
        outcome["warnings"] = warnings + outcome.get("warnings", [])
        result.update(outcome)
        secrets = {"%s" % params[k] for k, option in spec.items() if option.get("no_log") and params.get(k)}
        secrets |= {p for p in [url_password(params.get("api_url"))] if p}
        return remove_values(result, secrets)
