"""Deterministic bulk tasks for benchmarks (``POST /_emulator/tasks/generate``).

Names and ids depend only on the seed and the index, so two emulators given
the same request hold the same tasks. Words come from the ``generator`` block
of the data file when present, else from the small lists below.
"""

from __future__ import annotations

import copy
import hashlib
import uuid

VERBS = ("Load", "Sync", "Export", "Replicate", "Ingest", "Refresh", "Archive", "Validate")
SOURCES = ("SAP", "Salesforce", "Workday", "NetSuite", "Zendesk", "HubSpot", "Postgres", "Kafka",
           "ServiceNow", "Oracle EBS", "Shopify", "Jira")
OBJECTS = ("Orders", "Invoices", "Accounts", "Contacts", "GL Entries", "Tickets", "Shipments",
           "Employees", "Products", "Payments", "Leads", "Inventory")
TARGETS = ("Snowflake", "S3", "BigQuery", "Redshift", "Azure Synapse", "Databricks")
TAG_POOL = ("nightly", "hourly", "finance", "crm", "sap", "bench", "critical", "gdpr")


def generated_id(seed: str, index: int) -> str:
    """24 lowercase hex chars, like Talend ids, from ``seed`` and ``index``."""
    return hashlib.sha1(f"{seed}:{index}".encode()).hexdigest()[:24]


def generated_plan_id(seed: str, index: int) -> str:
    """A UUID, like Talend plan ids, from ``seed`` and ``index``."""
    return str(uuid.UUID(bytes=hashlib.sha1(f"plan:{seed}:{index}".encode()).digest()[:16], version=4))


def _schedule_and_pause(record: dict, details_key: str, index: int, digest: bytes, paused_every: int,
                        with_schedules: bool, triggers: list | None, triggers_every: int) -> None:
    """Set the triggers of a generated record (nightly cron, or a copy of ``triggers`` for every
    ``triggers_every``-th one) and, every ``paused_every``-th one, someone else's pause."""
    if with_schedules:
        record["triggers"] = [{"name": f"Nightly {digest[9] % 24:02d}:{digest[10] % 60:02d} UTC",
                               "type": "CRON", "cron": f"{digest[10] % 60} {digest[9] % 24} * * *",
                               "timeZone": "UTC"}]
    if triggers is not None and triggers_every >= 1 and index % triggers_every == 0:
        record["triggers"] = copy.deepcopy(triggers)
    if paused_every and index % paused_every == 0:
        record[details_key] = {"pause": True, "pauseContext": "Paused by capacity planning",
                               "user": "capacity.planner@example.com", "userType": "HUMAN",
                               "pauseDate": "2025-01-15T10:00:00.000Z"}


def generate_tasks(count: int, workspace_ids: list[str], seed: str = "bench", start_index: int = 0,
                   name_prefix: str = "", tags: list[str] | None = None,
                   paused_every: int = 0, with_schedules: bool = False,
                   triggers: list | None = None, triggers_every: int = 1) -> list[dict]:
    """Build ``count`` task records spread round-robin over ``workspace_ids``.

    :param paused_every: when > 0, every n-th task is already paused by someone else.
    :param with_schedules: give each task a nightly cron trigger.
    :param triggers: triggers (data-file shape, ``ONCE`` may use ``inSeconds``) given to
        every ``triggers_every``-th task instead (the others keep ``with_schedules``'s).
    :returns: task dicts in the data-file shape.
    """
    out = []
    for offset in range(count):
        i = start_index + offset
        digest = hashlib.sha1(f"{seed}:{i}".encode()).digest()
        name = (f"{name_prefix}{VERBS[digest[0] % len(VERBS)]} {SOURCES[digest[1] % len(SOURCES)]} "
                f"{OBJECTS[digest[2] % len(OBJECTS)]} to {TARGETS[digest[3] % len(TARGETS)]} {i:05d}")
        task_tags = list(tags) if tags is not None else sorted(
            {TAG_POOL[digest[4] % len(TAG_POOL)], TAG_POOL[digest[5] % len(TAG_POOL)], "bench"})
        version = f"{digest[6] % 5}.{digest[7] % 10}.{digest[8] % 10}"
        task = {
            "id": generated_id(seed, i),
            "name": name,
            "description": f"Generated task {i} (seed {seed})",
            "workspaceId": workspace_ids[i % len(workspace_ids)],
            "version": version,
            "artifact": {"id": generated_id(seed + ":artifact", i),
                         "name": name.lower().replace(" ", "_"), "version": version},
            "tags": task_tags,
            "runtime": {"type": "CLOUD"},
            "triggers": [],
        }
        _schedule_and_pause(task, "taskPauseDetails", i, digest, paused_every, with_schedules, triggers,
                            triggers_every)
        out.append(task)
    return out


def generate_plans(count: int, workspace_ids: list[str], seed: str = "bench", start_index: int = 0,
                   name_prefix: str = "", paused_every: int = 0, with_schedules: bool = False,
                   triggers: list | None = None, triggers_every: int = 1) -> list[dict]:
    """Build ``count`` plan records (one step, no task) spread round-robin over ``workspace_ids``.

    Same parameters as :func:`generate_tasks` (no tags: plans carry none).
    :returns: plan dicts in the data-file shape.
    """
    out = []
    for offset in range(count):
        i = start_index + offset
        digest = hashlib.sha1(f"plan:{seed}:{i}".encode()).digest()
        name = (f"{name_prefix}{VERBS[digest[0] % len(VERBS)]} {OBJECTS[digest[2] % len(OBJECTS)]} "
                f"plan {i:05d}")
        plan = {"id": generated_plan_id(seed, i), "name": name,
                "description": f"Generated plan {i} (seed {seed})",
                "workspaceId": workspace_ids[i % len(workspace_ids)],
                "chart": {"id": f"step-{i}", "name": "Step 1", "taskIds": []}, "triggers": []}
        _schedule_and_pause(plan, "planPauseDetails", i, digest, paused_every, with_schedules, triggers,
                            triggers_every)
        out.append(plan)
    return out
