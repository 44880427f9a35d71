# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the progress of a phase: a line at least every 30 s, the bulk step's done/total, rate, time left."""

from __future__ import annotations

import time

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_window_progress import Progress, Pulse


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_pulse_tells_the_progress_of_the_step_going_on_after_28_silent_seconds():
    clock, said = Clock(), []
    pulse = Pulse(said.append, "Window w1", clock=clock)
    progress = Progress("Window w1: pausing tasks", 10000, clock=clock)
    with pulse.following(progress):
        for second in range(1, 91):
            clock.now = float(second)
            progress.tick(30)
            pulse.beat()
    assert said == ["Window w1: pausing tasks: 840/10,000 done, 30.0/s, about 5 min 05 s left",
                    "Window w1: pausing tasks: 1,680/10,000 done, 30.0/s, about 4 min 37 s left",
                    "Window w1: pausing tasks: 2,520/10,000 done, 30.0/s, about 4 min 09 s left"]


def test_any_line_told_restarts_the_silence_and_after_the_step_the_pulse_says_how_long_the_phase_ran():
    clock, said = Clock(), []
    pulse = Pulse(said.append, "Window w1", clock=clock)
    clock.now = 20.0
    pulse("Window w1: poll 1 at 20 s: 3 runs in flight")
    clock.now = 47.0
    pulse.beat()
    assert len(said) == 1, "27 s since the last line: nothing yet"
    clock.now = 48.0
    pulse.beat()
    assert said[-1] == "Window w1: still working, 48 s into the phase"
    with pulse.following(Progress("Window w1: resuming tasks", 5, clock=clock)) as progress:
        progress.tick(5)
        clock.now = 80.0
        pulse.beat()
    assert said[-1] == "Window w1: still working, 1 min 20 s into the phase", "a step with nothing left due"


def test_the_watcher_tells_a_stalled_step_and_stops_with_the_phase():
    said = []
    with Pulse(said.append, "Window w1", silence=0.05) as pulse:
        with pulse.following(Progress("Window w1: resuming tasks", 10)):
            time.sleep(0.5)  # no call ends: every worker waits (a Retry-After, a slow API)
    assert said and said[0] == "Window w1: resuming tasks: 0/10 done, 0.0/s"
    told = len(said)
    time.sleep(0.3)
    assert len(said) == told, "the watcher stops with the phase"
