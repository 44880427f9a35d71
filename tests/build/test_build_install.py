# SPDX-License-Identifier: GPL-3.0-or-later
"""Build and install: ``ansible-galaxy collection build`` of the tracked tree, install of the tarball into a
fresh collections path, then the installed copy alone (no link to the repo on any path) renders every
plugin's documentation and runs a pause then a resume against the emulator.

``make build-install`` runs this file. The emulator comes from the repo (it is a test tool and does not
ship); everything Ansible loads comes from the installed copy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
FQCN = "talend_ops.cloud"
DEMO_PAT = "emulator-demo-pat"
WINDOW = "build-install-smoke"
MARKER = "[maintenance-window:%s]" % WINDOW
DEV_ONLY = ("tests/", "Makefile", "requirements-dev.txt", ".ci/", ".venv/", ".build/", "pytest.ini", "bench/")


def run(cmd, env, cwd, timeout=300):
    """Run a command; fail the test with its output when it exits non-zero."""
    proc = subprocess.run(cmd, env=env, cwd=str(cwd), capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        pytest.fail("%s failed (rc=%s):\n%s\n%s" % (" ".join(map(str, cmd)), proc.returncode, proc.stdout, proc.stderr))
    return proc


def tracked(*paths):
    """Git-tracked files under ``paths`` that exist in the work tree (relative posix paths)."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *paths],
                         cwd=str(ROOT), capture_output=True, text=True, check=True).stdout
    return sorted(p for p in out.split("\0") if p and (ROOT / p).is_file())


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build the staged collection, install the tarball; returns ``(tarball, collections_dir, env, workdir)``."""
    base = tmp_path_factory.mktemp("build-install")
    staged = subprocess.run(
        ["bash", "-c", '. tests/quality/stage_collection.sh && stage_collection "$1" "$2"', "stage", str(ROOT),
         str(base / "src")], cwd=str(ROOT), capture_output=True, text=True, check=True).stdout.strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "TALEND_")) and k != "PYTHONPATH"}
    collections_dir = base / "collections"
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(collections_dir),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_HOME": str(base / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(base / "ansible-local"),
        "XDG_STATE_HOME": str(base / "state"),  # the role's default report directory lives below it
        "ANSIBLE_NOCOLOR": "true",
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
        "PATH": str(BIN) + os.pathsep + os.environ.get("PATH", ""),
    })
    run([BIN / "ansible-galaxy", "collection", "build", "--output-path", base / "dist"], env, staged)
    tarball = next((base / "dist").glob("talend_ops-cloud-*.tar.gz"))
    run([BIN / "ansible-galaxy", "collection", "install", "--offline", "-p", collections_dir, tarball], env, base)
    workdir = base / "work"  # outside the repo: nothing next to a playbook or the cwd can supply the collection
    workdir.mkdir()
    return tarball, collections_dir, env, workdir


def test_tarball_ships_the_collection_and_leaves_out_dev_tooling(installed):
    tarball = installed[0]
    with tarfile.open(tarball) as tar:
        names = {m.name for m in tar.getmembers() if m.isfile()}
    wanted = set(tracked("plugins", "roles", "playbooks", "meta", "changelogs")) | {
        "MANIFEST.json", "FILES.json", "README.md", "LICENSE", "CHANGELOG.md", "requirements.txt"}
    assert sorted(wanted - names) == []
    assert sorted(n for n in names if n.startswith(DEV_ONLY) or "__pycache__" in n) == []
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    assert tarball.name == "talend_ops-cloud-%s.tar.gz" % version


def test_the_installed_copy_is_the_only_talend_ops_cloud_on_the_path(installed):
    tarball, collections_dir, env, workdir = installed
    out = run([BIN / "ansible-galaxy", "collection", "list", FQCN, "--format", "json"], env, workdir).stdout
    found = {path: cols[FQCN]["version"] for path, cols in json.loads(out).items() if FQCN in cols}
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    assert found == {str(collections_dir / "ansible_collections"): version}


def ansible_doc(installed, plugin_type, names):
    """``ansible-doc --json`` of the given short names; fails on any error or warning."""
    tarball, collections_dir, env, workdir = installed
    proc = run([BIN / "ansible-doc", "-t", plugin_type, "--json"] + ["%s.%s" % (FQCN, n) for n in names], env, workdir)
    # ansible-core 2.20 and 2.21 warn about their own internal collection on `ansible-doc -t role`
    # (https://github.com/ansible/ansible/issues/85689): that one warning is not about this collection.
    stderr = "\n".join(line for line in proc.stderr.splitlines()
                       if not (line.startswith("[WARNING]: Collection at ") and "/ansible/_protomatter' does not" in line))
    assert "[ERROR]" not in stderr and "[WARNING]" not in stderr, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("plugin_type", ["module", "lookup"])
def test_ansible_doc_renders_every_plugin_from_the_installed_copy(installed, plugin_type):
    folder = "modules" if plugin_type == "module" else plugin_type
    names = [Path(p).stem for p in tracked("plugins/%s" % folder) if p.endswith(".py") and not Path(p).stem.startswith("_")]
    assert names, "no %s plugin found under plugins/%s" % (plugin_type, folder)
    docs = ansible_doc(installed, plugin_type, names)
    assert sorted(docs) == sorted("%s.%s" % (FQCN, n) for n in names)
    for name, entry in docs.items():
        doc = entry["doc"]
        assert doc["short_description"] and doc["description"], name
        assert Path(doc["filename"]).is_relative_to(installed[1]), "%s loaded from %s" % (name, doc["filename"])
        assert entry["examples"] and (plugin_type != "module" or entry["return"]), name


def test_ansible_doc_renders_the_role_from_the_installed_copy(installed):
    docs = ansible_doc(installed, "role", ["maintenance_window"])
    entry = docs["%s.maintenance_window" % FQCN]
    assert Path(entry["path"]).is_relative_to(installed[1])
    assert {"maintenance_window_phase", "maintenance_window_id"} <= set(entry["entry_points"]["main"]["options"])


@pytest.fixture
def emulator():
    """The emulator with its sample data on a free loopback port; yields its URL."""
    from tmc_emulator.server import start_in_thread

    handle = start_in_thread(data_path=str(ROOT / "tests" / "emulator" / "data" / "sample.json"))
    try:
        yield handle.url
    finally:
        handle.stop()


def pause_states(url):
    """``{task id: (paused, pauseContext)}`` and the ids of the Production tasks, from the emulator's state."""
    state = requests.get(url + "/_emulator/state", timeout=30).json()
    tasks = state["tasks"] if isinstance(state["tasks"], list) else list(state["tasks"].values())
    env_id = next(e["id"] for e in state["environments"] if e["name"] == "Production")
    workspaces = {w["id"] for w in state["workspaces"] if w["environmentId"] == env_id}
    states = {t["id"]: ((t.get("taskPauseDetails") or {}).get("pause", False),
                        (t.get("taskPauseDetails") or {}).get("pauseContext")) for t in tasks}
    return states, {t["id"] for t in tasks if t["workspaceId"] in workspaces}


def test_pause_then_resume_runs_the_installed_playbook_against_the_emulator(installed, emulator):
    tarball, collections_dir, env, workdir = installed
    env = dict(env, TALEND_API_URL=emulator, TALEND_TOKEN=DEMO_PAT)
    before, production = pause_states(emulator)
    window = {"maintenance_window_id": WINDOW, "maintenance_window_reason": "build-install smoke",
              "maintenance_window_drain": False, "maintenance_window_selectors": [{"environment": "Production"}]}
    playbook = [BIN / "ansible-playbook", "-i", "localhost,", "%s.maintenance" % FQCN]

    run(playbook + ["-e", json.dumps(dict(window, maintenance_window_phase="pause"))], env, workdir)
    during, dummy = pause_states(emulator)
    newly_paused = {t for t in production if not before[t][0]}
    assert newly_paused, "sample data must hold an active Production task"
    for tid, (paused, context) in before.items():
        expected = (True, "build-install smoke " + MARKER) if tid in newly_paused else (paused, context)
        assert during[tid] == expected, tid

    run(playbook + ["-e", json.dumps(dict(window, maintenance_window_phase="resume"))], env, workdir)
    after, dummy = pause_states(emulator)
    assert {t: s[0] for t, s in after.items()} == {t: s[0] for t, s in before.items()}
    assert all(after[t] == before[t] for t in before if before[t][0])
