#!/usr/bin/env bash
# `make plan-picture`: docs/plan.png, the plan of the `make demo` window as headless Chromium renders
# <window id>.plan.html (the picture in the README). Runs with the project's virtualenv first on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(pwd)/${1:-docs/plan.png}"
state_dir=$(mktemp -d .emulator-picture.XXXXXX)
python tests/emulator/emulatorctl.py start --port 0 --state-dir "$state_dir" >/dev/null
cleanup() {
  python tests/emulator/emulatorctl.py stop --state-dir "$state_dir" >/dev/null 2>&1 || true
  rm -rf "$state_dir"
}
trap cleanup EXIT

TALEND_API_URL="$(cat "$state_dir/emulator.url")"
export TALEND_API_URL TALEND_TOKEN=emulator-demo-pat
read -r TMC_DEMO_WINDOW_START TMC_DEMO_WINDOW_END < <(python tests/emulator/emulatorctl.py demo-window --state-dir "$state_dir")
export TMC_DEMO_WINDOW_START TMC_DEMO_WINDOW_END
report_dir="$(pwd)/$state_dir/reports"
ansible-playbook playbooks/maintenance.yml -e @tests/emulator/demo_window.yml -e maintenance_window_phase=plan \
  -e maintenance_window_report_dir="$report_dir" >/dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-background-networking \
  --window-size=1200,640 --screenshot="$out" "file://$report_dir/demo-db-upgrade.plan.html" >/dev/null 2>&1
echo "$out"
