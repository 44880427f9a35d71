# SPDX-License-Identifier: GPL-3.0-or-later
"""AWX-like runs: the emulator fixtures of tests/e2e/conftest.py, loaded under another module name.

tests/e2e/conftest.py stays the one definition of the emulator fixtures (``emulator_server``, ``emulator``) and
of its ``Emulator`` admin handle; it is imported here as ``talend_e2e_conftest`` so that pytest's own
``conftest`` module of tests/e2e is left alone when both directories run in one session.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

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
emulator_server = E2E.emulator_server  # fixture re-exported for tests/awx
emulator = E2E.emulator
