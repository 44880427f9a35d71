"""How runs started through the API end, for chosen tasks and plans (fault ``run_outcome_ids``).

``POST /processing/executions`` and ``POST /processing/executions/plans`` start a run
that lasts ``default_dispatch_seconds`` + ``default_run_seconds`` of the emulator clock
and ends ``default_final_status`` (config). This fault overrides that per id::

    {"run_outcome_ids": ["<task or plan id>", ...], "final_status": "execution_failed",
     "run_seconds": 60, "dispatch_seconds": 0, "count": 1}

``final_status`` (task statuses of :data:`tmc_emulator.config.FINAL_STATUSES`; a plan
takes ``execution_successful`` or ``execution_failed``), ``run_seconds`` and
``dispatch_seconds`` are each optional (absent = the config value); ``count`` is the
number of runs per id it applies to (default 1, -1 until cleared).
"""

from __future__ import annotations

from dataclasses import dataclass

from tmc_emulator.config import FINAL_STATUSES
from tmc_emulator.idrules import IdRules, parse_count, parse_ids


@dataclass
class RunOutcome:
    """How the next API-started run of one id ends; ``None`` fields keep the config value."""

    remaining: int
    final_status: str | None = None
    run_seconds: float | None = None
    dispatch_seconds: float | None = None

    def describe(self) -> dict:
        """JSON view for ``GET /_emulator/faults``."""
        return {"remaining": self.remaining, "final_status": self.final_status,
                "run_seconds": self.run_seconds, "dispatch_seconds": self.dispatch_seconds}


def _seconds(spec: dict, key: str) -> float | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{key} must be a non-negative number of seconds (emulator clock)")
    return float(value)


class RunOutcomeRules(IdRules):
    """The ``run_outcome_ids`` rules by task or plan id (thread-safe)."""

    def add(self, spec: dict) -> None:
        """Add a ``run_outcome_ids`` fault (see the module doc).

        :raises ValueError: malformed spec.
        """
        ids = parse_ids(spec, "run_outcome_ids")
        final = spec.get("final_status")
        if final is not None and final not in FINAL_STATUSES:
            raise ValueError(f"final_status must be one of {FINAL_STATUSES}")
        run_s, dispatch_s = _seconds(spec, "run_seconds"), _seconds(spec, "dispatch_seconds")
        count = parse_count(spec)
        self.put(ids, lambda: RunOutcome(count, final, run_s, dispatch_s))
