#!/usr/bin/env bash
# Sourced by the quality scripts. stage_collection REPO ROOT: copies the git-tracked files of REPO that
# still exist, plus untracked files .gitignore does not exclude (what the next commit would hold), to
# ROOT/ansible_collections/talend_ops/cloud and prints that path.
stage_collection() {
    local repo="$1" dest="$2/ansible_collections/talend_ops/cloud"
    mkdir -p "$dest"
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
        | tar --null -T - -cf -) | tar -xf - -C "$dest"
    printf '%s\n' "$dest"
}
