"""One emulator instance's mutable parts, shared by every route.

Routes reach it with :func:`runtime` (``current_app.extensions["tmc_emulator"]``)
and hold ``rt.lock`` while they read or change the store.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app

from tmc_emulator.auth import Credentials
from tmc_emulator.clock import EmulatorClock
from tmc_emulator.config import build_config
from tmc_emulator.faults import FaultQueue, RateLimiter
from tmc_emulator.requestlog import RequestLog
from tmc_emulator.scheduler import Scheduler
from tmc_emulator.state import Store, load_data_file


class EmulatorRuntime:
    """Config, clock, data store, credentials, faults, rate limiter and request log.

    :param data_path: data file (``None`` → ``tests/emulator/data/sample.json``).
    :param config: overrides of :data:`tmc_emulator.config.DEFAULTS`, plus
        ``clock_start_ms`` (int, epoch ms) and ``clock_frozen`` (bool).
    """

    def __init__(self, data_path: str | None = None, **config: Any) -> None:
        self.lock = threading.RLock()
        self._clock_start = config.pop("clock_start_ms", None)
        self._clock_frozen = bool(config.pop("clock_frozen", False))
        self.initial_config = build_config(config)
        self.faults = FaultQueue()
        self.limiter = RateLimiter()
        self.requests = RequestLog(self.initial_config["request_log_size"])
        self.reset(data_path)

    def reset(self, data_path: str | None = None) -> None:
        """Back to the seeded data: new clock, store and credentials; faults, counters,
        rate-limit window and config back to their start values.

        :param data_path: another data file to load from now on (``None`` keeps the current one).
        """
        if data_path is not None or not hasattr(self, "data_path"):
            self.data_path = data_path
        data = load_data_file(self.data_path)
        with self.lock:
            self.config = dict(self.initial_config)
            self.clock = EmulatorClock(self._clock_start, self._clock_frozen)
            self.store = Store(data, self.clock.now_ms())
            self.store.now_ms = self.clock.now_ms
            self.credentials = Credentials(self.store.credentials["personalAccessTokens"],
                                           self.store.credentials["serviceAccounts"])
            self.scheduler = Scheduler()
            self.faults.clear()
            self.limiter.clear()
            self.requests.clear(self.config["request_log_size"])

    def tick(self) -> None:
        """Start the scheduled runs the clock has passed, when ``scheduler`` is on (before every request)."""
        if not self.config["scheduler"]:
            return
        from tmc_emulator.runs import start_scheduled_run  # noqa: PLC0415  # runs imports the routes

        with self.lock:
            self.scheduler.tick(self.store, self.clock.now_ms(),
                                lambda kind, record, when: start_scheduled_run(self, kind, record, when))


def runtime() -> EmulatorRuntime:
    """The :class:`EmulatorRuntime` of the current Flask app."""
    return current_app.extensions["tmc_emulator"]
