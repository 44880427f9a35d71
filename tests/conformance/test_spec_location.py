"""Where the conformance tests find the vendor spec, and what they do without it."""

from __future__ import annotations

import pytest

import conformance_harness
import vendor_spec


@pytest.fixture
def no_shared_spec(monkeypatch, tmp_path):
    """A clone without ``../shared``: the default path does not exist, no override."""
    monkeypatch.setattr(vendor_spec, "DEFAULT_PATH", tmp_path / "shared" / "tmc-openapi" / "tmc-subset.json")
    monkeypatch.delenv(vendor_spec.ENV_VAR, raising=False)


def test_spec_is_read_beside_the_clone_by_default(monkeypatch):
    monkeypatch.delenv(vendor_spec.ENV_VAR, raising=False)
    path = vendor_spec.spec_path()
    assert path is None or path == vendor_spec.ROOT.parent / "shared" / "tmc-openapi" / "tmc-subset.json"


def test_env_var_points_at_another_copy(monkeypatch, tmp_path):
    copy = tmp_path / "subset.json"
    copy.write_text('{"paths": {"/x": {"get": {}, "parameters": []}}}')
    monkeypatch.setenv(vendor_spec.ENV_VAR, str(copy))
    assert vendor_spec.spec_path() == copy
    assert vendor_spec.operations(vendor_spec.load_spec()) == {("GET", "/x")}


def test_env_var_naming_a_missing_file_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv(vendor_spec.ENV_VAR, str(tmp_path / "nope.json"))
    with pytest.raises(FileNotFoundError, match=vendor_spec.ENV_VAR):
        vendor_spec.spec_path()


def test_without_the_spec_a_test_skips_saying_where_it_comes_from(no_shared_spec, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"shared/ folder laid beside the repository.*TMC_OPENAPI_SPEC"):
        conformance_harness.require_spec()


def test_without_the_spec_in_ci_a_test_fails(no_shared_spec, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        conformance_harness.require_spec()
