# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the progress of a long bulk step: done/total, rate and time left, at most every 30 s."""

from __future__ import annotations

import time

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_progress import Progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_progress_is_told_every_30_seconds_with_rate_and_time_left_and_not_at_the_end():
    clock, said = Clock(), []
    progress = Progress(said.append, "Window w1: pausing tasks", 10000, clock=clock)
    for second in range(1, 91):
        clock.now = float(second)
        progress.tick(30)
    assert said == ["Window w1: pausing tasks: 900/10,000 done, 30.0/s, about 5 min 03 s left",
                    "Window w1: pausing tasks: 1,800/10,000 done, 30.0/s, about 4 min 33 s left",
                    "Window w1: pausing tasks: 2,700/10,000 done, 30.0/s, about 4 min 03 s left"]
    clock.now = 400.0
    progress.tick(7300)
    assert len(said) == 3, "the step's own result says when it is done"


def test_a_stalled_step_is_still_told_by_the_watcher_and_nothing_after_it_ended():
    said = []
    with Progress(said.append, "Window w1: resuming tasks", 10, every=0.05):
        time.sleep(0.5)  # no call ends: every worker waits (a Retry-After, a slow API)
    assert said and said[0] == "Window w1: resuming tasks: 0/10 done, 0.0/s"
    told = len(said)
    time.sleep(0.3)
    assert len(said) == told, "the watcher stops with the step"
