# SPDX-License-Identifier: GPL-3.0-or-later
"""meta/execution-environment.yml as ansible-builder reads it: schema, collection introspection, build context.

No container engine runs here: ``ansible-builder create`` writes the build context (Containerfile and the
files it copies) and the tests check that context; ``ansible-builder introspect`` reads the collection's
metadata the way the builder stage of any EE that installs talend_ops.cloud does.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible_builder.ee_schema import validate_schema

ROOT = Path(__file__).resolve().parents[2]
EE_FILE = ROOT / "meta" / "execution-environment.yml"
BUILDER = [sys.executable, "-m", "ansible_builder"]


def requirement_lines(path):
    """Requirement lines of a pip requirements file, comments and blank lines dropped."""
    lines = (line.split("#", 1)[0].strip() for line in Path(path).read_text().splitlines())
    return [line for line in lines if line]


@pytest.fixture
def collection_root(tmp_path):
    """A collection tree ``<tmp>/ansible_collections/talend_ops/cloud`` with the files the EE definition uses."""
    root = tmp_path / "ansible_collections" / "talend_ops" / "cloud"
    for name in ("galaxy.yml", "requirements.txt", "meta/execution-environment.yml", "meta/runtime.yml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    return root


@pytest.fixture
def definition():
    return yaml.safe_load(EE_FILE.read_text())


def test_definition_is_valid_schema_version_3(definition):
    assert definition["version"] == 3
    validate_schema(copy.deepcopy(definition))  # raises DefinitionError when invalid


def test_definition_takes_python_dependencies_from_requirements_txt_and_no_system_packages(definition):
    deps = definition["dependencies"]
    assert deps["python"] == "requirements.txt"
    assert "system" not in deps
    assert re.search(r"ansible-core>=2\.19", deps["ansible_core"]["package_pip"])
    assert deps["python_interpreter"]["python_path"].endswith("python3.11")


def test_introspect_of_the_installed_collection_finds_requests_and_no_system_packages(collection_root):
    collections_dir = collection_root.parents[2]
    proc = subprocess.run(BUILDER + ["introspect", "--sanitize", str(collections_dir)],
                          capture_output=True, text=True, check=True, timeout=120)
    data = yaml.safe_load(proc.stdout.split("---", 1)[1])
    wanted = ["%s  # from collection talend_ops.cloud" % line for line in requirement_lines(ROOT / "requirements.txt")]
    assert wanted and data["python"] == wanted
    assert data["system"] == []


def test_create_writes_a_build_context_with_the_collection_requirements(collection_root, definition, tmp_path):
    # Relative paths in the file are relative to the collection root: ansible-builder resolves them
    # relative to the definition file, so it is read from there.
    ee_file = collection_root / "execution-environment.yml"
    shutil.copy(EE_FILE, ee_file)
    context = tmp_path / "context"
    subprocess.run(BUILDER + ["create", "-f", str(ee_file), "-c", str(context), "--output-filename", "Containerfile"],
                   capture_output=True, text=True, check=True, timeout=120)

    containerfile = (context / "Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="%s"' % definition["images"]["base_image"]["name"] in containerfile
    assert 'ARG PYCMD="/usr/bin/python3.11"' in containerfile
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="(.*)"$', containerfile, re.M).group(1)
    assert "ansible-core>=2.19.0,<2.20" in refs.split() and any(r.startswith("ansible-runner") for r in refs.split())
    assert "--user-pip=requirements.txt" in containerfile
    assert "--user-bindep" not in containerfile

    copied = re.findall(r"^COPY (_build/\S+) ", containerfile, re.M)
    assert "_build/requirements.txt" in copied
    for source in copied:
        assert (context / source).exists(), "Containerfile copies %s, missing from the context" % source
    assert requirement_lines(context / "_build" / "requirements.txt") == requirement_lines(ROOT / "requirements.txt")
    assert not (context / "_build" / "bindep.txt").exists()
