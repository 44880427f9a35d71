# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""Where the window report lives: an index, one file per run, a Markdown summary (report format 2).

    <dir>/<id>[.<tenant>].json                      index: {report_version: 2, window_id, updated, summary,
                                                     runs: [{number, file, phase, started, finished, outcome,
                                                     error, reason, marker, counts}]}
    <dir>/<id>[.<tenant>].runs/<NNNN>-<phase>.json  the full record of one run (``_tmc_window_report.build_run``)
    <dir>/<id>[.<tenant>].md                        the summary for people (``_tmc_window_markdown``)

A step of a run rewrites only that run's file, then the index, then the Markdown: the cost of a step does not
grow with the runs before it, and an earlier run's file is never written again. The summary of the earlier runs
is kept in the index and the current run folded into it (``add_to_summary``). The earlier runs are read only by
:meth:`WindowReport.earlier_runs`, one file at a time. Every file is written atomically (``write_atomically``),
mode 0600, in a directory of mode 0700.

A report of format 1 (every run inline in ``<id>.json``, written by the collection before this format) is read
as it is, and converted on the first write of a run: each of its runs to its run file, then the index.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_files import ensure_private_directory, write_atomically
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_time import utc_now
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_token_cache import default_cache_dir
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_markdown import render_markdown
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_report import (
    FAILED,
    NOT_ATTEMPTED,
    UNKNOWN,
    add_to_summary,
    kept_summary,
    run_header,
    summarize,
    valid_run,
)

REPORT_VERSION = 2
RUN_FILE = re.compile(r"^(\d{4,})-(pause|resume)\.json$")
SUMMARY_KEYS = ("paused_by_window", "resumed")


def report_paths(directory, window_id, tenant=None) -> tuple:
    """``(json path, markdown path)`` of a window's report: ``<id>.json`` or, for a tenant, ``<id>.<tenant>.json``
    (the index), and the Markdown beside it. The run files are in :func:`runs_directory`.

    :param directory: the report directory (``~`` expanded here). :param window_id: a checked window id.
    :param tenant: a checked tenant name, or None.
    """
    stem = os.path.join(os.path.abspath(os.path.expanduser(directory)), window_id + ("." + tenant if tenant else ""))
    return stem + ".json", stem + ".md"


def runs_directory(json_path) -> str:
    """The directory of the run files of the report whose index is ``json_path``: ``<id>[.<tenant>].runs``."""
    return json_path[:-len(".json")] + ".runs"


def _valid_header(header, runs_dir_name) -> bool:
    if not isinstance(header, dict) or not isinstance(header.get("number"), int) or not isinstance(
            header.get("counts"), dict) or header.get("phase") not in ("pause", "resume"):
        return False
    folder, dummy, name = str(header.get("file")).partition("/")
    match = RUN_FILE.match(name)
    return folder == runs_dir_name and bool(match) and match.group(2) == header["phase"]


def load_report(path, window_id) -> tuple:
    """Read the index of a report (format 2) or a whole report of format 1.

    :param path: the report's JSON file. :param window_id: the window it must be a report of.
    :returns: ``(document or None, problem text or None)``; ``(None, None)`` when there is no file. A file that is
        not a report of ``window_id`` (not JSON, another window, runs of another shape) gives a problem and no
        document; :class:`WindowReport` sets it aside.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as exc:
        return None, "%s could not be read (%s)" % (path, type(exc).__name__)
    runs = document.get("runs") if isinstance(document, dict) else None
    if not isinstance(document, dict) or document.get("window_id") != window_id or not isinstance(runs, list):
        return None, "%s is not a report of window %s" % (path, window_id)
    if document.get("report_version") == REPORT_VERSION:
        name = os.path.basename(runs_directory(path))
        summary = document.get("summary")
        valid = isinstance(summary, dict) and all(isinstance(summary.get(k), dict) for k in SUMMARY_KEYS) and all(
            _valid_header(h, name) for h in runs)
    else:
        valid = all(valid_run(run) for run in runs)
    return (document, None) if valid else (None, "%s is not a report of window %s" % (path, window_id))


def _json_writer(document):
    """A writer for :func:`write_atomically`: ``document`` as indented JSON and a newline, encoded as it is written."""
    def write(handle):
        json.dump(document, handle, indent=2, sort_keys=False)
        handle.write("\n")
    return write


class WindowReport:
    """The report of one window on this machine: read once (:meth:`load`), written once per step of a run.

    The first :meth:`record` of a run adds the run (a new run file and an entry in the index); each later one
    replaces that run's file and entry, so that a play killed between two steps leaves the record of every step done.

    :param directory: report directory (checked writable before any request), or None: nothing is written.
    :param window_id: checked window id. :param tenant: tenant name or None. :param check_mode: write nothing.
    """

    def __init__(self, directory, window_id, tenant=None, check_mode=False):
        self.window_id, self.check_mode = window_id, check_mode
        self.json_path = self.markdown_path = self.runs_path = None
        self._runs_name = window_id + ("." + tenant if tenant else "") + ".runs"
        if directory:
            self.json_path, self.markdown_path = report_paths(directory, window_id, tenant)
            self.runs_path = runs_directory(self.json_path)
        self.document, self.warnings = None, []
        self._loaded, self._headers, self._summary, self._inline, self._current = False, [], None, None, None

    @property
    def written(self) -> bool:
        """True when the report files are written (a directory, and not check mode)."""
        return bool(self.json_path) and not self.check_mode

    def lock(self) -> bool:
        """Hold an exclusive lock on the report for this run, so that two runs of one window on one controller never
        interleave their records. The lock file lives in the user's private cache directory (named by a hash of the
        report's path), not beside the report. Released by :meth:`unlock` or when the process ends.

        :returns: False when another run holds it. :raises OSError: the lock file cannot be made.
        """
        if not self.written:
            return True
        ensure_private_directory(default_cache_dir())
        digest = hashlib.sha256(self.json_path.encode("utf-8")).hexdigest()[:24]
        path = os.path.join(default_cache_dir(), "window-%s.lock" % digest)
        self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            self._lock_fd = None
            return False
        return True

    def unlock(self) -> None:
        """Release the lock of :meth:`lock`."""
        if getattr(self, "_lock_fd", None) is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def load(self) -> None:
        """Read the index (or a report of format 1) once; later calls do nothing. A file that is not a report of this
        window is renamed ``<file>.unreadable-<time>`` (when writing) and named in :attr:`warnings`; the report then
        starts anew.

        :raises OSError: the file cannot be set aside.
        """
        if self._loaded or not self.json_path:
            self._loaded = True
            return
        document, problem = load_report(self.json_path, self.window_id)
        if problem and self.written:
            aside = "%s.unreadable-%s" % (self.json_path, utc_now().replace(":", ""))
            os.replace(self.json_path, aside)
            self.warnings.append("%s; it was kept as %s and a new report started." % (problem, aside))
        self._loaded = True
        if document is None:
            return
        if document.get("report_version") == REPORT_VERSION:
            self._headers, self._summary = list(document["runs"]), kept_summary(document["summary"])
            return
        self._inline = [(run_header(n, self._run_file(n, run["phase"]), run), run)
                        for n, run in enumerate(document["runs"], 1)]
        self._headers = [header for header, dummy in self._inline]
        self._summary = summarize(run for dummy, run in self._inline) if self._inline else None

    def _run_file(self, number, phase) -> str:
        return "%s/%04d-%s.json" % (self._runs_name, number, phase)

    def earlier_runs(self):
        """The runs of this window recorded before this run, in order, one at a time (a run file is read when its
        turn comes, and let go before the next one).

        :returns: an iterator of ``(entry, run, problem)``: ``entry`` is the run's entry in the index (``number``,
            ``file``, ``phase``, ...), ``run`` its full record, or None when its file is missing or unreadable;
            ``problem`` then says why (and :attr:`warnings` names the file).
        """
        self.load()
        if self._inline is not None:
            yield from ((header, run, None) for header, run in self._inline)
            return
        for header in self._headers:
            path = os.path.join(os.path.dirname(self.json_path), header["file"])
            try:
                with open(path, encoding="utf-8") as handle:
                    run = json.load(handle)
                problem = None if valid_run(run) and run["phase"] == header["phase"] else "not a run record"
            except FileNotFoundError:
                run, problem = None, "missing"
            except (OSError, ValueError) as exc:
                run, problem = None, "unreadable (%s)" % type(exc).__name__
            if problem:
                self.warnings.append("Run %d (%s) of the report %s: its file %s is %s." % (
                    header["number"], header["phase"], self.json_path, path, problem))
                run = None
            yield header, run, problem

    def record(self, run) -> dict:
        """Write ``run`` (a ``build_run`` record) as the current run: its run file, then the index, then the
        Markdown (a report of format 1 is converted first). Nothing is written in check mode or without a directory.

        :returns: the index (dict, also :attr:`document`). :raises OSError: a file cannot be written.
        """
        self.load()
        if self._current is None:
            self._current = max([h["number"] for h in self._headers] + self._numbers_on_disk() + [0]) + 1
        header = run_header(self._current, self._run_file(self._current, run["phase"]), run)
        self.document = {"report_version": REPORT_VERSION, "window_id": self.window_id, "updated": run["finished"],
                         "summary": add_to_summary(self._summary, run), "runs": self._headers + [header]}
        if self.written:
            ensure_private_directory(self.runs_path)
            for old_header, old_run in self._inline or ():
                write_atomically(self._path(old_header), _json_writer(old_run))
            self._inline = None
            write_atomically(self._path(header), _json_writer(run))
            write_atomically(self.json_path, _json_writer(self.document))
            problems = [(k[:-1], r) for k in ("tasks", "plans") for r in run[k]
                        if r["result"] in (FAILED, NOT_ATTEMPTED, UNKNOWN)]
            write_atomically(self.markdown_path, render_markdown(self.document, run, problems))
        return self.document

    def _path(self, header) -> str:
        return os.path.join(os.path.dirname(self.json_path), header["file"])

    def _numbers_on_disk(self) -> list:
        """Numbers of the run files already in the runs directory (a run killed before its index entry was written
        left one: the next run takes a number after it, never its file)."""
        if not self.written or not os.path.isdir(self.runs_path):
            return []
        return [int(m.group(1)) for m in map(RUN_FILE.match, os.listdir(self.runs_path)) if m]
