#!/usr/bin/env bash
# ansible-test sanity on the collection as it would ship: the git-tracked files (plus untracked files
# that .gitignore does not exclude) copied to <tmp>/ansible_collections/talend_ops/cloud.
# Usage: tests/quality/sanity.sh [extra ansible-test sanity args, e.g. --test validate-modules]
# Env: PYTHON_BIN_DIR (default <repo>/.venv/bin: must hold the ansible-core whose ansible-test runs),
#      SHARED_TOOLS (default <repo>/../shared/tools), KEEP_SANITY_TREE=1 keeps the copy for a look.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${PYTHON_BIN_DIR:-$repo/.venv/bin}"
shared_tools="${SHARED_TOOLS:-$repo/../shared/tools}"
offline_pip="$shared_tools/ansible-test-offline-pip"

[ -x "$bin_dir/ansible-test" ] || { echo "sanity: $bin_dir/ansible-test not found; run 'make venv' first" >&2; exit 2; }
if [ ! -f "$offline_pip" ]; then
    echo "sanity: $offline_pip not found. The repo clone must sit beside a 'shared/' copy (../shared/tools)," >&2
    echo "        or set SHARED_TOOLS to the folder holding ansible-test-offline-pip." >&2
    exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/talend-sanity.XXXXXX")"
if [ "${KEEP_SANITY_TREE:-0}" = 1 ]; then echo "sanity: tree kept in $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
# shellcheck source=tests/quality/stage_collection.sh
. "$repo/tests/quality/stage_collection.sh"
dest="$(stage_collection "$repo" "$tmp")"

export PATH="$bin_dir:$PATH"   # python3 and ansible-test of the venv, for the offline-pip helper too
bash "$offline_pip" >/dev/null
cd "$dest"
ansible-test sanity --requirements --python 3.11 --color no "$@"
