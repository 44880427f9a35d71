# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The window: its id rule, its marker and the ``pauseContext`` it writes. Nothing else builds them.

The pause phase writes ``pauseContext`` = ``<reason> [maintenance-window:<window id>]``: the marker is the
last text of the context. A window holds a task or plan only when its context *ends* with the window's
marker (closing bracket included: ``mw-1`` never matches ``[maintenance-window:mw-10]``, and a marker
quoted inside a human context is not a hold). A reason that contains the marker prefix is refused, so no
window can write another window's marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError

MARKER_PREFIX = "[maintenance-window:"
MARKER_FORMAT = MARKER_PREFIX + "%s]"
WINDOW_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
WINDOW_ID_RE = re.compile(WINDOW_ID_PATTERN)
TRAILING_MARKER_RE = re.compile(re.escape(MARKER_PREFIX) + "(" + WINDOW_ID_PATTERN + r")\]\s*$")
# The vendor spec gives pauseContext no maximum length. A reason is capped so that a server-side limit of a
# few hundred characters (common for free-text columns) can never cut the marker off the end of the context.
REASON_MAX_LENGTH = 200
DEFAULT_REASON = "Paused for a maintenance window"


def check_window_id(window_id) -> str:
    """Return ``window_id`` when it follows the rule (also a safe file name stem), else raise.

    :param window_id: str, ``^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$``.
    :raises TalendConfigError: saying what to write instead.
    """
    if not isinstance(window_id, str) or not WINDOW_ID_RE.fullmatch(window_id):
        raise TalendConfigError(
            "maintenance_window_id %r is not a valid window id: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (for example CHG0042 or db-upgrade-2026-11-29)." % (window_id,))
    return window_id


def check_reason(reason) -> str:
    """Return the reason (text put before the marker), stripped, or raise.

    :param reason: str of at most :data:`REASON_MAX_LENGTH` characters, without ``[maintenance-window:``.
    :raises TalendConfigError: a reason that quotes a marker (it could pass for another window's) or too long.
    """
    text = ("%s" % (reason,)).strip() if reason is not None else ""
    if MARKER_PREFIX in text:
        raise TalendConfigError(
            "maintenance_window_reason %r contains %r: a reason may not carry a window marker (the collection adds "
            "the marker of this window itself). Remove it from the reason." % (text, MARKER_PREFIX))
    if len(text) > REASON_MAX_LENGTH:
        raise TalendConfigError(
            "maintenance_window_reason is %d characters long; keep it to %d so that the window marker after it "
            "always fits in the pauseContext." % (len(text), REASON_MAX_LENGTH))
    return text or DEFAULT_REASON


def window_of(pause_context):
    """The id of the window whose marker ends ``pause_context``, or None.

    :param pause_context: str or None (a ``pauseContext`` as read from the API).
    """
    if not isinstance(pause_context, str):
        return None
    match = TRAILING_MARKER_RE.search(pause_context)
    return match.group(1) if match else None


@dataclass(frozen=True)
class Window:
    """One maintenance window.

    :param id: the window id, checked by :func:`check_window_id` when the window is made.
    """

    id: str

    def __post_init__(self):
        check_window_id(self.id)

    @property
    def marker(self) -> str:
        """``[maintenance-window:<id>]``."""
        return MARKER_FORMAT % self.id

    def pause_context(self, reason) -> str:
        """The ``pauseContext`` the pause phase writes: ``"<reason> <marker>"`` (reason checked)."""
        return "%s %s" % (check_reason(reason), self.marker)

    def resume_context(self, held_since=None) -> str:
        """The ``pauseContext`` sent with a resume of what this window holds.

        :param held_since: ISO 8601 time the resumed tasks were paused since (the earliest ``pauseDate``), or None.
            Written as `` (held since <time>)`` so that the pause time, which the resume overwrites in ``pauseDate``,
            stays readable through the API (a re-run of a resume killed mid-catch-up needs it for the ledger).
        """
        text = "Resumed at the end of maintenance window %s" % self.id
        return text + (" (held since %s)" % held_since if held_since else "")

    def resumed(self, pause_context) -> bool:
        """True when ``pause_context`` is one this window's resume writes (:meth:`resume_context`): read on an
        active task, this window resumed it (and its ``pauseDate`` is when)."""
        return isinstance(pause_context, str) and self._resumed_re().fullmatch(pause_context.strip()) is not None

    def held_since(self, pause_context):
        """The ``held since`` time a resume context of this window carries (ISO 8601 text), or None."""
        match = self._resumed_re().fullmatch(pause_context.strip()) if isinstance(pause_context, str) else None
        return match.group(1) if match else None

    def _resumed_re(self):
        return re.compile(re.escape(self.resume_context()) + r"(?: \(held since ([^()]+)\))?")

    def holds(self, pause_context) -> bool:
        """True when ``pause_context`` ends with this window's marker."""
        return window_of(pause_context) == self.id
