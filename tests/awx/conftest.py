# SPDX-License-Identifier: GPL-3.0-or-later
"""AWX-like runs against the emulator: one emulator for the module's jobs, started as tests/e2e starts its own.

The ``Emulator`` admin handle and the sample data path come from tests/e2e/conftest.py, loaded under the module
name ``talend_e2e_conftest`` (pytest's own ``conftest`` module of tests/e2e is left alone when both directories
run in one session). The fixture below mirrors its ``emulator_server`` without the options e2e adds to it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_E2E_CONFTEST = Path(__file__).resolve().parents[1] / "e2e" / "conftest.py"


def _load_e2e_conftest():
    name = "talend_e2e_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _E2E_CONFTEST)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


E2E = _load_e2e_conftest()


@pytest.fixture(scope="session")
def emulator_server():
    """The emulator on a free loopback port with the sample data, for the session."""
    from tmc_emulator.server import start_in_thread

    handle = start_in_thread(data_path=str(E2E.SAMPLE_DATA))
    yield handle
    handle.stop()
