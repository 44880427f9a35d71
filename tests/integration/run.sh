#!/usr/bin/env bash
# ansible-test integration targets (tests/integration/targets) against the local emulator:
#   1. copies the collection as it would ship (git-tracked files and untracked ones .gitignore keeps) to
#      <tmp>/ansible_collections/talend_ops/cloud,
#   2. starts the emulator (tests/emulator/emulatorctl.py, a free loopback port, seeded sample data),
#   3. writes the plugins' EXAMPLES as one task file (render_examples.py) and integration_config.yml (talend_api_url,
#      the emulator's demo PAT: not a real secret, plugin_examples_file: that task file),
#   4. runs ansible-test integration --local with the venv's Python (its version, e.g. 3.12 for ansible-core 2.20), then stops the emulator.
# Usage: tests/integration/run.sh [extra ansible-test integration args, e.g. a target name]
# Env: PYTHON_BIN_DIR (default <repo>/.venv/bin), KEEP_INTEGRATION_TREE=1 keeps the copy for a look.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${PYTHON_BIN_DIR:-$repo/.venv/bin}"
[ -x "$bin_dir/ansible-test" ] || { echo "integration: $bin_dir/ansible-test not found; run 'make venv' first" >&2; exit 2; }
export PATH="$bin_dir:$PATH"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/talend-integration.XXXXXX")"
state="$tmp/emulator"
cleanup() {
    python "$repo/tests/emulator/emulatorctl.py" stop --state-dir "$state" >/dev/null 2>&1 || true
    if [ "${KEEP_INTEGRATION_TREE:-0}" = 1 ]; then echo "integration: tree kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# shellcheck source=tests/quality/stage_collection.sh
. "$repo/tests/quality/stage_collection.sh"
dest="$(stage_collection "$repo" "$tmp")"

url="$(python "$repo/tests/emulator/emulatorctl.py" start --port 0 --state-dir "$state")"
examples="$tmp/plugin_examples.yml"
python "$repo/tests/integration/render_examples.py" "$dest" "$examples"
printf 'talend_api_url: %s\ntalend_token: emulator-demo-pat\nplugin_examples_file: %s\n' "$url" "$examples" \
    > "$dest/tests/integration/integration_config.yml"

cd "$dest"
ansible-test integration --local --python "$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" --color no "$@"
