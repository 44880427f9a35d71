# SPDX-License-Identifier: GPL-3.0-or-later
"""AWX-like runs against the emulator: one emulator for the module's jobs, started as tests/e2e starts its own.

The ``Emulator`` admin handle and the sample data path come from tests/e2e/e2ekit.py (on the path through
pytest.ini). The fixture below mirrors tests/e2e's ``emulator_server`` without the options e2e adds to it.
"""

from __future__ import annotations

import pytest

from e2ekit import SAMPLE_DATA


@pytest.fixture(scope="session")
def emulator_server():
    """The emulator on a free loopback port with the sample data, for the session."""
    from tmc_emulator.server import start_in_thread

    handle = start_in_thread(data_path=str(SAMPLE_DATA))
    yield handle
    handle.stop()
