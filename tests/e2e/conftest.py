# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end fixtures: one emulator per test session (reset before each test) and ansible-playbook runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DATA = ROOT / "tests" / "emulator" / "data" / "sample.json"
DEMO_PAT = "emulator-demo-pat"


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


@pytest.fixture(scope="session")
def prism_proxy():
    """With ``TMC_E2E_VIA_PRISM=1``: Prism's validating proxy (vendor spec) in front of the emulator, else None."""
    from prism_proxy import e2e_prism
    from vendor_spec import spec_path

    proxy = e2e_prism(spec_path())
    yield proxy
    if proxy is not None:
        proxy.stop()


@pytest.fixture(scope="session")
def emulator_server(prism_proxy):
    """Start the emulator once for the test session, on a free loopback port (Prism in front when asked)."""
    from prism_proxy import start_emulator_for_e2e
    from tmc_emulator.server import start_in_thread

    handle = start_emulator_for_e2e(start_in_thread, prism_proxy, data_path=str(SAMPLE_DATA))
    yield handle
    handle.stop()


@pytest.fixture
def emulator(emulator_server):
    """The session's emulator, reset to its sample data before the test."""
    emu = Emulator(emulator_server.url)
    emu.admin("POST", "reset", json={"data_path": str(SAMPLE_DATA)})
    return emu


@pytest.fixture
def ansible_env(emulator, tmp_path, prism_proxy):
    """Environment for ansible-playbook: the collection on the path, the emulator (or Prism in front of it) and a PAT.

    Through Prism, the test fails at teardown when Prism found a request or answer off the vendor spec.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALEND_", "ANSIBLE_"))}
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".build" / "collections"),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
        "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),  # the role's default report directory lives below it
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),  # the modules' shared request window lives below it
        "ANSIBLE_FORCE_COLOR": "false",
        "ANSIBLE_NOCOLOR": "true",
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
        "TALEND_API_URL": prism_proxy.url if prism_proxy else emulator.url,
        "TALEND_TOKEN": DEMO_PAT,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
    })
    mark = prism_proxy.mark() if prism_proxy else 0
    yield env
    if prism_proxy:
        prism_proxy.assert_no_violations(mark)


def run_playbook(env, playbook, extra_vars=None, *args, check=True, timeout=300):
    """Run ``ansible-playbook`` and return the ``CompletedProcess`` (stdout and stderr as text).

    :param env: environment, usually the ``ansible_env`` fixture.
    :param playbook: path of the playbook.
    :param extra_vars: dict passed as one JSON ``-e``.
    :param check: raise AssertionError with the output when the exit code is not 0.
    """
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(playbook)]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    cmd += list(args)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=str(ROOT), check=False)
    if check and proc.returncode != 0:
        raise AssertionError("ansible-playbook failed (rc=%s):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr))
    return proc
