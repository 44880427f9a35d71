# SPDX-License-Identifier: GPL-3.0-or-later
"""The invariant of a maintenance window, checked over the emulator's state. One function for every test.

A window may crash, hit faults and be re-run in any order; what must hold is always the same:

* paused phase (after a pause that succeeded): every selected task or plan that was not paused before the
  window is paused with the window's marker; the rest keeps its pause details;
* resumed phase (after a resume that succeeded): every task or plan that was not paused before the window is
  active again and nothing carries the marker while paused; what was paused before the window (by someone
  else) is still paused with its own pause details (context, user, date);
* in both: no task's or plan's schedule (``triggers``) was touched, and no task or plan appeared or vanished.
"""

from __future__ import annotations

import copy

KINDS = {"tasks": "taskPauseDetails", "plans": "planPauseDetails"}


def snapshot(emulator) -> dict:
    """The part of the emulator's state the invariant compares: ``{(kind, id): {"pause": details, "triggers"}}``.

    :param emulator: the e2e ``Emulator`` handle, or a state dict as ``GET /_emulator/state`` answers it.
    """
    state = emulator if isinstance(emulator, dict) else emulator.state()
    out = {}
    for kind, key in KINDS.items():
        records = state[kind].values() if isinstance(state[kind], dict) else state[kind]
        for record in records:
            out[(kind, record["id"])] = {"pause": copy.deepcopy(record.get(key)),
                                         "triggers": copy.deepcopy(record.get("triggers"))}
    return out


def _paused(entry) -> bool:
    return bool((entry["pause"] or {}).get("pause"))


def _context(entry):
    return (entry["pause"] or {}).get("pauseContext")


def window_violations(before, after, window_id, phase, selected=None) -> list:
    """Every way ``after`` breaks the window's invariant, as readable lines (empty when it holds).

    :param before: :func:`snapshot` taken before the window's first run.
    :param after: :func:`snapshot` (or the emulator) now.
    :param window_id: the window id; its marker is ``[maintenance-window:<id>]``.
    :param phase: ``paused`` (after a complete pause) or ``resumed`` (after a complete resume).
    :param selected: for ``paused``, the ``(kind, id)`` keys the window selects (required there).
    """
    if not isinstance(after, dict) or not all(isinstance(k, tuple) for k in after):
        after = snapshot(after)
    marker = "[maintenance-window:%s]" % window_id
    problems = []
    if set(before) != set(after):
        problems.append("tasks or plans appeared or vanished: %s" % sorted(set(before) ^ set(after)))
    for key in sorted(set(before) & set(after)):
        was, now = before[key], after[key]
        name = "%s %s" % key
        if was["triggers"] != now["triggers"]:
            problems.append("%s: schedule changed from %r to %r" % (name, was["triggers"], now["triggers"]))
        if _paused(was):
            if now["pause"] != was["pause"]:
                problems.append("%s was paused before the window (%r) and its pause details changed to %r"
                                % (name, _context(was), now["pause"]))
            continue
        if phase == "resumed":
            if _paused(now):
                problems.append("%s was active before the window and is paused now (%r)" % (name, _context(now)))
        elif phase == "paused":
            if key in selected:
                if not (_paused(now) and marker in (_context(now) or "")):
                    problems.append("%s is selected and not paused with %s: %r" % (name, marker, now["pause"]))
            elif now["pause"] != was["pause"]:
                problems.append("%s is not selected and its pause details changed to %r" % (name, now["pause"]))
        else:
            raise ValueError("phase must be 'paused' or 'resumed', got %r" % (phase,))
    if phase == "resumed":
        problems += ["%s %s still carries %s while paused" % (key + (marker,))
                     for key, now in sorted(after.items()) if _paused(now) and marker in (_context(now) or "")]
    return problems


def assert_window_invariant(before, after, window_id, phase="resumed", selected=None):
    """Fail the test with every violation of :func:`window_violations` (same arguments)."""
    problems = window_violations(before, after, window_id, phase, selected=selected)
    assert not problems, "window %s (%s) broke its invariant:\n  %s" % (window_id, phase, "\n  ".join(problems))


def selection_of(before, state, workspace_names=None, environment_names=None, kinds=("tasks", "plans")) -> set:
    """``(kind, id)`` keys of the tasks and plans in the given workspaces or environments (by name).

    :param before: a :func:`snapshot` (its keys are the candidates).
    :param state: emulator state (``GET /_emulator/state``) for the workspace and environment names.
    """
    envs = {e["id"]: e["name"] for e in state["environments"]}
    spaces = {w["id"]: (w["name"], envs.get(w["environmentId"])) for w in state["workspaces"]}
    where = {}
    for kind in kinds:
        records = state[kind].values() if isinstance(state[kind], dict) else state[kind]
        where.update({(kind, r["id"]): spaces.get(r["workspaceId"], (None, None)) for r in records})
    return {key for key in before if key in where
            and ((workspace_names and where[key][0] in workspace_names)
                 or (environment_names and where[key][1] in environment_names))}
