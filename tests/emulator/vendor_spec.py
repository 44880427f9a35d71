"""Where the vendor OpenAPI subset (``tmc-subset.json``) is, for the tests that check against it, and how it is built.

The spec is not part of this repository. In order:

1. ``TMC_OPENAPI_SPEC=/path/to/tmc-subset.json``, when set (a missing file is an error);
2. the ``shared/`` folder laid beside the clone (``<repo>/../shared/tmc-openapi/tmc-subset.json``), as on the
   build machines and in CI;
3. otherwise (a clone anywhere else) the vendor's published OpenAPI documents
   (``https://talend.qlik.dev/apis/<api>/2021-03/openapi30.json``, ``<api>``: orchestration, processing, oauth)
   are downloaded once into ``<repo>/.build/tmc-openapi/`` and the subset is built from them there
   (:func:`build_subset`). ``TMC_OPENAPI_URL`` replaces the URL template (``{api}`` is the document's name).

When none of these works, :func:`spec_path` raises :class:`SpecUnavailable` saying why: a test that needs the
spec fails, it never skips. ``python tests/emulator/vendor_spec.py [--source DIR] [--out FILE]`` builds the
subset from the documents in DIR (or downloads them) and prints where it is.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
ENV_VAR = "TMC_OPENAPI_SPEC"
URL_ENV_VAR = "TMC_OPENAPI_URL"
DEFAULT_PATH = ROOT.parent / "shared" / "tmc-openapi" / "tmc-subset.json"
BUILD_DIR = ROOT / ".build" / "tmc-openapi"
PUBLISHED_URL = "https://talend.qlik.dev/apis/{api}/2021-03/openapi30.json"
APIS = ("orchestration", "processing", "oauth")  # also the order in which a schema named in two documents is taken
FETCH_TIMEOUT = 60  # seconds per document
WHERE_FROM = (f"the vendor OpenAPI subset comes from {ENV_VAR}, else the shared/ folder laid beside the repository "
              f"({DEFAULT_PATH}), else it is built in {BUILD_DIR} from the vendor's documents at "
              f"{PUBLISHED_URL.format(api='<api>')} ({URL_ENV_VAR} replaces that URL)")

# The operations the collection and its emulator use: (METHOD, path template) of the vendor's documents.
OPERATIONS = (
    ("GET", "/orchestration/environments"),  # getAvailableEnvironments
    ("POST", "/orchestration/executables/events/search"),  # getScheduledExecutions
    ("GET", "/orchestration/executables/plans"),  # getAvailablePlans
    ("GET", "/orchestration/executables/plans/{planId}"),  # getPlan
    ("PUT", "/orchestration/executables/plans/{planId}/pause"),  # pausePlanExecution
    ("GET", "/orchestration/executables/tasks"),  # getAvailableTasks
    ("POST", "/orchestration/executables/tasks/search"),  # listAvailableTasks
    ("GET", "/orchestration/executables/tasks/{taskId}"),  # getTask
    ("PUT", "/orchestration/executables/tasks/{taskId}/pause"),  # changeTaskStatus
    ("GET", "/orchestration/workspaces"),  # getAvailableWorkspaces
    ("GET", "/processing/executables/plans/executions"),  # listAvailablePlansExecutions
    ("GET", "/processing/executables/tasks/executions"),  # listAvailableTasksExecutions
    ("GET", "/processing/executables/tasks/{taskId}/executions"),  # listTaskExecutions
    ("POST", "/processing/executions"),  # execute
    ("POST", "/processing/executions/plans"),  # executePlan
    ("DELETE", "/processing/executions/{executionId}"),  # stopExecution
    ("GET", "/processing/executions/{executionId}"),  # getTaskExecutionStatus
    ("POST", "/security/oauth/token"),  # service account token (no operationId)
)
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# Prose and vendor extensions: what the subset leaves out (a response keeps an empty description: OpenAPI needs one).
DROPPED_KEYWORDS = frozenset({"description", "summary", "tags", "example", "examples", "externalDocs", "x-talend"})
SUBSET_HEAD = {
    "openapi": "3.0.1",
    "info": {"title": "Talend Cloud Management Console API (subset)", "version": "2021-03"},
    "servers": [{"url": "https://api.{region}.cloud.talend.com",
                 "variables": {"region": {"default": "us", "enum": ["us", "eu", "ap", "au", "us-west"]}}}],
}


class SpecUnavailable(RuntimeError):
    """The subset is nowhere to be found and could not be built; the message says why and what to do."""


def spec_path() -> Path:
    """Path of ``tmc-subset.json`` (see the module docstring for the order); downloads and builds it when needed.

    :raises FileNotFoundError: ``TMC_OPENAPI_SPEC`` is set to a file that does not exist.
    :raises SpecUnavailable: no shared copy, and the vendor's documents could not be downloaded or built.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        path = Path(override)
        if not path.is_file():
            raise FileNotFoundError(f"{ENV_VAR}={override} is not a file")
        return path
    if DEFAULT_PATH.is_file():
        return DEFAULT_PATH
    return built_spec_path()


def built_spec_path(build_dir: Path | None = None) -> Path:
    """``<build_dir>/tmc-subset.json``, built from the downloaded documents unless it is there already.

    :param build_dir: default :data:`BUILD_DIR`; the documents are kept there as ``<api>.json``.
    :raises SpecUnavailable: a document could not be downloaded, or lacks an operation of :data:`OPERATIONS`.
    """
    build_dir = build_dir or BUILD_DIR
    target = build_dir / "tmc-subset.json"
    if not target.is_file():
        documents = {api: fetch_document(api, build_dir) for api in APIS}
        try:
            subset = build_subset(documents)
        except ValueError as exc:
            raise SpecUnavailable(f"cannot build the vendor spec subset from {build_dir}: {exc}") from exc
        _write_atomically(target, json.dumps(subset, indent=2, sort_keys=True) + "\n")
    return target


def document_url(api: str) -> str:
    """URL of one vendor document: :data:`PUBLISHED_URL`, or ``$TMC_OPENAPI_URL``, with ``{api}`` filled in."""
    return (os.environ.get(URL_ENV_VAR) or PUBLISHED_URL).format(api=api)


def fetch_document(api: str, build_dir: Path) -> dict:
    """The vendor's OpenAPI document ``api`` (GET :func:`document_url`), cached as ``<build_dir>/<api>.json``.

    :param api: one of :data:`APIS`.
    :returns: the parsed document (an OpenAPI 3 object with ``paths``).
    :raises SpecUnavailable: the download failed or did not return an OpenAPI 3 JSON document.
    """
    cached = build_dir / f"{api}.json"
    if cached.is_file():
        return json.loads(cached.read_text(encoding="utf-8"))
    url = document_url(api)
    advice = (f"lay the shared/ folder beside the clone ({DEFAULT_PATH.parent}), or set {ENV_VAR}=/path/to/"
              f"tmc-subset.json, or put the vendor documents as {build_dir}/<api>.json for <api> in {', '.join(APIS)}")
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SpecUnavailable(f"vendor spec: cannot download {url}: {exc}; {advice}") from exc
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3.") \
            or not isinstance(document.get("paths"), dict):
        raise SpecUnavailable(f"vendor spec: {url} is not an OpenAPI 3 document; {advice}")
    _write_atomically(cached, json.dumps(document))
    return document


def build_subset(documents: dict[str, dict]) -> dict:
    """The subset of the vendor documents that the collection uses, as ``tmc-subset.json`` holds it.

    Keeps the operations of :data:`OPERATIONS` (their path-level ``parameters`` too) and the components they
    refer to, directly or through other components; drops :data:`DROPPED_KEYWORDS` (prose, examples, vendor
    extensions) wherever they are keywords (a schema property of that name stays); every response keeps an
    empty ``description``; ``securitySchemes`` come from the first document holding them. A component that
    two documents define differently is taken from the first in :data:`APIS` order.

    :param documents: ``{api name: parsed OpenAPI document}`` for the names of :data:`APIS`.
    :returns: the subset document (plain JSON data).
    :raises ValueError: an operation of :data:`OPERATIONS` is in none of the documents, or a ``$ref`` names a
        component that none defines.
    """
    ordered = [documents[api] for api in APIS if api in documents]
    wanted = {(method.lower(), path) for method, path in OPERATIONS}
    paths: dict[str, dict] = {}
    for document in ordered:
        for path, item in document["paths"].items():
            kept = {method: op for method, op in item.items() if (method, path) in wanted}
            if not kept:
                continue
            out = paths.setdefault(path, {})
            for method, operation in kept.items():
                out.setdefault(method, _operation(operation))
            if "parameters" in item:
                out.setdefault("parameters", _strip(item["parameters"]))
    missing = sorted(f"{m.upper()} {p}" for m, p in wanted if m not in paths.get(p, {}))
    if missing:
        raise ValueError("the vendor documents lack " + ", ".join(missing))

    components: dict[str, dict] = {}
    todo = sorted(_refs(paths))
    seen: set[str] = set()
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        kind, name = _ref_target(ref)
        found = next((doc["components"][kind][name] for doc in ordered
                      if name in doc.get("components", {}).get(kind, {})), None)
        if found is None:
            raise ValueError(f"{ref} is defined in none of the documents")
        components.setdefault(kind, {})[name] = _strip(found)
        todo.extend(sorted(_refs(components[kind][name]) - seen))
    schemes = next((doc["components"]["securitySchemes"] for doc in ordered
                    if doc.get("components", {}).get("securitySchemes")), None)
    if schemes:
        components["securitySchemes"] = _strip(schemes)
    return {**json.loads(json.dumps(SUBSET_HEAD)), "paths": paths, "components": components}


def _operation(operation: dict) -> dict:
    """One operation without prose; its responses keep ``description: ""``."""
    out = _strip(operation)
    for response in out.get("responses", {}).values():
        if "$ref" not in response:
            response["description"] = ""
    return out


def _strip(node):
    """``node`` without :data:`DROPPED_KEYWORDS` as keys, except the names under ``properties``."""
    if isinstance(node, list):
        return [_strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in DROPPED_KEYWORDS:
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _strip(schema) for name, schema in value.items()}
        else:
            out[key] = _strip(value)
    return out


def _refs(node) -> set[str]:
    """Every ``$ref`` value in ``node``."""
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for key, value in node.items():
            if key != "$ref":
                found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node)) if node else set()
    return set()


def _ref_target(ref: str) -> tuple[str, str]:
    """``("schemas", "TaskV21")`` of ``#/components/schemas/TaskV21``.

    :raises ValueError: not a local reference to a component.
    """
    parts = ref.split("/")
    if len(parts) != 4 or parts[:2] != ["#", "components"]:
        raise ValueError(f"unsupported $ref {ref!r} (only #/components/<kind>/<name>)")
    return parts[2], parts[3]


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder (no half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def load_spec() -> dict:
    """The parsed spec (see :func:`spec_path`, whose errors it raises)."""
    return json.loads(spec_path().read_text(encoding="utf-8"))


def missing_spec_reason() -> str:
    """Where the spec comes from, for messages of tests that cannot find it."""
    return f"vendor spec not found: {WHERE_FROM}"


def spec_is_required() -> bool:
    """Always true: a test that needs the spec fails without it (it never skips), in CI and everywhere else."""
    return True


def operations(spec: dict) -> set[tuple[str, str]]:
    """``{(METHOD, path template)}`` of every operation the spec declares."""
    return {(method.upper(), path) for path, item in spec["paths"].items()
            for method in item if method in HTTP_METHODS}


def main(argv: list[str] | None = None) -> int:
    """Command line: build the subset (from ``--source`` documents, else as :func:`spec_path` does); print its path."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, help="folder holding orchestration.json, processing.json, oauth.json")
    parser.add_argument("--out", type=Path, help="where to write the subset (with --source)")
    args = parser.parse_args(argv)
    if args.source:
        documents = {api: json.loads((args.source / f"{api}.json").read_text(encoding="utf-8")) for api in APIS}
        out = args.out or args.source / "tmc-subset.json"
        _write_atomically(out, json.dumps(build_subset(documents), indent=2, sort_keys=True) + "\n")
        print(out)
    else:
        print(spec_path())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
