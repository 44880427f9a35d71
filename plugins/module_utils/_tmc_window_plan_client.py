# -*- coding: utf-8 -*-
# Copyright (c) talend_ops.cloud contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this module_utils is **PRIVATE** to the collection. It can have breaking changes at any time.
# Do not use this from other collections or standalone plugins/modules!

"""The plan phase's client: read-only by construction, and it counts what it sends.

Every request of the plan phase goes through :class:`PlanClient`, a thin layer over the ``TalendClient``:

* it sends ``GET`` requests and the two searches that are reads by meaning though ``POST`` by method,
  ``POST /orchestration/executables/events/search`` (``getScheduledExecutions``) and
  ``POST /orchestration/executables/tasks/search`` (``listAvailableTasks``): their body holds only filters
  and paging, and the API changes nothing for them. Any other method or ``POST`` raises :class:`WriteRefused`
  before it is sent. (The token request of a service account is the auth's own and is not sent through here.)
* it does not send a task's detail read (``GET /orchestration/executables/tasks/{taskId}``) that the selection
  makes to complete pause details missing from the task list, one request per task: it counts it, answers
  "no pause details", and :attr:`PlanClient.detail_reads_not_sent` tells the plan what the pause phase will pay.
  Reads of explicit task ids are sent (the pause phase reads them too).
* it counts each request by operation (``GET /orchestration/executables/tasks/{taskId}``), the way the
  emulator's request log names routes: the plan says exactly what it sent.
"""

from __future__ import annotations

import re
import threading
from collections import Counter

from ansible_collections.talend_ops.cloud.plugins.module_utils._tmc_client import TalendClient

READ_POSTS = ("/orchestration/executables/events/search", "/orchestration/executables/tasks/search")
TASK_DETAIL_RE = re.compile(r"^/orchestration/executables/tasks/([^/]+)$")
_TEMPLATES = (
    (re.compile(r"^/orchestration/executables/(tasks|plans)/(?!search$)[^/]+"), lambda m: "/orchestration/executables/%s/{%s}"
     % (m.group(1), "taskId" if m.group(1) == "tasks" else "planId")),
    (re.compile(r"^/processing/executables/(tasks|plans)/(?!executions$)[^/]+"), lambda m: "/processing/executables/%s/{%s}"
     % (m.group(1), "taskId" if m.group(1) == "tasks" else "planId")),
    (re.compile(r"^/processing/executions/(?!plans$)[^/]+"), lambda m: "/processing/executions/{executionId}"),
)


class WriteRefused(Exception):
    """The plan phase tried a request that may change something; nothing was sent."""


def operation_of(method, path) -> str:
    """``"<METHOD> <path template>"``, ids replaced by ``{taskId}``, ``{planId}`` or ``{executionId}``.

    :param method: HTTP method (str). :param path: path below the base URL (str, no query).
    """
    for pattern, template in _TEMPLATES:
        match = pattern.match(path)
        if match:
            path = template(match) + path[match.end():]
            break
    return "%s %s" % (method.upper(), path)


def is_read(method, path) -> bool:
    """True for a ``GET`` or one of the searches of :data:`READ_POSTS`."""
    return method.upper() == "GET" or (method.upper() == "POST" and path in READ_POSTS)


class PlanClient:
    """A read-only, counting layer over a ``TalendClient`` (see the module docstring).

    :param client: the ``TalendClient``. :param sent_task_ids: task ids whose detail reads are sent (explicit ids).
    :ivar sent: ``Counter`` of requests sent, by :func:`operation_of` (retries of one call count once).
    :ivar detail_reads_not_sent: task detail reads the selection asked for and this client did not send (int).
    """

    def __init__(self, client, sent_task_ids=()):
        self._client = client
        self.max_workers = client.max_workers
        self.auth = client.auth
        self.sent = Counter()
        self.detail_reads_not_sent = 0
        self._sent_task_ids = set(sent_task_ids)
        self._lock = threading.Lock()

    def call(self, method, path, params=None, json=None, ok=(200,), accept=None):
        """As ``TalendClient.call``, for reads only. :raises WriteRefused: a request that is not a read."""
        if not is_read(method, path):
            raise WriteRefused("the plan phase is read-only and refused %s %s (nothing was sent)" % (method, path))
        detail = TASK_DETAIL_RE.match(path) if method.upper() == "GET" else None
        if detail and detail.group(1) not in self._sent_task_ids and detail.group(1) != "search":
            with self._lock:
                self.detail_reads_not_sent += 1
            return 200, None
        with self._lock:
            self.sent[operation_of(method, path)] += 1
        return self._client.call(method, path, params=params, json=json, ok=ok, accept=accept)

    get = TalendClient.get
    iter_pages = TalendClient.iter_pages
    _page = TalendClient._page  # pylint: disable=protected-access

    def requests_sent(self) -> dict:
        """``{operation: count}`` sorted by operation; every request this client sent."""
        return dict(sorted(self.sent.items()))
