"""Vendor representations of stored records (schemas of ``tmc-subset.json``)."""

from __future__ import annotations

from tmc_emulator.state import Store

_ENV_KEYS = ("id", "name", "description", "default", "maxCloudContainers")


def environment_info(env: dict) -> dict:
    """``EnvironmentInfo``: ``{id, name, description, default, maxCloudContainers}``."""
    return {k: env[k] for k in _ENV_KEYS if k in env}


def workspace_info(store: Store, ws: dict) -> dict:
    """``WorkspaceInfo`` with its nested ``environment``."""
    out = {k: ws[k] for k in ("id", "name", "description", "owner", "type") if k in ws}
    out["protectedArtifactUpdate"] = bool(ws.get("protectedArtifactUpdate", False))
    out["environment"] = environment_info(store.environments[ws["environmentId"]])
    return out


def task_extract(store: Store, task: dict, include_pause: bool) -> dict:
    """``TaskExtract`` list item: the id is in ``executable``.

    :param include_pause: add ``tags`` and (when the task has any)
        ``taskPauseDetails``, as live tenants do.
    """
    store.settle(task, read=True)
    ws = store.workspaces[task["workspaceId"]]
    env = store.environments[ws["environmentId"]]
    item = {
        "executable": task["id"],
        "name": task["name"],
        "workspace": {
            "id": ws["id"], "name": ws["name"], "description": ws.get("description", ""),
            "owner": ws.get("owner", ""), "type": ws.get("type", "custom"),
            "environment": {k: env[k] for k in ("id", "name", "description", "default") if k in env},
        },
        "artifactId": task["artifact"]["id"],
        "runtime": dict(task.get("runtime") or {"type": "CLOUD"}),
    }
    if include_pause:
        item["tags"] = list(task.get("tags", []))
        if "taskPauseDetails" in task:
            item["taskPauseDetails"] = dict(task["taskPauseDetails"])
    return item


def task_v21(store: Store, task: dict) -> dict:
    """``TaskV21``: the detail of one task."""
    store.settle(task, read=True)
    out = {
        "id": task["id"],
        "name": task["name"],
        "description": task.get("description", ""),
        "workspace": workspace_info(store, store.workspaces[task["workspaceId"]]),
        "version": task["version"],
        "artifact": dict(task["artifact"]),
        "tags": list(task.get("tags", [])),
        "connections": {},
        "parameters": dict(task.get("parameters", {})),
        "resources": {},
        "autoUpgradeInfo": {"autoUpgradable": False, "overrideWithDefaultParameters": False},
    }
    if "taskPauseDetails" in task:
        out["taskPauseDetails"] = dict(task["taskPauseDetails"])
    return out


def plan_details(store: Store, plan: dict) -> dict:
    """``PlanExecutableDetails``: id in ``executable``, ``planPauseDetails`` when it has any."""
    store.settle(plan, read=True)
    out = {
        "executable": plan["id"],
        "name": plan["name"],
        "description": plan.get("description", ""),
        "workspace": workspace_info(store, store.workspaces[plan["workspaceId"]]),
    }
    if plan.get("chart"):
        out["chart"] = plan["chart"]
    if "planPauseDetails" in plan:
        out["planPauseDetails"] = dict(plan["planPauseDetails"])
    if plan.get("status"):
        out["status"] = plan["status"]
    return out
