"""Run the emulator on a threaded werkzeug server, in a thread (tests) or in the foreground.

Request logging never shows headers (so never a token): by default nothing is
logged per request; with ``verbose`` one line ``METHOD /path STATUS`` without
the query string.
"""

from __future__ import annotations

import logging
import socket
import threading
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tmc_emulator.app import RESET_FLAG, create_app, is_loopback

log = logging.getLogger("tmc_emulator")


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug handler: redacted logging and real TCP resets for injected faults."""

    verbose = False

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log ``METHOD /path STATUS`` (no query, no headers) when verbose."""
        if self.verbose:
            path = getattr(self, "path", "").split("?", 1)[0]
            log.info("%s %s %s", getattr(self, "command", "-"), path, code)

    def log_error(self, format: str, *args: Any) -> None:  # noqa: A002 - werkzeug signature
        """Errors go to the ``tmc_emulator`` logger."""
        log.warning(format, *args)

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002
        """Everything else werkzeug logs goes to the ``tmc_emulator`` logger at debug level."""
        log.debug(message, *args)

    def connection_dropped(self, error: BaseException, environ: dict | None = None) -> None:
        """Close the connection after this request; an injected reset closes it with an RST."""
        self.close_connection = True
        if environ is not None and environ.get(RESET_FLAG):
            self._reset_requested = True

    def finish(self) -> None:
        """Close the streams; for an injected reset close the socket now (SO_LINGER 0 → RST)
        instead of letting the server send a FIN first."""
        super().finish()
        if getattr(self, "_reset_requested", False):
            try:
                self.connection.close()
            except OSError:
                pass


@dataclass
class EmulatorHandle:
    """A running emulator: ``url`` (``http://127.0.0.1:PORT``), ``app``, ``stop()``."""

    url: str
    app: Flask
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def runtime(self):
        """The :class:`tmc_emulator.runtime.EmulatorRuntime` (direct access for tests)."""
        return self.app.extensions["tmc_emulator"]

    def stop(self) -> None:
        """Stop serving and close the listening socket (idempotent)."""
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join(timeout=10)
        self.server.server_close()


def check_loopback_host(host: str) -> None:
    """Refuse anything but a loopback address (``127.x.x.x``, ``::1``, ``localhost``).

    :raises ValueError: for any other host.
    """
    if host == "localhost":
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise ValueError(f"cannot resolve host {host!r}: {exc}") from exc
    if not infos or not all(is_loopback(info[4][0]) for info in infos):
        raise ValueError(f"refusing to listen on non-loopback host {host!r}: the emulator "
                         "is a local test tool (use 127.0.0.1)")


def build_server(app: Flask, host: str = "127.0.0.1", port: int = 0,
                 verbose: bool = False) -> BaseWSGIServer:
    """A threaded werkzeug server for ``app`` bound to a loopback ``host``:``port`` (0 = any free port)."""
    check_loopback_host(host)
    handler = type("EmulatorRequestHandler", (QuietRequestHandler,), {"verbose": verbose})
    return make_server(host, port, app, threaded=True, request_handler=handler)


def server_url(server: BaseWSGIServer) -> str:
    """``http://host:port`` of a bound server (IPv6 hosts in brackets)."""
    host = server.server_address[0]
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{server.server_port}"


def start_in_thread(data_path: str | None = None, host: str = "127.0.0.1", port: int = 0,
                    **config: Any) -> EmulatorHandle:
    """Start an emulator in a daemon thread.

    :param data_path: data file (``None`` → sample data).
    :param port: TCP port, 0 = pick a free one.
    :param config: see :func:`tmc_emulator.app.create_app`.
    :returns: an :class:`EmulatorHandle`; call ``.stop()`` when done.
    """
    app = create_app(data_path, **config)
    server = build_server(app, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=f"tmc-emulator-{server.server_port}", daemon=True)
    thread.start()
    return EmulatorHandle(url=server_url(server), app=app, server=server, thread=thread)
