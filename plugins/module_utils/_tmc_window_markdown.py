# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The Markdown summary of a window report (``<window id>.md``): status, one line per run, problems, what is out."""

from __future__ import annotations

MARKDOWN_LIST_LIMIT = 50


def _md_list(mapping, limit=MARKDOWN_LIST_LIMIT) -> list:
    items = ["- `%s` %s" % (i, n or "") for i, n in list(mapping.items())[:limit]]
    if len(mapping) > limit:
        items.append("- ... and %d more (see the JSON report)" % (len(mapping) - limit))
    return items


def render_markdown(document, last, problems) -> str:
    """Short Markdown summary of a report: status, one line per run, failures, what is still out.

    :param document: the report's index (``_tmc_window_report_files``): ``window_id``, ``updated``, ``summary`` and
        ``runs``, one entry per run with at least ``phase``, ``started``, ``finished``, ``outcome`` and ``counts``.
    :param last: the full record of the last run (``_tmc_window_report.build_run``), for its problems and checks.
    :param problems: ``[(kind, record)]`` of the last run's records that failed or were not attempted
        (``kind`` is ``task`` or ``plan``).
    """
    summary = document["summary"]
    lines = ["# Maintenance window %s" % document["window_id"], "",
             "Status: **%s**%s. Updated %s." % (
                 summary["status"], " (everything found with the window marker is back)" if summary["all_back"]
                 else "", document["updated"]), "",
             "| # | phase | started | finished | outcome | tasks paused / held / left alone / resumed / failed "
             "| plans paused / held / left alone / resumed / failed |",
             "|---|---|---|---|---|---|---|"]
    for number, run in enumerate(document["runs"], 1):
        cells = ["%(paused)d / %(held)d / %(left_alone)d / %(resumed)d / %(failed)d" % run["counts"][k]
                 for k in ("tasks", "plans")]
        row = (number, run["phase"], run["started"], run["finished"], run["outcome"], cells[0], cells[1])
        lines.append("| %d | %s | %s | %s | %s | %s | %s |" % row)
    if last.get("error") or problems:
        lines += ["", "## Problems of the last run", ""]
        if last.get("error"):
            lines.append("- %s" % last["error"])
        for kind, record in problems[:MARKDOWN_LIST_LIMIT]:
            error = record.get("error") or {}
            lines.append("- %s `%s` %s: %s%s%s" % (
                kind, record["id"], record.get("name") or "", record["result"],
                " (HTTP %s)" % error["status"] if error.get("status") else "",
                ", %s" % error["message"] if error.get("message") else "")
                + (", request id %s" % error["request_id"] if error.get("request_id") else ""))
        if len(problems) > MARKDOWN_LIST_LIMIT:
            lines.append("- ... and %d more (see the JSON report)" % (len(problems) - MARKDOWN_LIST_LIMIT))
    out = summary["not_resumed"] if summary["status"].startswith("resume") else summary["paused_by_window"]
    title = "Paused by this window and not resumed by a run recorded here" if summary["status"].startswith(
        "resume") else "Held paused by this window"
    if out["tasks"] or out["plans"]:
        lines += ["", "## %s" % title, ""]
        for kind in ("tasks", "plans"):
            if out[kind]:
                lines += ["%s:" % kind.capitalize(), ""] + _md_list(out[kind]) + [""]
    lines += _check_sections(last)
    return "\n".join(lines).rstrip() + "\n"


def _section(title, items, show) -> list:
    if not items:
        return []
    out = ["", "## %s" % title, ""] + ["- %s" % show(i) for i in items[:MARKDOWN_LIST_LIMIT]]
    if len(items) > MARKDOWN_LIST_LIMIT:
        out.append("- ... and %d more (see the JSON report)" % (len(items) - MARKDOWN_LIST_LIMIT))
    return out


def _check_sections(run) -> list:
    """A section per check of the last run that found something: verify, leaks, drift, skipped runs, re-arm, catch-up
    runs, resume waves."""
    verify, leaks, drift = run.get("verify") or {}, run.get("leaks") or {}, run.get("drift") or {}
    skipped, rearm = run.get("skipped_runs") or {}, run.get("rearm") or {}
    lines = []
    lines += _section("Writes accepted but never seen done (verify)", sorted((verify.get("never_confirmed") or {}).items()),
                      lambda kv: "`%s`: seen %s" % kv)
    lines += _section("Runs of held tasks that started after their pause (leaks)", leaks.get("executions") or [],
                      lambda e: "%s: execution `%s`, %s, requested %s (%s)" % (
                          e["name"], e["execution_id"], e["type"], e["start"], e["status"]))
    for key, title in (("resumed_by_others", "Drift: resumed by someone else during the window"),
                       ("repaused", "Drift: paused again with another context"),
                       ("gone", "Drift: deleted or no longer visible"), ("moved", "Drift: moved during the window"),
                       ("created", "Drift: created in the paused scope during the window")):
        lines += _section(title, drift.get(key) or [], lambda e: "%s `%s` %s" % (e["kind"], e["id"], e["name"] or ""))
    lines += _section("Scheduled runs the window skipped", skipped.get("runs") or [],
                      lambda r: "%s `%s` %s at %s" % (r["type"].lower(), r["id"], r["name"] or "", r["date"]))
    lines += _section("Resumed, but will not run again on their own (re-arm)", rearm.get("not_rearmed") or [],
                      lambda e: "`%s` %s: trigger %s, last skipped %s" % (
                          e["id"], e["name"] or "", e["trigger"], e["last_skipped"]))
    catch_up, waves = run.get("catch_up") or {}, (run.get("waves") or {}).get("waves") or []
    lines += _section("Catch-up runs started", catch_up.get("runs") or [],
                      lambda r: "`%s` %s: execution `%s`" % (r["id"], r["name"] or "", r["execution_id"]))
    lines += _section("Catch-up runs refused", catch_up.get("refused") or [],
                      lambda r: "`%s` %s: HTTP %s, %s" % (r["id"], r["name"] or "", r["status"], r["message"]))
    lines += _section("Resume waves", waves,
                      lambda w: "wave %d: %d task(s) resumed from %s, %d failed run(s), %s" % (
                          w["number"], w["resumed"], w["started"], len(w["failed_runs"]), w["decision"]))
    return lines
