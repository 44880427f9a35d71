# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a job the way AWX / Automation Controller runs it, from the objects in extensions/awx.

AWX renders the credential type's env injectors against the credential's inputs, merges the job template's
extra variables with the survey and launch (or workflow) variables, writes the private data directory
(``project/``, ``inventory/hosts``, ``env/extravars``), and runs ansible-runner as a pipeline: ``transmit`` on the
control node, ``worker`` on the execution node (its own private data directory, reached through receptor),
``process`` back on the control node, which writes the artifacts and hands each event to AWX. These helpers
do the same in one process, with in-memory streams where receptor would carry them.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import sys
from pathlib import Path

import ansible_runner
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = Path(__file__).resolve().parents[2]
AWX_DIR = ROOT / "extensions" / "awx"
COLLECTIONS = ROOT / ".build" / "collections"
HIDDEN_PASSWORD = "**********"  # what AWX shows instead of a secret field's value


def load_awx(name):
    """The YAML file ``extensions/awx/<name>`` as Python data."""
    return yaml.safe_load((AWX_DIR / name).read_text())


def job_template(name):
    """The job template called ``name`` in job_templates.yml (dict of awx.awx.job_template options)."""
    return next(jt for jt in load_awx("job_templates.yml")["job_templates"] if jt["name"] == name)


def credential_env(inputs, ctype=None):
    """``(env, safe_env)`` AWX injects for a credential of the type in credential_type.yml with ``inputs``.

    As AWX's ``CredentialType.inject_credential``: each ``injectors.env`` template is rendered in an immutable
    Jinja sandbox against the inputs (a field not given renders as ``''``). ``safe_env`` is the job environment
    AWX displays: secret fields rendered as ``**********``.

    :param inputs: ``{field id: value}``, e.g. ``{"talend_client_id": ..., "talend_client_secret": ...}``.
    :param ctype: another credential type (dict with ``inputs`` and ``injectors``), e.g. a tenant's.
    """
    ctype = ctype or load_awx("credential_type.yml")
    secret_ids = {f["id"] for f in ctype["inputs"]["fields"] if f.get("secret")}
    safe_inputs = {k: (HIDDEN_PASSWORD if k in secret_ids and v else v) for k, v in inputs.items()}
    sandbox = ImmutableSandboxedEnvironment()
    templates = ctype["injectors"]["env"]
    env = {var: sandbox.from_string(tmpl).render(**inputs) for var, tmpl in templates.items()}
    safe_env = {var: sandbox.from_string(tmpl).render(**safe_inputs) for var, tmpl in templates.items()}
    return env, safe_env


def survey_answers(spec, answers):
    """Survey variables of a launch: ``answers`` checked against the survey ``spec``, defaults for the rest.

    Raises ValueError, as AWX refuses the launch, for a required question left empty, a text outside its
    ``min``/``max`` length, or a choice that is not offered.
    """
    result = {}
    for question in spec.get("spec", []) if spec else []:
        var = question["variable"]
        value = answers.get(var, question.get("default"))
        if value in (None, ""):
            if question.get("required"):
                raise ValueError("survey question %r (%s) is required" % (question["question_name"], var))
            continue
        if question["type"] in ("text", "textarea") and not question.get("min", 0) <= len(value) <= question.get("max", 1024):
            raise ValueError("%s: length %d outside %s..%s" % (var, len(value), question.get("min"), question.get("max")))
        if question["type"] == "multiplechoice" and value not in question["choices"]:
            raise ValueError("%s: %r is not one of %s" % (var, value, question["choices"]))
        result[var] = value
    return result


def job_extra_vars(template, launch_vars, job_id):
    """Extra variables of a job launched from ``template`` with ``launch_vars`` (answers, workflow variables).

    The job template's ``extra_vars``, overridden by the survey (answers and defaults) and the launch variables,
    plus the ``awx_*`` variables AWX adds to every job.
    """
    answers = survey_answers(template.get("survey_spec") if template.get("survey_enabled") else None, launch_vars)
    extra = dict(template.get("extra_vars") or {})
    extra.update(answers)
    extra.update(launch_vars if template.get("ask_variables_on_launch") else {})
    extra.update({"awx_job_id": job_id, "awx_job_template_name": template["name"], "awx_user_name": "admin"})
    return extra


def workflow_success_path(workflow):
    """Nodes met from the root of ``workflow`` following success links, approvals approved: list of node dicts."""
    nodes = {n["identifier"]: n for n in workflow["workflow_nodes"]}
    children = {c["identifier"] for n in nodes.values() for kind in ("success_nodes", "failure_nodes", "always_nodes")
                for c in n["related"][kind]}
    roots = [n for ident, n in nodes.items() if ident not in children]
    assert len(roots) == 1, "the workflow must start with one node, found %s" % [n["identifier"] for n in roots]
    path, node = [], roots[0]
    while node:
        path.append(node)
        nxt = node["related"]["success_nodes"] + node["related"]["always_nodes"]
        assert len(nxt) <= 1, "%s: more than one node follows a success" % node["identifier"]
        node = nodes[nxt[0]["identifier"]] if nxt else None
    return path


LOCALHOST_INVENTORY = {
    "all": {"hosts": ["localhost"]},
    "_meta": {"hostvars": {"localhost": {"ansible_connection": "local", "remote_tower_id": 1}}},
}


def inventory_script_data(groups, hosts):
    """The inventory as AWX's inventory script prints it, from awx.awx ``group`` and ``host`` items.

    :param groups: list of ``{name, hosts}``. :param hosts: list of ``{name, variables}``.
    """
    data = {"all": {"hosts": [h["name"] for h in hosts]}, "_meta": {"hostvars": {}}}
    for group in groups:
        data[group["name"]] = {"hosts": list(group.get("hosts") or [])}
    for number, host in enumerate(hosts, 1):
        data["_meta"]["hostvars"][host["name"]] = dict(host.get("variables") or {}, remote_tower_id=number)
    return data


def write_private_data_dir(path, extra_vars, inventory=None):
    """Write the control node's private data directory of a job as AWX does; return it.

    ``project/`` is a copy of the repository's ``playbooks/`` (the job template's ``playbook`` is relative to it),
    ``inventory/hosts`` an executable script printing the inventory (AWX's form; localhost only unless
    ``inventory``, see :func:`inventory_script_data`), ``env/extravars`` the extra variables (YAML, mode 0600).
    """
    shutil.copytree(ROOT / "playbooks", path / "project" / "playbooks")
    inventory = inventory or LOCALHOST_INVENTORY
    hosts = path / "inventory" / "hosts"
    hosts.parent.mkdir(mode=0o700)
    hosts.write_text("#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(%r)\n" % json.dumps(inventory))
    hosts.chmod(stat.S_IRWXU)
    (path / "env").mkdir(mode=0o700)
    extravars = path / "env" / "extravars"
    extravars.write_text(yaml.safe_dump(extra_vars))
    extravars.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return path


def base_env(job_dir):
    """Environment AWX gives every job besides the credentials (AWX_TASK_ENV and its ANSIBLE_* settings).

    The collection comes from ``.build/collections`` (in AWX, the execution environment has it installed).
    Ansible's and the role's own files go below ``job_dir``, where the secret check looks too.
    """
    return {
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_HOME": str(job_dir / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(job_dir / "ansible-local"),
        "XDG_STATE_HOME": str(job_dir / "xdg-state"),  # the role's default report directory lives below it
        "ANSIBLE_FORCE_COLOR": "false",
        "ANSIBLE_NOCOLOR": "true",
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    }


class _Stream(io.BytesIO):
    """In-memory stream between the pipeline's steps (receptor's part); ansible-runner reads its ``name``."""

    name = "<receptor>"


class JobRun:
    """Outcome of :func:`run_job`: ``status``, ``rc``, ``events`` (dicts), ``statuses`` and the two directories.

    ``rc`` is read from ``artifacts/<id>/rc``, which the worker streams back (the processor does not set it).
    """

    def __init__(self, processor, events, statuses, control_dir, worker_dir):
        self.status = processor.status
        rc_file = Path(processor.artifact_dir) / "rc"
        self.rc = int(rc_file.read_text()) if rc_file.exists() else None
        self.events, self.statuses = events, statuses
        self.control_dir, self.worker_dir = control_dir, worker_dir

    def task_results(self, task_name):
        """``res`` of every ``runner_on_ok`` event of the task called ``task_name``."""
        return [e["event_data"]["res"] for e in self.events
                if e.get("event") == "runner_on_ok" and e["event_data"].get("task") == task_name]

    def stdout(self):
        """The job's output as AWX shows it (the ``stdout`` of its events, in order)."""
        return "\n".join(e.get("stdout", "") for e in self.events if e.get("stdout"))

    def stats(self):
        """``event_data`` of the ``playbook_on_stats`` event."""
        return next(e["event_data"] for e in self.events if e.get("event") == "playbook_on_stats")


def run_job(job_dir, job_id, template, extra_vars, credential, inventory=None):
    """Run ``template``'s playbook as AWX job ``job_id`` with ``extra_vars`` and the injected ``credential`` env.

    ``inventory``: see :func:`write_private_data_dir`.
    Control node: ``job_dir/control`` (private data directory, artifacts under ``artifacts/<job_id>``);
    execution node: ``job_dir/worker``. ``suppress_env_files`` as AWX sets it (``AWX_RUNNER_OMIT_ENV_FILES``),
    so the environment is never written to ``env/envvars``.
    """
    control = write_private_data_dir(job_dir / "control", extra_vars, inventory)
    worker_dir = job_dir / "worker"
    envvars = dict(base_env(job_dir), JOB_ID=str(job_id), AWX_PRIVATE_DATA_DIR=str(control), **credential)
    transmit = _Stream()
    ansible_runner.run(streamer="transmit", _output=transmit, private_data_dir=str(control), ident=job_id,
                       # no inventory argument: a string that is not a path here would be written over
                       # inventory/hosts; the runner finds the private data directory's inventory/ itself
                       playbook=template["playbook"], envvars=envvars,
                       forks=template.get("forks"),  # AWX passes the template's forks as --forks
                       suppress_env_files=True)
    transmit.seek(0)
    results = _Stream()
    ansible_runner.run(streamer="worker", _input=transmit, _output=results, private_data_dir=str(worker_dir))
    results.seek(0)
    events, statuses = [], []

    def on_event(event):
        events.append(event)
        return True  # keep job_events/ on disk (AWX keeps them in its database)

    processor = ansible_runner.run(streamer="process", _input=results, private_data_dir=str(control), ident=job_id,
                                   quiet=True, event_handler=on_event,
                                   status_handler=lambda data, runner_config: statuses.append(data["status"]))
    return JobRun(processor, events, statuses, control, worker_dir)
