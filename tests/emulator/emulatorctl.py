#!/usr/bin/env python
"""Control the local Talend Cloud (TMC) API emulator.

Usage (with the project's virtualenv python, nothing to install)::

    emulatorctl.py serve  [--host 127.0.0.1] [--port 8787] [--data FILE] [--verbose]
    emulatorctl.py start  [--host 127.0.0.1] [--port 8787] [--data FILE] [--state-dir DIR]
    emulatorctl.py stop   [--state-dir DIR]
    emulatorctl.py status [--state-dir DIR]
    emulatorctl.py demo-window [--state-dir DIR]

``serve`` runs in the foreground. ``start`` runs it in the background, waits
until it answers, writes ``DIR/emulator.pid`` and ``DIR/emulator.url`` (default
``DIR`` = ``.emulator/`` under the current directory) and prints the URL.
``stop`` is idempotent. ``status`` prints the URL and exits 0 when running,
prints ``not running`` and exits 3 otherwise. ``demo-window`` prints the start and
the end of the demo's planned window (ISO 8601 with offset, one line, a space
between), worked out from the running emulator's clock
(:mod:`tmc_emulator.demo_window`). Only loopback hosts are accepted.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

DEFAULT_PORT = 8787
DEFAULT_STATE_DIR = ".emulator"
START_TIMEOUT_S = 20.0


def _paths(state_dir: str) -> tuple[str, str, str]:
    return (os.path.join(state_dir, "emulator.pid"), os.path.join(state_dir, "emulator.url"),
            os.path.join(state_dir, "emulator.log"))


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours is not alive
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _is_emulator(pid: int) -> bool:
    """Whether ``pid`` runs this script (so ``stop`` never signals a recycled pid)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"emulatorctl" in handle.read()
    except OSError:
        return _alive(pid)


def _answers(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url + "/_emulator/health", timeout=timeout) as resp:
            return resp.status == 200 and json.load(resp).get("status") == "ok"
    except (OSError, ValueError, urllib.error.URLError):
        return False


def running(state_dir: str) -> tuple[int, str] | None:
    """``(pid, url)`` of the emulator recorded in ``state_dir`` when it is running."""
    pid_file, url_file, dummy = _paths(state_dir)
    pid_text, url = _read(pid_file), _read(url_file)
    if not pid_text or not pid_text.isdigit() or not url:
        return None
    pid = int(pid_text)
    if _alive(pid) and _is_emulator(pid):
        return pid, url
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve in the foreground until SIGINT/SIGTERM."""
    from tmc_emulator.app import create_app
    from tmc_emulator.server import build_server, server_url

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        server = build_server(create_app(args.data), args.host, args.port, verbose=args.verbose)
    except (ValueError, OSError) as exc:
        print(f"emulatorctl: cannot serve: {exc}", file=sys.stderr)
        return 2
    url = server_url(server)
    if args.url_file:
        tmp = args.url_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(url + "\n")
        os.replace(tmp, args.url_file)

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    print(f"TMC emulator listening on {url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    """Start in the background, wait until it answers, record pid and URL, print the URL."""
    from tmc_emulator.server import check_loopback_host

    try:
        check_loopback_host(args.host)
    except ValueError as exc:
        print(f"emulatorctl: {exc}", file=sys.stderr)
        return 2
    os.makedirs(args.state_dir, exist_ok=True)
    current = running(args.state_dir)
    if current:
        print(current[1])
        return 0
    pid_file, url_file, log_file = _paths(args.state_dir)
    for path in (pid_file, url_file):
        if os.path.exists(path):
            os.remove(path)
    ready_file = url_file + ".starting"
    if os.path.exists(ready_file):
        os.remove(ready_file)
    command = [sys.executable, os.path.abspath(__file__), "serve", "--host", args.host,
               "--port", str(args.port), "--url-file", ready_file]
    if args.data:
        command += ["--data", os.path.abspath(args.data)]
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True, close_fds=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        url = _read(ready_file)
        if url and _answers(url):
            with open(pid_file, "w", encoding="utf-8") as handle:
                handle.write(f"{proc.pid}\n")
            os.replace(ready_file, url_file)
            print(url)
            return 0
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    if proc.poll() is None:
        proc.terminate()
    tail = (_read(log_file) or "").splitlines()[-5:]
    print("emulatorctl: the emulator did not start:\n  " + "\n  ".join(tail), file=sys.stderr)
    return 1


def cmd_stop(args: argparse.Namespace) -> int:
    """Stop the recorded emulator (SIGTERM, then SIGKILL after 5 s); fine when none runs."""
    pid_file, url_file, dummy = _paths(args.state_dir)
    current = running(args.state_dir)
    if current:
        pid = current[0]
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        print(f"stopped emulator (pid {pid})")
    else:
        print("emulator not running")
    for path in (pid_file, url_file):
        if os.path.exists(path):
            os.remove(path)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print the URL (exit 0) or ``not running`` (exit 3)."""
    current = running(args.state_dir)
    if current and _answers(current[1]):
        print(current[1])
        return 0
    print("not running")
    return 3


def cmd_demo_window(args: argparse.Namespace) -> int:
    """Print ``START END`` of the demo window from the running emulator's clock (exit 3 when none runs)."""
    from tmc_emulator.demo_window import demo_window, iso_with_offset

    current = running(args.state_dir)
    if not current:
        print("not running", file=sys.stderr)
        return 3
    with urllib.request.urlopen(current[1] + "/_emulator/clock", timeout=5) as resp:
        now_ms = json.load(resp)["now_ms"]
    start, end = demo_window(now_ms)
    print(f"{iso_with_offset(start)} {iso_with_offset(end)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="emulatorctl", description=__doc__.split("\n\n", maxsplit=1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve in the foreground")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--data", help="data file (default: data/sample.json)")
    serve.add_argument("--verbose", action="store_true", help="log one line per request")
    serve.add_argument("--url-file", help=argparse.SUPPRESS)
    start = sub.add_parser("start", help="start in the background")
    start.add_argument("--host", default="127.0.0.1")
    start.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 = any free port")
    start.add_argument("--data", help="data file (default: data/sample.json)")
    for name in ("start", "stop", "status", "demo-window"):
        helps = {"demo-window": "print the start and end of the demo's planned window"}
        target = start if name == "start" else sub.add_parser(
            name, help=helps.get(name, f"{name} the background emulator"))
        target.add_argument("--state-dir", default=DEFAULT_STATE_DIR,
                            help="where emulator.pid / emulator.url live (default .emulator/)")
    args = parser.parse_args(argv)
    return {"serve": cmd_serve, "start": cmd_start, "stop": cmd_stop, "status": cmd_status,
            "demo-window": cmd_demo_window}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
