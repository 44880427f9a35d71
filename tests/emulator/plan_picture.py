# SPDX-License-Identifier: GPL-3.0-or-later
"""`make plan-picture`: docs/plan.png, the plan of the `make demo` window as headless Chromium shows
<window id>.plan.html (the picture in the README and docs/plan.md).

Starts the emulator in this process with the sample tenant, runs the demo's plan phase (tests/emulator/
demo_window.yml, the window `emulatorctl.py demo-window` gives) through playbooks/maintenance.yml, and takes a
screenshot of the top of the page. Run with the project's virtualenv: `.venv/bin/python tests/emulator/plan_picture.py [OUT]`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from tmc_emulator.demo_window import demo_window, iso_with_offset  # noqa: E402
from tmc_emulator.server import start_in_thread  # noqa: E402

WIDTH, HEIGHT = 1200, 640


def main(argv=None):
    out = Path((argv or sys.argv[1:] or ["docs/plan.png"])[0]).resolve()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("chromium is not installed: run `make browser`")
    handle = start_in_thread(data_path=str(HERE / "data" / "sample.json"), port=0)
    try:
        with tempfile.TemporaryDirectory(prefix="plan-picture-") as tmp:
            start, end = demo_window(handle.runtime.clock.now_ms())
            env = dict(os.environ, TALEND_API_URL=handle.url, TALEND_TOKEN="emulator-demo-pat",
                       TMC_DEMO_WINDOW_START=iso_with_offset(start), TMC_DEMO_WINDOW_END=iso_with_offset(end),
                       ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".build" / "collections"),
                       ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_LOCAL_TEMP=str(Path(tmp, "ansible")))
            subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
                            "playbooks/maintenance.yml", "-e", "@tests/emulator/demo_window.yml",
                            "-e", "maintenance_window_phase=plan", "-e", "maintenance_window_report_dir=" + tmp],
                           cwd=str(ROOT), env=env, check=True, stdout=subprocess.DEVNULL)
            page = Path(tmp, "demo-db-upgrade.plan.html").as_uri()
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            "--no-first-run", "--disable-background-networking",
                            "--window-size=%d,%d" % (WIDTH, HEIGHT), "--screenshot=%s" % out, page],
                           check=True, capture_output=True)
    finally:
        handle.stop()
    print(out)


if __name__ == "__main__":
    main()
