# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the client-side rate limiter, the retry backoff and how the client uses them.

Every clock here is fake: these tests assert spacing, windows and holds, never wall time.
"""

from __future__ import annotations

import bisect
import threading

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import PersonalAccessToken
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_ratelimit import (
    DEFAULT_MARGIN_SECONDS,
    RateLimiter,
    backoff_delay,
    retry_after_seconds,
)
from fake_clock import FakeTime

BASE = "https://api.eu.cloud.talend.com"


def start_times(limiter, fake, count):
    """Times at which ``count`` sequential callers were let through."""
    starts = []
    for dummy in range(count):
        limiter.acquire()
        starts.append(fake.now)
    return starts


def most_in_any_window(starts, window=60.0):
    """Largest number of starts in a half-open window ``(t - window, t]`` (the emulator's measure)."""
    starts = sorted(starts)
    return max(i + 1 - bisect.bisect_right(starts, t - window) for i, t in enumerate(starts))


def test_requests_are_spaced_by_the_window_over_per_minute():
    fake = FakeTime()
    limiter = RateLimiter(600, clock=fake.clock, sleep=fake.sleep, margin=0)
    start_times(limiter, fake, 5)
    assert fake.sleeps == pytest.approx([0.1, 0.1, 0.1, 0.1])


def test_default_margin_widens_the_spacing_by_margin_over_per_minute():
    fake = FakeTime()
    limiter = RateLimiter(600, clock=fake.clock, sleep=fake.sleep)
    start_times(limiter, fake, 3)
    assert fake.sleeps == pytest.approx([(60 + DEFAULT_MARGIN_SECONDS) / 600] * 2)


def test_no_60_second_window_holds_more_than_per_minute_requests():
    # With margin=0 the spacing sits exactly on the window's edge, where float rounding of the
    # slots alone lets a 1801st request into one window: one more reason for the margin.
    fake = FakeTime()
    limiter = RateLimiter(1800, clock=fake.clock, sleep=fake.sleep)
    starts = start_times(limiter, fake, 3 * 1800 + 7)
    assert most_in_any_window(starts) <= 1800


def test_the_default_margin_keeps_a_request_arriving_late_within_the_limit():
    """Request k+N arriving on time and request k arriving 0.4 s late still fit one window."""
    fake = FakeTime()
    limiter = RateLimiter(1800, clock=fake.clock, sleep=fake.sleep)
    starts = start_times(limiter, fake, 2 * 1800)
    arrivals = [t + (0.4 if i % 2 else 0.0) for i, t in enumerate(starts)]
    assert most_in_any_window(arrivals) <= 1800


def test_throughput_stays_within_the_margin_of_per_minute():
    fake = FakeTime()
    limiter = RateLimiter(1800, clock=fake.clock, sleep=fake.sleep)
    starts = start_times(limiter, fake, 5401)
    per_minute = (len(starts) - 1) / (starts[-1] - starts[0]) * 60
    assert 1800 * 60 / (60 + DEFAULT_MARGIN_SECONDS) == pytest.approx(per_minute, rel=1e-9)


def test_an_idle_limiter_does_not_burst_to_catch_up():
    fake = FakeTime()
    limiter = RateLimiter(60, clock=fake.clock, sleep=fake.sleep, margin=0)
    limiter.acquire()
    fake.now += 600  # ten minutes without a request
    assert limiter.acquire() == 0.0
    assert limiter.acquire() == pytest.approx(1.0)


def test_concurrent_workers_get_distinct_evenly_spaced_slots():
    """With a clock that never moves, the seconds each caller waits are exactly its slot."""
    limiter = RateLimiter(6000, clock=lambda: 0.0, sleep=lambda seconds: None, margin=0)
    waits, lock = [], threading.Lock()

    def worker():
        mine = [limiter.acquire() for dummy in range(250)]
        with lock:
            waits.extend(mine)

    threads = [threading.Thread(target=worker) for dummy in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([i * 0.01 for i in range(2000)])


def test_a_hold_makes_a_worker_already_waiting_for_its_slot_wait_for_the_hold():
    fake = FakeTime()

    def sleep(seconds):
        if not fake.sleeps:
            limiter.hold(5.0)  # another worker gets a 429 with Retry-After: 5 meanwhile
        fake.sleep(seconds)

    limiter = RateLimiter(60, clock=fake.clock, sleep=sleep, margin=0)
    limiter.acquire()
    assert limiter.acquire() == pytest.approx(5.0)
    assert limiter.acquire() == pytest.approx(1.0)  # then spaced as usual, no burst after the hold


def test_a_hold_delays_the_next_caller_and_the_longest_hold_wins():
    fake = FakeTime()
    limiter = RateLimiter(6000, clock=fake.clock, sleep=fake.sleep, margin=0)
    limiter.hold(3.0)
    limiter.hold(1.0)
    assert limiter.acquire() == pytest.approx(3.0)


@pytest.mark.parametrize("bad", [0, -5, True, 1.5, None])
def test_per_minute_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError, match="positive integer"):
        RateLimiter(bad)


def test_a_negative_margin_is_refused():
    with pytest.raises(ValueError, match="margin"):
        RateLimiter(10, margin=-1)


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap():
    assert backoff_delay(1, rand=lambda: 0.0) == pytest.approx(0.25)
    assert backoff_delay(1, rand=lambda: 0.999) == pytest.approx(0.5, rel=0.01)
    assert backoff_delay(3, rand=lambda: 0.999) == pytest.approx(2.0, rel=0.01)
    assert backoff_delay(20, rand=lambda: 0.999) <= 30.0


def test_backoff_honours_retry_after_in_seconds_beyond_the_backoff_cap():
    assert backoff_delay(1, retry_after="7") == 7.0
    assert backoff_delay(1, retry_after="45", cap=30.0) == 45.0
    assert backoff_delay(1, retry_after="100000") == 120.0


def test_retry_after_as_an_http_date_is_seconds_from_now():
    assert retry_after_seconds("Sun, 29 Nov 2026 09:30:10 GMT", now=1795944600.0) == pytest.approx(10.0)
    assert retry_after_seconds("Sun, 29 Nov 2026 09:29:00 GMT", now=1795944600.0) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "Sun, 99 Foo 2026"])
def test_missing_or_unreadable_retry_after_falls_back_to_the_computed_backoff(value):
    assert retry_after_seconds(value) is None
    assert backoff_delay(2, retry_after=value, rand=lambda: 0.0) == pytest.approx(0.5)


def make_client(sleeps, retries=3, rate_limit=600):
    return TalendClient(BASE, PersonalAccessToken("unit-pat"), retries=retries, rate_limit=rate_limit,
                        sleep=sleeps.append)


def count_acquisitions(client):
    calls = []
    acquire = client.limiter.acquire

    def counting():
        calls.append(1)
        return acquire()

    client.limiter.acquire = counting
    return calls


def test_every_attempt_including_retries_takes_a_limiter_slot(scripted):
    sleeps = []
    client = make_client(sleeps)
    calls = count_acquisitions(client)
    scripted.queue(503, {"status": 503})
    scripted.queue(429, {"status": 429}, {"Retry-After": "1"})
    scripted.queue(200, [])
    client.get("/orchestration/environments")
    assert len(calls) == len(scripted.sent) == 3
    assert client.request_count == 3


def test_a_429_makes_the_other_workers_back_off_too(scripted):
    sleeps = []
    client = make_client(sleeps, rate_limit=100000)
    scripted.queue(429, {"status": 429}, {"Retry-After": "4"})
    scripted.queue(200, [])
    client.get("/orchestration/environments")
    # A worker that had nothing to do with the 429 asks for a slot right after: it waits for the hold too.
    assert client.limiter.acquire() == pytest.approx(4.0, abs=0.1)


def test_a_5xx_backs_off_only_the_worker_that_got_it(scripted):
    sleeps = []
    client = make_client(sleeps, rate_limit=100000)
    scripted.queue(503, {"status": 503}, {"Retry-After": "4"})
    scripted.queue(200, [])
    client.get("/orchestration/environments")
    assert sleeps.count(4.0) == 1
    assert client.limiter.acquire() < 0.1


def test_429_after_every_retry_is_reported_with_a_hint(scripted):
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendApiError

    client = make_client([], retries=2, rate_limit=100000)
    for dummy in range(3):
        scripted.queue(429, {"status": 429, "message": "Too Many Requests"}, {"Retry-After": "1"})
    with pytest.raises(TalendApiError) as err:
        client.get("/orchestration/environments")
    assert err.value.status == 429 and "rate_limit" in str(err.value)
    assert len(scripted.sent) == 3
