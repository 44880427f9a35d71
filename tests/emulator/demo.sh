#!/usr/bin/env bash
# `make demo`: start the emulator with its sample data, pause a maintenance window, resume it, stop the emulator.
# Runs with the project's virtualenv first on PATH (the Makefile sets it).
set -euo pipefail
cd "$(dirname "$0")/../.."
state_dir=$(mktemp -d .emulator-demo.XXXXXX)   # one emulator per demo run: two runs never stop each other's
python tests/emulator/emulatorctl.py start --port 0 --state-dir "$state_dir" >/dev/null
cleanup() {
  python tests/emulator/emulatorctl.py stop --state-dir "$state_dir" >/dev/null 2>&1 || true
  rm -rf "$state_dir"
}
trap cleanup EXIT

TALEND_API_URL="$(cat "$state_dir/emulator.url")"
export TALEND_API_URL
export TALEND_TOKEN=emulator-demo-pat   # the emulator's sample personal access token (not a secret)
export ANSIBLE_STDOUT_CALLBACK=ansible.builtin.default   # skipped tasks shown: the task banner then comes before the drain's live lines
# The planned window, from the emulator's clock (it starts at real time): the first HH:55Z at least 15 minutes
# ahead, two hours long (tests/emulator/tmc_emulator/demo_window.py says which scheduled runs it always holds).
# demo_window.yml reads these two variables.
read -r TMC_DEMO_WINDOW_START TMC_DEMO_WINDOW_END < <(python tests/emulator/emulatorctl.py demo-window --state-dir "$state_dir")
export TMC_DEMO_WINDOW_START TMC_DEMO_WINDOW_END

echo "== Talend Cloud emulator at $TALEND_API_URL (sample tenant: tests/emulator/data/sample.json)"
echo "== Window variables: tests/emulator/demo_window.yml (planned window $TMC_DEMO_WINDOW_START to $TMC_DEMO_WINDOW_END)"
echo
echo "== Phase 1: pause (then wait for the runs in flight to finish)"
# The sample tenant has runs in flight that would last minutes. Once the drain has polled twice, move
# the emulator's clock one hour ahead, as if they had finished, so the drain can be seen ending.
( python - "$TALEND_API_URL" <<'PY' >/dev/null 2>&1 ) &
import sys, time, requests
url = sys.argv[1] + "/_emulator/"
for _ in range(600):
    routes = requests.get(url + "requests", timeout=10).json()["byRoute"]
    if sum(n for r, n in routes.items() if "/executions" in r) >= 2:
        break
    time.sleep(0.5)
requests.post(url + "clock", json={"advance_seconds": 3600}, timeout=10)
PY
ansible-playbook playbooks/maintenance.yml -e @tests/emulator/demo_window.yml -e maintenance_window_phase=pause
echo
echo "== (the maintenance happens here: the emulator's clock moves to one minute after the window's end)"
python - "$TALEND_API_URL" "$TMC_DEMO_WINDOW_END" <<'PY' >/dev/null
import sys, requests
from datetime import datetime
end_ms = int(datetime.fromisoformat(sys.argv[2]).timestamp() * 1000)
now_ms = requests.get(sys.argv[1] + "/_emulator/clock", timeout=10).json()["now_ms"]
if now_ms < end_ms + 60_000:
    requests.post(sys.argv[1] + "/_emulator/clock", json={"set_epoch_ms": end_ms + 60_000}, timeout=10)
PY
echo
echo "== Phase 2: resume"
ansible-playbook playbooks/maintenance.yml -e @tests/emulator/demo_window.yml -e maintenance_window_phase=resume
