#!/usr/bin/env bash
# Changelog (antsibull-changelog, config in changelogs/config.yaml, keep_fragments: true).
#   tests/quality/changelog.sh check    lint the fragments and changelogs/changelog.yaml, then fail if
#                                       CHANGELOG.md or changelog.yaml is stale (a fragment or a plugin
#                                       not in it yet): what `make changelog-lint` runs
#   tests/quality/changelog.sh update   regenerate both: what `make changelog` runs
# The release entry is the version in galaxy.yml; `antsibull-changelog release` adds new fragments and new
# plugins (by version_added) to it. It runs on a copy of the tracked tree so that stray files do not count.
set -euo pipefail

mode="${1:-check}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${PYTHON_BIN_DIR:-$repo/.venv/bin}"
export PATH="$bin_dir:$PATH"

cd "$repo"
antsibull-changelog lint
if [ -f changelogs/changelog.yaml ]; then antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml; fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/talend-changelog.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/quality/stage_collection.sh
. "$repo/tests/quality/stage_collection.sh"
dest="$(stage_collection "$repo" "$tmp")"
(cd "$dest" && ANSIBLE_COLLECTIONS_PATH="$tmp" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
    antsibull-changelog release --reload-plugins --refresh >"$tmp/release.log" 2>&1) \
    || { cat "$tmp/release.log" >&2; exit 1; }

case "$mode" in
update)
    cp "$dest/changelogs/changelog.yaml" changelogs/changelog.yaml
    cp "$dest/CHANGELOG.md" CHANGELOG.md
    echo "changelog: CHANGELOG.md and changelogs/changelog.yaml regenerated"
    ;;
check)
    stale=0
    for f in changelogs/changelog.yaml CHANGELOG.md; do
        if ! diff -u "$f" "$dest/$f" >"$tmp/diff" 2>&1; then
            echo "changelog: $f is not up to date with the fragments and plugins:" >&2
            head -40 "$tmp/diff" >&2
            stale=1
        fi
    done
    [ "$stale" = 0 ] || { echo "changelog: run 'make changelog' and commit the result" >&2; exit 1; }
    echo "changelog: fragments valid, CHANGELOG.md up to date"
    ;;
*)
    echo "usage: $0 check|update" >&2; exit 2
    ;;
esac
