# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end fixtures: one emulator per test session (reset before each test) and ansible-playbook runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from e2ekit import DEMO_PAT, ROOT, SAMPLE_DATA, Emulator


@pytest.fixture(scope="session")
def prism_proxy():
    """With ``TMC_E2E_VIA_PRISM=1``: Prism's validating proxy (vendor spec) in front of the emulator, else None."""
    from prism_proxy import E2E_ENV_VAR, e2e_prism
    from vendor_spec import spec_path

    # the vendor spec (maybe a download on a clone without ../shared) only when the run goes through Prism
    proxy = e2e_prism(spec_path()) if os.environ.get(E2E_ENV_VAR, "") == "1" else None
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


@pytest.fixture(scope="session")
def second_emulator_server():
    """A second emulator (another tenant, another API host: another port), started once for the session."""
    from tmc_emulator.server import start_in_thread

    handle = start_in_thread(data_path=str(SAMPLE_DATA))
    yield handle
    handle.stop()


@pytest.fixture
def second_emulator(second_emulator_server):
    """The second emulator, reset to its sample data before the test."""
    emu = Emulator(second_emulator_server.url)
    emu.admin("POST", "reset", json={"data_path": str(SAMPLE_DATA)})
    return emu
