# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""What a window phase is asked to do: the ``argument_spec`` of ``talend_window_phase`` and every check of its
input, made before any request, listing every problem at once (:func:`check_request`).

Messages name the role's variables (``maintenance_window_*``): the role passes them in unchanged, and the
operator reads the message next to the variables they set.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_executables import ID_RULE, check_ids, invalid_ids
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_schedule import ISO_EXAMPLE, parse_instant, parse_window
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_selection import selector_options
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_end import reason_with_end
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_marker import (
    DEFAULT_REASON,
    WINDOW_ID_RE,
    Window,
    check_reason,
)

PHASES = ("plan", "pause", "resume")
READS_SELECTORS = ("plan", "pause")
"""Phases that read the selectors (names, tags, schedule windows) and the reason: the plan forecasts the pause."""
DRAIN_POLICIES = ("fail", "continue", "stop")
CATCH_UP_MODES = ("none", "once")
CATCH_UP_MAX_CONCURRENCY = 200
"""Most runs in flight the account allows (DESIGN.md): the most catch-up runs one phase keeps in flight."""
NOTHING_SENT = "Nothing was changed: no request was sent."


def window_argument_spec() -> dict:
    """``argument_spec`` of ``talend_window_phase`` without the connection options (``tmc_argument_spec``)."""
    return dict(
        window_id=dict(type="str", required=True),
        phase=dict(type="str", required=True, choices=list(PHASES)),
        reason=dict(type="str", default=DEFAULT_REASON),
        selectors=dict(type="list", elements="dict", default=[], options=selector_options()),
        task_ids=dict(type="list", elements="str", default=[]),
        plan_ids=dict(type="list", elements="str", default=[]),
        drain=dict(type="bool", default=False),
        drain_timeout=dict(type="int", default=1800),
        drain_interval=dict(type="int", default=30),
        drain_on_timeout=dict(type="str", default="fail", choices=list(DRAIN_POLICIES)),
        report_dir=dict(type="path"),
        tenant=dict(type="str"),
        window_start=dict(type="raw"),
        window_end=dict(type="raw"),
        catch_up=dict(type="str", default="none", choices=list(CATCH_UP_MODES)),
        catch_up_concurrency=dict(type="int", default=20),
        resume_wave_size=dict(type="int", default=0),
        resume_wave_interval=dict(type="int", default=300),
        resume_max_failed_runs=dict(type="int"),
    )


def _text(value):
    """A bound of a schedule window as text (a YAML timestamp becomes its text), None when not given."""
    return None if value in (None, "") else str(value).strip()


@dataclass(frozen=True)
class Selector:
    """One selector of the window (every given key must match).

    :param environment: environment id or exact name, or None; ``workspace``, ``name`` the same.
    :param tags: tuple of str, all must be on the task.
    :param scheduled_from: ISO 8601 with offset (str) or None; ``scheduled_to`` the same.
    :param include_plans: select the plans of the scope too.
    """

    environment: str | None = None
    workspace: str | None = None
    name: str | None = None
    tags: tuple = ()
    scheduled_from: str | None = None
    scheduled_to: str | None = None
    include_plans: bool = False

    @classmethod
    def from_option(cls, option) -> "Selector":
        """A selector from an element of the ``selectors`` option (dict; empty strings count as not given)."""
        option = option or {}
        return cls(environment=option.get("environment") or None, workspace=option.get("workspace") or None,
                   name=option.get("name") or None, tags=tuple(option.get("tags") or ()),
                   scheduled_from=_text(option.get("scheduled_from")), scheduled_to=_text(option.get("scheduled_to")),
                   include_plans=bool(option.get("include_plans")))

    def given(self) -> dict:
        """The keys that were given (for messages), e.g. ``{"environment": "Production"}``."""
        out = {"environment": self.environment, "workspace": self.workspace, "name": self.name,
               "tags": list(self.tags), "scheduled_from": self.scheduled_from, "scheduled_to": self.scheduled_to,
               "include_plans": self.include_plans}
        return {k: v for k, v in out.items() if v not in (None, "", [], False)}

    def filters(self) -> dict:
        """Keyword arguments of ``_tmc_selection.select_executables`` for this selector."""
        return dict(environment=self.environment, workspace=self.workspace, name=self.name,
                    tags=list(self.tags) or None, scheduled_from=self.scheduled_from, scheduled_to=self.scheduled_to,
                    include_plans=self.include_plans)

    def scope(self) -> tuple:
        """``(environment, workspace)`` (None for what is not given): where the resume looks for the marker."""
        return self.environment, self.workspace


@dataclass(frozen=True)
class DrainSettings:
    """How the pause phase waits for the runs in flight.

    :param enabled: drain after pausing (bool). :param timeout: seconds (int >= 0).
    :param interval: seconds between two polls (int >= 1). :param on_timeout: ``fail``, ``continue`` or ``stop``.
    """

    enabled: bool = False
    timeout: int = 1800
    interval: int = 30
    on_timeout: str = "fail"


@dataclass(frozen=True)
class ResumeSettings:
    """How the resume phase brings the tasks back (catch-up runs, waves).

    :param catch_up: ``none`` or ``once``: one run of each resumed task that skipped a scheduled run.
    :param concurrency: most catch-up runs in flight at once (int, 1..:data:`CATCH_UP_MAX_CONCURRENCY`).
    :param wave_size: tasks per wave (int >= 0; 0 resumes every task at once).
    :param wave_interval: seconds each wave's runs are watched before the next wave (int >= 0).
    :param max_failed_runs: the gate: more failed runs of a wave's tasks than this stops the resume (int >= 0), or
        None for no gate.
    :param poll_interval: seconds between two reads of runs (the wave's watch, catch-up runs waiting for a free
        slot): ``maintenance_window_drain_interval`` (int >= 1).
    """

    catch_up: str = "none"
    concurrency: int = 20
    wave_size: int = 0
    wave_interval: int = 300
    max_failed_runs: int | None = None
    poll_interval: int = 30


def _resume_problems(settings) -> list:
    """Every problem of the resume settings (checked for the resume phase only)."""
    def whole(value, low):
        return isinstance(value, int) and not isinstance(value, bool) and value >= low

    problems = []
    if not (whole(settings.concurrency, 1) and settings.concurrency <= CATCH_UP_MAX_CONCURRENCY):
        problems.append("maintenance_window_catch_up_concurrency must be 1 to %d runs in flight (the account allows "
                        "%d), got %r." % (CATCH_UP_MAX_CONCURRENCY, CATCH_UP_MAX_CONCURRENCY, settings.concurrency))
    if not whole(settings.wave_size, 0):
        problems.append("maintenance_window_resume_wave_size must be 0 (every task at once) or more tasks per wave, "
                        "got %r." % (settings.wave_size,))
    if not whole(settings.wave_interval, 0):
        problems.append("maintenance_window_resume_wave_interval must be 0 or more seconds, got %r."
                        % (settings.wave_interval,))
    if settings.max_failed_runs is not None and not whole(settings.max_failed_runs, 0):
        problems.append("maintenance_window_resume_max_failed_runs must be 0 or more failed runs, got %r."
                        % (settings.max_failed_runs,))
    elif settings.max_failed_runs is not None and settings.wave_size == 0:
        problems.append("maintenance_window_resume_max_failed_runs is a gate between resume waves: set "
                        "maintenance_window_resume_wave_size too (e.g. 50), or leave the gate unset.")
    if (settings.wave_size or settings.catch_up != "none") and not whole(settings.poll_interval, 1):
        problems.append("maintenance_window_drain_interval (the seconds between two reads of runs: the waves' watch "
                        "and the catch-up runs) must be 1 or more, got %r." % (settings.poll_interval,))
    return problems


@dataclass(frozen=True)
class WindowRequest:
    """A checked request for one phase of a window (see :func:`check_request`).

    :param window: the :class:`Window`. :param phase: ``pause`` or ``resume``.
    :param reason: checked text put before the marker. :param selectors: tuple of :class:`Selector`.
    :param task_ids: checked explicit task ids (tuple of str); ``plan_ids`` the same for plans.
    :param drain: :class:`DrainSettings`. :param report_dir: directory of the report, or None for none.
    :param tenant: name of the tenant (report files ``<id>.<tenant>.json``), or None.
    :param start_ms: the planned window's start (``maintenance_window_start``), epoch ms, or None;
        ``end_ms`` its end. Both are set for the plan phase.
    :param resume: :class:`ResumeSettings` (resume phase: catch-up runs and waves).
    """

    window: Window
    phase: str
    reason: str
    selectors: tuple
    task_ids: tuple
    plan_ids: tuple
    drain: DrainSettings
    report_dir: str | None = None
    tenant: str | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    resume: ResumeSettings = ResumeSettings()

    @property
    def pausing(self) -> bool:
        """True for the pause phase."""
        return self.phase == "pause"

    @property
    def planning(self) -> bool:
        """True for the read-only plan phase."""
        return self.phase == "plan"


def _planned_window(params, phase, now_ms) -> tuple:
    """``(start_ms, end_ms, problems)`` of ``maintenance_window_start`` / ``_end``: required for the plan phase,
    checked whenever given (ISO 8601 with offset, the end after the start and not past)."""
    start, end = params.get("window_start"), params.get("window_end")
    start = None if start in (None, "") else start
    end = None if end in (None, "") else end
    problems, bounds = [], {}
    for option, value in (("maintenance_window_start", start), ("maintenance_window_end", end)):
        if value is None:
            if phase == "plan":
                problems.append("The plan phase needs %s, ISO 8601 with its UTC offset, e.g. %s." % (option, ISO_EXAMPLE))
            continue
        try:
            bounds[option] = parse_instant(value, option)
        except TalendConfigError as exc:
            problems.append(str(exc))
    start_ms, end_ms = bounds.get("maintenance_window_start"), bounds.get("maintenance_window_end")
    if start_ms is not None and end_ms is not None:
        if end_ms <= start_ms:
            problems.append("maintenance_window_end (%s) must be after maintenance_window_start (%s): swap them or fix "
                            "the dates." % (end, start))
        elif now_ms is not None and end_ms <= now_ms and phase in ("plan", "pause"):
            problems.append("The planned window %s to %s is wholly in the past: give the window to come." % (start, end))
    return start_ms, end_ms, problems


def _selector_problems(number, selector, phase, now_ms=None) -> list:
    label = "maintenance_window_selectors[%d] %s" % (number, selector.given() or "{}")
    has_from, has_to = selector.scheduled_from is not None, selector.scheduled_to is not None
    if not (selector.environment or selector.workspace or selector.name or selector.tags or has_from or has_to):
        return ["selector %d %s gives no environment, workspace, name, tags or scheduled_from/scheduled_to, so it "
                "would select every task of the account: narrow it." % (number, selector.given() or "{}")]
    if has_from != has_to:
        return ["selector %d (%s) needs both scheduled_from and scheduled_to (ISO 8601 with offset)." % (number, label)]
    if has_from and phase in READS_SELECTORS:
        try:
            bounds = parse_window(selector.scheduled_from, selector.scheduled_to)
        except TalendConfigError as exc:
            return ["selector %d: %s" % (number, exc)]
        if now_ms is not None and bounds[1] < now_ms:
            return ["selector %d: its schedule window %s to %s is wholly in the past, so it would select the tasks "
                    "that ran then, not those of the window to come: give the window to come (scheduled_from and "
                    "scheduled_to, ISO 8601 with offset)." % (number, selector.scheduled_from, selector.scheduled_to)]
    return []


def check_request(params, now_ms=None) -> WindowRequest:
    """Check every option of a window phase before any request; list every problem at once.

    :param params: validated ``argument_spec`` values of :func:`window_argument_spec` (dict).
    :param now_ms: the time now, epoch ms, to refuse windows wholly in the past (None: not checked).
    :returns: a :class:`WindowRequest`.
    :raises TalendConfigError: one message naming every problem, ending with :data:`NOTHING_SENT`.
    """
    problems, window, reason, task_ids, plan_ids = [], None, DEFAULT_REASON, (), ()
    try:
        window = Window(params["window_id"])
    except TalendConfigError as exc:
        problems.append(str(exc))
    phase = params["phase"]
    if phase in READS_SELECTORS:
        try:
            reason = check_reason(params.get("reason"))
        except TalendConfigError as exc:
            problems.append(str(exc))
    selectors = tuple(Selector.from_option(s) for s in params.get("selectors") or [])
    if not selectors and not params.get("task_ids") and not params.get("plan_ids"):
        problems.append("The window names nothing to %s: give maintenance_window_selectors (e.g. "
                        "[{\"environment\": \"Production\"}]), maintenance_window_tasks or maintenance_window_plans."
                        % phase)
    bad = invalid_ids(list(params.get("task_ids") or []) + list(params.get("plan_ids") or []))
    if bad:
        problems.append("maintenance_window_tasks / maintenance_window_plans hold invalid task or plan id(s) %s: %s."
                        % (", ".join(repr(b) for b in bad), ID_RULE))
    else:
        task_ids = tuple(check_ids(params.get("task_ids"), "task"))
        plan_ids = tuple(check_ids(params.get("plan_ids"), "plan"))
    for number, selector in enumerate(selectors, 1):
        problems += _selector_problems(number, selector, phase, now_ms)
    start_ms, end_ms, window_problems = _planned_window(params, phase, now_ms)
    problems += window_problems
    if phase == "pause" and end_ms is not None and not window_problems:
        try:  # the planned end goes before the marker, so that talend_window_info can flag an overdue window
            reason = reason_with_end(reason, params.get("window_end"))
        except TalendConfigError as exc:
            problems.append(str(exc))
    drain = DrainSettings(bool(params.get("drain")), params.get("drain_timeout"), params.get("drain_interval"),
                          params.get("drain_on_timeout") or "fail")
    if phase in READS_SELECTORS and drain.enabled and not (
            isinstance(drain.timeout, int) and drain.timeout >= 0 and isinstance(drain.interval, int)
            and drain.interval >= 1):
        problems.append("maintenance_window_drain_timeout must be 0 or more seconds and "
                        "maintenance_window_drain_interval 1 or more seconds, got %r and %r."
                        % (drain.timeout, drain.interval))
    resume = ResumeSettings(
        catch_up=params.get("catch_up") or "none", concurrency=params.get("catch_up_concurrency", 20),
        wave_size=params.get("resume_wave_size", 0), wave_interval=params.get("resume_wave_interval", 300),
        max_failed_runs=params.get("resume_max_failed_runs"), poll_interval=params.get("drain_interval", 30))
    if phase == "resume":
        problems += _resume_problems(resume)
    tenant = params.get("tenant") or None
    if tenant is not None and not WINDOW_ID_RE.fullmatch(tenant):
        problems.append("maintenance_window_tenant %r is not a usable tenant name (it names the report files): use "
                        "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit." % (tenant,))
    if problems:
        raise TalendConfigError(" ".join(problems) + " " + NOTHING_SENT)
    return WindowRequest(window=window, phase=phase, reason=reason, selectors=selectors, task_ids=task_ids,
                         plan_ids=plan_ids, drain=drain, report_dir=params.get("report_dir") or None, tenant=tenant,
                         start_ms=start_ms, end_ms=end_ms, resume=resume)
