# SPDX-License-Identifier: GPL-3.0-or-later
"""Read a window report the way a test wants it: the index with every run's full record in ``runs``.

Shared by the unit tests (``tests/e2e`` is on pytest's ``pythonpath``) and the end-to-end tests. It reads the files
itself, not through the collection's code, so that a test checks the format on disk, not the reader under test.
"""

from __future__ import annotations

import json
from pathlib import Path


def read_report(path) -> dict:
    """The report whose JSON file (the index) is ``path``, its ``runs`` replaced by the full run records.

    Format 2: each index entry's ``file`` (relative to the report's directory) is read; its ``phase`` and ``started``
    must be the record's (a test fails on an index entry that points at another run's file; the other keys of the
    last entry may lag its file by one step when a run was killed between the two writes). Format 1 (runs inline):
    the document as it is.

    :param path: ``Path`` or str of ``<dir>/<window id>[.<tenant>].json``.
    :raises FileNotFoundError: the index or a run file is missing. :raises AssertionError: an entry disagrees.
    """
    path = Path(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("report_version") != 2:
        return document
    runs = []
    for entry in document["runs"]:
        run = json.loads((path.parent / entry["file"]).read_text(encoding="utf-8"))
        for key, value in entry.items():
            if key in ("phase", "started"):
                assert run.get(key) == value, "index entry %d says %s=%r, its run file %r" % (
                    entry["number"], key, value, run.get(key))
        runs.append(run)
    return dict(document, runs=runs)
