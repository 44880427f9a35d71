# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the end-to-end tests, importable from any test tree (pytest.ini puts tests/e2e on the path):
the repository root, the emulator's sample data and demo PAT, an :class:`Emulator` admin handle,
:func:`ansible_command` and :func:`run_playbook`. The fixtures are in tests/e2e/conftest.py.

The ansible commands are those beside the Python running the tests (so ``.build/matrix/2.16/venv/bin/python -m
pytest`` runs them on ansible-core 2.16), unless ``TALEND_E2E_ANSIBLE_BIN_DIR`` names another folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA = ROOT / "tests" / "emulator" / "data" / "sample.json"
DEMO_PAT = "emulator-demo-pat"
ANSIBLE_BIN_DIR_ENV = "TALEND_E2E_ANSIBLE_BIN_DIR"


def ansible_command(name: str = "ansible-playbook") -> str:
    """Path of an ansible command (``ansible-playbook``, ``ansible-doc``, ...) for the end-to-end tests.

    :param name: the command's file name.
    :returns: ``$TALEND_E2E_ANSIBLE_BIN_DIR/<name>`` when that variable is set, else the one beside
        ``sys.executable``.
    """
    return str(Path(os.environ.get(ANSIBLE_BIN_DIR_ENV) or Path(sys.executable).parent) / name)


class Emulator:
    """Handle on a running emulator: its URL and its admin API (``/_emulator/...``)."""

    def __init__(self, url):
        self.url = url
        self.http = requests.Session()

    def admin(self, method, path, **kwargs):
        """Call an admin endpoint, e.g. ``admin("POST", "reset")``; returns the JSON body or None."""
        response = self.http.request(method, "%s/_emulator/%s" % (self.url, path), timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content and "json" in response.headers.get("Content-Type", "") else None

    def state(self):
        """The emulator's whole state (tasks, plans, executions, ...)."""
        return self.admin("GET", "state")

    def tasks(self):
        """Tasks of the state as ``{id: task}``."""
        tasks = self.state()["tasks"]
        return {t["id"]: t for t in tasks} if isinstance(tasks, list) else tasks

    def requests_log(self):
        """Request counters of the emulator."""
        return self.admin("GET", "requests")


def run_playbook(env, playbook, extra_vars=None, *args, check=True, timeout=300):
    """Run ``ansible-playbook`` and return the ``CompletedProcess`` (stdout and stderr as text).

    :param env: environment, usually the ``ansible_env`` fixture.
    :param playbook: path of the playbook.
    :param extra_vars: dict passed as one JSON ``-e``.
    :param check: raise AssertionError with the output when the exit code is not 0.
    """
    cmd = [ansible_command("ansible-playbook"), "-i", "localhost,", str(playbook)]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    cmd += list(args)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=str(ROOT), check=False)
    if check and proc.returncode != 0:
        raise AssertionError("ansible-playbook failed (rc=%s):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr))
    return proc
