# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Scheduled runs inside a time window: ISO 8601 window parsing and the events search."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError

EVENTS_SEARCH_PATH = "/orchestration/executables/events/search"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ONE_MS = timedelta(milliseconds=1)
ISO_EXAMPLE = "2026-11-29T01:00:00+00:00 or 2026-11-29T02:00:00+01:00"
MAX_SEARCH_MS = 31 * 24 * 3600 * 1000
"""Longest range one events search may cover (the vendor spec gives none; the emulator assumes 31 days)."""


def parse_instant(value, option: str) -> int:
    """Epoch milliseconds of an ISO 8601 date and time that carries a UTC offset.

    Accepts ``2026-11-29T01:00:00Z``, ``2026-11-29T02:00:00+01:00``, fractions of a second,
    a space instead of ``T``, and ``datetime`` objects that carry a time zone (YAML may turn an
    unquoted timestamp into one).

    :param value: str or aware ``datetime``.
    :param option: option name for the error message, e.g. ``scheduled_from``.
    :returns: int, milliseconds since 1970-01-01T00:00:00Z.
    :raises TalendConfigError: not ISO 8601, or no offset (a naive time is ambiguous).
    """
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise TalendConfigError(
                "%s %r is not an ISO 8601 date and time; write it with its UTC offset, e.g. %s."
                % (option, text, ISO_EXAMPLE)) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TalendConfigError(
            "%s %r has no UTC offset, so the instant it names depends on a time zone; add one, e.g. %s."
            % (option, str(value), ISO_EXAMPLE))
    return (moment - EPOCH) // ONE_MS


def parse_window(scheduled_from, scheduled_to):
    """Validate a scheduling window given as two ISO 8601 instants; nothing is sent.

    :param scheduled_from: start (str or aware ``datetime``), or None.
    :param scheduled_to: end (str or aware ``datetime``), or None.
    :returns: ``None`` when both are None, else ``(from_ms, to_ms)`` epoch milliseconds.
    :raises TalendConfigError: only one bound given, a bound that is not ISO 8601 with an
        offset, or an end that is not after the start.
    """
    if scheduled_from is None and scheduled_to is None:
        return None
    if scheduled_from is None or scheduled_to is None:
        raise TalendConfigError("Give both scheduled_from and scheduled_to (ISO 8601 with offset), or neither.")
    from_ms = parse_instant(scheduled_from, "scheduled_from")
    to_ms = parse_instant(scheduled_to, "scheduled_to")
    if to_ms <= from_ms:
        raise TalendConfigError(
            "scheduled_to (%s) must be after scheduled_from (%s): swap them or fix the dates."
            % (scheduled_to, scheduled_from))
    return from_ms, to_ms


def iter_events(client, environment_id: str, from_ms: int, to_ms: int, workspace_ids=None, tags=None):
    """Yield every scheduled run ``{id, sourceTriggerName, date, type: TASK|PLAN}`` of an environment in
    ``[from_ms, to_ms]`` (epoch milliseconds), every page, in searches of at most :data:`MAX_SEARCH_MS` each.

    Calls ``POST /orchestration/executables/events/search`` (``getScheduledExecutions``) with
    ``{environmentId, from, to, workspaceIds, tags, limit, offset}``.

    :param environment_id: environment id (the API requires one).
    :param workspace_ids: restrict to these workspace ids (list of str), or None for all.
    :param tags: only executables carrying all these tags (plans carry none), or None.
    :raises TalendApiError: the API failed.
    """
    start = from_ms
    while True:
        end = min(to_ms, start + MAX_SEARCH_MS - 1)
        body = {"environmentId": environment_id, "from": start, "to": end}
        if workspace_ids:
            body["workspaceIds"] = list(workspace_ids)
        if tags:
            body["tags"] = list(tags)
        yield from client.iter_pages("POST", EVENTS_SEARCH_PATH, body=body)
        if end >= to_ms:
            return
        start = end + 1


def scheduled_ids(client, environment_id: str, window, workspace_ids=None, tags=None) -> dict:
    """Ids of the tasks and plans with a scheduled run inside ``window``, read over every page (:func:`iter_events`:
    a window longer than one search may cover is read in several searches).

    :param environment_id: environment id (the API requires one).
    :param window: ``(from_ms, to_ms)`` from :func:`parse_window`.
    :param workspace_ids: restrict to these workspace ids (list of str), or None for all.
    :param tags: only executables carrying all these tags (plans carry none), or None.
    :returns: ``{"TASK": set of ids, "PLAN": set of ids}``.
    :raises TalendApiError: the API failed.
    """
    found = {"TASK": set(), "PLAN": set()}
    for event in iter_events(client, environment_id, window[0], window[1], workspace_ids, tags):
        kind = str(event.get("type") or "").upper()
        if kind in found and event.get("id"):
            found[kind].add(event["id"])
    return found
