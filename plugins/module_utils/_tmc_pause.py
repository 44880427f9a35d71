# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Pause and resume of tasks and plans, in bulk, with check mode and diff."""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import map_concurrently
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import pause_state

PAUSE_403_HINT = (
    "Pausing and resuming need the TMC_OPERATOR permission and the AUTHOR role on the {kind}'s "
    "workspace: grant them to the user or service account, then run again."
)


def set_pause_states(client, kind, ids, paused, pause_context=None, check_mode=False, read_first=False,
                     on_done=None):
    """Bring every executable of ``ids`` to ``paused``; attempt every id even when some fail.

    Without ``read_first`` one ``PUT {kind.path}/{id}/pause`` per id tells both the previous
    state and whether it changed (202 = changed, 204 = it already was in that state).
    With ``read_first`` (check mode, diff) one ``GET {kind.path}/{id}`` per id reads the state
    first; in check mode nothing is ever written.

    :param client: a ``TalendClient``.
    :param kind: ``TASK`` or ``PLAN`` from ``_tmc_executables``.
    :param ids: validated ids (list of str).
    :param paused: target state (bool).
    :param pause_context: ``pauseContext`` text to send (str or None).
    :param check_mode: report what would change without any ``PUT``.
    :param read_first: read each state before writing (forced on in check mode).
    :param on_done: called with no argument after each id's call ended (progress), or None.
    :returns: ``(entries, failures)``: ``entries`` one dict per succeeded id in input order
        (``id``, ``name`` when read, ``paused``, ``previous_paused``, ``changed``, ``pause_context``);
        ``failures`` one dict per failed id (``id``, ``status``, ``message``, ``detail``,
        ``request_id``, ``error``).
    """
    read_first = read_first or check_mode

    def one(executable_id):
        try:
            return _set_one(client, kind, executable_id, paused, pause_context, check_mode, read_first), None
        except TalendApiError as exc:
            if exc.status == 403 and exc.operation.startswith("PUT"):
                exc = exc.with_hint(PAUSE_403_HINT.format(kind=kind.name))
            elif exc.status == 404:
                exc = exc.with_hint("No %s with this id: check the id and the region." % kind.name)
            return None, dict(exc.as_dict(), id=executable_id)
        finally:
            if on_done is not None:
                on_done()

    outcomes = map_concurrently(client, one, ids)
    entries = [entry for entry, _failure in outcomes if entry is not None]
    failures = [failure for _entry, failure in outcomes if failure is not None]
    return entries, failures


def _set_one(client, kind, executable_id, paused, pause_context, check_mode, read_first):
    entry = {"id": executable_id}
    if read_first:
        detail = client.get(kind.item_path(executable_id)) or {}
        before = pause_state(detail.get(kind.pause_details_key))
        entry["name"] = detail.get("name")
        entry["previous_paused"] = before["paused"]
        if before["paused"] == paused:
            entry.update(paused=paused, changed=False, pause_context=before["pause_context"])
            return entry
        if check_mode:
            entry.update(paused=paused, changed=True, pause_context=pause_context if paused else before["pause_context"])
            return entry
    body = {"pause": paused}
    if pause_context is not None:
        body["pauseContext"] = pause_context
    status, _body = client.call("PUT", kind.pause_path(executable_id), json=body, ok=(202, 204))
    changed = status == 202
    entry["previous_paused"] = (not paused) if changed else paused
    entry.update(paused=paused, changed=changed, pause_context=pause_context if changed else entry.get("pause_context"))
    if not read_first and not changed:
        entry["pause_context"] = None  # unchanged: the context in place is not known without a GET
    return entry


def pause_diff(kind, entries) -> dict:
    """Diff of pause states: ``{before: {tasks: {id: {paused}}}, after: {...}}`` for changed entries."""
    before = {e["id"]: {"paused": e["previous_paused"]} for e in entries if e["changed"]}
    after = {e["id"]: {"paused": e["paused"]} for e in entries if e["changed"]}
    return {"before": {kind.plural: before}, "after": {kind.plural: after}}


def failure_message(kind, entries, failures) -> str:
    """One message naming each failed id and its reason, and how many succeeded."""
    reasons = "; ".join("%s: %s" % (f["id"], f["error"]) for f in failures)
    return "%d of %d %s failed (%d succeeded and are reported in '%s'): %s" % (
        len(failures), len(failures) + len(entries), kind.plural, len(entries), kind.plural, reasons)


def pause_argument_spec(kind) -> dict:
    """``argument_spec`` of a pause module (without the connection options)."""
    return {
        "%s_id" % kind.name: dict(type="str"),
        "%s_ids" % kind.name: dict(type="list", elements="str"),
        "state": dict(type="str", default="paused", choices=["paused", "active"]),
        "pause_context": dict(type="str"),
    }


def run_pause_module(module, kind):
    """Body of ``talend_task_pause`` and ``talend_plan_pause``: validate, set states, exit.

    :param module: ``AnsibleModule`` built with :func:`pause_argument_spec` and the connection spec.
    :param kind: ``TASK`` or ``PLAN``.
    """
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import client_from_module
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import validate_ids

    params = module.params
    raw_ids = ([params["%s_id" % kind.name]] if params.get("%s_id" % kind.name) is not None else []) + list(
        params.get("%s_ids" % kind.name) or [])
    try:
        ids = validate_ids(raw_ids, kind)
    except TalendConfigError as exc:
        module.fail_json(msg=str(exc))
    client = client_from_module(module)
    entries, failures = set_pause_states(
        client, kind, ids, params["state"] == "paused", params.get("pause_context"),
        check_mode=module.check_mode, read_first=module._diff,
    )
    result = {"changed": any(e["changed"] for e in entries), kind.plural: entries}
    if module._diff:
        result["diff"] = pause_diff(kind, entries)
    if failures:
        result["failed_ids"] = [f["id"] for f in failures]
        result["failures"] = failures
        module.fail_json(msg=failure_message(kind, entries, failures), **result)
    module.exit_json(**result)
