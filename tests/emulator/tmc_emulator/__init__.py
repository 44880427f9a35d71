"""Local emulator of the Talend Cloud Management Console (TMC) public API.

A stateful Flask application that answers the subset of the vendor API the
``talend_ops.cloud`` collection uses (see ``tests/emulator/README.md``), plus
an admin API under ``/_emulator/`` to drive its clock, faults and data.
"""

from tmc_emulator.app import create_app

__all__ = ["create_app"]
