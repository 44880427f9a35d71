"""Flask application factory and the request pipeline of the emulator.

Order for a public API request: rate limit (429) → queued faults ``before``
(status / reset / delay) → ``latency_ms`` → authentication (401) → route →
queued faults ``after`` (status, reset, ``set_fields``) → request log.
``/_emulator/*`` admin requests skip all of it and are answered only to loopback peers.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import time
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter

from tmc_emulator.errors import ApiError, api_error_response, error_response
from tmc_emulator.faults import retry_after_header, set_fields
from tmc_emulator.runtime import EmulatorRuntime, runtime

RESET_FLAG = "tmc_emulator.reset_connection"
ADMIN_PREFIX = "/_emulator/"
_TEMPLATE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def create_app(data_path: str | None = None, **config: Any) -> Flask:
    """Build an emulator app.

    :param data_path: JSON data file; ``None`` → ``tests/emulator/data/sample.json``.
    :param config: keys of :data:`tmc_emulator.config.DEFAULTS` (e.g.
        ``token_lifetime_seconds=60``), plus ``clock_start_ms`` / ``clock_frozen``.
    :returns: the Flask app; its runtime is ``app.extensions["tmc_emulator"]``.
    """
    from tmc_emulator import (routes_admin, routes_admin_records, routes_auth, routes_orchestration,
                              routes_plans, routes_processing)

    app = Flask("tmc_emulator")
    app.url_map.converters["id_except"] = IdExceptConverter
    app.json.sort_keys = False
    app.json.compact = True
    app.extensions["tmc_emulator"] = EmulatorRuntime(data_path, **config)
    for module in (routes_auth, routes_orchestration, routes_plans, routes_processing, routes_admin,
                   routes_admin_records):
        app.register_blueprint(module.blueprint)
    app.before_request(_before_request)
    app.after_request(_after_request)
    app.register_error_handler(ApiError, api_error_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.wsgi_app = ConnectionResetMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    return app


class IdExceptConverter(BaseConverter):
    """A path id segment that is not one of the given literal words: ``<id_except("search"):taskId>``.

    OpenAPI matches a concrete path before a templated one, so ``GET
    .../tasks/search`` is the path ``.../tasks/search`` without a GET (405, ``Allow:
    POST``), not the task "search"; same for ``/processing/executions/plans``.
    """

    def __init__(self, url_map, *words: str) -> None:
        super().__init__(url_map)
        self.regex = "(?!(?:" + "|".join(re.escape(w) for w in words) + ")$)[^/]+"


def is_loopback(address: str | None) -> bool:
    """Whether a peer address is loopback (127.0.0.0/8, ::1, ::ffff:127.x)."""
    if not address:
        return False
    return address.startswith("127.") or address in ("::1", "localhost") \
        or address.startswith("::ffff:127.")


def _before_request() -> Response | None:
    g.t0 = time.perf_counter()
    g.principal = None
    g.note = None
    g.admin = request.path.startswith(ADMIN_PREFIX) or request.path.rstrip("/") == "/_emulator"
    if g.admin:
        if not is_loopback(request.remote_addr):
            return error_response(404, detail=f"No route for {request.path}")
        runtime().tick()
        return None
    rt = runtime()
    rt.tick()
    wait = rt.limiter.check(request.remote_addr or "?", rt.config["rate_limit_per_minute"])
    if wait is not None:
        g.note = "rate_limited"
        headers = {"Retry-After": retry_after_header(wait)} if rt.config["retry_after"] else None
        return error_response(
            429, "Too Many Requests",
            f"Rate limit of {rt.config['rate_limit_per_minute']} requests per minute exceeded "
            f"for {request.remote_addr}", headers)
    delay = rt.faults.take(request.method, request.path, "before", ("delay",))
    if delay is not None:
        time.sleep(delay.delay_ms / 1000)
    fault = rt.faults.take(request.method, request.path, "before", ("status", "reset"), _executable_of)
    if fault is not None:
        g.note = "fault"
        return _fault_response(fault)
    if rt.config["latency_ms"]:
        time.sleep(rt.config["latency_ms"] / 1000)
    if request.url_rule is not None and request.endpoint != "auth.oauth_token":
        g.principal = rt.credentials.authenticate(request.headers.get("Authorization"),
                                                  rt.clock.now_ms())
    return None


def _executable_of() -> str | None:
    """The ``executable`` of a JSON request body (run a task or plan), else ``None``."""
    body = request.get_json(force=True, silent=True)
    return body.get("executable") if isinstance(body, dict) else None


def _fault_response(fault) -> Response:
    if fault.kind == "reset":
        request.environ[RESET_FLAG] = True
        return Response(status=500)
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after if isinstance(fault.retry_after, int)
                                     else retry_after_header(fault.retry_after))
    return error_response(fault.status, fault.message,
                          fault.detail or f"Injected fault on {request.method} {request.path}",
                          headers)


def _after_request(response: Response) -> Response:
    if getattr(g, "admin", False) or "t0" not in g:
        return response
    rt = runtime()
    if g.note is None:
        fault = rt.faults.take(request.method, request.path, "after", ("status", "reset"), _executable_of)
        if fault is not None:
            g.note = "fault"
            response = _fault_response(fault)
        elif 200 <= response.status_code < 300 and response.is_json:
            fault = rt.faults.take(request.method, request.path, "after", ("set_fields",))
            if fault is not None:
                g.note = "fault"
                response.set_data(json.dumps(set_fields(response.get_json(), fault.fields),
                                             separators=(",", ":")))
    status: int | str = "reset" if request.environ.get(RESET_FLAG) else response.status_code
    rule = request.url_rule.rule if request.url_rule is not None else "UNMATCHED"
    principal = g.principal["name"] if g.principal else None
    rt.requests.record(request.method, request.path, _TEMPLATE.sub(r"{\1}", rule), status,
                       rt.clock.now_ms(), (time.perf_counter() - g.t0) * 1000, principal, g.note)
    return response


def _http_error(exc: HTTPException) -> Response:
    headers = {}
    if exc.code == 405:
        allow = exc.get_response().headers.get("Allow")
        if allow:
            headers["Allow"] = allow
    detail = exc.description or ""
    if exc.code == 404:
        detail = f"No resource found for {request.method} {request.path}"
        if request.path.startswith("/tmc/"):
            detail += " (the legacy /tmc/v2.x API is retired)"
    elif exc.code == 405:
        detail = f"Method {request.method} is not supported for {request.path}"
    return error_response(exc.code or 500, exc.name, detail, headers)


def _unexpected_error(exc: Exception) -> Response:
    if isinstance(exc, ApiError):  # pragma: no cover - registered separately
        return api_error_response(exc)
    return error_response(500, "Internal Server Error", f"{type(exc).__name__}: {exc}")


class ConnectionResetMiddleware:
    """Turns a request flagged with ``RESET_FLAG`` into a TCP reset (no HTTP answer).

    Sets ``SO_LINGER`` 0 on the socket and raises ``ConnectionAbortedError``; the
    werkzeug request handler of :mod:`tmc_emulator.server` then closes the socket,
    which sends an RST: the client sees a connection reset.
    """

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        app_iter = self.wsgi_app(environ, start_response)
        if not environ.get(RESET_FLAG):
            return app_iter
        if hasattr(app_iter, "close"):
            app_iter.close()
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        raise ConnectionAbortedError("connection reset by the emulator (injected fault)")
