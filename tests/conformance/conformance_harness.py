"""Shared pieces of the conformance tests: the vendor spec, the emulator, Prism in front of it.

Not a ``conftest.py`` on purpose (other test trees import their own ``conftest`` by
name). Without the vendor spec the tests skip, saying where the spec comes from;
in CI (``CI=true``) a missing spec fails instead: there it is always laid beside
the clone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
EMULATOR_DIR = ROOT / "tests" / "emulator"
if str(EMULATOR_DIR) not in sys.path:
    sys.path.insert(0, str(EMULATOR_DIR))

import vendor_spec  # noqa: E402  # pylint: disable=wrong-import-position
from prism_proxy import PrismProxy  # noqa: E402  # pylint: disable=wrong-import-position
from tmc_emulator.server import start_in_thread  # noqa: E402  # pylint: disable=wrong-import-position

SAMPLE = json.loads((EMULATOR_DIR / "data" / "sample.json").read_text())
DEMO_PAT = "emulator-demo-pat"
VIEWER_PAT = "emulator-viewer-pat"
FINANCE_PAT = "emulator-finance-pat"


def require_spec() -> Path:
    """The vendor spec path; skips the test when absent (fails in CI, where it must be present)."""
    path = vendor_spec.spec_path()
    if path is None:
        if vendor_spec.spec_is_required():
            pytest.fail(vendor_spec.missing_spec_reason() + " (CI=true: the spec must be present)")
        pytest.skip(vendor_spec.missing_spec_reason())
    return path


def ws_id(name: str) -> str:
    """Id of a sample workspace by name."""
    return next(w["id"] for w in SAMPLE["workspaces"] if w["name"] == name)


def env_id(name: str) -> str:
    """Id of a sample environment by name."""
    return next(e["id"] for e in SAMPLE["environments"] if e["name"] == name)


def task_id(name: str, workspace: str) -> str:
    """Id of a sample task by name and workspace name."""
    wid = ws_id(workspace)
    return next(t["id"] for t in SAMPLE["tasks"] if t["name"] == name and t["workspaceId"] == wid)


def plan_id(name: str) -> str:
    """Id of a sample plan by name."""
    return next(p["id"] for p in SAMPLE["plans"] if p["name"] == name)


def service_account(name: str) -> dict:
    """A sample service account (``id``, ``secret``) by name."""
    return next(sa for sa in SAMPLE["serviceAccounts"] if sa["name"] == name)


class Emulator:
    """An emulator on a loopback port; :meth:`admin` talks to its admin API directly, never through Prism."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.url = handle.url

    def admin(self, method: str, path: str, **kwargs):
        """``/_emulator/<path>``; returns the JSON answer, asserting a 2xx."""
        resp = requests.request(method, f"{self.url}/_emulator/{path}", timeout=30, **kwargs)
        assert resp.ok, resp.text
        return resp.json()


@pytest.fixture(scope="module")
def prism_front(tmp_path_factory):
    """``(emulator, prism)``: a fresh emulator with Prism's validating proxy in front of it.

    The emulator accepts the proxy URL as token audience (Prism forwards with the
    upstream's ``Host``).
    """
    spec = require_spec()
    prism = PrismProxy(spec, log_dir=tmp_path_factory.mktemp("prism"))
    handle = start_in_thread(audience=[prism.url])
    try:
        prism.start(handle.url)
        yield Emulator(handle), prism
    finally:
        prism.stop()
        handle.stop()


def client_headers(token: str | None = DEMO_PAT) -> dict:
    """Headers the collection sends: ``talend-version``, JSON ``Accept`` and the bearer token."""
    headers = {"talend-version": "2021-03", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers
