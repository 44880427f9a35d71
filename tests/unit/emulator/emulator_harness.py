"""Shared fixtures and helpers of the emulator's own tests (imported by each test module).

Not a ``conftest.py`` on purpose: other test trees import their own ``conftest``
by name, a third one would shadow it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
EMULATOR_DIR = ROOT / "tests" / "emulator"
if str(EMULATOR_DIR) not in sys.path:
    sys.path.insert(0, str(EMULATOR_DIR))

import vendor_spec  # noqa: E402  # pylint: disable=wrong-import-position
from tmc_emulator.server import start_in_thread  # noqa: E402

SAMPLE_PATH = EMULATOR_DIR / "data" / "sample.json"
SAMPLE = json.loads(SAMPLE_PATH.read_text())
SPEC = vendor_spec.load_spec()  # <repo>/../shared/tmc-openapi/tmc-subset.json or $TMC_OPENAPI_SPEC

DEMO_PAT = "emulator-demo-pat"
VIEWER_PAT = "emulator-viewer-pat"
FINANCE_PAT = "emulator-finance-pat"
BOT = SAMPLE["serviceAccounts"][0]


def env_id(name: str) -> str:
    """Id of a sample environment by name."""
    return next(e["id"] for e in SAMPLE["environments"] if e["name"] == name)


def ws_id(name: str) -> str:
    """Id of a sample workspace by name."""
    return next(w["id"] for w in SAMPLE["workspaces"] if w["name"] == name)


def task_id(name: str, workspace: str) -> str:
    """Id of a sample task by name and workspace name."""
    wid = ws_id(workspace)
    return next(t["id"] for t in SAMPLE["tasks"] if t["name"] == name and t["workspaceId"] == wid)


def plan_id(name: str) -> str:
    """Id of a sample plan by name."""
    return next(p["id"] for p in SAMPLE["plans"] if p["name"] == name)


class Client:
    """A requests session bound to the emulator URL with a bearer token."""

    def __init__(self, url: str, token: str | None = DEMO_PAT) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.headers["talend-version"] = "2021-03"
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        """Send ``method path`` (path from the emulator root)."""
        kwargs.setdefault("timeout", 10)
        return self.http.request(method, self.url + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.call("PUT", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.call("POST", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.call("DELETE", path, **kwargs)

    def admin(self, method: str, path: str, **kwargs):
        """Call ``/_emulator/<path>`` and return its JSON (asserting a 2xx)."""
        resp = requests.request(method, f"{self.url}/_emulator/{path}", timeout=30, **kwargs)
        assert resp.ok, resp.text
        return resp.json()


@pytest.fixture(scope="session")
def emulator_server():
    """One emulator for the whole test session."""
    handle = start_in_thread()
    yield handle
    handle.stop()


@pytest.fixture
def api(emulator_server) -> Client:
    """A client with the demo PAT; the emulator is reset before each test."""
    client = Client(emulator_server.url)
    client.admin("POST", "reset")
    return client


def assert_error_response(resp: requests.Response, status: int) -> dict:
    """Check the vendor ``ErrorResponse`` shape and status; returns the body."""
    assert resp.status_code == status, (resp.status_code, resp.text)
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert body["status"] == status
    assert isinstance(body["message"], str) and isinstance(body["detail"], str)
    assert len(body["requestId"]) == 36
    if SPEC:
        check_schema(body, "ErrorResponse")
    return body


# -- a small validator for the OpenAPI schemas of tmc-subset.json --------------------------------
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int, "number": (int, float)}


def check_schema(instance, schema, path: str = "$") -> None:
    """Validate ``instance`` against a schema name of ``tmc-subset.json`` or a schema dict.

    Uses ``jsonschema`` when installed, else checks ``$ref``, ``type``, ``required``,
    ``enum``, ``properties`` and ``items`` (what these schemas use).
    """
    if SPEC is None:
        pytest.skip(vendor_spec.missing_spec_reason())
    if isinstance(schema, str):
        schema = {"$ref": f"#/components/schemas/{schema}"}
    try:
        import jsonschema  # noqa: PLC0415
    except ImportError:
        jsonschema = None
    if jsonschema is not None and path == "$":
        resolver_doc = dict(SPEC)
        jsonschema.validate(instance, dict(schema, components=resolver_doc["components"]))
        return
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = SPEC["components"]["schemas"][name]
    expected = schema.get("type")
    if expected:
        kinds = _TYPES[expected]
        ok = isinstance(instance, kinds) and not (expected in ("integer", "number") and isinstance(instance, bool))
        assert ok, f"{path}: expected {expected}, got {type(instance).__name__} {instance!r}"
    if "enum" in schema:
        assert instance in schema["enum"], f"{path}: {instance!r} not in {schema['enum']}"
    if isinstance(instance, dict):
        for key in schema.get("required", []):
            assert key in instance, f"{path}: missing required {key!r}"
        for key, sub in schema.get("properties", {}).items():
            if key in instance:
                check_schema(instance[key], sub, f"{path}.{key}")
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            check_schema(item, schema["items"], f"{path}[{index}]")


def response_schema(path: str, method: str, status: int) -> dict | None:
    """The response schema the spec gives for an operation and status (``None`` if no body)."""
    op = SPEC["paths"][path][method.lower()]
    content = op["responses"][str(status)].get("content")
    return content["application/json"]["schema"] if content else None
