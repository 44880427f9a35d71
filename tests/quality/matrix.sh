#!/usr/bin/env bash
# One ansible-core version of the test matrix (`make matrix`, `make matrix-2.16`): in its own virtualenv
# .build/matrix/<version>/venv (ansible-core pinned below, the collection's requirements and the test tools
# of tests/quality/requirements-matrix.txt), run
#   sanity       ansible-test sanity of that ansible-core (tests/quality/sanity.sh; tests/sanity/ignore-<v>.txt)
#   integration  the ansible-test integration targets against the emulator (tests/integration/run.sh)
#   build-install  ansible-galaxy collection build and install of the tarball, ansible-doc of every plugin and the
#                role from the installed copy (no warning allowed), a pause and a resume from it
#                (tests/build/test_build_install.py under that venv's Python)
#   e2e          the role's pause/resume/drain end to end: pytest of $MATRIX_E2E_TESTS under that venv's Python,
#                so ansible-playbook, the modules and the role run on that ansible-core
# and print each stage's wall time (also appended to .build/matrix/times.txt).
# Usage: tests/quality/matrix.sh VERSION [STAGE...]   (VERSION: 2.16 ... 2.21; STAGE: venv (only the virtualenv),
#        sanity, integration, build-install, e2e; default: all but venv)
# Env: MATRIX_E2E_TESTS overrides the e2e selection; PYTHON311, PYTHON312, PYTHON313 name the interpreters to use.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="${1:?usage: $0 VERSION [venv|sanity|integration|build-install|e2e ...]}"
shift
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(sanity integration build-install e2e)

# The latest patch release of each minor (pip index versions ansible-core), and the Python it runs on here:
# 2.16 and 2.17 run on 3.10-3.12, 2.18 and 2.19 on 3.11-3.13, 2.20 and 2.21 on 3.12-3.14. The collection needs 3.11
# or later; 2.20 runs on 3.12 and 2.21 on 3.13, so that both of the newer Pythons are tested.
case "$version" in
    2.16) pin=2.16.19 py=3.11 ;;
    2.17) pin=2.17.14 py=3.11 ;;
    2.18) pin=2.18.19 py=3.11 ;;
    2.19) pin=2.19.15 py=3.11 ;;
    2.20) pin=2.20.10 py=3.12 ;;
    2.21) pin=2.21.5 py=3.13 ;;
    *) echo "matrix: unknown ansible-core version '$version' (known: 2.16 2.17 2.18 2.19 2.20 2.21)" >&2; exit 2 ;;
esac

# An interpreter of Python $1: $PYTHON3NN, python3.NN on PATH, else pyenv's newest 3.NN.
find_python() {
    local want="$1" var="PYTHON${1//./}" cand
    local -a cands=()
    [ -n "${!var:-}" ] && cands+=("${!var}")
    cands+=("python$want")
    if command -v pyenv >/dev/null 2>&1; then
        while IFS= read -r cand; do cands+=("$cand"); done \
            < <(printf '%s\n' "$(pyenv root)/versions/$want".*/bin/python"$want" | sort -rV)
    fi
    for cand in "${cands[@]}"; do
        if "$cand" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" 2>/dev/null; then
            command -v "$cand"; return 0
        fi
    done
    echo "matrix: ansible-core $version needs Python $want: none found (tried: ${cands[*]}); install it" \
         "(e.g. 'pyenv install $want') or set $var=/path/to/python$want" >&2
    return 1
}

base="$repo/.build/matrix/$version"
venv="$base/venv"
times="$repo/.build/matrix/times.txt"
mkdir -p "$base"

stamp() { date +%s; }
record() {  # record STAGE START RC
    local secs=$(( $(stamp) - $2 )) result=ok
    [ "$3" = 0 ] || result="FAILED (rc=$3)"
    printf 'matrix ansible-core %s (%s) %-12s %4d s  %s\n' "$version" "$pin" "$1" "$secs" "$result" | tee -a "$times"
}

# The virtualenv, rebuilt when the pin or the requirements change.
want="ansible-core==$pin python$py $(cat "$repo/requirements.txt" "$repo/tests/quality/requirements-matrix.txt" | md5sum | cut -c1-12)"
if [ ! -x "$venv/bin/ansible-test" ] || [ "$(cat "$venv/.matrix-pin" 2>/dev/null)" != "$want" ]; then
    start=$(stamp)
    python="$(find_python "$py")"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet "ansible-core==$pin" -r "$repo/requirements.txt" \
        -r "$repo/tests/quality/requirements-matrix.txt"
    echo "$want" > "$venv/.matrix-pin"
    record venv "$start" 0
fi
got="$("$venv/bin/python" -c 'from ansible.release import __version__; print(__version__)')"
[ "$got" = "$pin" ] || { echo "matrix: $venv has ansible-core $got, not $pin" >&2; exit 1; }

# The collection is found through the link that `make collection` makes (.build/collections).
mkdir -p "$repo/.build/collections/ansible_collections/talend_ops"
ln -sfn "$repo" "$repo/.build/collections/ansible_collections/talend_ops/cloud"

E2E_TESTS_DEFAULT="tests/e2e/test_maintenance_playbook.py \
tests/e2e/test_drain.py::test_runs_that_end_inside_the_timeout_are_waited_for_and_both_cluster_runs_count \
tests/e2e/test_drain.py::test_run_outlasting_the_timeout_is_stopped_with_stop"

failed=0
for stage in "${stages[@]}"; do
    start=$(stamp)
    rc=0
    case "$stage" in
        venv) continue ;;  # only make the virtualenv (above)
        sanity)
            PYTHON_BIN_DIR="$venv/bin" bash "$repo/tests/quality/sanity.sh" || rc=$? ;;
        integration)
            PYTHON_BIN_DIR="$venv/bin" bash "$repo/tests/integration/run.sh" || rc=$? ;;
        build-install)
            (cd "$repo" && "$venv/bin/python" -m pytest tests/build/test_build_install.py -q -p no:cacheprovider) || rc=$? ;;
        e2e)
            # shellcheck disable=SC2086  # a list of test ids
            (cd "$repo" && ANSIBLE_COLLECTIONS_PATH="$repo/.build/collections" \
                "$venv/bin/python" -m pytest ${MATRIX_E2E_TESTS:-$E2E_TESTS_DEFAULT} -q -p no:cacheprovider) || rc=$? ;;
        *) echo "matrix: unknown stage '$stage' (venv, sanity, integration, build-install, e2e)" >&2; exit 2 ;;
    esac
    record "$stage" "$start" "$rc"
    [ "$rc" = 0 ] || failed=1
done
exit "$failed"
