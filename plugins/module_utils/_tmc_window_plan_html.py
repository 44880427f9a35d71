# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""``<window id>.plan.html``: the plan as one self-contained page with an inline SVG timeline.

No script, no stylesheet or font from elsewhere, no image file: the page goes as an attachment to a change
record and opens offline. The timeline shows the window as a band, one row per task or plan it affects, each
skipped run as a mark and each run going at the start as a bar to its expected end; the tables under it hold
every skipped run and every run, as in ``<window id>.plan.md`` (same sentences, ``_tmc_window_plan_markdown``).
"""

from __future__ import annotations

from html import escape

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_markdown import (
    cost_lines,
    drain_text,
    duration_text,
    preflight_lines,
    running_rows,
    selection_rows,
)
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_plan_runs import iso

WIDTH, LABEL, RIGHT, ROW, TOP = 1100, 290, 20, 22, 46
MAX_ROWS = 80
"""Rows drawn at most; the tables list everything."""
TICKS_MINUTES = (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)
STYLE = """body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px;color:#1f2933}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #cbd2d9;padding:3px 8px;text-align:left}th{background:#f0f4f8}
.facts{font-size:15px}.warn{color:#b42318}svg text{font-family:inherit}"""


def _rows(plan) -> list:
    """``[(id, name, [skipped runs], [runs at start])]`` of each affected task or plan, runs at start first."""
    rows = {}
    for run in plan.at_start():
        rows.setdefault(run["id"], (run["id"], run["name"], [], []))[3].append(run)
    for run in plan.skipped:
        rows.setdefault(run["id"], (run["id"], run["name"], [], []))[2].append(run)
    return list(rows.values())


def _scale(plan, rows):
    low = min([plan.start_ms] + [r["began_ms"] for row in rows for r in row[3]])
    high = max([plan.end_ms] + [r["expected_end_ms"] for row in rows for r in row[3] if r["expected_end_ms"]])
    pad = max(60_000, (high - low) // 30)
    low, high = low - pad, high + pad
    span = WIDTH - LABEL - RIGHT

    def x(ms):
        return LABEL + (min(max(ms, low), high) - low) * span / float(high - low)
    return low, high, x


def _ticks(low, high, x, bottom) -> list:
    step = next((m for m in TICKS_MINUTES if (high - low) / (m * 60_000.0) <= 12), TICKS_MINUTES[-1]) * 60_000
    daily = high - low > 86_400_000
    out, tick = [], (low // step + 1) * step
    while tick < high:
        label = iso(tick)[5:16].replace("T", " ") if daily else iso(tick)[11:16]
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e4e7eb"/>' % (x(tick), TOP - 6, x(tick), bottom))
        out.append('<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="#52606d">%s</text>'
                   % (x(tick), TOP - 10, label))
        tick += step
    return out


def render_timeline(plan) -> str:
    """The inline ``<svg>`` of the timeline (str)."""
    rows = _rows(plan)
    drawn = rows[:MAX_ROWS]
    low, high, x = _scale(plan, rows)
    bottom = TOP + ROW * max(1, len(drawn)) + 4
    height = bottom + 42
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" '
           'aria-label="Timeline of window %s">' % (WIDTH, height, WIDTH, height, escape(plan.window_id)),
           '<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>' % (WIDTH, height),
           '<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="#dbeafe" stroke="#2563eb"><title>Window %s: %s to %s'
           '</title></rect>' % (x(plan.start_ms), TOP - 4, x(plan.end_ms) - x(plan.start_ms), bottom - TOP + 4,
                                escape(plan.window_id), iso(plan.start_ms), iso(plan.end_ms)),
           '<text x="%.1f" y="%d" font-size="12" fill="#1d4ed8" font-weight="bold">window %s: %s to %s</text>'
           % (x(plan.start_ms) + 4, bottom + 16, escape(plan.window_id), iso(plan.start_ms)[11:16],
              iso(plan.end_ms)[11:16])]
    out += _ticks(low, high, x, bottom)
    if low < plan.now_ms < high:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#7b8794" stroke-dasharray="3,3"><title>now: %s'
                   '</title></line>' % (x(plan.now_ms), TOP - 6, x(plan.now_ms), bottom, iso(plan.now_ms)))
    for number, (dummy, name, skipped, running) in enumerate(drawn):
        y = TOP + ROW * number
        out.append('<text x="%d" y="%d" font-size="12" text-anchor="end" fill="#1f2933">%s</text>'
                   % (LABEL - 8, y + 15, escape((name or "")[:42])))
        for run in running:
            end = run["expected_end_ms"] or high
            dashed = "" if run["expected_end_ms"] else ' stroke-dasharray="4,3"'
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="10" rx="2" fill="#f59e0b" stroke="#b45309"%s>'
                       '<title>%s: %s since %s, expected end %s</title></rect>' % (
                           x(run["began_ms"]), y + 6, max(2.0, x(end) - x(run["began_ms"])), dashed, escape(name or ""),
                           "scheduled run" if run["status"] == "scheduled" else run["status"], iso(run["began_ms"]),
                           iso(run["expected_end_ms"]) or "unknown"))
        for run in skipped:
            cx, cy = x(run["at_ms"]), y + 11
            out.append('<path d="M %.1f %.1f l 5 5 l -5 5 l -5 -5 z" fill="#dc2626"><title>%s: skipped run at %s'
                       '</title></path>' % (cx, cy - 5, escape(name or ""), iso(run["at_ms"])))
    legend_y = height - 8
    out.append('<text x="%d" y="%d" font-size="11" fill="#52606d">red marks: scheduled runs the window skips; '
               'orange bars: runs going at the start, to their expected end (dashed: unknown)%s</text>'
               % (LABEL, legend_y, "; %d more rows in the tables below" % (len(rows) - MAX_ROWS)
                  if len(rows) > MAX_ROWS else ""))
    out.append("</svg>")
    return "\n".join(out)


def _table(header, rows) -> str:
    if not rows:
        return "<p>(none)</p>"
    head = "".join("<th>%s</th>" % escape(h) for h in header)
    body = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % escape("%s" % (c,)) for c in row) for row in rows)
    return "<table><tr>%s</tr>%s</table>" % (head, body)


def render_plan_html(plan) -> str:
    """The whole ``<window id>.plan.html`` (str)."""
    stats = plan.stats()
    wid = escape(plan.window_id)
    parts = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
             '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
             "<title>Plan of maintenance window %s</title><style>%s</style></head><body>" % (wid, STYLE),
             "<h1>Plan of maintenance window %s</h1>" % wid,
             '<p class="facts">Window <b>%s</b> to <b>%s</b> (%s). Planned at %s; read-only: %d request(s) sent, no '
             'write.</p>' % (iso(plan.start_ms), iso(plan.end_ms), duration_text((plan.end_ms - plan.start_ms) // 1000),
                             iso(plan.now_ms), sum(plan.requests.values())),
             '<p class="facts">%d task(s) and %d plan(s) to pause, %d held already, %d paused by someone else; '
             '<b>%d scheduled run(s) skipped</b>; <b>%d run(s) going at the start</b>; suggested drain timeout '
             '<b>%d s</b>; the pause phase sends about %s request(s).</p>' % (
                 stats["tasks_to_pause"], stats["plans_to_pause"], stats["tasks_held"] + stats["plans_held"],
                 stats["paused_by_others"], stats["skipped_runs"], stats["in_flight"],
                 stats["suggested_drain_timeout"] or 0, stats["pause_requests"])]
    if plan.error:
        parts.append('<p class="warn"><b>The plan is incomplete</b>: %s</p>' % escape(plan.error))
    parts += ["<h2>Timeline</h2>", render_timeline(plan),
              "<h2>Scheduled runs the window will skip</h2>",
              _table(("scheduled at", "kind", "name", "id", "trigger"),
                     [(iso(r["at_ms"]), r["kind"].lower(), r["name"], r["id"], r["trigger"]) for r in plan.skipped]),
              "<h2>Runs still going when the window opens</h2>",
              _table(("task", "id", "run", "started", "usual duration", "expected end", "note"), running_rows(plan)),
              "<p><b>Drain timeout.</b> %s</p>" % escape(drain_text(plan)),
              "<h2>What the window will hold</h2>", _table(("state", "kind", "name", "id"), selection_rows(plan)),
              "<h2>Cost</h2><ul>%s</ul>" % "".join("<li>%s</li>" % escape(line) for line in cost_lines(plan)),
              "<h2>Preflight</h2><ul>%s</ul>" % "".join("<li>%s</li>" % escape(line) for line in preflight_lines(plan)),
              "<h2>Requests the plan sent</h2>", _table(("operation", "count"), sorted(plan.requests.items())),
              "</body></html>"]
    return "\n".join(parts)
