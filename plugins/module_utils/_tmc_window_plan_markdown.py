# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""``<window id>.plan.md``: the plan of a window in Markdown, and the facts the HTML page shares with it.

Each section answers one question of a change board: what the window holds, which scheduled runs it skips,
which runs are still going when it opens and the drain timeout to use, what pausing and resuming cost, whether
the credentials and the API work, and what the plan itself sent.
"""

from __future__ import annotations

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import window_of
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_runs import iso
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_text import plan_messages


def duration_text(seconds) -> str:
    """``"1 h 05 min"``, ``"25 min"``, ``"40 s"``; ``"unknown"`` for None."""
    if seconds is None:
        return "unknown"
    seconds = int(seconds)
    if seconds < 60:
        return "%d s" % seconds
    minutes = int(round(seconds / 60.0))
    if minutes < 60:
        return "%d min" % minutes
    if minutes < 48 * 60:
        return "%d h %02d min" % (minutes // 60, minutes % 60)
    return "%d d %d h" % (minutes // 1440, (minutes % 1440) // 60)


def selection_rows(plan) -> list:
    """``[(state, kind, name, id)]`` of the selection, in the order: to pause, held, by other windows, by others."""
    rows = []
    for kind, sort in (("task", plan.tasks), ("plan", plan.plans)):
        rows += [("to pause", kind, e["name"], e["id"]) for e in sort.to_pause]
        rows += [("held by this window", kind, e["name"], e["id"]) for e in sort.held]
        for entry in sort.foreign:
            owner = window_of(entry.get("pause_context"))
            rows.append(("held by window %s" % owner if owner else "paused by someone else (%s)" % (
                entry.get("pause_user") or "unknown"), kind, entry["name"], entry["id"]))
    order = {"to pause": 0, "held by this window": 1}
    return sorted(rows, key=lambda r: (order.get(r[0], 2 if r[0].startswith("held by window") else 3), r[1], r[2] or ""))


def running_rows(plan) -> list:
    """``[(name, task id, what, began, usual, expected end, note)]`` of the runs going when the window opens."""
    rows = []
    for run in plan.at_start():
        what = "scheduled run" if run["status"] == "scheduled" else "execution %s (%s)" % (
            run["execution_id"], run["status"])
        usual = ("%s (median of %d run(s))" % (duration_text(run["usual_seconds"]), run["samples"])
                 if run["usual_seconds"] is not None else "no successful run in the history")
        note = "running longer than usual" if run["overrunning"] else (
            "" if run["expected_end_ms"] is not None else "cannot be forecast: watch it")
        rows.append((run["name"], run["id"], what, iso(run["began_ms"]), usual, iso(run["expected_end_ms"]) or "unknown",
                     note))
    return rows


def drain_text(plan) -> str:
    """One sentence: the suggested drain timeout and how it was worked out."""
    drain = plan.drain
    if not drain:
        return "No drain timeout could be worked out."
    if drain["latest_end_ms"] is None:
        base = "No run of the selected tasks is expected to be going at the start"
    else:
        base = "The latest expected end is %s, %s after the start" % (
            iso(drain["latest_end_ms"]), duration_text(drain["needed_seconds"]))
    text = ("%s: use maintenance_window_drain_timeout: %d (%s: that time plus a margin of %d s, 25 %% of it and at "
            "least %d s, rounded up to the minute). Configured now: %d s%s." % (
                base, drain["suggested_timeout"], duration_text(drain["suggested_timeout"]), drain["margin_seconds"],
                300, drain["configured"], "" if drain["enough"] else ", too short"))
    if drain["unknown"]:
        text += (" %d run(s) have no successful run in their history and cannot be forecast: %s; the drain waits "
                 "for them too." % (len(drain["unknown"]), ", ".join(drain["unknown"])))
    return text


def cost_lines(plan) -> list:
    """Sentences about the requests and time of the pause and resume phases, and the token."""
    cost = plan.cost
    if not cost:
        return []
    lines = ["The pause phase sends about %d request(s) (%d pause request(s), %d read(s) of the selection, %d to read "
             "the writes back, %d page(s) of scheduled runs to pause the soonest-due first%s), %s at "
             "rate_limit %d/min%s." % (
                 cost["pause_requests"], cost["pause_writes"], cost["selection_requests"], cost["read_back_requests"],
                 cost["order_requests"],
                 ", plus one read of each task that answers 204, paused already: the plan cannot know how many, "
                 "at most %d" % cost["unknown_204_reads_at_most"] if cost.get("unknown_204_reads_at_most") else "",
                 duration_text(cost["pause_seconds_at_rate_limit"]), cost["rate_limit"],
                 ", then the drain polls (%d request(s) a poll)" % cost["drain_requests_per_poll"]
                 if cost["drain_requests_per_poll"] else ""),
             "The resume phase sends about %d request(s) (%d resume request(s)), %s at rate_limit %d/min." % (
                 cost["resume_requests"], cost["resume_writes"], duration_text(cost["resume_seconds_at_rate_limit"]),
                 cost["rate_limit"])]
    if cost["service_account"]:
        lines.append("Service account: a token lives %s; the pause phase with its drain takes up to %s, so %s" % (
            duration_text(cost["token_lifetime_seconds"]), duration_text(cost["phase_seconds"]),
            "one token outlives it." if cost["token_outlives_phase"] else
            "the token expires during the phase: the collection gets a new one itself (no action needed)."))
    else:
        lines.append("Personal access token: it does not expire during the phase unless it is revoked or reaches "
                     "its own expiry date (check it in Talend Cloud before the window).")
    return lines


def preflight_lines(plan) -> list:
    """Sentences of the preflight: API, credentials, pause details on list items, permissions."""
    pre = plan.preflight
    if not pre.get("reachable"):
        return ["The API could not be used with the credentials given: %s" % pre.get("error")]
    lines = ["The API answered and accepted the credentials (%d read(s), no write)." % sum(plan.requests.values())]
    if pre.get("pause_details_on_list", True):
        lines.append("Task list items carry their pause details: the pause phase reads no task one by one.")
    else:
        lines.append("Task list items carry no pause details (no task of this scope was ever paused, or the tenant "
                     "leaves them out): the pause phase sends its pause request to each of %d task(s) without "
                     "reading it first, and reads only those that answer 204 (paused already: to see whose pause it "
                     "is). The plan read none, so their pause state is not known and they count as to pause."
                     % pre["detail_reads"])
    lines.append("Pausing needs the TMC_OPERATOR permission and the AUTHOR role on each workspace of the selection: "
                 "the API offers no read that proves it, and the plan sends no write to test it.")
    for selector in pre.get("empty_selectors") or []:
        lines.append("Selector %s selects nothing: check it." % (selector,))
    return lines


def _table(header, rows) -> list:
    if not rows:
        return ["(none)", ""]
    esc = [[("%s" % (c,)).replace("|", "\\|") for c in row] for row in rows]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(r) + " |" for r in esc] + [""]


def render_plan_markdown(plan) -> str:
    """The whole ``<window id>.plan.md`` (str)."""
    stats = plan.stats()
    out = ["# Plan of maintenance window %s" % plan.window_id, "",
           "Window: **%s** to **%s** (%s). Planned at %s; read-only: the plan sent %d request(s) and no write." % (
               iso(plan.start_ms), iso(plan.end_ms), duration_text((plan.end_ms - plan.start_ms) // 1000),
               iso(plan.now_ms), sum(plan.requests.values())), ""]
    if plan.error:
        out += ["**The plan is incomplete**: %s" % plan.error, ""]
    out += ["## At a glance", ""] + ["- " + line for line in plan_messages(plan)[1:]] + [""]
    out += ["## What the window will hold", "",
            "%d task(s) and %d plan(s) to pause; %d task(s) and %d plan(s) already held by this window; %d paused by "
            "someone else (left alone)." % (
                stats["tasks_to_pause"], stats["plans_to_pause"], stats["tasks_held"], stats["plans_held"],
                stats["paused_by_others"]), ""]
    out += _table(("state", "kind", "name", "id"), selection_rows(plan))
    out += ["## Scheduled runs the window will skip", "",
            "%d scheduled run(s) fall between the start and the end and will not happen." % len(plan.skipped), ""]
    out += _table(("scheduled at", "kind", "name", "id", "trigger"),
                  [(iso(r["at_ms"]), r["kind"].lower(), r["name"], r["id"], r["trigger"]) for r in plan.skipped])
    if plan.skipped_elsewhere:
        out += ["%d more run(s) in the window belong to tasks or plans paused by someone else; they would not run "
                "anyway." % len(plan.skipped_elsewhere), ""]
    out += ["## Runs still going when the window opens", "",
            "Runs in flight now and scheduled runs before the start whose expected end (start + the median of the "
            "task's last successful runs) is after the start. The pause phase is assumed to run at the start.", ""]
    out += _table(("task", "id", "run", "started", "usual duration", "expected end", "note"), running_rows(plan))
    out += ["**Drain timeout.** " + drain_text(plan), "", "## Cost", ""]
    out += ["- " + line for line in cost_lines(plan)] + ["", "## Preflight", ""]
    out += ["- " + line for line in preflight_lines(plan)] + ["", "## Requests the plan sent", ""]
    out += _table(("operation", "count"), sorted(plan.requests.items()))
    out += ["Scheduled runs are searched per environment (%s), at most 31 days a search." % (
        ", ".join("%s" % e for e in plan.environments)), ""]
    return "\n".join(out)
