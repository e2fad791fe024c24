"""Headless Chromium for tests of what people look at (labels, pages, reports).

The probe's flags: no sandbox (root in CI), no GPU, no network services of its own, a fresh
profile per call. Screenshots go to ``out/browser/`` in the checkout (gitignored) under
stable names, so a person can look at what the tests saw.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "out" / "browser"
needs_chromium = pytest.mark.skipif(not shutil.which(CHROMIUM),
                                    reason="headless Chromium is not installed (apt-get install -y chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]


def _run(profile: Path, *args: str) -> str:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=120, check=True).stdout


def dump_dom(url: str, profile: Path, *extra: str) -> str:
    """The DOM after load (scripts run, fonts loaded), as HTML text."""
    return _run(profile, "--virtual-time-budget=3000", *extra, "--dump-dom", url)


def screenshot(url: str, profile: Path, name: str, size: tuple[int, int], *extra: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / name
    target.unlink(missing_ok=True)
    _run(profile, "--virtual-time-budget=3000", f"--window-size={size[0]},{size[1]}", *extra,
         f"--screenshot={target}", url)
    assert target.is_file(), f"Chromium wrote no screenshot for {url}"
    return target
