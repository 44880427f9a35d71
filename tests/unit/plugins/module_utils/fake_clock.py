# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake clock for the rate-limit tests (test__tmc_ratelimit, test__tmc_ratewindow)."""

from __future__ import annotations


class FakeTime:
    """A clock that only moves when someone sleeps; records every sleep.

    :param now: start time in seconds (float).
    """

    def __init__(self, now=0.0):
        self.now = now
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
