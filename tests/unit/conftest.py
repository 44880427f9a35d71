# SPDX-License-Identifier: GPL-3.0-or-later
"""A scripted stand-in for ``requests.Session.request``: tests queue answers, then read what was sent."""

from __future__ import annotations

import json as jsonlib

import pytest
import requests


class ScriptedSession:
    """Answers requests from a list of ``(status, body, headers)`` or exceptions, and records them."""

    def __init__(self):
        self.answers = []
        self.sent = []

    def queue(self, status=200, body=None, headers=None):
        self.answers.append((status, body, headers or {}))

    def queue_error(self, exc):
        self.answers.append(exc)

    def request(self, method, url, params=None, json=None, auth=None, headers=None, timeout=None):
        self.sent.append({"method": method, "url": url, "params": params, "json": json, "auth": auth,
                          "headers": dict(headers or {}), "timeout": timeout})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body, extra = answer
        response = requests.Response()
        response.status_code = status
        if body is not None:
            response._content = (body if isinstance(body, str) else jsonlib.dumps(body)).encode()
            response.headers["Content-Type"] = "text/plain" if isinstance(body, str) else "application/json"
        else:
            response._content = b""
        response.headers.update(extra)
        prepared = requests.Request(method, url, headers=headers).prepare()
        response.request = prepared
        return response


@pytest.fixture
def scripted(monkeypatch):
    """Patch every ``requests.Session`` so that its requests go to a :class:`ScriptedSession`."""
    fake = ScriptedSession()
    monkeypatch.setattr(requests.Session, "request", lambda self, *a, **kw: fake.request(*a, **kw))
    return fake


@pytest.fixture(autouse=True)
def private_cache_home(tmp_path, monkeypatch):
    """Every test gets its own ``$XDG_CACHE_HOME``: modules count their requests in a shared
    window file there (``_tmc_ratewindow``), which must not carry over between tests or touch
    the real home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return tmp_path / "xdg-cache"
