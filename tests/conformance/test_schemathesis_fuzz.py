"""Property-based fuzzing of every operation of the vendor spec against the emulator (schemathesis).

One bounded, seeded run (``schemathesis_run.SEED``, ``MAX_EXAMPLES`` per operation
and phase, one worker): no answer may be a 5xx, and every answer must carry a
status code, content type and body the spec documents for it. See
``schemathesis_run`` for the checks and the one left out.
"""

from __future__ import annotations

import pytest

from conformance_harness import DEMO_PAT, SAMPLE, require_spec, service_account
from schemathesis_run import MAX_EXAMPLES, SEED, build_config, run
from tmc_emulator.server import start_in_thread
import vendor_spec


@pytest.fixture(scope="module")
def fuzz_report(tmp_path_factory):
    """The JSON report of one schemathesis run against a fresh emulator."""
    spec = require_spec()
    handle = start_in_thread()
    try:
        config = build_config(SAMPLE, handle.url, DEMO_PAT, service_account("maintenance-bot"))
        report = run(spec, handle.url, config, tmp_path_factory.mktemp("schemathesis"))
    finally:
        handle.stop()
    cases = report["test_cases"]
    print(f"\nschemathesis {report['schemathesis_version']}: {report['operations']['tested']} operations, "
          f"{cases['generated']} test cases, {cases['unique_failures']} failures, seed {report['seed']}, "
          f"{MAX_EXAMPLES} examples per operation and phase, {report['seconds']:.0f} s")
    return report


def test_schemathesis_runs_with_the_fixed_seed_and_tests_every_operation(fuzz_report):
    spec = vendor_spec.load_spec()
    assert fuzz_report["seed"] == SEED
    assert fuzz_report["operations"]["tested"] == len(vendor_spec.operations(spec))
    assert fuzz_report["operations"]["errored"] == 0 and not fuzz_report["errors"], fuzz_report["output"]
    assert fuzz_report["test_cases"]["generated"] >= len(vendor_spec.operations(spec)) * MAX_EXAMPLES


def test_fuzzed_requests_get_no_5xx_and_only_documented_statuses_and_schemas(fuzz_report):
    assert fuzz_report["failures"] == [], fuzz_report["output"]
    assert fuzz_report["exit_code"] == 0, fuzz_report["output"]
