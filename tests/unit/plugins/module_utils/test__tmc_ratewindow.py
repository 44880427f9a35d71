# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the request window shared by a controller's processes, and of the limiter using it.

Clocks are fake except in the multi-process test, whose window is long enough that nothing expires.
"""

from __future__ import annotations

import bisect
import multiprocessing
import os
import stat

import pytest

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_auth import PersonalAccessToken
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient, client_from_options
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_ratelimit import RateLimiter
from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_ratewindow import (
    RequestWindow,
    SharedRequestWindow,
    api_host_key,
)
from fake_clock import FakeTime

BASE = "https://api.eu.cloud.talend.com"
WINDOW = 60.5


def most_in_any_window(starts, window=60.0):
    starts = sorted(starts)
    return max(i + 1 - bisect.bisect_right(starts, t - window) for i, t in enumerate(starts))


def test_a_window_admits_limit_starts_at_once_then_says_how_long_to_wait():
    fake = FakeTime(now=1_000_000.0)
    window = RequestWindow(5, WINDOW, clock=fake.clock)
    assert [window.take() for dummy in range(5)] == [0.0] * 5
    wait = window.take()
    # the five starts were recorded at the end of their 0.1 s tick: they leave 60.5 s after it
    assert WINDOW <= wait <= WINDOW + 0.1 + 1e-6
    fake.now += wait
    assert window.take() == 0.0


def test_a_start_leaves_the_window_no_earlier_than_window_seconds_after_it():
    fake = FakeTime(now=1_000_000.05)
    window = RequestWindow(1, WINDOW, clock=fake.clock)
    assert window.take() == 0.0
    fake.now += WINDOW - 0.001
    assert window.take() > 0.0


def test_a_limiter_with_a_window_bursts_then_keeps_every_60_s_at_the_limit():
    fake = FakeTime(now=1_000_000.0)
    limiter = RateLimiter(1800, clock=fake.clock, sleep=fake.sleep,
                          window=RequestWindow(1800, WINDOW, clock=fake.clock))
    starts = []
    for dummy in range(3 * 1800 + 11):
        limiter.acquire()
        starts.append(fake.now)
    assert starts[1799] == starts[0]  # the first 1,800 go at once (the workers' speed)
    assert most_in_any_window(starts) <= 1800
    assert most_in_any_window(starts, window=WINDOW - 0.1) <= 1800  # the margin is kept too
    assert starts[-1] - starts[0] <= 3 * (WINDOW + 0.1) + 1e-6  # and it waits no longer than needed


def test_a_429_hold_switches_the_limiter_to_even_spacing():
    fake = FakeTime(now=1_000_000.0)
    limiter = RateLimiter(600, clock=fake.clock, sleep=fake.sleep,
                          window=RequestWindow(600, WINDOW, clock=fake.clock))
    assert [limiter.acquire() for dummy in range(3)] == [0.0, 0.0, 0.0]
    limiter.hold(2.0)
    assert limiter.paced
    assert limiter.acquire() == pytest.approx(2.0)
    assert limiter.acquire() == pytest.approx(WINDOW / 600)


def test_a_window_file_that_fails_mid_run_falls_back_to_even_spacing():
    class Broken(RequestWindow):
        path = "/somewhere/ratelimit-x.window"

        def take(self):
            raise OSError(28, "No space left on device")

    fake = FakeTime(now=1_000_000.0)
    limiter = RateLimiter(600, clock=fake.clock, sleep=fake.sleep, window=Broken(600, WINDOW))
    assert limiter.acquire() == 0.0
    assert limiter.paced and limiter.window is None
    assert "No space left on device" in limiter.window_error
    assert limiter.acquire() == pytest.approx(WINDOW / 600)


def test_two_processes_windows_on_one_file_share_the_count(tmp_path):
    fake = FakeTime(now=1_000_000.0)
    first = SharedRequestWindow(3, WINDOW, str(tmp_path), BASE, clock=fake.clock)
    second = SharedRequestWindow(3, WINDOW, str(tmp_path), BASE, clock=fake.clock)
    other_host = SharedRequestWindow(3, WINDOW, str(tmp_path), "https://api.us.cloud.talend.com", clock=fake.clock)
    assert [first.take(), first.take(), second.take()] == [0.0, 0.0, 0.0]
    assert second.take() > 0 and first.take() > 0
    assert other_host.take() == 0.0  # one budget per API host


def _take_until_refused(directory, results):
    window = SharedRequestWindow(50, 3600.0, directory, BASE)
    granted = 0
    while window.take() == 0.0:
        granted += 1
    results.put(granted)


def test_concurrent_processes_never_get_more_than_the_limit_together(tmp_path):
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=_take_until_refused, args=(str(tmp_path), results)) for dummy in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    granted = [results.get(timeout=5) for dummy in processes]
    assert sum(granted) == 50


def test_the_window_file_is_private_and_holds_only_counts(tmp_path):
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o755)
    window = SharedRequestWindow(10, WINDOW, str(directory), BASE)
    window.take()
    window.take()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(os.stat(window.path).st_mode) == 0o600
    content = open(window.path).read()
    assert "talend" not in window.path and "talend" not in content
    ((tick, count),) = [line.split() for line in content.splitlines()]
    assert tick.isdigit() and count == "2"


def test_a_symlink_in_place_of_the_window_file_is_refused(tmp_path):
    window = SharedRequestWindow(10, WINDOW, str(tmp_path), BASE)
    window.close()
    os.unlink(window.path)
    os.symlink(str(tmp_path / "elsewhere"), window.path)
    with pytest.raises(OSError):
        SharedRequestWindow(10, WINDOW, str(tmp_path), BASE)
    assert not (tmp_path / "elsewhere").exists()


def test_unreadable_lines_and_ticks_from_a_clock_set_back_are_forgotten(tmp_path):
    fake = FakeTime(now=1_000_000.0)
    window = SharedRequestWindow(2, WINDOW, str(tmp_path), BASE, clock=fake.clock)
    far_future = int((fake.now + 3600) * 10)
    with open(window.path, "w") as handle:
        handle.write("garbage\n%d 5\n-3 x\n" % far_future)
    assert [window.take(), window.take()] == [0.0, 0.0]
    assert window.take() > 0


def test_a_client_whose_window_directory_cannot_be_used_spaces_its_requests_evenly(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    client = TalendClient(BASE, PersonalAccessToken("unit-pat"), rate_limit=600, window_dir=str(blocker / "x"))
    assert client.limiter.paced and client.limiter.window is None
    assert "not-a-directory" in client.limiter.window_error


def test_modules_share_a_window_under_the_user_cache_and_warn_when_they_cannot(tmp_path, monkeypatch,
                                                                               private_cache_home):
    client = client_from_options({"api_url": BASE, "token": "unit-pat", "rate_limit": 600})
    assert not client.limiter.paced
    assert client.limiter.window.path.startswith(str(private_cache_home / "talend_ops_cloud"))

    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    warnings = []
    client = client_from_options({"api_url": BASE, "token": "unit-pat", "rate_limit": 600}, warn=warnings.append)
    assert client.limiter.paced
    assert len(warnings) == 1 and "spaced evenly" in warnings[0] and "unit-pat" not in warnings[0]


@pytest.mark.parametrize("bad", [0, -1, True])
def test_a_bad_rate_limit_is_a_configuration_error(bad):
    from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_errors import TalendConfigError

    with pytest.raises(TalendConfigError, match="rate_limit must be a positive integer"):
        TalendClient(BASE, PersonalAccessToken("unit-pat"), rate_limit=bad)


@pytest.mark.parametrize("spelling", [
    "https://api.eu.cloud.talend.com",
    "https://api.eu.cloud.talend.com/",
    "HTTPS://API.EU.Cloud.Talend.com",
    "https://api.eu.cloud.talend.com:443/",
    " https://api.eu.cloud.talend.com/ ",
])
def test_spellings_of_one_api_host_have_one_key(spelling):
    assert api_host_key(spelling) == "api.eu.cloud.talend.com:443"


@pytest.mark.parametrize("spelling", [
    "http://127.0.0.1:8787", "http://localhost:8787/", "http://LOCALHOST:8787", "http://[::1]:8787", "http://127.0.0.2:8787",
])
def test_every_loopback_name_of_one_port_has_one_key(spelling):
    assert api_host_key(spelling) == "loopback:8787"


@pytest.mark.parametrize("first, second", [
    ("https://api.eu.cloud.talend.com", "https://api.us.cloud.talend.com"),
    ("http://127.0.0.1:8787", "http://127.0.0.1:8788"),
    ("http://localhost", "https://localhost"),  # default ports 80 and 443
    ("https://proxy.example.com:8443", "https://proxy.example.com"),
])
def test_different_hosts_or_ports_have_different_keys(first, second):
    assert api_host_key(first) != api_host_key(second)


def test_tenants_behind_one_api_host_share_one_window_and_another_host_has_its_own(tmp_path):
    fake = FakeTime(now=1_000_000.0)
    # two tenants (two tokens) reached through one host, spelled two ways, and a tenant on another host
    tenant_a = TalendClient("http://127.0.0.1:8787", PersonalAccessToken("tenant-a-pat"), rate_limit=4,
                            window_dir=str(tmp_path))
    tenant_b = TalendClient("http://localhost:8787/", PersonalAccessToken("tenant-b-pat"), rate_limit=4,
                            window_dir=str(tmp_path))
    tenant_c = TalendClient("http://127.0.0.1:9797", PersonalAccessToken("tenant-c-pat"), rate_limit=4,
                            window_dir=str(tmp_path))
    for client in (tenant_a, tenant_b, tenant_c):
        client.limiter.window._clock = fake.clock
    assert tenant_a.limiter.window.path == tenant_b.limiter.window.path != tenant_c.limiter.window.path
    assert [tenant_a.limiter.window.take(), tenant_b.limiter.window.take(),
            tenant_a.limiter.window.take(), tenant_b.limiter.window.take()] == [0.0] * 4
    assert tenant_a.limiter.window.take() > 0 and tenant_b.limiter.window.take() > 0  # 4 together: the limit
    assert [tenant_c.limiter.window.take() for dummy in range(4)] == [0.0] * 4  # its own budget


def test_the_window_file_name_holds_no_host_name(tmp_path):
    window = SharedRequestWindow(3, WINDOW, str(tmp_path), BASE)
    assert window.key == "api.eu.cloud.talend.com:443"
    assert "talend" not in os.path.basename(window.path)


def test_a_url_without_host_has_no_key():
    with pytest.raises(ValueError, match="has no host"):
        api_host_key("https:///path")
