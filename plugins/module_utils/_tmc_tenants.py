# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""One window across several tenants: the failure policy and what the end of the play says about each tenant.

``playbooks/maintenance.yml`` runs the window's phase on every host of the inventory group ``talend_tenants``
(each host a tenant) and hands each tenant's outcome here, through the filter
``talend_ops.cloud.window_tenants``. Nothing is sent to any API from this file.
"""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import Window

POLICIES = ("continue", "rollback")
"""``maintenance_window_tenant_failure``: ``continue`` (the other tenants go on) or ``rollback`` (a failed pause
on any tenant resumes, on every tenant, what this window paused)."""


def _count(ids, kind) -> str:
    return "%d %s%s" % (len(ids or []), kind, "" if len(ids or []) == 1 else "s")


def _held(outcome, verb) -> str:
    return "%s %s and %s" % (verb, _count(outcome.get("%s_task_ids" % verb), "task"),
                             _count(outcome.get("%s_plan_ids" % verb), "plan"))


ERROR_CHARS = 240
"""Longest error quoted in a tenant's line; the whole message is in the output of the task that failed."""


def _short(error) -> str:
    error = " ".join(("%s" % error).split())
    return error if len(error) <= ERROR_CHARS else error[:ERROR_CHARS].rstrip() + "... (the whole message is above)"


def _line(outcome) -> str:
    """One tenant's outcome in one line: what its phase did or why it failed, and its rollback."""
    tenant, phase = outcome.get("tenant") or "localhost", outcome.get("phase")
    if outcome.get("error"):
        text = "%s: the %s phase FAILED: %s" % (tenant, phase, _short(outcome["error"]))
    elif phase == "plan":
        text = "%s: planned (read-only; the forecast is in its plan report)" % tenant
    else:
        text = "%s: %s" % (tenant, _held(outcome, "paused" if phase == "pause" else "resumed"))
    rollback = outcome.get("rollback")
    if rollback:
        if rollback.get("error"):
            text += "; rollback FAILED: %s" % _short(rollback["error"])
        else:
            text += "; rolled back: %s" % _held(rollback, "resumed")
    return text


def check_policy(policy) -> str:
    """Return ``policy`` when it is one of :data:`POLICIES`, else raise naming them."""
    if policy not in POLICIES:
        raise TalendConfigError("maintenance_window_tenant_failure must be one of %s, got %r."
                                % (", ".join(POLICIES), policy))
    return policy


def tenant_summary(outcomes, policy="continue") -> dict:
    """What the play does after the phase ran on every tenant, and what it says at the end.

    :param outcomes: list of dicts, one per tenant: ``{tenant (str), window_id (str), phase ("pause" or
        "resume"), error (str, empty when the phase succeeded), paused_task_ids, paused_plan_ids,
        resumed_task_ids, resumed_plan_ids (lists of str), rollback (None, or after a rollback
        {error, resumed_task_ids, resumed_plan_ids})}``.
    :param policy: ``continue`` or ``rollback``.
    :returns: ``{rollback (bool: the policy is rollback and the pause failed on a tenant), failed (tenant
        names whose phase or rollback failed, sorted), lines (one per tenant, sorted), message (why the play
        fails and what to run next; empty when every tenant succeeded)}``.
    :raises TalendConfigError: an unknown policy.
    """
    check_policy(policy)
    outcomes = sorted(outcomes or [], key=lambda o: o.get("tenant") or "")
    failed_phase = [o.get("tenant") or "localhost" for o in outcomes if o.get("error")]
    failed_rollback = [o.get("tenant") or "localhost" for o in outcomes if (o.get("rollback") or {}).get("error")]
    phase = outcomes[0].get("phase") if outcomes else None
    rollback = policy == "rollback" and phase == "pause" and bool(failed_phase)
    rolled_back = any(o.get("rollback") for o in outcomes)
    if len(outcomes) == 1 and not outcomes[0].get("tenant") and not rolled_back:
        message = outcomes[0].get("error") or ""  # one run on localhost: the role's own message says it all
    elif failed_phase or failed_rollback:
        message = _failure_message(outcomes, failed_phase, failed_rollback, rolled_back)
    else:
        message = ""
    return {
        "rollback": rollback,
        "failed": sorted(set(failed_phase) | set(failed_rollback)),
        "lines": [_line(o) for o in outcomes],
        "message": message,
    }


def _failure_message(outcomes, failed_phase, failed_rollback, rolled_back) -> str:
    """Why the play fails, what the policy did, and what to run next (see :func:`tenant_summary`)."""
    phase, window_id = outcomes[0].get("phase"), outcomes[0].get("window_id")
    marker = Window(window_id).marker if window_id else "its marker"
    message = "Window %s: the %s phase failed on %d of %d tenant(s): %s." % (
        window_id, phase, len(failed_phase), len(outcomes), ", ".join(failed_phase))
    if rolled_back:
        resumed = ["%s %s" % (o.get("tenant") or "localhost", _held(o["rollback"], "resumed"))
                   for o in outcomes if o.get("rollback") and not o["rollback"].get("error")]
        message += " maintenance_window_tenant_failure=rollback: "
        if resumed:
            message += "%s what this window had paused (%s)." % (
                "some tenants resumed" if failed_rollback else "every tenant resumed", "; ".join(resumed))
        else:
            message += "the resume of what this window had paused was attempted on every tenant."
        if failed_rollback:
            message += (" The rollback failed on %s: what the window paused there still carries %s; run "
                        "-e maintenance_window_phase=resume --limit %s." % (
                            ", ".join(failed_rollback), marker, ",".join(failed_rollback)))
        else:
            message += " Fix the cause and run the pause phase again on every tenant."
    elif phase == "pause":
        message += (" The other tenants went on and stay paused. On the failed ones what was paused keeps %s: run "
                    "the pause again there with --limit %s, or resume every tenant with "
                    "-e maintenance_window_phase=resume." % (marker, ",".join(failed_phase)))
    else:
        message += (" What was not resumed there still carries %s: run the resume phase again with --limit %s."
                    % (marker, ",".join(failed_phase)))
    return message
