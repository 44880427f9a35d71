"""Where the conformance tests find the vendor spec, how a clone without ``../shared`` builds it, and that a
missing spec fails (never skips)."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

import conformance_harness
import vendor_spec

SHARED = vendor_spec.DEFAULT_PATH.parent  # <repo>/../shared/tmc-openapi: the full documents and the subset


@pytest.fixture
def no_shared_spec(monkeypatch, tmp_path):
    """A clone without ``../shared``: the default path does not exist, no override, a fresh build folder."""
    monkeypatch.setattr(vendor_spec, "DEFAULT_PATH", tmp_path / "shared" / "tmc-openapi" / "tmc-subset.json")
    monkeypatch.setattr(vendor_spec, "BUILD_DIR", tmp_path / "build" / "tmc-openapi")
    monkeypatch.delenv(vendor_spec.ENV_VAR, raising=False)
    monkeypatch.delenv(vendor_spec.URL_ENV_VAR, raising=False)


@pytest.fixture
def serve(monkeypatch):
    """``serve(folder)``: a loopback HTTP server publishing ``folder/<api>.json``; ``TMC_OPENAPI_URL`` points at it.

    Stands in for the vendor's site, which these machines cannot reach. Returns the list of paths requested.
    """
    servers = []

    def start(folder: Path) -> list[str]:
        requested: list[str] = []

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def send_head(self):
                requested.append(self.path)
                return super().send_head()

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                 functools.partial(Handler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        monkeypatch.setenv(vendor_spec.URL_ENV_VAR, f"http://127.0.0.1:{server.server_port}/apis/{{api}}.json")
        return requested

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def publish(folder: Path, documents: dict[str, dict]) -> Path:
    """Write ``documents`` as ``folder/apis/<api>.json`` (what :func:`serve` serves under ``/apis/``)."""
    (folder / "apis").mkdir(parents=True)
    for api, document in documents.items():
        (folder / "apis" / f"{api}.json").write_text(json.dumps(document))
    return folder


def tiny_documents() -> dict[str, dict]:
    """Three small vendor-like documents holding every operation of ``OPERATIONS`` and one unused one.

    Each operation answers a schema with a description, an example, a vendor extension and a property named
    ``description``; the schema refers to a second one, which refers to nothing.
    """
    documents = {api: {"openapi": "3.0.1", "info": {"title": api, "description": "prose", "version": "2021-03"},
                       "paths": {}, "components": {"schemas": {}, "securitySchemes": {}}} for api in vendor_spec.APIS}
    for method, path in vendor_spec.OPERATIONS:
        api = "oauth" if path.startswith("/security") else path.split("/")[1]
        documents[api]["paths"].setdefault(path, {})[method.lower()] = {
            "summary": "what it does", "tags": ["x"], "operationId": f"op{len(documents[api]['paths'])}",
            "responses": {"200": {"description": "OK", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}}}}}}
    documents["orchestration"]["paths"]["/orchestration/artifacts"] = {
        "get": {"responses": {"200": {"description": "unused", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Unused"}}}}}}}
    documents["orchestration"]["components"]["schemas"] = {
        "Thing": {"type": "object", "description": "a thing", "example": "{}", "x-talend": {"section": "Tasks"},
                  "properties": {"description": {"type": "string", "description": "the thing's own text"},
                                 "part": {"$ref": "#/components/schemas/Part"}}},
        "Part": {"type": "string", "enum": ["A", "B"]},
        "Unused": {"type": "string"},
    }
    documents["orchestration"]["components"]["securitySchemes"] = {
        "Public": {"type": "http", "scheme": "bearer", "description": "prose"}}
    return documents


def test_spec_is_read_beside_the_clone_by_default(monkeypatch):
    monkeypatch.delenv(vendor_spec.ENV_VAR, raising=False)
    if not vendor_spec.DEFAULT_PATH.is_file():
        pytest.skip(f"no {vendor_spec.DEFAULT_PATH} beside this clone: the shared location cannot be checked here "
                    "(the download and build without it are checked below)")
    assert vendor_spec.spec_path() == vendor_spec.ROOT.parent / "shared" / "tmc-openapi" / "tmc-subset.json"


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


def test_builder_reproduces_the_shared_subset_from_the_full_documents():
    if not (SHARED / "orchestration.json").is_file():
        pytest.skip(f"the reference subset and the full documents are in {SHARED}, not beside this clone "
                    "(the builder is checked on small documents below)")
    documents = {api: json.loads((SHARED / f"{api}.json").read_text()) for api in vendor_spec.APIS}
    assert vendor_spec.build_subset(documents) == json.loads((SHARED / "tmc-subset.json").read_text())


def test_subset_keeps_used_operations_and_their_schemas_and_drops_prose(tmp_path):
    subset = vendor_spec.build_subset(tiny_documents())
    assert vendor_spec.operations(subset) == set(vendor_spec.OPERATIONS)
    assert set(subset["components"]["schemas"]) == {"Thing", "Part"}  # Unused belongs to an unused operation
    thing = subset["components"]["schemas"]["Thing"]
    assert thing == {"type": "object", "properties": {"description": {"type": "string"},
                                                      "part": {"$ref": "#/components/schemas/Part"}}}
    operation = subset["paths"]["/orchestration/workspaces"]["get"]
    assert set(operation) == {"operationId", "responses"}
    assert operation["responses"]["200"]["description"] == ""
    assert subset["components"]["securitySchemes"] == {"Public": {"type": "http", "scheme": "bearer"}}
    assert subset["info"]["title"].endswith("(subset)") and "description" not in subset["info"]


def test_builder_names_an_operation_the_vendor_documents_lack():
    documents = tiny_documents()
    del documents["processing"]["paths"]["/processing/executions/{executionId}"]["delete"]
    with pytest.raises(ValueError, match=r"lack DELETE /processing/executions/\{executionId\}"):
        vendor_spec.build_subset(documents)


def test_clone_without_shared_downloads_the_documents_once_and_builds_the_subset(no_shared_spec, serve, tmp_path):
    requested = serve(publish(tmp_path / "site", tiny_documents()))
    path = vendor_spec.spec_path()
    assert path == vendor_spec.BUILD_DIR / "tmc-subset.json"
    assert vendor_spec.load_spec() == vendor_spec.build_subset(tiny_documents())
    assert sorted(requested) == sorted(f"/apis/{api}.json" for api in vendor_spec.APIS)
    assert vendor_spec.spec_path() == path and len(requested) == 3  # built once, then read from .build


def test_clone_without_shared_builds_the_same_subset_as_shared_from_the_published_documents(
        no_shared_spec, serve, tmp_path):
    if not (SHARED / "orchestration.json").is_file():
        pytest.skip(f"the published documents are served from copies in {SHARED}, not beside this clone")
    documents = {api: json.loads((SHARED / f"{api}.json").read_text()) for api in vendor_spec.APIS}
    serve(publish(tmp_path / "site", documents))
    assert vendor_spec.load_spec() == json.loads((SHARED / "tmc-subset.json").read_text())


def test_published_url_is_the_vendors_per_api_document(monkeypatch):
    monkeypatch.delenv(vendor_spec.URL_ENV_VAR, raising=False)
    assert [vendor_spec.document_url(api) for api in vendor_spec.APIS] == [
        "https://talend.qlik.dev/apis/orchestration/2021-03/openapi30.json",
        "https://talend.qlik.dev/apis/processing/2021-03/openapi30.json",
        "https://talend.qlik.dev/apis/oauth/2021-03/openapi30.json",
    ]


def test_failed_download_fails_the_test_naming_the_url_and_what_to_do(no_shared_spec, serve, tmp_path):
    (tmp_path / "empty").mkdir()
    serve(tmp_path / "empty")  # every document answers 404
    with pytest.raises(vendor_spec.SpecUnavailable, match=r"cannot download http://127\.0\.0\.1:\d+/apis/"
                                                          r"orchestration\.json.*404.*lay the shared/ folder"):
        conformance_harness.require_spec()
    assert not (vendor_spec.BUILD_DIR / "tmc-subset.json").exists()


def test_answer_that_is_not_an_openapi_document_is_refused(no_shared_spec, serve, tmp_path):
    site = tmp_path / "site"
    (site / "apis").mkdir(parents=True)
    for api in vendor_spec.APIS:
        (site / "apis" / f"{api}.json").write_text('{"error": "moved"}')
    serve(site)
    with pytest.raises(vendor_spec.SpecUnavailable, match="is not an OpenAPI 3 document"):
        vendor_spec.spec_path()
