#!/usr/bin/env bash
# ansible-test sanity on the collection as it would ship: the git-tracked files (plus untracked files
# that .gitignore does not exclude) copied to <tmp>/ansible_collections/talend_ops/cloud.
# Usage: tests/quality/sanity.sh [extra ansible-test sanity args, e.g. --test validate-modules]
# Env: PYTHON_BIN_DIR (default <repo>/.venv/bin: must hold the ansible-core whose ansible-test runs),
#      SHARED_TOOLS (default <repo>/../shared/tools), KEEP_SANITY_TREE=1 keeps the copy for a look.
# ansible-test bootstraps pip in the virtualenvs it builds with get-pip.py, downloaded from the internet. When
# SHARED_TOOLS holds ansible-test-offline-pip (build machines without internet), it first puts a stand-in for
# that script into ansible-test's cache; without it, ansible-test downloads the script itself (and fails, saying
# so, where there is no internet). The Python is the one of PYTHON_BIN_DIR (3.11 for ansible-core 2.16-2.19).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="$(cd "${PYTHON_BIN_DIR:-$repo/.venv/bin}" 2>/dev/null && pwd)" || { echo "sanity: ${PYTHON_BIN_DIR:-$repo/.venv/bin} not found; run 'make venv' first" >&2; exit 2; }
shared_tools="${SHARED_TOOLS:-$repo/../shared/tools}"
offline_pip="$shared_tools/ansible-test-offline-pip"

[ -x "$bin_dir/ansible-test" ] || { echo "sanity: $bin_dir/ansible-test not found; run 'make venv' first" >&2; exit 2; }
py="$("$bin_dir/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/talend-sanity.XXXXXX")"
if [ "${KEEP_SANITY_TREE:-0}" = 1 ]; then echo "sanity: tree kept in $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
# shellcheck source=tests/quality/stage_collection.sh
. "$repo/tests/quality/stage_collection.sh"
dest="$(stage_collection "$repo" "$tmp")"

export PATH="$bin_dir:$PATH"   # python3 and ansible-test of the venv, for the offline-pip helper too
if [ -f "$offline_pip" ]; then
    echo "sanity: pip bootstrap: the offline stand-in $(bash "$offline_pip")"
else
    echo "sanity: pip bootstrap: $offline_pip not found, so ansible-test uses its own get-pip.py: the one in its cache"
    echo "        (~/.ansible/test/cache), else a download (needs the internet; without it, lay shared/ beside the clone"
    echo "        or set SHARED_TOOLS)"
fi
cd "$dest"
ansible-test sanity --requirements --python "$py" --color no "$@"
