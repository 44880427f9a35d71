# SPDX-License-Identifier: GPL-3.0-or-later
"""The plan page opened in a real browser: headless Chromium renders it offline, the screenshot is not blank and
the rendered page holds every skipped run. Chromium is installed by `make browser` (part of `make e2e`)."""

from __future__ import annotations

import shutil
import subprocess

from PIL import Image
from test_plan import WINDOW_ID, run_plan, table

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-background-networking", "--window-size=1200,900"]


def chromium(*args, timeout=120):
    assert CHROMIUM, "chromium is not installed: run `make browser` (apt-get install chromium)"
    return subprocess.run([CHROMIUM] + FLAGS + list(args), capture_output=True, text=True, timeout=timeout, check=True)


def test_plan_page_renders_in_chromium_with_every_skipped_run(emulator, ansible_env, tmp_path):
    start, end, out, markdown = run_plan(emulator, ansible_env, tmp_path)
    del start, end, out
    page = (tmp_path / (WINDOW_ID + ".plan.html")).as_uri()
    shot = tmp_path / "plan.png"
    chromium("--screenshot=%s" % shot, page)
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert image.size == (1200, 900)
    assert len(colours) > 20  # text, the window band, marks and bars: far from a blank page
    assert max(count for count, colour in colours) < 0.95 * 1200 * 900
    assert any(colour[0] > 200 and colour[1] < 80 and colour[2] < 80 for count, colour in colours)  # red marks

    dom = chromium("--dump-dom", page).stdout
    skipped = table(markdown, "Scheduled runs the window will skip")
    assert len(skipped) > 50
    for at, kind, name, executable_id, trigger in skipped:
        assert "<td>%s</td><td>%s</td>" % (at, kind) in dom
        assert "skipped run at %s" % at in dom
    assert "<script" not in dom
