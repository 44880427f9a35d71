"""emulatorctl: start, status, stop."""

from __future__ import annotations

import subprocess
import sys

import requests

from emulator_harness import EMULATOR_DIR

CTL = [sys.executable, str(EMULATOR_DIR / "emulatorctl.py")]


def ctl(*args, state_dir):
    return subprocess.run(CTL + list(args) + ["--state-dir", str(state_dir)], capture_output=True,
                          text=True, timeout=60, check=False)


def test_start_status_stop_round_trip(tmp_path):
    state = tmp_path / "emu"
    assert ctl("status", state_dir=state).returncode == 3
    started = ctl("start", "--port", "0", state_dir=state)
    try:
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip()
        assert url.startswith("http://127.0.0.1:")
        assert (state / "emulator.url").read_text().strip() == url
        assert (state / "emulator.pid").read_text().strip().isdigit()
        resp = requests.get(url + "/orchestration/environments", timeout=5,
                            headers={"Authorization": "Bearer emulator-demo-pat"})
        assert resp.status_code == 200
        again = ctl("start", "--port", "0", state_dir=state)
        assert again.stdout.strip() == url  # already running: same emulator
        assert ctl("status", state_dir=state).stdout.strip() == url
    finally:
        assert ctl("stop", state_dir=state).returncode == 0
    assert ctl("stop", state_dir=state).returncode == 0  # idempotent
    assert ctl("status", state_dir=state).returncode == 3
    assert not (state / "emulator.pid").exists()


def test_start_refuses_a_non_loopback_host(tmp_path):
    proc = ctl("start", "--host", "0.0.0.0", state_dir=tmp_path)
    assert proc.returncode == 2 and "loopback" in proc.stderr
