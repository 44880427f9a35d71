# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The pause and resume steps of the window engine: one bulk change of pause states, one typed outcome."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_pause import set_pause_states
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_time import utc_now
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_progress import Progress, Pulse


@dataclass
class ChangeOutcome:
    """What one bulk pause or resume of one kind did.

    :param kind: ``TASK`` or ``PLAN`` (``_tmc_executables``).
    :param ids: the ids that were due (list of str), in the order sent.
    :param entries: one dict per id that answered (``id``, ``changed``, ``paused``, ...; ``_tmc_pause``).
    :param failures: one dict per id that failed (``id``, ``status``, ``message``, ``detail``, ``request_id``).
    :param error: message of an error that stopped the whole call (then no id has an answer), or None.
    :param at: when the call ended, ISO 8601 UTC, or None when nothing was due.
    """

    kind: object
    ids: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    error: str | None = None
    at: str | None = None

    def changed_ids(self) -> list:
        """Ids answered 202 (the state changed), in the order sent."""
        return [e["id"] for e in self.entries if e.get("changed")]

    def failed_ids(self) -> list:
        """Ids that failed: every id when the whole call failed."""
        return list(self.ids) if self.error else [f["id"] for f in self.failures]

    def refused_ids(self) -> set:
        """Ids answered with an HTTP status below 500: refused for sure (no answer or a 5xx may have been applied)."""
        return {f["id"] for f in self.failures if f.get("status") is not None and f["status"] < 500}

    def unsure_ids(self) -> list:
        """Due ids whose change is not known: not answered 202 and not refused (a lost answer, a 5xx, a 204 that
        may be the repeat of a request applied before its answer was lost)."""
        done = set(self.changed_ids()) | self.refused_ids()
        return [i for i in self.ids if i not in done]

    def add(self, part):
        """Add ``part`` (a later call of the same kind, e.g. the next resume wave) to this outcome, in place; an error
        that stopped ``part``'s whole call becomes a failure of each of its ids."""
        self.ids += part.ids
        self.entries += part.entries
        self.failures += part.failures
        if part.error:
            self.failures += [{"id": i, "status": None, "message": part.error, "detail": None, "request_id": None}
                              for i in part.ids]
        self.at = part.at or self.at

    @property
    def changed(self) -> bool:
        """True when at least one state changed."""
        return any(e.get("changed") for e in self.entries)


def change_states(client, kind, ids, paused, pause_context, check_mode=False, say=None, label=None) -> ChangeOutcome:
    """Bring every id of ``ids`` to ``paused`` (``PUT {kind.path}/{id}/pause``, see ``_tmc_pause``).

    Every id is attempted; a failed id does not stop the others. In check mode each state is read
    (``GET {kind.path}/{id}``) and nothing is written.

    :param client: a ``TalendClient``. :param kind: ``TASK`` or ``PLAN``.
    :param ids: validated ids (list of str). :param paused: target state (bool).
    :param pause_context: the ``pauseContext`` to send (str).
    :param say: the phase's :class:`~._tmc_window_progress.Pulse`: it tells the progress of a long call (done/total,
        rate, time left) when nothing else was told for 28 s; any other ``say`` or None: no progress lines.
    :param label: what the progress lines say the call does, e.g. ``"Window CHG0042: pausing tasks"``.
    :returns: a :class:`ChangeOutcome` (``at`` None and no call made when ``ids`` is empty).
    """
    outcome = ChangeOutcome(kind=kind, ids=list(ids or []))
    if not outcome.ids:
        return outcome
    progress, pulse = Progress(label or kind.plural, len(outcome.ids)), say if isinstance(say, Pulse) else None

    def done():
        progress.tick()
        if pulse is not None:
            pulse.beat()   # a call that ends after 28 silent seconds tells the line at once

    try:
        with pulse.following(progress) if pulse is not None else contextlib.nullcontext():
            outcome.entries, outcome.failures = set_pause_states(client, kind, outcome.ids, paused, pause_context,
                                                                 check_mode=check_mode, on_done=done)
    except TalendError as exc:
        outcome.error = str(exc)
    outcome.at = utc_now()
    return outcome
