#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: talend_window_phase
short_description: Run the plan, pause or resume phase of a maintenance window in one step
version_added: 0.1.0
description:
  - Runs one phase of a window through the collection's window engine, on the controller (an action plugin), so
    that the summaries of thousands of tasks never leave one process and what the phase tells while it works
    (each poll of the drain) is printed as it happens. Used by the role C(talend_ops.cloud.maintenance_window);
    it can be used on its own.
  - V(plan) is read-only and forecasts the window from O(window_start) to O(window_end) for a change board. It reads the
    selection as V(pause) would see it (to pause, held by this window, paused by someone else, held by another
    window, by id), every scheduled run of the selected tasks and plans inside the window (the runs it skips, from
    C(POST /orchestration/executables/events/search), in searches of at most 31 days per environment), the runs
    in flight now and the scheduled runs that start before O(window_start), each with an expected end (its start
    plus the median of the task's last 5 successful runs, read per environment from
    C(GET /processing/executables/tasks/executions)), the drain timeout to use (the latest expected end after the
    start plus 25 %, at least 5 minutes, rounded up to the minute), the requests the V(pause) and V(resume) phases
    will send and their time at O(rate_limit), whether a service-account token outlives the phase, and a
    preflight (API reachable, credentials accepted, pause details on task list items, the permissions pausing
    needs). It writes C(<window_id>.plan.md) and a self-contained C(<window_id>.plan.html) (inline SVG timeline,
    no script, no network) in O(report_dir). It sends no request per task.
  - V(plan) sends C(GET) requests and two searches that are reads by meaning though C(POST) by method
    (C(POST /orchestration/executables/events/search) and C(POST /orchestration/executables/tasks/search) for tags);
    their body holds only filters and paging and they change nothing. Any other C(POST), C(PUT) or C(DELETE) is
    refused inside the collection before it is sent (the token request of a service account excepted). When the
    task list carries no pause details, the per-task reads that state would need are counted, not sent, and every
    such task counts as to pause (the V(pause) phase reads only those whose pause answers 204).
  - V(pause) reads every selector and the explicit ids (as M(talend_ops.cloud.talend_task_info) does), sorts the
    selection into what to pause, what this window already holds (paused with its marker) and what someone else
    paused (left alone), pauses the plans then the tasks with C(pauseContext) set to O(reason) followed by the
    marker C([maintenance-window:<window_id>]), and reads back what may be paused although its answer was lost.
    When the task list of a selector carries no pause details (a cold tenant), it reads no task before pausing;
    it sends the pause to each task, and reads only those answered 204 (paused already) to see whether this
    window (an earlier run) or someone else holds them. In check mode it reads each such task instead and sends
    no write.
  - V(resume) finds, within the environment and workspace of each selector (the whole account for a selector that
    gives neither) and among the explicit ids, the tasks and plans still paused with that exact marker, and
    resumes the tasks then the plans.
  - With O(drain), the V(pause) phase then waits until no execution of the tasks the window holds is in flight,
    printing each poll, and applies O(drain_on_timeout) when O(drain_timeout) passes.
  - Every id is attempted; the module then fails if any id failed or a step stopped the phase (an unknown
    environment, an ambiguous name, an explicit id that does not exist, runs still in flight at the drain's
    timeout with O(drain_on_timeout=fail)), after writing the report, with a message that says what to run next.
  - Adds the record of the run to the window report in O(report_dir), once after the pause or resume calls and
    again after the drain, so that a play killed during a long drain still leaves the record.
author:
  - talend_ops.cloud maintainers (@talend-ops)
extends_documentation_fragment:
  - talend_ops.cloud._tmc
  - talend_ops.cloud._attributes
attributes:
  check_mode:
    support: full
    details: Reads the selection and each state to change with C(GET), polls the runs in flight once, sends no
      C(PUT) or C(DELETE) and writes no report.
  diff_mode:
    support: none
  action:
    description: Indicates this has a corresponding action plugin, so some parts of the options can be executed on
      the controller.
    support: full
    details: The engine runs in the controller's worker process; the task's C(environment) applies to the
      C(TALEND_*) variables.
  action_group:
    support: full
    membership:
      - talend_ops.cloud.talend
options:
  window_id:
    description: Id of the window, C(^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$), for example a change number.
    type: str
    required: true
  phase:
    description: Which phase to run.
    type: str
    required: true
    choices: [plan, pause, resume]
  reason:
    description: Human text put before the marker in each C(pauseContext) (V(pause); V(plan) checks it).
    type: str
    default: Paused for a maintenance window
  selectors:
    description:
      - Selectors of tasks (and, with O(selectors[].include_plans), plans); the union of all of them and the
        explicit ids is paused. Within one selector every given key must match.
      - V(resume) uses only O(selectors[].environment) and O(selectors[].workspace).
    type: list
    elements: dict
    default: []
    suboptions:
      environment:
        description: Environment id or exact name.
        type: str
      workspace:
        description: Workspace id or exact name.
        type: str
      name:
        description: Exact task name.
        type: str
      tags:
        description: Tags that must all be on the task.
        type: list
        elements: str
      scheduled_from:
        description:
          - Start of a scheduling window, ISO 8601 with a UTC offset; only what has a scheduled run between
            O(selectors[].scheduled_from) and O(selectors[].scheduled_to) is selected. A YAML timestamp is
            accepted.
        type: raw
      scheduled_to:
        description: End of the scheduling window, ISO 8601 with a UTC offset.
        type: raw
      include_plans:
        description: Select the plans of the selector's scope as well (see M(talend_ops.cloud.talend_task_info)).
        type: bool
        default: false
  task_ids:
    description: Explicit task ids, in addition to what the selectors pick.
    type: list
    elements: str
    default: []
  plan_ids:
    description: Explicit plan ids, in addition to what the selectors pick.
    type: list
    elements: str
    default: []
  drain:
    description: V(pause) only; after pausing, wait until no execution of the tasks the window holds is in flight.
    type: bool
    default: false
  drain_timeout:
    description: Seconds to wait for the runs in flight (0 or more).
    type: int
    default: 1800
  drain_interval:
    description: Seconds between two polls of the runs in flight (1 or more); also between two reads of runs while
      a resume wave is watched or catch-up runs wait for a free slot.
    type: int
    default: 30
  drain_on_timeout:
    description:
      - What to do when runs are still in flight after O(drain_timeout).
      - V(fail) fails the phase before the maintenance (the tasks stay paused), V(continue) goes on, V(stop) stops
        those executions (C(DELETE /processing/executions/{id})).
    type: str
    choices: [fail, continue, stop]
    default: fail
  report_dir:
    description:
      - Directory of the window report, created with mode C(0700) when missing; it must be writable, checked before
        any request. Not given or empty, no report is written.
      - The report (format 2) is C(<window_id>.json), an index (C(report_version), C(window_id), C(updated),
        C(summary), and C(runs), one entry per run with C(number), C(file), C(phase), C(started), C(finished),
        C(outcome), C(error), C(reason), C(marker), C(counts)); C(<window_id>.runs/<NNNN>-<phase>.json), the full
        record of each run (C(file) of its entry, relative to O(report_dir)); and C(<window_id>.md). A run writes only
        its own run file, the index and the Markdown. A report of format 1 (every run inline) is converted on the
        first write.
    type: path
  tenant:
    description:
      - Name of the tenant when a window spans several; the report files are then C(<window_id>.<tenant>.json),
        C(.runs/) and C(.md). Same rule as O(window_id).
    type: str
  window_start:
    description:
      - Start of the planned window, ISO 8601 with a UTC offset (C(2026-11-29T01:00:00Z)); a YAML timestamp is
        accepted. Required for V(plan); checked whenever given.
    type: raw
  window_end:
    description:
      - End of the planned window, ISO 8601 with a UTC offset, after O(window_start) and not in the past. Required
        for V(plan).
    type: raw
  catch_up:
    description:
      - V(resume) only. V(once) starts, after each task is resumed, one run (C(POST /processing/executions)) of each
        resumed task that skipped at least one scheduled run during the window (the skipped-run ledger, report key
        C(skipped_runs)); every started execution id is in the report (C(catch_up)). A run the API refuses (405,
        409, a 5xx after the retries) is reported and does not stop the others.
      - Plans get no catch-up run (a plan runs its tasks again); their skipped runs are listed.
      - A resume run again after one killed mid-catch-up never starts a second run for a task that got one; it
        finds the earlier C(MANUAL) run through the API.
    type: str
    choices: [none, once]
    default: none
  catch_up_concurrency:
    description:
      - Most catch-up runs in flight at once (1 to 200); when that many run, their status is read every
        O(drain_interval) seconds until one ends.
    type: int
    default: 20
  resume_wave_size:
    description:
      - V(resume) only. Tasks per resume wave, soonest-due first (next scheduled run from the events search); 0
        resumes every task at once. Plans come back after the last wave of tasks.
    type: int
    default: 0
  resume_wave_interval:
    description:
      - Seconds each wave's tasks' runs are watched (read every O(drain_interval) seconds) before the next wave.
        The last wave is not watched when nothing follows it.
    type: int
    default: 300
  resume_max_failed_runs:
    description:
      - The gate between waves; needs O(resume_wave_size). When more runs of a wave's tasks than this failed since
        the wave began, the resume stops, the later waves keep the marker and the phase fails; running the resume
        phase again continues with them. Not given, no gate.
    type: int
notes:
  - Bad input (window id, reason, ids, selectors, schedule windows, a selector's schedule window wholly in the
    past, the planned window, drain settings, report directory, connection options) fails before any request,
    naming every problem at once.
seealso:
  - module: talend_ops.cloud.talend_task_info
  - module: talend_ops.cloud.talend_task_pause
  - name: Role talend_ops.cloud.maintenance_window
    description: Runs this module for each phase and tells what to do next.
    link: https://github.com/talend-ops/cloud/tree/main/roles/maintenance_window
"""

EXAMPLES = r"""
- name: Forecast window CHG0042 before the change board (read-only), plan files in ./reports
  talend_ops.cloud.talend_window_phase:
    window_id: CHG0042
    phase: plan
    window_start: "2030-11-29T01:00:00+00:00"
    window_end: "2030-11-29T03:00:00+00:00"
    selectors:
      - environment: Production
        include_plans: true
    report_dir: reports
  register: planned

- name: Say what the window will hold, skip and wait for
  ansible.builtin.debug:
    msg: "{{ planned.plan_messages }}"

- name: Pause everything in Production for window CHG0042, wait for the runs in flight, report in ./reports
  talend_ops.cloud.talend_window_phase:
    window_id: CHG0042
    phase: pause
    reason: DB upgrade
    selectors:
      - environment: Production
        include_plans: true
    drain: true
    drain_timeout: 0          # look once and go on; the role waits up to 30 minutes by default
    drain_on_timeout: continue
    report_dir: reports
  register: paused

- name: Say what happened
  ansible.builtin.debug:
    msg: "{{ paused.messages }}"

- name: Resume what window CHG0042 paused
  talend_ops.cloud.talend_window_phase:
    window_id: CHG0042
    phase: resume
    selectors:
      - environment: Production
    report_dir: reports
"""

RETURN = r"""
messages:
  description: What the phase did, for people (selectors that select nothing, what was left alone, paused, resumed).
  returned: always
  type: list
  elements: str
  sample: ["Window CHG0042: paused 2 task(s): Load GL, Load AP and 0 plan(s). The window holds 2 task(s) and 0 plan(s) paused."]
selection_messages:
  description: The lines of RV(messages) about the selection (what selects nothing, what is left alone or held already).
  returned: always
  type: list
  elements: str
finding_messages:
  description: The lines of RV(messages) about the checks after the writes, one per class of finding (writes read
    back, runs that started on held tasks, drift, skipped runs, tasks that will not run again on their own).
  returned: always
  type: list
  elements: str
phase_message:
  description: The line of RV(messages) that says what was paused or resumed; empty when nothing was due.
  returned: always
  type: str
report_message:
  description: The line of RV(messages) that says where the report is; empty without O(report_dir).
  returned: always
  type: str
error:
  description: "The step that stopped the phase and why, C(<step>: <message>); null when none did."
  returned: always
  type: str
outcome:
  description: V(succeeded), or V(failed) when a step stopped the phase or an id failed.
  returned: always
  type: str
started:
  description: When the phase started (ISO 8601), the C(started) of its record in the report.
  returned: always
  type: str
counts:
  description: Counts of this run as in the report, C({tasks, plans}), each C({selected, attempted, paused, held,
    left_alone, resumed, already_active, failed, not_attempted, window_holds}).
  returned: always
  type: dict
failures:
  description: Tasks and plans that failed or were not attempted, C([{kind, id, name, result, status, message,
    request_id}]).
  returned: always
  type: list
  elements: dict
summary:
  description: C({status, all_back}) of the report after this run (C(status) V(paused), V(pause incomplete),
    V(resumed) or V(resume incomplete)).
  returned: always
  type: dict
json_path:
  description: Path of the JSON report (its index; the run files are in C(<window_id>.runs/) beside it).
  returned: when O(report_dir) is given
  type: str
markdown_path:
  description: Path of the Markdown summary.
  returned: when O(report_dir) is given
  type: str
paused_task_ids:
  description: V(pause) only; every task the window holds paused, now or by an earlier run (in check mode, would hold).
  returned: always
  type: list
  elements: str
paused_plan_ids:
  description: V(pause) only; the same for plans.
  returned: always
  type: list
  elements: str
resumed_task_ids:
  description: V(resume) only; the tasks resumed by this run.
  returned: always
  type: list
  elements: str
resumed_plan_ids:
  description: V(resume) only; the plans resumed by this run.
  returned: always
  type: list
  elements: str
failed_ids:
  description: Ids that could not be paused or resumed.
  returned: always
  type: list
  elements: str
plan_messages:
  description: V(plan) only; the summary of the forecast, for people (selection, skipped runs, runs going at the
    start and the drain timeout to use, cost, preflight).
  returned: when O(phase=plan)
  type: list
  elements: str
plan:
  description: V(plan) only; the counts of the forecast, C({window_id, start, end, tasks_to_pause, plans_to_pause,
    tasks_held, plans_held, paused_by_others, skipped_runs, in_flight, suggested_drain_timeout,
    pause_requests, pause_seconds_at_rate_limit, resume_requests, plan_requests, error}) (times in epoch
    milliseconds, durations in seconds).
  returned: when O(phase=plan)
  type: dict
requests_sent:
  description: V(plan) only; every request the plan sent, by operation, for example C(GET /orchestration/environments)
    with its count.
  returned: when O(phase=plan)
  type: dict
plan_markdown_path:
  description: V(plan) only; path of C(<window_id>.plan.md).
  returned: when O(phase=plan) and O(report_dir) is given, not in check mode
  type: str
plan_html_path:
  description: V(plan) only; path of the self-contained C(<window_id>.plan.html).
  returned: when O(phase=plan) and O(report_dir) is given, not in check mode
  type: str
drain:
  description: V(pause) with O(drain); C({held_tasks, polls, elapsed_seconds, still_running, on_timeout, stopped,
    ended_before_stop, stop_failures, error}), as in the report; null without a drain.
  returned: always
  type: dict
stats:
  description: What the role hands to C(ansible.builtin.set_stats) for the next job of an AWX workflow,
    C({maintenance_window_id, maintenance_window_stats{phase, outcome, status, tasks, plans, report}}); for
    V(plan) C({maintenance_window_id, maintenance_window_plan}) with RV(plan).
  returned: always
  type: dict
"""
