"""Runtime settings of the emulator, changed with ``POST /_emulator/config``.

Every key, its type and its default (units in the name: seconds, ms, per minute):

======================================  =======  ==========================================
key                                     type     default / meaning
======================================  =======  ==========================================
``token_lifetime_seconds``              int      1800: service-account token lifetime
``expires_in_as_string``                bool     true: ``expires_in`` is ``"1800"`` (spec) or ``1800``
``audience``                            str|list null: accept the base URL the client used
``list_includes_pause_details``         bool     true: list items carry ``tags``/``taskPauseDetails``
``search_name_match``                   str      ``contains`` (spec) or ``prefix`` for tasks/search
``list_name_match``                     str      ``prefix`` (live tenants) or ``contains``/``exact``
``events_include_paused``               bool     true: paused executables still yield scheduled events
``rate_limit_per_minute``               int      0: off; else per source IP, sliding 60 s window
``retry_after``                         bool     true: send ``Retry-After`` on 429
``latency_ms``                          int      0: added to every public API answer
``default_dispatch_seconds``            float    5: time an execution stays ``dispatching``
``default_run_seconds``                 float    120: time it stays ``executing``
``default_final_status``                str      ``execution_successful``
``request_log_size``                    int      500: entries kept for ``GET /_emulator/requests``
``scheduler``                           bool     false: start the scheduled runs the clock passes
                                                 (:mod:`tmc_emulator.scheduler`)
======================================  =======  ==========================================
"""

from __future__ import annotations

from typing import Any

FINAL_STATUSES = (
    "execution_successful",
    "execution_failed",
    "execution_rejected",
    "deploy_failed",
    "terminated",
    "terminated_timeout",
    "terminated_shutdown",
)

DEFAULTS: dict[str, Any] = {
    "token_lifetime_seconds": 1800,
    "expires_in_as_string": True,
    "audience": None,
    "list_includes_pause_details": True,
    "search_name_match": "contains",
    "list_name_match": "prefix",
    "events_include_paused": True,
    "rate_limit_per_minute": 0,
    "retry_after": True,
    "latency_ms": 0,
    "default_dispatch_seconds": 5.0,
    "default_run_seconds": 120.0,
    "default_final_status": "execution_successful",
    "request_log_size": 500,
    "scheduler": False,
}

_CHOICES = {
    "search_name_match": ("contains", "prefix", "exact"),
    "list_name_match": ("prefix", "contains", "exact"),
    "default_final_status": FINAL_STATUSES,
}


def validate_config(changes: dict[str, Any]) -> dict[str, Any]:
    """Check and coerce a partial config.

    :param changes: ``{key: value}`` with keys from :data:`DEFAULTS`.
    :returns: the coerced values.
    :raises ValueError: unknown key, wrong type or out-of-range value.
    """
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in DEFAULTS:
            raise ValueError(f"unknown config key {key!r}; known: {sorted(DEFAULTS)}")
        default = DEFAULTS[key]
        if key == "audience":
            if value is not None and not isinstance(value, (str, list)):
                raise ValueError("audience must be a string, a list of strings or null")
            out[key] = value
            continue
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValueError(f"{key} must be a boolean")
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{key} must be a non-negative integer")
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{key} must be a non-negative number")
            value = float(value)
        elif isinstance(default, str):
            if value not in _CHOICES.get(key, ()):
                raise ValueError(f"{key} must be one of {_CHOICES.get(key)}")
        if key in ("token_lifetime_seconds", "request_log_size") and value < 1:
            raise ValueError(f"{key} must be at least 1")
        out[key] = value
    return out


def build_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults merged with validated ``overrides`` (a new dict)."""
    cfg = dict(DEFAULTS)
    cfg.update(validate_config(overrides or {}))
    return cfg
