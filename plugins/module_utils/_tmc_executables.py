# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Tasks and plans ("executables") of Talend Cloud: their paths, ids and pause details."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
ID_RULE = "an id holds only letters, digits, '-' and '_' (no '/', '..', spaces or empty values)"


@dataclass(frozen=True)
class ExecutableKind:
    """What differs between tasks and plans in the Orchestration API.

    :param name: ``task`` or ``plan``.
    :param plural: ``tasks`` or ``plans`` (also the result key of the modules).
    :param path: collection path, e.g. ``/orchestration/executables/tasks``.
    :param pause_details_key: ``taskPauseDetails`` or ``planPauseDetails``.
    """

    name: str
    plural: str
    path: str
    pause_details_key: str

    def item_path(self, executable_id: str) -> str:
        """Path of one executable (``GET`` detail), id already validated."""
        return "%s/%s" % (self.path, executable_id)

    def pause_path(self, executable_id: str) -> str:
        """Path of the pause operation (``PUT``) of one executable."""
        return "%s/%s/pause" % (self.path, executable_id)


TASK = ExecutableKind("task", "tasks", "/orchestration/executables/tasks", "taskPauseDetails")
PLAN = ExecutableKind("plan", "plans", "/orchestration/executables/plans", "planPauseDetails")


def check_ids(ids, noun, consequence="Nothing was changed.") -> list:
    """Return ``ids`` as a list of unique strings in their first order, or raise before any request.

    An id is letters, digits, ``-`` and ``_`` (Talend ids are 24 hex characters or UUIDs):
    no ``/``, ``..``, white space or empty string, so it cannot change the request path.

    :param ids: iterable of str.
    :param noun: what the ids name in the message (``task``, ``plan``, ``execution``).
    :param consequence: the sentence that ends the message (what did not happen).
    :raises TalendConfigError: naming every bad id.
    """
    bad = invalid_ids(ids)
    if bad:
        raise TalendConfigError("Invalid %s id(s) %s: %s. %s" % (noun, ", ".join(repr(b) for b in bad), ID_RULE,
                                                                 consequence))
    return list(dict.fromkeys(i if isinstance(i, str) else str(i) for i in ids or []))


def invalid_ids(ids) -> list:
    """The values of ``ids`` (iterable) that break the id rule :data:`ID_RE`, as str."""
    return [v for v in (i if isinstance(i, str) else str(i) for i in ids or []) if not ID_RE.fullmatch(v)]


def validate_ids(ids, kind: ExecutableKind = TASK) -> list:
    """:func:`check_ids` for task or plan ids (``kind``). :raises TalendConfigError: naming every bad id."""
    return check_ids(ids, kind.name)


def pause_state(details) -> dict:
    """Normalise ``taskPauseDetails``/``planPauseDetails`` (or None) into a flat dict.

    An executable without pause details is not paused.

    :returns: ``{paused: bool, pause_context: str|None, pause_user: str|None,
        pause_user_type: str|None, pause_date: str|None}``.
    """
    details = details or {}
    return {
        "paused": bool(details.get("pause", False)),
        "pause_context": shared_text(details.get("pauseContext")),
        "pause_user": shared_text(details.get("user")),
        "pause_user_type": shared_text(details.get("userType")),
        "pause_date": details.get("pauseDate"),
    }


def shared_text(value):
    """One string object per text (``sys.intern``): a value that thousands of states repeat (one window's context,
    one user, one place), or an id or a name that the selection, the pause record and the report summary each parse
    from their own JSON: at 30,000 tasks every copy counts. Anything but a str is returned as it is."""
    return sys.intern(value) if isinstance(value, str) else value
