"""Where the vendor OpenAPI subset (``tmc-subset.json``) is, for the tests that check against it.

The spec is not part of this repository: it comes from the ``shared/`` folder laid
beside the clone (``<repo>/../shared/tmc-openapi/tmc-subset.json``), as on the
developers' machines and in CI. ``TMC_OPENAPI_SPEC=/path/to/tmc-subset.json``
points elsewhere.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_VAR = "TMC_OPENAPI_SPEC"
DEFAULT_PATH = ROOT.parent / "shared" / "tmc-openapi" / "tmc-subset.json"
WHERE_FROM = ("the vendor OpenAPI subset comes from the shared/ folder laid beside the repository "
              f"({DEFAULT_PATH}); set {ENV_VAR}=/path/to/tmc-subset.json to use another copy")


def spec_path() -> Path | None:
    """Path of ``tmc-subset.json``: ``$TMC_OPENAPI_SPEC``, else ``<repo>/../shared/...``; ``None`` if absent.

    :raises FileNotFoundError: ``TMC_OPENAPI_SPEC`` is set to a file that does not exist
        (a wrong override is an error, not a reason to skip).
    """
    override = os.environ.get(ENV_VAR)
    if override:
        path = Path(override)
        if not path.is_file():
            raise FileNotFoundError(f"{ENV_VAR}={override} is not a file")
        return path
    return DEFAULT_PATH if DEFAULT_PATH.is_file() else None


def load_spec() -> dict | None:
    """The parsed spec, or ``None`` when it is not present (see :func:`spec_path`)."""
    path = spec_path()
    return json.loads(path.read_text(encoding="utf-8")) if path else None


def missing_spec_reason() -> str:
    """Why a spec-based test cannot run: where the spec should be and where it comes from."""
    return f"vendor spec not found: {WHERE_FROM}"


def spec_is_required() -> bool:
    """Whether a missing spec must fail rather than skip: in CI (``CI=true``) it is always laid."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def operations(spec: dict) -> set[tuple[str, str]]:
    """``{(METHOD, path template)}`` of every operation the spec declares."""
    return {(method.upper(), path) for path, item in spec["paths"].items()
            for method in item if method in ("get", "put", "post", "delete", "patch")}
