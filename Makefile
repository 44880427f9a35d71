# talend_ops.cloud developer commands. Needs python3 (3.11) and make; everything else is installed here. Also Python
# 3.13 for make test (its ansible-core 2.21 stage) and 3.12 for make matrix (2.20), on PATH or under pyenv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
COLLECTIONS := $(CURDIR)/.build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/talend_ops/cloud
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false

.PHONY: help venv collection browser plan-picture demo test unit e2e integration sanity lint changelog changelog-lint ee build-install molecule awx emulator-start emulator-stop clean node-deps conformance e2e-prism bench bench-smoke bench-account-max bench-cold bench-soonest-first bench-no-limit bench-report-runs bench-scale matrix certify vendor-spec

help:
	@echo "make demo   - start the local Talend Cloud emulator, pause then resume a maintenance window, stop it"
	@echo "make test   - the whole test suite, as CI runs it: lint, changelog-lint, ee, build-install, sanity,"
	@echo "              unit and emulator tests, end-to-end tests against the emulator, and the stages below"
	@echo "make unit | e2e | integration | lint | sanity | changelog-lint | ee | build-install | molecule | awx | certify"
	@echo "           | matrix-2.16 | matrix-2.21  - one stage of make test"
	@echo "make matrix  - sanity, integration and the role end to end on each ansible-core of $(MATRIX_VERSIONS)"
	@echo "make plan-picture     - docs/plan.png: the plan of the demo window as a browser shows it"
	@echo "make bench | bench-scale  - the benchmarks (bench/README.md): 1,000 tasks against a uri loop (~1 h) | the"
	@echo "              account maximum, cold tenant, soonest first, no limit, report runs (~40 min); or one of them:"
	@echo "              bench-account-max bench-cold bench-soonest-first bench-no-limit bench-report-runs"
	@echo "make changelog        - regenerate CHANGELOG.md from changelogs/fragments"
	@echo "make emulator-start   - start the emulator in the background (prints its URL); make emulator-stop"
	@echo "make clean  - remove the virtualenv and build files"

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

venv: $(BIN)/activate

# The collection is used in place: ansible finds it as talend_ops.cloud through this link.
collection: venv
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

demo: collection
	@PATH="$(CURDIR)/$(BIN):$$PATH" bash tests/emulator/demo.sh

# docs/plan.png, the picture of the plan in the README: the demo's plan phase, rendered by headless Chromium.
plan-picture: collection browser
	$(BIN)/python tests/emulator/plan_picture.py docs/plan.png

unit: collection
	$(BIN)/python -m pytest tests/unit -q

e2e: collection browser
	$(BIN)/python -m pytest tests/e2e -q

# Headless Chromium for tests/e2e/test_plan_browser.py (the plan page opened in a real browser): Debian's
# package, installed once (as root, or through sudo); a no-op when it is there.
browser:
	@command -v chromium >/dev/null 2>&1 || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# ansible-test integration targets (tests/integration/targets) against the emulator, the plugins' EXAMPLES included.
integration: venv
	bash tests/integration/run.sh

# Quality gates: ansible-test sanity on a copy of the tracked files, ansible-lint. Sanity bootstraps pip with
# ../shared/tools/ansible-test-offline-pip when it is there, else with ansible-test's own download.
sanity: venv
	bash tests/quality/sanity.sh

lint: collection
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/ansible-lint --offline

# Changelog: fragments in changelogs/fragments; `make changelog` regenerates CHANGELOG.md, changelog-lint checks it.
changelog: venv
	bash tests/quality/changelog.sh update

changelog-lint: venv
	bash tests/quality/changelog.sh check

# Execution environment: ansible-builder create/introspect on meta/execution-environment.yml (no container engine).
ee: venv
	$(BIN)/python -m pytest tests/build/test_execution_environment.py -q -p no:cacheprovider

# ansible-galaxy collection build, install of the tarball into a fresh path, ansible-doc and a pause/resume from it.
build-install: venv
	$(BIN)/python -m pytest tests/build/test_build_install.py -q -p no:cacheprovider

# Molecule scenarios of the role (extensions/molecule); each starts its own emulator in create, stops it in destroy.
molecule: collection
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/molecule test --all

# AWX the way AWX runs it: the example workflow's pause and resume jobs through ansible-runner (tests/awx).
awx: collection
	$(BIN)/python -m pytest tests/awx -q -p no:cacheprovider

# The certified-collection checks on the built tarball: galaxy-importer (offline, as Galaxy / Automation Hub run
# it) and antsibull-docs lint-collection-docs (tests/quality/certify.sh).
certify: venv
	bash tests/quality/certify.sh

# ansible-core versions the collection supports (requires_ansible: '>=2.16.0'). Each gets its own virtualenv
# .build/matrix/<version>/venv (pins and Pythons in tests/quality/matrix.sh) and runs ansible-test sanity, the
# integration targets and the role's pause/resume/drain end to end. make test runs the oldest and the newest
# besides the current one (.venv, requirements-dev.txt); each stage's wall time goes to .build/matrix/times.txt.
MATRIX_VERSIONS := 2.16 2.17 2.18 2.19 2.20 2.21
matrix: collection
	@failed=""; for v in $(MATRIX_VERSIONS); do bash tests/quality/matrix.sh $$v || failed="$$failed $$v"; done; \
	if [ -n "$$failed" ]; then echo "matrix: failed on ansible-core$$failed" >&2; exit 1; fi

matrix-%: collection
	bash tests/quality/matrix.sh $*

test: collection browser lint changelog-lint ee build-install sanity certify integration molecule awx bench-smoke conformance e2e-prism matrix-2.16 matrix-2.21
	$(BIN)/python -m pytest tests/unit tests/e2e -q -p no:cacheprovider

# Benchmark (bench/README.md): `make bench` is the full run (minutes; results into bench/results/),
# bench-smoke a tiny one that make test runs so that the script keeps working.
bench: collection
	$(BIN)/python bench/run_bench.py

bench-smoke: collection
	$(BIN)/python bench/run_bench.py --smoke

# The account maximum (issue 19; bench/README.md "The account maximum"): one scenario per figure, each computing
# its own ratio against its target in the same run; results into bench/results/. bench-scale runs them all (~40 min).
bench-account-max: collection
	$(BIN)/python bench/account_max.py
bench-cold: collection
	$(BIN)/python bench/cold_tenant.py
bench-soonest-first: collection
	$(BIN)/python bench/soonest_first.py --tasks 10000 --due-every 10 --due-spread 20:280:10
bench-no-limit: collection
	$(BIN)/python bench/run_bench.py --scenarios unlimited --label no-limit
bench-report-runs: collection
	$(BIN)/python bench/report_runs.py
bench-scale: bench-account-max bench-cold bench-soonest-first bench-no-limit bench-report-runs

# Node.js tools of the tests: Prism 5.14.2, pinned in tests/package-lock.json (node_modules is not tracked).
node-deps: tests/node_modules/.package-lock.json

tests/node_modules/.package-lock.json: tests/package.json tests/package-lock.json
	npm ci --prefix tests --no-audit --no-fund

# The vendor OpenAPI subset: $$TMC_OPENAPI_SPEC, else ../shared/tmc-openapi/tmc-subset.json, else built in
# .build/tmc-openapi/ from the vendor's published documents (tests/emulator/vendor_spec.py); prints its path.
vendor-spec: venv
	$(BIN)/python tests/emulator/vendor_spec.py

# The emulator against the vendor OpenAPI subset (see vendor-spec):
# Prism conformance of every operation, a seeded schemathesis run, a flipped field caught by both.
conformance: collection node-deps
	$(BIN)/python -m pytest tests/conformance -q -s -p no:cacheprovider

# The collection's own requests checked by Prism: these e2e tests through prism proxy --errors (11 of the 18
# operations: tasks, plans, pause, events, executions, stop, token).
E2E_PRISM_TESTS := tests/e2e/test_maintenance_playbook.py \
	tests/e2e/test_role_plans.py::test_schedule_selector_pauses_exactly_what_runs_inside_and_resume_ignores_the_window \
	tests/e2e/test_drain.py::test_run_outlasting_the_timeout_is_stopped_with_stop \
	tests/e2e/test_auth.py::test_one_401_with_a_service_account_gets_a_new_token_and_succeeds \
	tests/e2e/test_plan.py::test_plan_skips_exactly_the_emulator_schedule_sends_no_write_and_covers_the_latest_run
e2e-prism: collection node-deps
	TMC_E2E_VIA_PRISM=1 $(BIN)/python -m pytest $(E2E_PRISM_TESTS) -q -p no:cacheprovider

emulator-start: collection
	$(BIN)/python tests/emulator/emulatorctl.py start --port 0 --state-dir .emulator

emulator-stop:
	-$(BIN)/python tests/emulator/emulatorctl.py stop --state-dir .emulator

clean: emulator-stop
	rm -rf $(VENV) .build .emulator .pytest_cache
