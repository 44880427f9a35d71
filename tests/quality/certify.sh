#!/usr/bin/env bash
# The certified-collection checks (`make certify`, part of `make test`), on the collection as it would ship
# (the git-tracked files and untracked ones .gitignore keeps, copied to <tmp>/ansible_collections/talend_ops/cloud):
#   1. galaxy-importer, as Galaxy and Automation Hub run it on an upload, offline, on the tarball that
#      `ansible-galaxy collection build` makes (config: tests/quality/galaxy-importer.cfg; its ansible-test step
#      is off: make sanity / make matrix run ansible-test). Fails on an import error and on any warning it prints
#      (ansible-lint findings, a missing role readme, ...).
#   2. antsibull-docs lint-collection-docs --plugin-docs: the docs of every plugin and role (schema, markup,
#      references to other plugins and options), docs/ and changelogs/ as the Ansible docsite builds them.
# Env: PYTHON_BIN_DIR (default <repo>/.venv/bin), KEEP_CERTIFY_TREE=1 keeps the copy for a look.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="$(cd "${PYTHON_BIN_DIR:-$repo/.venv/bin}" 2>/dev/null && pwd)" || { echo "certify: ${PYTHON_BIN_DIR:-$repo/.venv/bin} not found; run 'make venv' first" >&2; exit 2; }
for tool in ansible-galaxy antsibull-docs; do
    [ -x "$bin_dir/$tool" ] || { echo "certify: $bin_dir/$tool not found; run 'make venv' first" >&2; exit 2; }
done
export PATH="$bin_dir:$PATH"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/talend-certify.XXXXXX")"
if [ "${KEEP_CERTIFY_TREE:-0}" = 1 ]; then echo "certify: tree kept in $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
# shellcheck source=tests/quality/stage_collection.sh
. "$repo/tests/quality/stage_collection.sh"
dest="$(stage_collection "$repo" "$tmp")"
export ANSIBLE_COLLECTIONS_PATH="$tmp" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_HOME="$tmp/ansible-home"

(cd "$dest" && ansible-galaxy collection build --output-path "$tmp/dist" >/dev/null)
tarball="$(ls "$tmp"/dist/talend_ops-cloud-*.tar.gz)"
echo "certify: galaxy-importer $("$bin_dir/python" -c 'import galaxy_importer; print(galaxy_importer.__version__)') on $(basename "$tarball")"
status=0
(cd "$tmp" && GALAXY_IMPORTER_CONFIG="$repo/tests/quality/galaxy-importer.cfg" \
    "$bin_dir/python" -m galaxy_importer.main "$tarball" >"$tmp/importer.log" 2>&1) || status=$?
grep -v '^Loading ' "$tmp/importer.log" || true
if [ "$status" != 0 ]; then
    echo "certify: galaxy-importer refused the tarball (rc=$status): see the ERROR above" >&2; exit 1
fi
if grep -q 'WARNING' "$tmp/importer.log"; then
    echo "certify: galaxy-importer printed warnings (above): Automation Hub shows them on the collection; fix them" >&2
    exit 1
fi

echo "certify: antsibull-docs $(antsibull-docs --version | head -1) lint-collection-docs --plugin-docs"
(cd "$dest" && antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all \
    --disallow-unknown-collection-refs --check-extra-docs-refs .)
echo "certify: galaxy-importer and antsibull-docs lint-collection-docs passed"
