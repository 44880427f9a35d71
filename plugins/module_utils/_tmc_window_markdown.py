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


def render_markdown(document, problems) -> str:
    """Short Markdown summary of a report document: status, one line per run, failures, what is still out.

    :param document: the report document (``_tmc_window_report``).
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
    last = document["runs"][-1]
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
    return "\n".join(lines).rstrip() + "\n"
