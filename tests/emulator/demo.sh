#!/usr/bin/env bash
# `make demo`: start the emulator with its sample data, pause a maintenance window, resume it, stop the emulator.
# Runs with the project's virtualenv first on PATH (the Makefile sets it).
set -euo pipefail
cd "$(dirname "$0")/../.."
state_dir=.emulator/demo
python tests/emulator/emulatorctl.py stop --state-dir "$state_dir" >/dev/null 2>&1 || true
python tests/emulator/emulatorctl.py start --port 0 --state-dir "$state_dir" >/dev/null
trap 'python tests/emulator/emulatorctl.py stop --state-dir "$state_dir" >/dev/null' EXIT

TALEND_API_URL="$(cat "$state_dir/emulator.url")"
export TALEND_API_URL
export TALEND_TOKEN=emulator-demo-pat   # the emulator's sample personal access token
export ANSIBLE_STDOUT_CALLBACK=ansible.builtin.default ANSIBLE_DISPLAY_SKIPPED_HOSTS=false

echo "== Talend Cloud emulator at $TALEND_API_URL (sample data: tests/emulator/data/sample.json)"
echo "== Window vars: tests/emulator/demo_window.yml"
echo
echo "== Phase 1: pause"
ansible-playbook playbooks/maintenance.yml -e @tests/emulator/demo_window.yml -e maintenance_window_phase=pause
echo
echo "== (the maintenance happens here)"
echo
echo "== Phase 2: resume"
ansible-playbook playbooks/maintenance.yml -e @tests/emulator/demo_window.yml -e maintenance_window_phase=resume
