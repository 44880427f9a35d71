"""Prism's validating proxy (``prism proxy --errors``) in front of the emulator.

Every request and answer that crosses the proxy is checked against the vendor
OpenAPI subset. With ``--errors`` an off-spec request is answered 422 by Prism
itself (not forwarded) and an off-spec answer is replaced by a 500; both are
``application/problem+json`` with the violations in ``validation`` and in the
``sl-violations`` header. Lesser findings (an undeclared status code) pass
through with a ``sl-violations`` header. Every finding is also written to
Prism's log, which :meth:`PrismProxy.violations` reads.

Prism is the npm package ``@stoplight/prism-cli`` pinned in ``tests/package.json``;
``make node-deps`` (``npm ci --prefix tests``) installs it. The log is kept at
Prism's ``info`` level: ``debug`` would print request headers, tokens included.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRISM_BIN = ROOT / "tests" / "node_modules" / ".bin" / "prism"
INSTALL_HINT = "run `make node-deps` (npm ci --prefix tests) to install Prism 5.14.2 from tests/package-lock.json"
E2E_ENV_VAR = "TMC_E2E_VIA_PRISM"
LOG_DIR_ENV_VAR = "TMC_PRISM_LOG_DIR"  # where the e2e run keeps Prism's log (default: a new temporary folder)

_REQUEST = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) .*Request received")
_TERMINATED = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) .*Request terminated with error: (.*)$")
_VIOLATION = re.compile(r"Violation: (.*)$")


class PrismError(RuntimeError):
    """Prism is not installed, did not start, or stopped."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (int)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prism_executable() -> Path:
    """The installed ``prism`` command.

    :raises PrismError: not installed, with what to run.
    """
    if not PRISM_BIN.exists():
        raise PrismError(f"Prism is not installed at {PRISM_BIN}: {INSTALL_HINT}")
    if shutil.which("node") is None:
        raise PrismError("Prism needs Node.js (node) on PATH")
    return PRISM_BIN


class PrismProxy:
    """One ``prism proxy --errors`` process on a loopback port.

    :param spec: path of the OpenAPI document (``tmc-subset.json``).
    :param port: port to listen on (``None`` = a free one, chosen now so that
        :attr:`url` is known before :meth:`start`, e.g. to configure the emulator's audience).
    :param log_dir: folder of Prism's log (``None`` = a new temporary folder).
    """

    def __init__(self, spec: Path | str, port: int | None = None, log_dir: Path | str | None = None) -> None:
        self.spec = Path(spec)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir or tempfile.mkdtemp(prefix="prism-")) / "prism.log"
        self.upstream: str | None = None
        self._process: subprocess.Popen | None = None

    def start(self, upstream: str, timeout: float = 90.0) -> "PrismProxy":
        """Start Prism in front of ``upstream`` (``http://127.0.0.1:PORT``) and wait until it listens.

        :param timeout: seconds to wait for "Prism is listening" (Node start-up and spec
            parsing take a few seconds on the 2-core machines).
        :raises PrismError: not installed, exited, or not listening in time (with its log).
        """
        command = [str(prism_executable()), "proxy", "--errors", "-h", "127.0.0.1", "-p", str(self.port),
                   str(self.spec), upstream]
        self.upstream = upstream
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, NO_COLOR="1", FORCE_COLOR="0")
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, env=env, cwd=str(ROOT))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise PrismError(f"Prism exited with {self._process.returncode}:\n{self.log_text()[-3000:]}")
            if "Prism is listening" in self.log_text():
                return self
            time.sleep(0.2)
        self.stop()
        raise PrismError(f"Prism did not listen on {self.url} within {timeout:.0f} s:\n{self.log_text()[-3000:]}")

    def stop(self) -> None:
        """Stop the Prism process this object started (idempotent)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def log_text(self) -> str:
        """Prism's whole log so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def settle(self, quiet_s: float = 0.1, timeout: float = 5.0) -> None:
        """Wait until the log has not grown for ``quiet_s`` seconds (at most ``timeout``).

        Prism logs a refused answer ("Request terminated with error") just after sending
        it, so a client can see the answer before the log line exists.
        """
        deadline = time.monotonic() + timeout
        size = -1
        while time.monotonic() < deadline:
            current = self.log_path.stat().st_size if self.log_path.exists() else 0
            if current == size:
                return
            size = current
            time.sleep(quiet_s)

    def mark(self) -> int:
        """A position in the log: pass it to :meth:`violations` to see only what came after."""
        return len(self.log_text())

    def violations(self, since: int = 0) -> list[str]:
        """Every request or answer Prism found off the spec since ``since`` (see :meth:`mark`).

        :returns: lines ``"METHOD /path: finding"``, e.g. ``"GET /x: Violation: response
            Unable to match the returned status code ..."`` or ``"POST /y: ...#VIOLATIONS:
            Request/Response not valid"`` (the details of those are in the answer's
            ``sl-violations`` header).
        """
        found = []
        current = "?"
        for line in self.log_text()[since:].splitlines():
            request = _REQUEST.search(line)
            if request:
                current = f"{request.group(1).upper()} {request.group(2)}"
                continue
            terminated = _TERMINATED.search(line)
            if terminated:
                found.append(f"{terminated.group(1).upper()} {terminated.group(2)}: {terminated.group(3)}")
                continue
            violation = _VIOLATION.search(line)
            if violation:
                found.append(f"{current}: Violation: {violation.group(1)}")
        return found

    def requests_seen(self, since: int = 0) -> list[str]:
        """``"METHOD /path"`` of every request Prism received since ``since``, in order."""
        return [f"{m.group(1).upper()} {m.group(2)}" for m in map(_REQUEST.search, self.log_text()[since:].splitlines())
                if m]

    def assert_no_violations(self, since: int = 0) -> None:
        """Wait for the log to settle, then check it.

        :raises AssertionError: listing what Prism reported since ``since``.
        """
        self.settle()
        found = self.violations(since)
        if found:
            raise AssertionError("Prism found requests or answers off the vendor spec "
                                 f"({self.spec.name}):\n  " + "\n  ".join(found)
                                 + f"\n(Prism's log: {self.log_path})")


def e2e_prism(spec: Path | None) -> PrismProxy | None:
    """The Prism proxy for end-to-end tests when ``TMC_E2E_VIA_PRISM=1``, else ``None``.

    Its log goes to ``$TMC_PRISM_LOG_DIR/prism.log`` when that is set.

    Not started yet: its :attr:`~PrismProxy.url` is fixed so that the emulator can be
    started with ``audience=[proxy.url]`` (Prism forwards with the upstream's ``Host``,
    so the token audience a client sends is the proxy URL).

    :param spec: the vendor spec path (``vendor_spec.spec_path()``).
    :raises PrismError: asked for, but the spec is missing.
    """
    if os.environ.get(E2E_ENV_VAR, "") != "1":
        return None
    if spec is None:
        raise PrismError(f"{E2E_ENV_VAR}=1 but the vendor spec is missing")
    return PrismProxy(spec, log_dir=os.environ.get(LOG_DIR_ENV_VAR) or None)


def start_emulator_for_e2e(start_in_thread, proxy: PrismProxy | None, **kwargs):
    """Start the emulator; with ``proxy`` (see :func:`e2e_prism`), start Prism in front of it.

    The emulator then accepts both the proxy URL and its own URL as token audience.

    :param start_in_thread: ``tmc_emulator.server.start_in_thread``.
    :param kwargs: more arguments of ``start_in_thread`` (``data_path``, config keys).
    :returns: the emulator handle.
    """
    if proxy is None:
        return start_in_thread(**kwargs)
    port = free_port()
    handle = start_in_thread(port=port, audience=[proxy.url, f"http://127.0.0.1:{port}"], **kwargs)
    try:
        proxy.start(handle.url)
    except PrismError:
        handle.stop()
        raise
    return handle
